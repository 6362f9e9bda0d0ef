import { Injectable, type OnModuleInit } from '@nestjs/common';
import { TOPICS } from '@helpdesk/contracts';
import { ServiceInfrastructure } from '@helpdesk/platform';
import { CancelSurveyUseCase } from '../application/cancel-survey.usecase';
import { NotifyFollowUpResolvedUseCase } from '../application/notify-follow-up-resolved.usecase';
import { RecordTicketContextUseCase } from '../application/record-ticket-context.usecase';
import { ScheduleSurveyUseCase } from '../application/schedule-survey.usecase';

/** Triage's ticket lifecycle drives surveys and the second half of the closed loop. */
@Injectable()
export class TicketLifecycleConsumer implements OnModuleInit {
  constructor(
    private readonly infra: ServiceInfrastructure,
    private readonly recordContext: RecordTicketContextUseCase,
    private readonly scheduleSurvey: ScheduleSurveyUseCase,
    private readonly cancelSurvey: CancelSurveyUseCase,
    private readonly notifyFollowUpResolved: NotifyFollowUpResolvedUseCase,
  ) {}

  onModuleInit(): void {
    this.infra.addConsumer({
      name: 'feedback.ticket-lifecycle',
      background: true,
      topics: [TOPICS.triageTickets],
      handlers: {
        'ticket.created': (event, { manager }) => this.recordContext.execute(manager, event),
        'ticket.resolved': async (event, { manager }) => {
          await this.notifyFollowUpResolved.execute(manager, event);
          await this.scheduleSurvey.execute(manager, event);
        },
        'ticket.reopened': (event, { manager }) => this.cancelSurvey.execute(manager, event),
      },
    });
  }
}

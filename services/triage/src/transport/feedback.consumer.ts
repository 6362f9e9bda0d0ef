import { Injectable, type OnModuleInit } from '@nestjs/common';
import { TOPICS } from '@helpdesk/contracts';
import { ServiceInfrastructure } from '@helpdesk/platform';
import { OpenFollowUpUseCase } from '../application/open-follow-up.usecase';

/** feedback asks for a person to follow up a bad experience: a linked ticket in the complaints queue. */
@Injectable()
export class FeedbackConsumer implements OnModuleInit {
  constructor(
    private readonly infra: ServiceInfrastructure,
    private readonly followUps: OpenFollowUpUseCase,
  ) {}

  onModuleInit(): void {
    this.infra.addConsumer({
      name: 'triage.follow-ups',
      topics: [TOPICS.feedbackResponses],
      handlers: {
        'follow-up.requested': (event, { manager }) => this.followUps.execute(manager, event),
      },
    });
  }
}

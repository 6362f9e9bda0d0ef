import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { EventEnvelope, PayloadOf } from '@helpdesk/contracts';
import { decideSurveySchedule } from '../domain';
import { Clock } from '../infrastructure/clock';
import { SurveySettingsRepository } from '../infrastructure/survey-settings.repository';
import { SurveyRepository } from '../infrastructure/survey.repository';
import { TicketContextRepository } from '../infrastructure/ticket-context.repository';
import { SendSurveyUseCase } from './send-survey.usecase';

/**
 * A resolved ticket gets one survey, after the tenant's delay, unless the customer opted out.
 * A survey due at once goes out in the same transaction; later ones are sent by the poller.
 */
@Injectable()
export class ScheduleSurveyUseCase {
  private readonly logger = new Logger(ScheduleSurveyUseCase.name);

  constructor(
    private readonly contexts: TicketContextRepository,
    private readonly surveys: SurveyRepository,
    private readonly settings: SurveySettingsRepository,
    private readonly sendSurvey: SendSurveyUseCase,
    private readonly clock: Clock,
  ) {}

  async execute(
    manager: EntityManager,
    event: EventEnvelope<'ticket.resolved', PayloadOf<'ticket.resolved'>>,
  ): Promise<void> {
    const { tenantId, payload } = event;
    const context = await this.contexts.find(manager, tenantId, payload.ticketId);
    if (context === null) {
      // ticket.created precedes it on the same partition, so this is a ticket from before this service kept contexts.
      this.logger.warn(`no context for resolved ticket ${payload.ticketId} of ${tenantId}: no survey`);
      return;
    }
    const now = this.clock.now();
    const decision = decideSurveySchedule({
      resolvedAt: new Date(payload.at),
      now,
      settings: await this.settings.get(tenantId, manager),
      optedOut: await this.settings.isOptedOut(manager, tenantId, context.customerId),
      followUpTicket: context.followUpId !== null,
    });
    const survey = await this.surveys.schedule(manager, {
      id: randomUUID(),
      tenantId,
      ticketId: context.ticketId,
      customerId: context.customerId,
      conversationId: context.conversationId,
      channel: context.channel,
      language: context.language,
      dueAt: decision.kind === 'schedule' ? decision.dueAt : now,
      status: decision.kind === 'schedule' ? 'scheduled' : 'suppressed',
      suppressedReason: decision.kind === 'suppress' ? decision.reason : null,
    });
    if (survey?.status === 'scheduled' && survey.dueAt.getTime() <= now.getTime()) {
      await this.sendSurvey.execute(manager, survey, now);
    }
  }
}

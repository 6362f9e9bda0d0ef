import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { EventEnvelope, PayloadOf } from '@helpdesk/contracts';
import { SurveyRepository } from '../infrastructure/survey.repository';

/** A reopened ticket is not done: a survey still waiting is called off until it is resolved again. */
@Injectable()
export class CancelSurveyUseCase {
  constructor(private readonly surveys: SurveyRepository) {}

  async execute(
    manager: EntityManager,
    event: EventEnvelope<'ticket.reopened', PayloadOf<'ticket.reopened'>>,
  ): Promise<void> {
    await this.surveys.cancelScheduled(manager, event.tenantId, event.payload.ticketId);
  }
}

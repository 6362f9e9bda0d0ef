import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { PayloadOf } from '@helpdesk/contracts';
import { SelfServiceRepository } from '../infrastructure/self-service.repository';

/**
 * Follows an automatically answered ticket to its outcome. Deflected: triage sent the answer and the
 * ticket was resolved with no person involved. Escalated: the customer wrote again, the ticket was
 * resumed or reopened, an agent replied, or it was resolved without the answer having been sent.
 * A reopened or re-contacted ticket stops counting as deflected.
 */
@Injectable()
export class TrackAutoAnswerOutcomeUseCase {
  constructor(private readonly selfService: SelfServiceRepository) {}

  async replied(manager: EntityManager, tenantId: string, p: PayloadOf<'ticket.replied'>): Promise<void> {
    if (p.internal) return;
    if (p.automated === true) {
      await this.selfService.markSent(manager, tenantId, p.ticketId, new Date(p.at));
      return;
    }
    await this.selfService.settle(manager, tenantId, p.ticketId, ['awaiting'], 'escalated', 'an agent replied', new Date(p.at));
  }

  async customerWrote(manager: EntityManager, tenantId: string, p: PayloadOf<'ticket.message-added'>): Promise<void> {
    await this.selfService.settle(manager, tenantId, p.ticketId, ['awaiting', 'deflected'], 'escalated', 'the customer wrote again', new Date(p.at));
  }

  async reopened(manager: EntityManager, tenantId: string, p: PayloadOf<'ticket.reopened'>): Promise<void> {
    await this.selfService.settle(manager, tenantId, p.ticketId, ['awaiting', 'deflected'], 'escalated', `reopened: ${p.reason}`, new Date(p.at));
  }

  async resumed(manager: EntityManager, tenantId: string, p: PayloadOf<'ticket.resumed'>): Promise<void> {
    await this.selfService.settle(manager, tenantId, p.ticketId, ['awaiting'], 'escalated', `resumed: ${p.reason}`, new Date(p.at));
  }

  async resolved(manager: EntityManager, tenantId: string, p: PayloadOf<'ticket.resolved'>): Promise<void> {
    const answer = await this.selfService.autoAnswer(tenantId, p.ticketId, manager);
    if (answer?.outcome !== 'awaiting') return;
    if (answer.answerSentAt) {
      await this.selfService.settle(manager, tenantId, p.ticketId, ['awaiting'], 'deflected', 'resolved without a person', new Date(p.at));
    } else {
      await this.selfService.settle(manager, tenantId, p.ticketId, ['awaiting'], 'escalated', 'resolved without the automatic answer being sent', new Date(p.at));
    }
  }
}

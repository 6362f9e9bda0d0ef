import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { EventEnvelope, PayloadOf } from '@helpdesk/contracts';
import type { FollowUp } from '../infrastructure/follow-up.repository';
import { FollowUpRepository } from '../infrastructure/follow-up.repository';
import { TicketContextRepository } from '../infrastructure/ticket-context.repository';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/iu;

/**
 * Keeps what a survey or a notice needs of each ticket, and recognises the tickets triage opens
 * for feedback's follow-up requests: by the `followUpId` of ticket.created (`null`: none), and for
 * events without the field by causation (triage creates the follow-up ticket while handling
 * follow-up.requested, so its ticket.created names that event as its cause).
 */
@Injectable()
export class RecordTicketContextUseCase {
  constructor(
    private readonly contexts: TicketContextRepository,
    private readonly followUps: FollowUpRepository,
  ) {}

  async execute(
    manager: EntityManager,
    event: EventEnvelope<'ticket.created', PayloadOf<'ticket.created'>>,
  ): Promise<void> {
    const { tenantId, payload } = event;
    const followUp = await this.followUpOf(manager, event);
    const createdAt = new Date(payload.createdAt);
    const context = {
      tenantId,
      ticketId: payload.ticketId,
      customerId: payload.customerId,
      conversationId: payload.conversationId,
      channel: payload.channel,
      language: payload.language,
      followUpId: followUp?.id ?? null,
      createdAt,
    };
    // Most tickets answer no follow-up: their context waits for the chunk's one insert.
    if (followUp === null) return this.contexts.record(manager, context);
    if (await this.contexts.insert(manager, context))
      await this.followUps.linkTicket(manager, tenantId, followUp.id, payload.ticketId, createdAt);
  }

  private async followUpOf(
    manager: EntityManager,
    event: EventEnvelope<'ticket.created', PayloadOf<'ticket.created'>>,
  ): Promise<FollowUp | null> {
    // Not (yet) in the contract: read defensively from the wire payload.
    const wire: object = event.payload;
    const declared = 'followUpId' in wire ? wire.followUpId : undefined;
    // Triage says `null` outright on a ticket it did not open for a follow-up request.
    if (declared === null) return null;
    if (typeof declared === 'string' && UUID.test(declared)) {
      const byId = await this.followUps.find(manager, event.tenantId, declared);
      if (byId !== null) return byId;
    }
    if (event.causationId === null || !UUID.test(event.causationId)) return null;
    return this.followUps.findByRequestEvent(manager, event.tenantId, event.causationId);
  }
}

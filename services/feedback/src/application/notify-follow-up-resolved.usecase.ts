import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { CHANNELS, type Channel, type EventEnvelope, type PayloadOf } from '@helpdesk/contracts';
import { EventPublisher } from '@helpdesk/messaging';
import { composeFollowUpResolvedNotice } from '../domain';
import { Clock } from '../infrastructure/clock';
import { FollowUpRepository } from '../infrastructure/follow-up.repository';
import { TicketContextRepository } from '../infrastructure/ticket-context.repository';

/**
 * Closes the loop's second half: when the follow-up ticket of a complaint or bad rating is
 * resolved, the customer is told over the follow-up's conversation (else the original one), once.
 */
@Injectable()
export class NotifyFollowUpResolvedUseCase {
  constructor(
    private readonly followUps: FollowUpRepository,
    private readonly contexts: TicketContextRepository,
    private readonly publisher: EventPublisher,
    private readonly clock: Clock,
  ) {}

  /** True when the resolved ticket was a follow-up. */
  async execute(
    manager: EntityManager,
    event: EventEnvelope<'ticket.resolved', PayloadOf<'ticket.resolved'>>,
  ): Promise<boolean> {
    const { tenantId, payload } = event;
    const followUp = await this.followUps.lockByFollowUpTicket(manager, tenantId, payload.ticketId);
    if (followUp === null) return false;
    if (followUp.status === 'customer-notified') return true;
    const followUpTicket = await this.contexts.find(manager, tenantId, payload.ticketId);
    const reach =
      followUpTicket ??
      (followUp.conversationId !== null && followUp.customerId !== null && followUp.channel !== null
        ? {
            conversationId: followUp.conversationId,
            customerId: followUp.customerId,
            channel: followUp.channel,
            language: followUp.language ?? 'zh',
          }
        : null);
    const now = this.clock.now();
    const channel = CHANNELS.find((candidate): candidate is Channel => candidate === reach?.channel);
    if (reach === null || channel === undefined) {
      // Nowhere to tell the customer (a complaint filed without ticket or conversation): the resolution is still recorded.
      await this.followUps.markResolved(manager, tenantId, followUp.id, new Date(payload.at));
      return true;
    }
    const notice = composeFollowUpResolvedNotice({ channel, language: reach.language });
    await this.publisher.publish(manager, {
      type: 'reply.requested',
      tenantId,
      aggregateId: reach.conversationId,
      occurredAt: now,
      payload: {
        // The follow-up id doubles as the reply id: one notice per follow-up.
        replyId: followUp.id,
        ticketId: payload.ticketId,
        conversationId: reach.conversationId,
        customerId: reach.customerId,
        channel,
        body: notice.body,
        subject: notice.subject,
        agentId: null,
        kind: 'notification',
      },
    });
    await this.followUps.markNotified(manager, tenantId, followUp.id, new Date(payload.at), now);
    return true;
  }
}

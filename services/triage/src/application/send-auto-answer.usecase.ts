import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { EventEnvelope, PayloadOf } from '@helpdesk/contracts';
import { EventPublisher, PermanentEventError } from '@helpdesk/messaging';
import { canTakeAction } from '../domain/ticket-actions';
import { ticketElapsed } from '../domain/ticket-metrics';
import { TicketRepository } from '../infrastructure/ticket.repository';
import { SetTicketPendingUseCase } from './set-ticket-pending.usecase';
import { TicketRouter } from './ticket-router.service';
import { TicketSlaService } from './ticket-sla.service';
import { autoAnswerReply } from '../domain/auto-answer-reply';

type AutoAnswerProposed = EventEnvelope<'auto-answer.proposed', PayloadOf<'auto-answer.proposed'>>;

export const AUTO_ANSWER_AUTHOR = 'auto-answer';

/**
 * knowledge is confident an article answers the question: the answer goes to the customer, the ticket
 * waits on the customer (pending, clocks paused) and its agent's capacity is freed. If the customer
 * writes again, intake resumes the ticket and routes it to a person.
 */
@Injectable()
export class SendAutoAnswerUseCase {
  constructor(
    private readonly tickets: TicketRepository,
    private readonly publisher: EventPublisher,
    private readonly pending: SetTicketPendingUseCase,
    private readonly router: TicketRouter,
    private readonly sla: TicketSlaService,
  ) {}

  async execute(manager: EntityManager, event: AutoAnswerProposed): Promise<void> {
    const { tenantId } = event;
    const p = event.payload;
    const ticket = await this.tickets.find(tenantId, p.ticketId, manager, true);
    if (!ticket) throw new PermanentEventError(`auto-answer for unknown ticket ${p.ticketId}`);
    const at = new Date();
    const skip = !canTakeAction(ticket.status, 'auto-answer')
      ? `ticket is ${ticket.status}`
      : (await this.tickets.hasAgentReply(manager, tenantId, ticket.id))
        ? 'an agent already answered'
        : null;
    if (skip) {
      await this.tickets.record(
        manager,
        tenantId,
        ticket.id,
        'auto-answer.skipped',
        { articleId: p.articleId, confidence: p.confidence, reason: skip },
        'knowledge',
        at,
      );
      return;
    }
    const replyId = randomUUID();
    const body = autoAnswerReply(p.answer, ticket.language);
    await this.tickets.addMessage(manager, tenantId, ticket.id, {
      messageId: replyId,
      direction: 'outbound',
      channel: ticket.channel,
      author: AUTO_ANSWER_AUTHOR,
      subject: p.title,
      body,
      internal: false,
      at: at.toISOString(),
    });
    await this.publisher.publish(manager, {
      type: 'reply.requested',
      tenantId,
      aggregateId: ticket.conversationId,
      payload: {
        replyId,
        ticketId: ticket.id,
        conversationId: ticket.conversationId,
        customerId: ticket.customerId,
        channel: ticket.channel,
        body,
        subject: p.title,
        agentId: null,
        kind: 'auto-answer',
      },
    });
    const context = await this.sla.context(manager, ticket);
    const elapsed = ticketElapsed(
      new Date(ticket.createdAt),
      at,
      context.calendar,
      ticket.sla,
      'firstResponse',
    );
    await this.tickets.record(
      manager,
      tenantId,
      ticket.id,
      'ticket.auto-answered',
      { replyId, articleId: p.articleId, title: p.title, confidence: p.confidence },
      'knowledge',
      at,
    );
    await this.publisher.publish(manager, {
      type: 'ticket.replied',
      tenantId,
      aggregateId: ticket.id,
      payload: {
        ticketId: ticket.id,
        replyId,
        agentId: null,
        internal: false,
        firstResponse: false,
        automated: true,
        at: at.toISOString(),
        wallMinutesSinceCreated: elapsed.wallMinutesSinceCreated,
        businessMinutesSinceCreated: elapsed.businessMinutesSinceCreated,
      },
    });
    // Pending first, so the capacity freed below cannot pull this very ticket back from the waiting queue.
    const waiting = await this.pending.setPending(
      manager,
      ticket,
      'knowledge',
      at,
      `answered automatically with article ${p.articleId}; waiting on the customer`,
      {
        autoAnsweredAt: at.toISOString(),
      },
    );
    if (waiting.assigneeId !== null)
      await this.router.unassign(
        manager,
        waiting,
        'answered automatically: a person takes over if the customer writes again',
        at,
        'knowledge',
      );
  }
}

import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { EventPublisher } from '@helpdesk/messaging';
import { recordFirstResponse } from '../domain/sla';
import { assertTicketAction } from '../domain/ticket-actions';
import { ticketElapsed } from '../domain/ticket-metrics';
import type { Ticket } from '../domain/ticket';
import { Clock } from '../infrastructure/clock';
import { TicketRepository } from '../infrastructure/ticket.repository';
import { lockTicket } from './ticket-lookup';
import { TicketSlaService } from './ticket-sla.service';

export interface ReplyToTicketCommand {
  tenantId: string;
  ticketId: string;
  body: string;
  agentId: string;
  internal: boolean;
}

export interface ReplyResult {
  replyId: string;
  ticket: Ticket;
  firstResponse: boolean;
}

/**
 * An agent's reply: a public one goes to the customer over the conversation's channel (ingestion delivers
 * `reply.requested`) and the first one stops the first-response clock; an internal note stays on the ticket.
 */
@Injectable()
export class ReplyToTicketUseCase {
  constructor(
    private readonly tickets: TicketRepository,
    private readonly publisher: EventPublisher,
    private readonly sla: TicketSlaService,
    private readonly clock: Clock,
  ) {}

  async execute(manager: EntityManager, cmd: ReplyToTicketCommand): Promise<ReplyResult> {
    let ticket = await lockTicket(this.tickets, manager, cmd.tenantId, cmd.ticketId);
    assertTicketAction(ticket.status, cmd.internal ? 'note' : 'reply');
    const at = this.clock.now();
    const replyId = randomUUID();
    await this.tickets.addMessage(manager, cmd.tenantId, ticket.id, {
      messageId: replyId,
      direction: 'outbound',
      channel: ticket.channel,
      author: cmd.agentId,
      subject: null,
      body: cmd.body,
      internal: cmd.internal,
      at: at.toISOString(),
    });
    const firstResponse =
      !cmd.internal && ticket.sla !== null && ticket.sla.firstResponse.status !== 'stopped';
    if (firstResponse)
      ticket = await this.sla.apply(
        manager,
        ticket,
        (state, ctx) => recordFirstResponse(state, at, ctx.calendar),
        at,
        cmd.agentId,
      );
    if (!cmd.internal) {
      await this.publisher.publish(manager, {
        type: 'reply.requested',
        tenantId: cmd.tenantId,
        aggregateId: ticket.conversationId,
        payload: {
          replyId,
          ticketId: ticket.id,
          conversationId: ticket.conversationId,
          customerId: ticket.customerId,
          channel: ticket.channel,
          body: cmd.body,
          subject: ticket.subject ? `Re: ${ticket.subject}`.slice(0, 1000) : null,
          agentId: cmd.agentId,
          kind: 'agent',
        },
      });
    }
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
      cmd.tenantId,
      ticket.id,
      cmd.internal ? 'note.added' : 'ticket.replied',
      {
        replyId,
        agentId: cmd.agentId,
        firstResponse,
        ...(cmd.internal
          ? {}
          : {
              wallMinutesSinceCreated: elapsed.wallMinutesSinceCreated,
              businessMinutesSinceCreated: elapsed.businessMinutesSinceCreated,
            }),
      },
      cmd.agentId,
      at,
    );
    await this.publisher.publish(manager, {
      type: 'ticket.replied',
      tenantId: cmd.tenantId,
      aggregateId: ticket.id,
      payload: {
        ticketId: ticket.id,
        replyId,
        agentId: cmd.agentId,
        internal: cmd.internal,
        firstResponse,
        at: at.toISOString(),
        wallMinutesSinceCreated: elapsed.wallMinutesSinceCreated,
        businessMinutesSinceCreated: elapsed.businessMinutesSinceCreated,
      },
    });
    return { replyId, ticket, firstResponse };
  }
}

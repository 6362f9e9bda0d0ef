import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { EventPublisher } from '@helpdesk/messaging';
import { assertTicketAction } from '../domain/ticket-actions';
import type { Ticket } from '../domain/ticket';
import { Clock } from '../infrastructure/clock';
import { TicketRepository } from '../infrastructure/ticket.repository';
import { lockTicket } from './ticket-lookup';

export interface CloseTicketCommand {
  tenantId: string;
  ticketId: string;
  actor: string | null;
}

/** Closes a resolved ticket for good (by a person, or after the reopen window): later messages open a new ticket. */
@Injectable()
export class CloseTicketUseCase {
  constructor(
    private readonly tickets: TicketRepository,
    private readonly publisher: EventPublisher,
    private readonly clock: Clock,
  ) {}

  async execute(manager: EntityManager, cmd: CloseTicketCommand): Promise<Ticket> {
    const ticket = await lockTicket(this.tickets, manager, cmd.tenantId, cmd.ticketId);
    return this.close(
      manager,
      ticket,
      cmd.actor,
      this.clock.now(),
      cmd.actor ? `closed by ${cmd.actor}` : 'closed',
    );
  }

  async close(
    manager: EntityManager,
    locked: Ticket,
    actor: string | null,
    at: Date,
    reason: string,
  ): Promise<Ticket> {
    assertTicketAction(locked.status, 'close');
    const ticket = await this.tickets.update(manager, locked, {
      status: 'closed',
      closedAt: at.toISOString(),
      nextSlaEventAt: null,
    });
    await this.tickets.record(manager, ticket.tenantId, ticket.id, 'ticket.closed', { reason }, actor, at);
    await this.publisher.publish(manager, {
      type: 'ticket.closed',
      tenantId: ticket.tenantId,
      aggregateId: ticket.id,
      payload: { ticketId: ticket.id, at: at.toISOString(), reason },
    });
    return ticket;
  }
}

import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { EventPublisher } from '@helpdesk/messaging';
import { pauseTicketSla } from '../domain/sla';
import { assertTicketAction } from '../domain/ticket-actions';
import type { Ticket } from '../domain/ticket';
import { Clock } from '../infrastructure/clock';
import { TicketRepository } from '../infrastructure/ticket.repository';
import { lockTicket } from './ticket-lookup';
import { TicketSlaService } from './ticket-sla.service';

export interface SetTicketPendingCommand {
  tenantId: string;
  ticketId: string;
  actor: string | null;
}

/** Waiting on the customer: both SLA clocks pause until the customer answers or an agent resumes it. */
@Injectable()
export class SetTicketPendingUseCase {
  constructor(
    private readonly tickets: TicketRepository,
    private readonly publisher: EventPublisher,
    private readonly sla: TicketSlaService,
    private readonly clock: Clock,
  ) {}

  async execute(manager: EntityManager, cmd: SetTicketPendingCommand): Promise<Ticket> {
    const ticket = await lockTicket(this.tickets, manager, cmd.tenantId, cmd.ticketId);
    return this.setPending(manager, ticket, cmd.actor, this.clock.now(), 'waiting on the customer');
  }

  async setPending(
    manager: EntityManager,
    locked: Ticket,
    actor: string | null,
    at: Date,
    reason: string,
    extra: { autoAnsweredAt?: string } = {},
  ): Promise<Ticket> {
    assertTicketAction(locked.status, 'pending');
    let ticket = await this.sla.apply(manager, locked, (state) => pauseTicketSla(state, at), at, actor);
    ticket = await this.tickets.update(manager, ticket, { status: 'pending', waitingSince: null, ...extra });
    await this.tickets.record(manager, ticket.tenantId, ticket.id, 'ticket.pending', { reason }, actor, at);
    await this.publisher.publish(manager, {
      type: 'ticket.pending',
      tenantId: ticket.tenantId,
      aggregateId: ticket.id,
      payload: { ticketId: ticket.id, at: at.toISOString() },
    });
    return ticket;
  }
}

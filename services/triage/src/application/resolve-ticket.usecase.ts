import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { EventPublisher } from '@helpdesk/messaging';
import { resolveTicketSla } from '../domain/sla';
import { assertTicketAction } from '../domain/ticket-actions';
import { ticketElapsed } from '../domain/ticket-metrics';
import type { Ticket } from '../domain/ticket';
import { Clock } from '../infrastructure/clock';
import { TicketRepository } from '../infrastructure/ticket.repository';
import { lockTicket } from './ticket-lookup';
import { TicketRouter } from './ticket-router.service';
import { TicketSlaService } from './ticket-sla.service';

export interface ResolveTicketCommand {
  tenantId: string;
  ticketId: string;
  resolutionCode: string | null;
  actor: string | null;
}

/** Resolves a ticket: both clocks stop, the agent's capacity goes to the next waiting ticket at once. */
@Injectable()
export class ResolveTicketUseCase {
  constructor(
    private readonly tickets: TicketRepository,
    private readonly publisher: EventPublisher,
    private readonly sla: TicketSlaService,
    private readonly router: TicketRouter,
    private readonly clock: Clock,
  ) {}

  async execute(manager: EntityManager, cmd: ResolveTicketCommand): Promise<Ticket> {
    const locked = await lockTicket(this.tickets, manager, cmd.tenantId, cmd.ticketId);
    return this.resolve(manager, locked, cmd.resolutionCode, cmd.actor, this.clock.now());
  }

  /** Resolves a ticket already locked in this transaction. */
  async resolve(
    manager: EntityManager,
    locked: Ticket,
    resolutionCode: string | null,
    actor: string | null,
    at: Date,
  ): Promise<Ticket> {
    assertTicketAction(locked.status, 'resolve');
    let ticket = await this.sla.apply(
      manager,
      locked,
      (state, ctx) => resolveTicketSla(state, at, ctx.calendar),
      at,
      actor,
    );
    ticket = await this.tickets.update(manager, ticket, {
      status: 'resolved',
      resolvedAt: at.toISOString(),
      resolutionCode,
      waitingSince: null,
      autoAnsweredAt: null,
    });
    // The resolving agent stays on record; only their capacity is freed.
    if (ticket.assigneeId !== null) await this.router.freeAgent(manager, ticket.tenantId, ticket.assigneeId);
    const context = await this.sla.context(manager, ticket);
    const elapsed = ticketElapsed(new Date(ticket.createdAt), at, context.calendar, ticket.sla, 'resolution');
    await this.tickets.record(
      manager,
      ticket.tenantId,
      ticket.id,
      'ticket.resolved',
      { resolutionCode, ...elapsed },
      actor,
      at,
    );
    await this.publisher.publish(manager, {
      type: 'ticket.resolved',
      tenantId: ticket.tenantId,
      aggregateId: ticket.id,
      payload: { ticketId: ticket.id, at: at.toISOString(), resolutionCode, ...elapsed },
    });
    if (ticket.assigneeId !== null)
      await this.router.fillAgent(manager, ticket.tenantId, ticket.assigneeId, at);
    return ticket;
  }
}

import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { EventPublisher } from '@helpdesk/messaging';
import { reopenTicketSla, resumeTicketSla } from '../domain/sla';
import { assertTicketAction } from '../domain/ticket-actions';
import type { Ticket } from '../domain/ticket';
import { Clock } from '../infrastructure/clock';
import { TicketRepository } from '../infrastructure/ticket.repository';
import { lockTicket } from './ticket-lookup';
import { TicketRouter } from './ticket-router.service';
import { TicketSlaService } from './ticket-sla.service';

export interface ReopenTicketCommand {
  tenantId: string;
  ticketId: string;
  actor: string | null;
}

/**
 * Makes a ticket active again: a resolved one reopens (its resolution clock runs again, its agent gets it
 * back if they have room), a pending one resumes (paused clocks run again; unassigned, it is routed).
 */
@Injectable()
export class ReopenTicketUseCase {
  constructor(
    private readonly tickets: TicketRepository,
    private readonly publisher: EventPublisher,
    private readonly sla: TicketSlaService,
    private readonly router: TicketRouter,
    private readonly clock: Clock,
  ) {}

  async execute(manager: EntityManager, cmd: ReopenTicketCommand): Promise<Ticket> {
    const ticket = await lockTicket(this.tickets, manager, cmd.tenantId, cmd.ticketId);
    const at = this.clock.now();
    const by = cmd.actor ? `reopened by ${cmd.actor}` : 'reopened';
    if (ticket.status === 'pending')
      return this.resume(
        manager,
        ticket,
        at,
        cmd.actor,
        cmd.actor ? `taken off pending by ${cmd.actor}` : 'taken off pending',
      );
    return this.reopen(manager, ticket, at, cmd.actor, by);
  }

  async reopen(
    manager: EntityManager,
    locked: Ticket,
    at: Date,
    actor: string | null,
    reason: string,
  ): Promise<Ticket> {
    assertTicketAction(locked.status, 'reopen');
    let ticket = await this.tickets.update(manager, locked, {
      status: 'open',
      resolvedAt: null,
      resolutionCode: null,
    });
    ticket = await this.sla.apply(
      manager,
      ticket,
      (state, ctx) => reopenTicketSla(state, at, ctx.calendar),
      at,
      actor,
    );
    await this.tickets.record(manager, ticket.tenantId, ticket.id, 'ticket.reopened', { reason }, actor, at);
    await this.publisher.publish(manager, {
      type: 'ticket.reopened',
      tenantId: ticket.tenantId,
      aggregateId: ticket.id,
      payload: { ticketId: ticket.id, at: at.toISOString(), reason },
    });
    return this.giveBackOrRoute(manager, ticket, at);
  }

  async resume(
    manager: EntityManager,
    locked: Ticket,
    at: Date,
    actor: string | null,
    reason: string,
  ): Promise<Ticket> {
    assertTicketAction(locked.status, 'resume');
    let ticket = await this.tickets.update(manager, locked, {
      status: locked.assigneeId ? 'open' : 'new',
      autoAnsweredAt: null,
    });
    ticket = await this.sla.apply(
      manager,
      ticket,
      (state, ctx) => resumeTicketSla(state, at, ctx.calendar),
      at,
      actor,
    );
    await this.tickets.record(
      manager,
      ticket.tenantId,
      ticket.id,
      'ticket.resumed',
      { status: ticket.status, reason },
      actor,
      at,
    );
    await this.publisher.publish(manager, {
      type: 'ticket.resumed',
      tenantId: ticket.tenantId,
      aggregateId: ticket.id,
      payload: { ticketId: ticket.id, at: at.toISOString(), status: ticket.status, reason },
    });
    if (ticket.assigneeId === null)
      return this.router.route(manager, ticket, await this.router.planFor(manager, ticket), at, actor);
    return ticket;
  }

  /** The agent who resolved it takes it back if they have room (their capacity was freed at resolution); else it is routed. */
  private async giveBackOrRoute(manager: EntityManager, ticket: Ticket, at: Date): Promise<Ticket> {
    const previous = ticket.assigneeId;
    if (previous === null)
      return this.router.route(manager, ticket, await this.router.planFor(manager, ticket), at);
    const cleared = await this.tickets.update(manager, ticket, { assigneeId: null });
    const back = await this.router.assign(
      manager,
      cleared,
      previous,
      'reopened: back to the agent who resolved it',
      at,
      null,
      false,
    );
    if (back) return back;
    const reason = `${previous} has no free capacity`;
    await this.tickets.record(
      manager,
      ticket.tenantId,
      ticket.id,
      'ticket.unassigned',
      { agentId: previous, reason },
      null,
      at,
    );
    await this.publisher.publish(manager, {
      type: 'ticket.unassigned',
      tenantId: ticket.tenantId,
      aggregateId: ticket.id,
      payload: { ticketId: ticket.id, agentId: previous, reason },
    });
    return this.router.route(manager, cleared, await this.router.planFor(manager, cleared), at);
  }
}

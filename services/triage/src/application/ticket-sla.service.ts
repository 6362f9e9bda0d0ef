import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { EventPublisher } from '@helpdesk/messaging';
import { supervisorQueue } from '../domain/routing';
import {
  changeTicketSlaPriority,
  escalation,
  nextTicketSlaEventAt,
  startTicketSla,
  toTicketSlaView,
  type SlaDueEvent,
  type TicketPriority,
  type TicketSlaState,
  type TicketSlaTransition,
} from '../domain/sla';
import { isOpenStatus, type Ticket } from '../domain/ticket';
import { TicketRepository } from '../infrastructure/ticket.repository';
import { SlaSettings, type SlaContext } from './sla-settings.service';
import { TicketRouter } from './ticket-router.service';

export type SlaStep = (state: TicketSlaState, context: SlaContext) => TicketSlaTransition;

/** Escalation can raise the priority, which recomputes the clocks, which can make another event due. */
const MAX_ROUNDS = 4;

/**
 * Runs a ticket's SLA clocks: every transition stores the clocks and the indexed next-event instant in
 * the caller's transaction, and publishes the warnings and breaches it made due with them — the flags
 * and the outbox rows commit together, so an event is emitted exactly once whatever crashes.
 */
@Injectable()
export class TicketSlaService {
  constructor(
    private readonly settings: SlaSettings,
    private readonly tickets: TicketRepository,
    private readonly publisher: EventPublisher,
    private readonly router: TicketRouter,
  ) {}

  async start(
    manager: EntityManager,
    tenantId: string,
    priority: TicketPriority,
    at: Date,
  ): Promise<{ sla: TicketSlaState; calendarId: string; nextSlaEventAt: string | null }> {
    const context = await this.settings.forNewTicket(manager, tenantId);
    const sla = startTicketSla(context.policy, priority, at, context.calendar);
    return { sla, calendarId: context.calendarId, nextSlaEventAt: nextTicketSlaEventAt(sla) };
  }

  context(manager: EntityManager, ticket: Ticket): Promise<SlaContext> {
    return this.settings.forTicket(manager, ticket);
  }

  /**
   * Applies one step to the ticket's clocks. A breach on a clock still running, on a ticket still open,
   * escalates: priority one level up (clocks recomputed) and the supervisor queue.
   */
  async apply(
    manager: EntityManager,
    ticket: Ticket,
    step: SlaStep,
    at: Date,
    actor: string | null = null,
  ): Promise<Ticket> {
    if (!ticket.sla) return ticket;
    const context = await this.settings.forTicket(manager, ticket);
    let { state, events } = step(ticket.sla, context);
    let current = await this.store(manager, ticket, state);
    let escalated = false;
    for (let round = 0; events.length > 0 && round < MAX_ROUNDS; round++) {
      const next: SlaDueEvent[] = [];
      for (const event of events) {
        if (event.type === 'warning') {
          await this.warn(manager, current, event, at);
          continue;
        }
        const escalate =
          !escalated && state[event.metric].status !== 'stopped' && isOpenStatus(current.status);
        const decision = escalate ? escalation(current.priority) : null;
        await this.tickets.record(
          manager,
          current.tenantId,
          current.id,
          'sla.breached',
          {
            clock: event.metric,
            dueAt: event.dueAt,
            priority: event.priority,
            ...(decision ? { escalatedTo: decision.toPriority } : {}),
          },
          null,
          at,
        );
        await this.publisher.publish(manager, {
          type: 'ticket.sla-breached',
          tenantId: current.tenantId,
          aggregateId: current.id,
          payload: {
            ticketId: current.id,
            clock: event.metric,
            dueAt: event.dueAt,
            breachedAt: at.toISOString(),
            ...(decision ? { escalatedTo: decision.toPriority } : {}),
          },
        });
        if (!decision) continue;
        escalated = true;
        const changed = changeTicketSlaPriority(
          state,
          { policy: context.policy, priority: decision.toPriority },
          at,
          context.calendar,
        );
        state = changed.state;
        next.push(...changed.events);
        current = await this.tickets.update(manager, current, {
          priority: decision.toPriority,
          prioritySource: 'escalation',
          sla: state,
          nextSlaEventAt: nextTicketSlaEventAt(state),
        });
        await this.tickets.record(
          manager,
          current.tenantId,
          current.id,
          'ticket.escalated',
          {
            from: decision.fromPriority,
            to: decision.toPriority,
            reason: decision.reason,
            sla: toTicketSlaView(state),
          },
          actor,
          at,
        );
        const supervisors = supervisorQueue(await this.router.configuredQueues(manager, current.tenantId));
        current = await this.router.moveToQueue(
          manager,
          current,
          supervisors.id,
          'given',
          decision.reason,
          at,
          actor,
        );
      }
      events = next;
    }
    return current;
  }

  private store(manager: EntityManager, ticket: Ticket, state: TicketSlaState): Promise<Ticket> {
    return this.tickets.update(manager, ticket, { sla: state, nextSlaEventAt: nextTicketSlaEventAt(state) });
  }

  private async warn(manager: EntityManager, ticket: Ticket, event: SlaDueEvent, at: Date): Promise<void> {
    await this.tickets.record(
      manager,
      ticket.tenantId,
      ticket.id,
      'sla.warning',
      { clock: event.metric, dueAt: event.dueAt, priority: event.priority },
      null,
      at,
    );
    await this.publisher.publish(manager, {
      type: 'ticket.sla-warning',
      tenantId: ticket.tenantId,
      aggregateId: ticket.id,
      payload: { ticketId: ticket.id, clock: event.metric, dueAt: event.dueAt },
    });
  }
}

import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Priority } from '@helpdesk/contracts';
import { EventPublisher } from '@helpdesk/messaging';
import { changeTicketSlaPriority } from '../domain/sla';
import { assertTicketAction } from '../domain/ticket-actions';
import type { Ticket } from '../domain/ticket';
import { TriageErrorCode, TriageException } from '../domain/triage.exception';
import { ClassifierRepository } from '../infrastructure/classifier.repository';
import { Clock } from '../infrastructure/clock';
import { TicketRepository } from '../infrastructure/ticket.repository';
import { lockTicket } from './ticket-lookup';
import { TicketRouter } from './ticket-router.service';
import { TicketSlaService } from './ticket-sla.service';

export interface CorrectTicketCommand {
  tenantId: string;
  ticketId: string;
  priority?: Priority;
  queue?: string;
  reason: string;
  actor: string;
}

/**
 * A person overrides the classifier's priority and/or queue. The clocks are recomputed for the new
 * priority, a new queue routes the ticket inside it, and the ticket's text with the corrected labels is
 * kept as a training example for the tenant's model.
 */
@Injectable()
export class CorrectTicketUseCase {
  constructor(
    private readonly tickets: TicketRepository,
    private readonly classifier: ClassifierRepository,
    private readonly publisher: EventPublisher,
    private readonly sla: TicketSlaService,
    private readonly router: TicketRouter,
    private readonly clock: Clock,
  ) {}

  async execute(manager: EntityManager, cmd: CorrectTicketCommand): Promise<Ticket> {
    if (cmd.priority === undefined && cmd.queue === undefined) {
      throw new TriageException(TriageErrorCode.NothingToChange, 'give a priority and/or a queue to correct');
    }
    let ticket = await lockTicket(this.tickets, manager, cmd.tenantId, cmd.ticketId);
    assertTicketAction(ticket.status, 'correct');
    const at = this.clock.now();
    const from = ticket.priority;
    const to = cmd.priority ?? from;
    const queueFrom = ticket.queue;
    const queueTo = cmd.queue ?? queueFrom;
    const why = `corrected by ${cmd.actor}: ${cmd.reason}`;
    // Validates the queue before anything changes.
    const plan =
      queueTo !== null && queueTo !== queueFrom
        ? await this.router.planInQueue(manager, ticket, queueTo, 'given', why)
        : null;

    if (to !== from) {
      ticket = await this.tickets.update(manager, ticket, { priority: to, prioritySource: 'override' });
      ticket = await this.sla.apply(
        manager,
        ticket,
        (state, ctx) =>
          changeTicketSlaPriority(state, { policy: ctx.policy, priority: to }, at, ctx.calendar),
        at,
        cmd.actor,
      );
    } else if (cmd.priority !== undefined) {
      ticket = await this.tickets.update(manager, ticket, { prioritySource: 'override' });
    }
    if (plan) {
      const open = ticket.status === 'new' || ticket.status === 'open' || ticket.status === 'pending';
      if (ticket.assigneeId !== null && open)
        ticket = await this.router.unassign(manager, ticket, `moved to queue ${plan.queueId}`, at, cmd.actor);
      if (open && ticket.status !== 'pending')
        ticket = await this.router.route(manager, ticket, plan, at, cmd.actor);
      else
        ticket = await this.tickets.update(manager, ticket, {
          queue: plan.queueId,
          routing: { requirements: plan.waitWith, reason: plan.reason },
        });
    }

    const text = await this.tickets.firstInbound(manager, cmd.tenantId, ticket.id);
    if (text) {
      await this.classifier.addCorrection(manager, cmd.tenantId, {
        ticketId: ticket.id,
        subject: ticket.subject ?? text.subject,
        body: text.body,
        priority: cmd.priority ?? null,
        queue: cmd.queue ?? null,
        reason: cmd.reason,
        createdBy: cmd.actor,
      });
    }
    await this.tickets.record(
      manager,
      cmd.tenantId,
      ticket.id,
      'ticket.corrected',
      { from, to, queueFrom, queueTo, reason: cmd.reason },
      cmd.actor,
      at,
    );
    await this.publisher.publish(manager, {
      type: 'ticket.priority-corrected',
      tenantId: cmd.tenantId,
      aggregateId: ticket.id,
      payload: { ticketId: ticket.id, from, to, queueFrom, queueTo, reason: cmd.reason, by: cmd.actor },
    });
    return (await this.tickets.find(cmd.tenantId, ticket.id, manager)) ?? ticket;
  }
}

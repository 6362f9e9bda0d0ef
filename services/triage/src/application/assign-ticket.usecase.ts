import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { EventPublisher } from '@helpdesk/messaging';
import { assertTicketAction } from '../domain/ticket-actions';
import type { Ticket } from '../domain/ticket';
import { TriageErrorCode, TriageException } from '../domain/triage.exception';
import { AgentRepository } from '../infrastructure/agent.repository';
import { Clock } from '../infrastructure/clock';
import { TicketRepository } from '../infrastructure/ticket.repository';
import { lockTicket } from './ticket-lookup';
import { TicketRouter } from './ticket-router.service';

export interface AssignTicketCommand {
  tenantId: string;
  ticketId: string;
  agentId: string;
  actor: string;
}

/**
 * A person assigns (or reassigns) a ticket. The agent's capacity still holds (409 when full); presence
 * does not, so a supervisor can hand work to an agent who is away. The previous agent's freed capacity
 * goes to the waiting queue.
 */
@Injectable()
export class AssignTicketUseCase {
  constructor(
    private readonly tickets: TicketRepository,
    private readonly agents: AgentRepository,
    private readonly router: TicketRouter,
    private readonly publisher: EventPublisher,
    private readonly clock: Clock,
  ) {}

  async execute(manager: EntityManager, cmd: AssignTicketCommand): Promise<Ticket> {
    const ticket = await lockTicket(this.tickets, manager, cmd.tenantId, cmd.ticketId);
    assertTicketAction(ticket.status, 'assign');
    const agent = await this.agents.find(cmd.tenantId, cmd.agentId, manager);
    if (!agent)
      throw new TriageException(
        TriageErrorCode.UnknownAgent,
        `no agent "${cmd.agentId}": configure it with PUT /v1/agents/${cmd.agentId}`,
      );
    if (ticket.assigneeId === cmd.agentId) return ticket;
    const at = this.clock.now();
    const previous = ticket.assigneeId;
    const cleared =
      previous === null ? ticket : await this.tickets.update(manager, ticket, { assigneeId: null });
    const reason =
      previous === null ? `assigned by ${cmd.actor}` : `reassigned from ${previous} by ${cmd.actor}`;
    const assigned = await this.router.assign(manager, cleared, cmd.agentId, reason, at, cmd.actor, false);
    if (!assigned) {
      throw new TriageException(
        TriageErrorCode.AgentAtCapacity,
        `agent ${cmd.agentId} is at capacity (${agent.activeCount}/${agent.maxConcurrent})`,
      );
    }
    if (previous !== null) {
      await this.router.freeAgent(manager, cmd.tenantId, previous);
      const why = `reassigned to ${cmd.agentId}`;
      await this.tickets.record(
        manager,
        cmd.tenantId,
        ticket.id,
        'ticket.unassigned',
        { agentId: previous, reason: why },
        cmd.actor,
        at,
      );
      await this.publisher.publish(manager, {
        type: 'ticket.unassigned',
        tenantId: cmd.tenantId,
        aggregateId: ticket.id,
        payload: { ticketId: ticket.id, agentId: previous, reason: why },
      });
      await this.router.fillAgent(manager, cmd.tenantId, previous, at);
    }
    return (await this.tickets.find(cmd.tenantId, ticket.id, manager)) ?? assigned;
  }
}

import { isDeepStrictEqual } from 'node:util';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { EventPublisher } from '@helpdesk/messaging';
import {
  freeCapacity,
  isStrongNegativeEmotion,
  nextTicketForAgent,
  planForQueue,
  planRouting,
  queueById,
  selectAgent,
  type Agent,
  type AgentSelection,
  type Queue,
  type RoutingPlan,
  type RoutingRule,
  type WaitingTicket,
} from '../domain/routing';
import type { Ticket, TicketRouting } from '../domain/ticket';
import { TriageErrorCode, TriageException } from '../domain/triage.exception';
import { AgentLoadCache } from '../infrastructure/agent-load.cache';
import { AgentRepository, type StoredAgent } from '../infrastructure/agent.repository';
import { QueueRepository } from '../infrastructure/queue.repository';
import { TicketRepository, type WaitingTicketRow } from '../infrastructure/ticket.repository';

/** Most assignments one capacity change makes in one transaction (an agent's whole free capacity). */
const MAX_FILL = 50;

/**
 * Queue choice, agent choice and the waiting queue. Assignment is arbitrated by two conditional updates in
 * the caller's transaction — the agent's capacity (`active_count < max_concurrent`) and the ticket's
 * assignee (`assignee_id IS NULL`) — so replicas racing for one agent or one ticket can never exceed the
 * capacity or assign a ticket twice. Every decision is recorded on the ticket's timeline with its reason.
 */
@Injectable()
export class TicketRouter {
  constructor(
    private readonly tickets: TicketRepository,
    private readonly agents: AgentRepository,
    private readonly queues: QueueRepository,
    private readonly loads: AgentLoadCache,
    private readonly publisher: EventPublisher,
  ) {}

  async configuredQueues(manager: EntityManager, tenantId: string): Promise<Queue[]> {
    return this.queues.list(tenantId, manager);
  }

  /** The plan for a new (or returning) ticket from its classification. */
  async planFor(
    manager: EntityManager,
    ticket: Pick<Ticket, 'tenantId' | 'category' | 'customerTier' | 'priority' | 'language' | 'channel' | 'classification'>,
    learnedQueue: string | null = null,
  ): Promise<RoutingPlan> {
    const [queues, known] = await Promise.all([
      this.queues.list(ticket.tenantId, manager),
      this.agents.knownSkills(manager, ticket.tenantId),
    ]);
    return planRouting(
      {
        category: ticket.category,
        customerTier: ticket.customerTier,
        priority: ticket.priority,
        language: ticket.language,
        channel: ticket.channel,
        strongNegativeEmotion: isStrongNegativeEmotion(ticket.classification?.reasons ?? []),
        learnedQueue,
      },
      queues,
      known,
    );
  }

  /** The plan inside a given queue; unknown queue ids are refused. */
  async planInQueue(
    manager: EntityManager,
    ticket: Ticket,
    queueId: string,
    rule: RoutingRule,
    reason: string,
  ): Promise<RoutingPlan> {
    const queue = queueById(await this.queues.list(ticket.tenantId, manager), queueId);
    if (!queue)
      throw new TriageException(
        TriageErrorCode.UnknownQueue,
        `no queue "${queueId}": configure it with PUT /v1/queues/${queueId}`,
      );
    const known = await this.agents.knownSkills(manager, ticket.tenantId);
    return planForQueue(
      queue,
      {
        priority: ticket.priority,
        language: ticket.language,
        channel: ticket.channel,
        strongNegativeEmotion: isStrongNegativeEmotion(ticket.classification?.reasons ?? []),
      },
      known,
      rule,
      reason,
    );
  }

  /**
   * Puts an unassigned ticket in the plan's queue and gives it to the best available agent, or leaves it
   * waiting (status new) for the next one who frees capacity.
   */
  async route(
    manager: EntityManager,
    ticket: Ticket,
    plan: RoutingPlan,
    at: Date,
    actor: string | null = null,
  ): Promise<Ticket> {
    if (ticket.assigneeId !== null)
      throw new Error(`route() needs an unassigned ticket, ${ticket.id} has ${ticket.assigneeId}`);
    const queued = queuedBy(plan, ticket.waitingSince ?? at.toISOString());
    // A ticket written already queued by this plan (a new one) needs no second write; its row is
    // locked by this transaction from that write on, so what it holds is still current.
    let current = standsQueued(ticket, queued) ? ticket : await this.tickets.update(manager, ticket, queued);
    const roster = await this.candidates(manager, ticket.tenantId);
    let lastSelection: AgentSelection | null = null;
    let attempted = false;
    for (const requirements of plan.attempts) {
      let pool = roster;
      for (;;) {
        const selection = selectAgent(requirements, pool);
        lastSelection = selection;
        if (selection.outcome !== 'selected') break;
        attempted = true;
        const assigned = await this.assign(
          manager,
          current,
          selection.agentId,
          `${plan.reason}; ${selection.reason}`,
          at,
          actor,
          true,
          false,
        );
        if (assigned) {
          await this.announceRouted(
            manager,
            assigned,
            plan,
            `${plan.reason} → assigned to ${selection.agentId}`,
            at,
            actor,
          );
          return this.announceAssigned(
            manager,
            assigned,
            selection.agentId,
            `${plan.reason}; ${selection.reason}`,
            at,
            actor,
          );
        }
        // Another replica took this agent's last slot (or the ticket) meanwhile: try the next candidate.
        pool = pool.filter((a) => a.id !== selection.agentId);
        const still = await this.tickets.find(ticket.tenantId, ticket.id, manager);
        if (!still || still.assigneeId !== null) return still ?? current;
      }
    }
    const why =
      lastSelection && lastSelection.outcome === 'no-agent' ? lastSelection.reason : 'no agent available';
    // Only a failed assignment attempt can have changed the row since it was queued.
    if (attempted) current = (await this.tickets.find(ticket.tenantId, ticket.id, manager)) ?? current;
    await this.announceRouted(manager, current, plan, `${plan.reason} → waiting: ${why}`, at, actor);
    await this.tickets.record(
      manager,
      ticket.tenantId,
      ticket.id,
      'ticket.waiting',
      {
        queue: plan.queueId,
        reason: why,
        requirements: plan.waitWith,
        ...(lastSelection && lastSelection.outcome === 'no-agent'
          ? { rejections: lastSelection.rejectionCounts }
          : {}),
      },
      actor,
      at,
    );
    return current;
  }

  /** Moves a ticket to another queue: it keeps its agent, or is routed inside the new queue when it has none. */
  async moveToQueue(
    manager: EntityManager,
    ticket: Ticket,
    queueId: string,
    rule: RoutingRule,
    reason: string,
    at: Date,
    actor: string | null,
  ): Promise<Ticket> {
    const plan = await this.planInQueue(manager, ticket, queueId, rule, reason);
    if (ticket.assigneeId === null) return this.route(manager, ticket, plan, at, actor);
    const moved = await this.tickets.update(manager, ticket, {
      queue: plan.queueId,
      routing: { requirements: plan.waitWith, reason: plan.reason },
    });
    await this.announceRouted(
      manager,
      moved,
      plan,
      `${plan.reason}; stays with ${ticket.assigneeId}`,
      at,
      actor,
    );
    return moved;
  }

  /**
   * Gives the ticket to this agent if both are still free: capacity first, then the ticket. Null when the
   * agent is full (or not online, when required) or the ticket was taken. With `announce`, records and
   * publishes the assignment.
   */
  async assign(
    manager: EntityManager,
    ticket: Ticket,
    agentId: string,
    reason: string,
    at: Date,
    actor: string | null,
    requireOnline: boolean,
    announce = true,
  ): Promise<Ticket | null> {
    const load = await this.agents.reserve(manager, ticket.tenantId, agentId, requireOnline);
    if (load === null) return null;
    const claimed = await this.tickets.claimAssignment(manager, ticket.tenantId, ticket.id, agentId);
    if (!claimed) {
      const back = await this.agents.release(manager, ticket.tenantId, agentId);
      if (back !== null) this.loads.set(ticket.tenantId, agentId, back);
      return null;
    }
    this.loads.set(ticket.tenantId, agentId, load);
    return announce ? this.announceAssigned(manager, claimed, agentId, reason, at, actor) : claimed;
  }

  /** Frees one unit of the agent's capacity (its ticket was resolved, reassigned or released). */
  async freeAgent(manager: EntityManager, tenantId: string, agentId: string): Promise<void> {
    const load = await this.agents.release(manager, tenantId, agentId);
    if (load !== null) this.loads.set(tenantId, agentId, load);
  }

  /** Takes the ticket from its agent, then gives the agent's freed capacity to the waiting queue. */
  async unassign(
    manager: EntityManager,
    ticket: Ticket,
    reason: string,
    at: Date,
    actor: string | null,
  ): Promise<Ticket> {
    const agentId = ticket.assigneeId;
    if (agentId === null) return ticket;
    const released = await this.tickets.update(manager, ticket, { assigneeId: null });
    await this.freeAgent(manager, ticket.tenantId, agentId);
    await this.tickets.record(
      manager,
      ticket.tenantId,
      ticket.id,
      'ticket.unassigned',
      { agentId, reason },
      actor,
      at,
    );
    await this.publisher.publish(manager, {
      type: 'ticket.unassigned',
      tenantId: ticket.tenantId,
      aggregateId: ticket.id,
      payload: { ticketId: ticket.id, agentId, reason },
    });
    await this.fillAgent(manager, ticket.tenantId, agentId, at);
    return released;
  }

  /** An agent has room (came online, finished a ticket): it takes waiting tickets, highest priority and oldest first. */
  async fillAgent(manager: EntityManager, tenantId: string, agentId: string, at: Date): Promise<number> {
    let assigned = 0;
    const skipped = new Set<string>();
    while (assigned < MAX_FILL) {
      const agent = await this.agents.find(tenantId, agentId, manager);
      if (!agent || agent.status !== 'online' || freeCapacity(agent) <= 0) break;
      const waiting = (await this.tickets.waiting(manager, tenantId)).filter((w) => !skipped.has(w.id));
      const choice = nextTicketForAgent(agent, waiting.map(toWaitingTicket));
      if (!choice) break;
      const locked = await this.tickets.lockWaiting(manager, tenantId, choice.ticketId);
      if (!locked) {
        skipped.add(choice.ticketId);
        continue;
      }
      const done = await this.assign(manager, locked, agentId, choice.reason, at, null, true);
      if (!done) break;
      assigned++;
    }
    return assigned;
  }

  /**
   * One assignment from the tenant's waiting queue to whoever can take it: the periodic sweep that catches
   * capacity freed where no event announced it. Returns whether a ticket was assigned.
   */
  async dispatchOne(manager: EntityManager, tenantId: string, at: Date): Promise<boolean> {
    const waiting = await this.tickets.waiting(manager, tenantId);
    if (waiting.length === 0) return false;
    const roster = await this.candidates(manager, tenantId);
    for (const w of waiting) {
      let pool = roster;
      for (;;) {
        const selection = selectAgent(w.requirements, pool);
        if (selection.outcome !== 'selected') break;
        const locked = await this.tickets.lockWaiting(manager, tenantId, w.id);
        if (!locked) break;
        const reason = `waiting since ${w.waitingSince.toISOString()}; ${selection.reason}`;
        if (await this.assign(manager, locked, selection.agentId, reason, at, null, true)) return true;
        pool = pool.filter((a) => a.id !== selection.agentId);
      }
    }
    return false;
  }

  /**
   * The tenant's agents for a routing decision: capacity from the database (the truth decides who is
   * eligible), ordering nudged by the shared load hints so replicas spread concurrent tickets.
   */
  private async candidates(manager: EntityManager, tenantId: string): Promise<Agent[]> {
    const roster: StoredAgent[] = await this.agents.roster(manager, tenantId);
    const hints = await this.loads.loads(
      tenantId,
      roster.map((a) => a.id),
    );
    return roster.map((a) => {
      const hint = hints.get(a.id);
      if (hint === undefined || freeCapacity(a) <= 0) return a;
      return { ...a, activeCount: Math.min(Math.max(a.activeCount, hint), a.maxConcurrent - 1) };
    });
  }

  private async announceRouted(
    manager: EntityManager,
    ticket: Ticket,
    plan: RoutingPlan,
    reason: string,
    at: Date,
    actor: string | null,
  ): Promise<void> {
    await this.tickets.record(
      manager,
      ticket.tenantId,
      ticket.id,
      'ticket.routed',
      { queue: plan.queueId, rule: plan.rule, reason },
      actor,
      at,
    );
    await this.publisher.publish(manager, {
      type: 'ticket.routed',
      tenantId: ticket.tenantId,
      aggregateId: ticket.id,
      payload: { ticketId: ticket.id, queue: plan.queueId, reason },
    });
  }

  private async announceAssigned(
    manager: EntityManager,
    ticket: Ticket,
    agentId: string,
    reason: string,
    at: Date,
    actor: string | null,
  ): Promise<Ticket> {
    await this.tickets.record(
      manager,
      ticket.tenantId,
      ticket.id,
      'ticket.assigned',
      { agentId, queue: ticket.queue, reason },
      actor,
      at,
    );
    await this.publisher.publish(manager, {
      type: 'ticket.assigned',
      tenantId: ticket.tenantId,
      aggregateId: ticket.id,
      payload: { ticketId: ticket.id, agentId, queue: ticket.queue, reason },
    });
    return ticket;
  }
}

function toWaitingTicket(w: WaitingTicketRow): WaitingTicket {
  return { ticketId: w.id, priority: w.priority, waitingSince: w.waitingSince, requirements: w.requirements };
}

/** What routing by `plan` writes on an unassigned ticket: waiting in its queue, with what an agent needs. */
export function queuedBy(
  plan: RoutingPlan,
  waitingSince: string,
): { status: 'new'; queue: string; routing: TicketRouting; waitingSince: string } {
  return {
    status: 'new',
    queue: plan.queueId,
    routing: { requirements: plan.waitWith, reason: plan.reason },
    waitingSince,
  };
}

function standsQueued(ticket: Ticket, queued: ReturnType<typeof queuedBy>): boolean {
  return (
    ticket.status === queued.status &&
    ticket.queue === queued.queue &&
    ticket.waitingSince === queued.waitingSince &&
    // As stored: JSON drops what is undefined.
    isDeepStrictEqual(ticket.routing, JSON.parse(JSON.stringify(queued.routing)))
  );
}

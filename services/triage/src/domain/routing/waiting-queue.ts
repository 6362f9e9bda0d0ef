import { priorityRank, type TicketPriority } from '../sla/priority';
import { compareIds } from './choose-queue';
import { rejectionOf } from './select-agent';
import type { Agent, AgentRequirements } from './routing.types';

export interface WaitingTicket {
  ticketId: string;
  priority: TicketPriority;
  /** When the ticket started waiting for an agent (older waits first within a priority). */
  waitingSince: Date;
  requirements: AgentRequirements;
}

/** Priority first (P1 before P2…), then age (older first), then id so ties are deterministic. */
export function compareWaitingTickets(a: WaitingTicket, b: WaitingTicket): number {
  return (
    priorityRank(a.priority) - priorityRank(b.priority) ||
    age(a) - age(b) ||
    compareIds(a.ticketId, b.ticketId)
  );
}

export interface NextTicketChoice {
  ticketId: string;
  reason: string;
}

/**
 * When an agent frees capacity: the first waiting ticket, in queue order, this agent can take.
 * Null when the agent is unavailable or eligible for none of them.
 */
export function nextTicketForAgent(agent: Agent, waiting: readonly WaitingTicket[]): NextTicketChoice | null {
  const ordered = [...waiting].sort(compareWaitingTickets);
  const position = ordered.findIndex((ticket) => rejectionOf(agent, ticket.requirements) === null);
  const ticket = ordered[position];
  if (!ticket) return null;
  const skipped = position > 0 ? `; ${position} ticket(s) ahead need what ${agent.name} lacks` : '';
  return {
    ticketId: ticket.ticketId,
    reason: `${agent.name} (${agent.id}) freed capacity → ${ticket.priority} ticket waiting since ${describeInstant(ticket.waitingSince)}${skipped}`,
  };
}

/** Invalid dates sort last rather than jumping the queue. */
function age(ticket: WaitingTicket): number {
  const ms = ticket.waitingSince.getTime();
  return Number.isFinite(ms) ? ms : Number.POSITIVE_INFINITY;
}

function describeInstant(date: Date): string {
  return Number.isFinite(date.getTime()) ? date.toISOString() : 'an unknown time';
}

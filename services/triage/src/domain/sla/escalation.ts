import type { TicketPriority } from './priority';

/** What to do with a ticket whose SLA was breached. */
export interface EscalationDecision {
  fromPriority: TicketPriority;
  toPriority: TicketPriority;
  /** False for P1, which has nowhere higher to go. */
  priorityRaised: boolean;
  /** Always true: a breached ticket goes to the supervisor queue. */
  moveToSupervisorQueue: true;
  reason: string;
}

const ONE_LEVEL_UP: Record<TicketPriority, TicketPriority> = { P1: 'P1', P2: 'P1', P3: 'P2', P4: 'P3' };

/** Escalation at breach: one priority level up (P4→P3→P2→P1) and the supervisor queue. */
export function escalation(priority: TicketPriority): EscalationDecision {
  const toPriority = ONE_LEVEL_UP[priority];
  const priorityRaised = toPriority !== priority;
  return {
    fromPriority: priority,
    toPriority,
    priorityRaised,
    moveToSupervisorQueue: true,
    reason: priorityRaised
      ? `SLA breached: priority raised ${priority}→${toPriority}, moved to the supervisor queue`
      : `SLA breached: already ${priority}, moved to the supervisor queue`,
  };
}

import { businessMinutesBetween, type BusinessCalendar, type TicketSlaState } from './sla';

/** Durations feedback's metrics read from ticket.replied / ticket.resolved. */
export interface TicketElapsed {
  wallMinutesSinceCreated: number;
  /** Business minutes on the ticket's calendar since creation, time paused (pending) excluded. */
  businessMinutesSinceCreated: number;
  /** Wall minutes spent paused since creation. */
  pausedMinutes: number;
}

const MS_PER_MINUTE = 60_000;

/**
 * Elapsed time of a ticket at `at`, with pauses taken from the given clock of its SLA state (apply the
 * transition first, so a pause that just ended is counted).
 */
export function ticketElapsed(
  createdAt: Date,
  at: Date,
  calendar: BusinessCalendar,
  sla: TicketSlaState | null,
  clock: 'firstResponse' | 'resolution',
): TicketElapsed {
  const state = sla?.[clock];
  const end = Math.max(at.getTime(), createdAt.getTime());
  const business =
    businessMinutesBetween(createdAt, new Date(end), calendar) -
    (state?.pausedBusinessMs ?? 0) / MS_PER_MINUTE;
  return {
    wallMinutesSinceCreated: round((end - createdAt.getTime()) / MS_PER_MINUTE),
    businessMinutesSinceCreated: round(Math.max(0, business)),
    pausedMinutes: round((state?.pausedWallMs ?? 0) / MS_PER_MINUTE),
  };
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

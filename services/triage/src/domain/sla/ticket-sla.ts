import type { BusinessCalendar } from './business-calendar';
import type { TicketPriority } from './priority';
import {
  nextSlaEventAt,
  pauseSlaClock,
  recomputeSlaClock,
  reopenSlaClock,
  resumeSlaClock,
  startSlaClock,
  stopSlaClock,
  takeDueSlaEvents,
  type SlaClockState,
  type SlaDueEvent,
} from './sla-clock';
import type { SlaPolicy } from './sla-policy';

/** Both clocks of one ticket; serialisable as-is (e.g. one jsonb column, or two). */
export interface TicketSlaState {
  policyId: string;
  firstResponse: SlaClockState;
  resolution: SlaClockState;
}

export interface TicketSlaTransition {
  state: TicketSlaState;
  events: SlaDueEvent[];
}

/** The `sla` object of a ticket in the HTTP API. */
export interface TicketSlaView {
  policyId: string;
  firstResponseDueAt: string;
  resolutionDueAt: string;
  firstRespondedAt: string | null;
  resolvedAt: string | null;
  paused: boolean;
  breached: { firstResponse: boolean; resolution: boolean };
}

type ClockStep = (clock: SlaClockState) => { state: SlaClockState; events: SlaDueEvent[] };

function both(state: TicketSlaState, first: ClockStep, resolution: ClockStep): TicketSlaTransition {
  const a = first(state.firstResponse);
  const b = resolution(state.resolution);
  return {
    state: { policyId: b.state.policyId, firstResponse: a.state, resolution: b.state },
    events: [...a.events, ...b.events],
  };
}

const unchanged: ClockStep = (clock) => ({ state: clock, events: [] });

export function startTicketSla(
  policy: SlaPolicy,
  priority: TicketPriority,
  at: Date,
  calendar: BusinessCalendar,
): TicketSlaState {
  return {
    policyId: policy.id,
    firstResponse: startSlaClock({ metric: 'firstResponse', policy, priority, at }, calendar),
    resolution: startSlaClock({ metric: 'resolution', policy, priority, at }, calendar),
  };
}

/** Ticket set to pending (waiting on the customer): every running clock pauses. */
export function pauseTicketSla(state: TicketSlaState, at: Date): TicketSlaTransition {
  const step: ClockStep = (clock) =>
    clock.status === 'running' ? pauseSlaClock(clock, at) : unchanged(clock);
  return both(state, step, step);
}

/** The customer answered (or an agent took the ticket off pending): paused clocks resume. */
export function resumeTicketSla(
  state: TicketSlaState,
  at: Date,
  calendar: BusinessCalendar,
): TicketSlaTransition {
  const step: ClockStep = (clock) =>
    clock.status === 'paused' ? resumeSlaClock(clock, at, calendar) : unchanged(clock);
  return both(state, step, step);
}

/** First public reply: stops the first-response clock. */
export function recordFirstResponse(
  state: TicketSlaState,
  at: Date,
  calendar: BusinessCalendar,
): TicketSlaTransition {
  return both(state, (clock) => stopSlaClock(clock, at, calendar), unchanged);
}

/** Resolved: both clocks stop (a ticket resolved without a reply has had its response). */
export function resolveTicketSla(
  state: TicketSlaState,
  at: Date,
  calendar: BusinessCalendar,
): TicketSlaTransition {
  const step: ClockStep = (clock) => stopSlaClock(clock, at, calendar);
  return both(state, step, step);
}

/** Reopened: the resolution clock runs again, the time spent resolved not counted. */
export function reopenTicketSla(
  state: TicketSlaState,
  at: Date,
  calendar: BusinessCalendar,
): TicketSlaTransition {
  return both(state, unchanged, (clock) => reopenSlaClock(clock, at, calendar));
}

/** Priority changed (classification, override or escalation): both clocks get the new targets. */
export function changeTicketSlaPriority(
  state: TicketSlaState,
  change: { policy: SlaPolicy; priority: TicketPriority },
  at: Date,
  calendar: BusinessCalendar,
): TicketSlaTransition {
  const step: ClockStep = (clock) => recomputeSlaClock(clock, change, at, calendar);
  return both(state, step, step);
}

/** Scheduler tick: events due at `at`, marked emitted in the returned state. */
export function takeDueTicketSlaEvents(state: TicketSlaState, at: Date): TicketSlaTransition {
  const step: ClockStep = (clock) => takeDueSlaEvents(clock, at);
  return both(state, step, step);
}

/** Earliest instant a scheduler must wake for this ticket, or null. Index this column. */
export function nextTicketSlaEventAt(state: TicketSlaState): string | null {
  const instants = [nextSlaEventAt(state.firstResponse), nextSlaEventAt(state.resolution)].filter(
    (value): value is string => value !== null,
  );
  if (instants.length === 0) return null;
  return instants.reduce((a, b) => (Date.parse(a) <= Date.parse(b) ? a : b));
}

export function toTicketSlaView(state: TicketSlaState): TicketSlaView {
  const { firstResponse, resolution } = state;
  return {
    policyId: state.policyId,
    firstResponseDueAt: firstResponse.dueAt,
    resolutionDueAt: resolution.dueAt,
    firstRespondedAt: firstResponse.stoppedAt,
    resolvedAt: resolution.stoppedAt,
    paused: firstResponse.status === 'paused' || resolution.status === 'paused',
    breached: { firstResponse: firstResponse.breachEmitted, resolution: resolution.breachEmitted },
  };
}

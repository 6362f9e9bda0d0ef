import type { BusinessCalendar } from './business-calendar';
import { isTicketPriority, type TicketPriority } from './priority';
import { SLA_METRICS, slaTargetMinutes, type SlaMetric, type SlaPolicy } from './sla-policy';
import { SlaException } from './sla.exception';

export const SLA_CLOCK_STATUSES = ['running', 'paused', 'stopped'] as const;
export type SlaClockStatus = (typeof SLA_CLOCK_STATUSES)[number];

/**
 * Persisted state of one SLA clock (first response or resolution of one ticket): a plain,
 * JSON-serialisable object. Instants are ISO-8601 UTC strings with milliseconds.
 */
export interface SlaClockState {
  metric: SlaMetric;
  policyId: string;
  priority: TicketPriority;
  /** Snapshot of the policy target, so editing a policy never silently moves running clocks. */
  targetMinutes: number;
  businessHours: boolean;
  warningFraction: number;
  status: SlaClockStatus;
  startedAt: string;
  /**
   * Breach and warning instants of the current schedule. While paused or stopped they are the
   * ones in force when the clock was paused or stopped; resuming moves them.
   */
  dueAt: string;
  warningAt: string;
  pausedAt: string | null;
  /** Completed pauses in both measures, so a priority change that switches measure stays exact. */
  pausedBusinessMs: number;
  pausedWallMs: number;
  stoppedAt: string | null;
  /** Emission flags: once set, never set again, so a restarted scheduler cannot double an event. */
  warningEmitted: boolean;
  breachEmitted: boolean;
}

export type SlaEventType = 'warning' | 'breach';

export interface SlaDueEvent {
  type: SlaEventType;
  metric: SlaMetric;
  priority: TicketPriority;
  /** The instant the event became due (warningAt or dueAt). */
  thresholdAt: string;
  dueAt: string;
}

/** A new clock state plus the events the caller must publish with it, in the same transaction. */
export interface SlaTransition {
  state: SlaClockState;
  events: SlaDueEvent[];
}

export interface StartSlaClockInput {
  metric: SlaMetric;
  policy: SlaPolicy;
  priority: TicketPriority;
  at: Date;
}

const MS_PER_MINUTE = 60_000;

export function startSlaClock(input: StartSlaClockInput, calendar: BusinessCalendar): SlaClockState {
  const startedAt = instant(input.at);
  const target = input.policy.targets[input.priority];
  const base: SlaClockState = {
    metric: input.metric,
    policyId: input.policy.id,
    priority: input.priority,
    targetMinutes: slaTargetMinutes(input.policy, input.priority, input.metric),
    businessHours: target.businessHours,
    warningFraction: input.policy.warningFraction,
    status: 'running',
    startedAt: iso(startedAt),
    dueAt: iso(startedAt),
    warningAt: iso(startedAt),
    pausedAt: null,
    pausedBusinessMs: 0,
    pausedWallMs: 0,
    stoppedAt: null,
    warningEmitted: false,
    breachEmitted: false,
  };
  return reschedule(base, calendar);
}

/**
 * Events due at `at` and not yet emitted. A paused or stopped clock only counts time up to its
 * pause or stop. A due breach supersedes a warning that was never emitted.
 */
export function dueSlaEvents(state: SlaClockState, at: Date): SlaDueEvent[] {
  const effective = Math.min(instant(at), frozenAt(state));
  if (!state.breachEmitted && Date.parse(state.dueAt) <= effective) return [event(state, 'breach')];
  if (!state.warningEmitted && Date.parse(state.warningAt) <= effective) return [event(state, 'warning')];
  return [];
}

/** Collects the due events and marks them emitted: persist the state and publish the events together. */
export function takeDueSlaEvents(state: SlaClockState, at: Date): SlaTransition {
  const events = dueSlaEvents(state, at);
  if (events.length === 0) return { state, events };
  const breach = events.some((e) => e.type === 'breach');
  return {
    state: { ...state, warningEmitted: true, breachEmitted: state.breachEmitted || breach },
    events,
  };
}

/**
 * The next instant a scheduler must look at this clock (possibly in the past when an event was
 * missed), or null when nothing more can fire until the clock changes.
 */
export function nextSlaEventAt(state: SlaClockState): string | null {
  const limit = frozenAt(state);
  const candidates: string[] = [];
  if (!state.warningEmitted && !state.breachEmitted) candidates.push(state.warningAt);
  if (!state.breachEmitted) candidates.push(state.dueAt);
  const next = candidates.find((threshold) => Date.parse(threshold) <= limit);
  return next ?? null;
}

/** Pauses a running clock (ticket pending on the customer). Pausing a paused clock changes nothing. */
export function pauseSlaClock(state: SlaClockState, at: Date): SlaTransition {
  if (state.status === 'paused') return { state, events: [] };
  assertNotStopped(state, 'pause');
  const now = notBefore(state, at);
  const { state: checked, events } = takeDueSlaEvents(state, new Date(now));
  return { state: { ...checked, status: 'paused', pausedAt: iso(now) }, events };
}

/** Resumes a paused clock: its due time moves by the paused business (or wall) duration. */
export function resumeSlaClock(state: SlaClockState, at: Date, calendar: BusinessCalendar): SlaTransition {
  if (state.status === 'running') return { state, events: [] };
  assertNotStopped(state, 'resume');
  const now = notBefore(state, at);
  const resumed = endInterruption(state, Date.parse(state.pausedAt ?? state.startedAt), now, calendar);
  return takeDueSlaEvents(resumed, new Date(now));
}

/** Stops the clock (first response given, or resolved); a breach reached by then is still emitted. */
export function stopSlaClock(state: SlaClockState, at: Date, calendar: BusinessCalendar): SlaTransition {
  if (state.status === 'stopped') return { state, events: [] };
  const now = notBefore(state, at);
  const { state: running, events: onResume } = resumeSlaClock(state, new Date(now), calendar);
  const { state: checked, events } = takeDueSlaEvents(running, new Date(now));
  return { state: { ...checked, status: 'stopped', stoppedAt: iso(now) }, events: [...onResume, ...events] };
}

/** Restarts a stopped clock (ticket reopened); the time it stood stopped counts like a pause. */
export function reopenSlaClock(state: SlaClockState, at: Date, calendar: BusinessCalendar): SlaTransition {
  if (state.status !== 'stopped') return { state, events: [] };
  const now = notBefore(state, at);
  const reopened = endInterruption(state, Date.parse(state.stoppedAt ?? state.startedAt), now, calendar);
  return takeDueSlaEvents({ ...reopened, stoppedAt: null }, new Date(now));
}

/**
 * New target after a priority (or policy) change, measured from the original start minus the
 * time paused. Emission flags stay set: a clock breaches at most once, so the priority raise of
 * an escalation cannot trigger another breach. A stopped clock keeps its settled outcome.
 */
export function recomputeSlaClock(
  state: SlaClockState,
  change: { policy: SlaPolicy; priority: TicketPriority },
  at: Date,
  calendar: BusinessCalendar,
): SlaTransition {
  if (state.status === 'stopped') return { state, events: [] };
  const now = new Date(notBefore(state, at));
  const before = takeDueSlaEvents(state, now);
  const target = change.policy.targets[change.priority];
  const changed = reschedule(
    {
      ...before.state,
      policyId: change.policy.id,
      priority: change.priority,
      targetMinutes: slaTargetMinutes(change.policy, change.priority, state.metric),
      businessHours: target.businessHours,
      warningFraction: change.policy.warningFraction,
    },
    calendar,
  );
  const after = takeDueSlaEvents(changed, now);
  return { state: after.state, events: [...before.events, ...after.events] };
}

/** Target time left at `at` (negative once overdue), in the clock's own measure. */
export function slaRemainingMs(state: SlaClockState, at: Date, calendar: BusinessCalendar): number {
  const start = Date.parse(state.startedAt);
  const until = Math.max(start, Math.min(instant(at), frozenAt(state)));
  const elapsed = state.businessHours ? calendar.businessMsBetween(start, until) : until - start;
  return state.targetMinutes * MS_PER_MINUTE - (elapsed - pausedMs(state));
}

/** Validates a clock loaded from storage; throws SlaException('INVALID_CLOCK_STATE'). */
export function parseSlaClockState(value: unknown): SlaClockState {
  const fail = (why: string): never => {
    throw new SlaException('INVALID_CLOCK_STATE', `invalid SLA clock state: ${why}`);
  };
  if (typeof value !== 'object' || value === null) return fail('not an object');
  const v = value as Record<string, unknown>;
  const isInstant = (x: unknown): x is string => typeof x === 'string' && Number.isFinite(Date.parse(x));
  const isNonNegative = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x) && x >= 0;
  if (!(SLA_METRICS as readonly unknown[]).includes(v.metric)) fail('metric');
  if (typeof v.policyId !== 'string') fail('policyId');
  if (!isTicketPriority(v.priority)) fail('priority');
  if (!isNonNegative(v.targetMinutes)) fail('targetMinutes');
  if (typeof v.businessHours !== 'boolean') fail('businessHours');
  if (typeof v.warningFraction !== 'number' || !(v.warningFraction > 0 && v.warningFraction < 1))
    fail('warningFraction');
  if (!(SLA_CLOCK_STATUSES as readonly unknown[]).includes(v.status)) fail('status');
  for (const key of ['startedAt', 'dueAt', 'warningAt'] as const) if (!isInstant(v[key])) fail(key);
  if (!isNonNegative(v.pausedBusinessMs) || !isNonNegative(v.pausedWallMs)) fail('paused durations');
  if (v.status === 'paused' ? !isInstant(v.pausedAt) : v.pausedAt !== null)
    fail('pausedAt must be set exactly when paused');
  if (v.status === 'stopped' ? !isInstant(v.stoppedAt) : v.stoppedAt !== null)
    fail('stoppedAt must be set exactly when stopped');
  if (typeof v.warningEmitted !== 'boolean' || typeof v.breachEmitted !== 'boolean') fail('emission flags');
  return v as unknown as SlaClockState;
}

function reschedule(state: SlaClockState, calendar: BusinessCalendar): SlaClockState {
  const start = Date.parse(state.startedAt);
  const targetMs = state.targetMinutes * MS_PER_MINUTE;
  const warningMs = Math.round(targetMs * state.warningFraction);
  const paused = pausedMs(state);
  const add = (durationMs: number): number =>
    state.businessHours
      ? calendar.addBusinessMs(start, durationMs + paused)
      : start + Math.round(durationMs + paused);
  return { ...state, dueAt: iso(add(targetMs)), warningAt: iso(add(warningMs)) };
}

/** Ends a pause (or a stop, on reopen): the interruption is added to both paused totals. */
function endInterruption(
  state: SlaClockState,
  fromMs: number,
  toMs: number,
  calendar: BusinessCalendar,
): SlaClockState {
  const from = Math.min(fromMs, toMs);
  return reschedule(
    {
      ...state,
      status: 'running',
      pausedAt: null,
      pausedBusinessMs: state.pausedBusinessMs + calendar.businessMsBetween(from, toMs),
      pausedWallMs: state.pausedWallMs + (toMs - from),
    },
    calendar,
  );
}

function pausedMs(state: SlaClockState): number {
  return state.businessHours ? state.pausedBusinessMs : state.pausedWallMs;
}

/** The instant the clock stopped counting: +∞ while running. */
function frozenAt(state: SlaClockState): number {
  if (state.status === 'paused' && state.pausedAt) return Date.parse(state.pausedAt);
  if (state.status === 'stopped' && state.stoppedAt) return Date.parse(state.stoppedAt);
  return Number.POSITIVE_INFINITY;
}

/**
 * Transitions never go back in time: a slightly skewed clock on another replica is treated as
 * the instant of the last transition instead of producing negative pauses.
 */
function notBefore(state: SlaClockState, at: Date): number {
  const last = Math.max(Date.parse(state.startedAt), state.pausedAt ? Date.parse(state.pausedAt) : 0);
  return Math.max(instant(at), last, state.stoppedAt ? Date.parse(state.stoppedAt) : 0);
}

function assertNotStopped(state: SlaClockState, action: string): void {
  if (state.status === 'stopped') {
    throw new SlaException('INVALID_TRANSITION', `cannot ${action} a stopped ${state.metric} clock`);
  }
}

function event(state: SlaClockState, type: SlaEventType): SlaDueEvent {
  return {
    type,
    metric: state.metric,
    priority: state.priority,
    thresholdAt: type === 'breach' ? state.dueAt : state.warningAt,
    dueAt: state.dueAt,
  };
}

function instant(date: Date): number {
  const ms = date instanceof Date ? date.getTime() : Number.NaN;
  if (!Number.isFinite(ms)) throw new SlaException('INVALID_INSTANT', 'instant is not a valid date');
  return ms;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

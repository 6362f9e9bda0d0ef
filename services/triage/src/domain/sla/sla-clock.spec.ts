import { thrownSlaCode } from './sla-test-helpers';
import { DateTime } from 'luxon';
import { BusinessCalendar, type BusinessPeriod } from './business-calendar';
import {
  dueSlaEvents,
  nextSlaEventAt,
  parseSlaClockState,
  pauseSlaClock,
  recomputeSlaClock,
  reopenSlaClock,
  resumeSlaClock,
  slaRemainingMs,
  startSlaClock,
  stopSlaClock,
  takeDueSlaEvents,
  type SlaClockState,
} from './sla-clock';
import { DEFAULT_SLA_POLICY, type SlaPolicy } from './sla-policy';
import { SlaException } from './sla.exception';
import { escalation } from './escalation';

const DAY: BusinessPeriod[] = [
  { start: '09:00', end: '12:00' },
  { start: '13:30', end: '18:00' },
];
const calendar = BusinessCalendar.create({
  timezone: 'Asia/Shanghai',
  weekly: { mon: DAY, tue: DAY, wed: DAY, thu: DAY, fri: DAY },
  holidays: ['2026-09-28'],
});

const at = (iso: string): Date => DateTime.fromISO(iso, { zone: 'Asia/Shanghai' }).toJSDate();
const local = (isoUtc: string | null): string =>
  isoUtc === null
    ? 'null'
    : DateTime.fromISO(isoUtc, { zone: 'Asia/Shanghai' }).toFormat("yyyy-MM-dd'T'HH:mm:ss");

/** Default targets, except P3 first response: 30 business minutes, to keep fixtures short. */
const policy: SlaPolicy = {
  ...DEFAULT_SLA_POLICY,
  id: 'fixture',
  targets: {
    ...DEFAULT_SLA_POLICY.targets,
    P3: { ...DEFAULT_SLA_POLICY.targets.P3, firstResponseMinutes: 30 },
  },
};

const start = (
  priority: 'P1' | 'P2' | 'P3' | 'P4',
  iso: string,
  metric: 'firstResponse' | 'resolution' = 'firstResponse',
): SlaClockState => startSlaClock({ metric, policy, priority, at: at(iso) }, calendar);

/** What persisting to Postgres (jsonb) and loading back does to the state. */
const roundTrip = (state: SlaClockState): SlaClockState =>
  parseSlaClockState(JSON.parse(JSON.stringify(state)));

describe('starting a clock', () => {
  it('counts business minutes across a holiday Monday for business-hours priorities', () => {
    const clock = start('P3', '2026-09-25T17:50');
    expect(local(clock.dueAt)).toBe('2026-09-29T09:20:00');
    expect(local(clock.warningAt)).toBe('2026-09-29T09:14:00');
  });

  it('counts around the clock for P1 and P2', () => {
    expect(local(start('P1', '2026-09-25T17:50').dueAt)).toBe('2026-09-25T18:20:00');
    expect(local(start('P2', '2026-09-25T17:50').dueAt)).toBe('2026-09-25T19:50:00');
    expect(local(start('P1', '2026-09-25T17:50', 'resolution').dueAt)).toBe('2026-09-25T21:50:00');
  });

  it('uses the default P3/P4 business-hour targets', () => {
    const p4 = startSlaClock(
      { metric: 'firstResponse', policy: DEFAULT_SLA_POLICY, priority: 'P4', at: at('2026-09-22T09:00') },
      calendar,
    );
    // 24 business hours = 3 days of 7.5 h + 1.5 h: Tue, Wed, Thu, then Fri 09:00–10:30.
    expect(local(p4.dueAt)).toBe('2026-09-25T10:30:00');
  });

  it('survives a JSON round trip unchanged', () => {
    const clock = start('P3', '2026-09-25T17:50');
    expect(roundTrip(clock)).toEqual(clock);
  });
});

describe('warning and breach', () => {
  const clock = start('P1', '2026-09-24T10:00');

  it('warns at 80 % of the target and breaches at the target', () => {
    expect(local(clock.warningAt)).toBe('2026-09-24T10:24:00');
    expect(dueSlaEvents(clock, at('2026-09-24T10:23:59'))).toEqual([]);
    expect(dueSlaEvents(clock, at('2026-09-24T10:24')).map((e) => e.type)).toEqual(['warning']);
    expect(dueSlaEvents(clock, at('2026-09-24T10:30')).map((e) => e.type)).toEqual(['breach']);
  });

  it('emits each event exactly once, even across a restart that reloads the state', () => {
    const warned = takeDueSlaEvents(clock, at('2026-09-24T10:25'));
    expect(warned.events).toEqual([
      {
        type: 'warning',
        metric: 'firstResponse',
        priority: 'P1',
        thresholdAt: clock.warningAt,
        dueAt: clock.dueAt,
      },
    ]);
    const reloaded = roundTrip(warned.state);
    expect(takeDueSlaEvents(reloaded, at('2026-09-24T10:26')).events).toEqual([]);

    const breached = takeDueSlaEvents(reloaded, at('2026-09-24T10:30'));
    expect(breached.events.map((e) => e.type)).toEqual(['breach']);
    const afterRestart = roundTrip(breached.state);
    expect(takeDueSlaEvents(afterRestart, at('2026-09-24T10:31')).events).toEqual([]);
    expect(takeDueSlaEvents(afterRestart, at('2026-09-25T10:00')).events).toEqual([]);
    expect(nextSlaEventAt(afterRestart)).toBeNull();
  });

  it('emits a single breach, not a stale warning, when the scheduler was down through both', () => {
    const late = takeDueSlaEvents(clock, at('2026-09-24T12:00'));
    expect(late.events.map((e) => e.type)).toEqual(['breach']);
    expect(takeDueSlaEvents(late.state, at('2026-09-24T12:00')).events).toEqual([]);
  });

  it('tells the scheduler when to wake next', () => {
    expect(nextSlaEventAt(clock)).toBe(clock.warningAt);
    expect(nextSlaEventAt(takeDueSlaEvents(clock, at('2026-09-24T10:24')).state)).toBe(clock.dueAt);
  });
});

describe('pause and resume', () => {
  it('moves a business-hours due time by the business time spent paused', () => {
    const clock = start('P3', '2026-09-24T10:00');
    expect(local(clock.dueAt)).toBe('2026-09-24T10:30:00');
    const paused = pauseSlaClock(clock, at('2026-09-24T10:10')).state;
    // Paused 10:10–14:00 = 110 + 30 business minutes; 20 minutes were left.
    const resumed = resumeSlaClock(paused, at('2026-09-24T14:00'), calendar).state;
    expect(local(resumed.dueAt)).toBe('2026-09-24T14:20:00');
    expect(resumed.pausedBusinessMs).toBe(140 * 60_000);
  });

  it('does not move a business-hours due time for a pause outside business hours', () => {
    const clock = start('P3', '2026-09-24T17:50');
    const paused = pauseSlaClock(clock, at('2026-09-24T18:30')).state;
    const resumed = resumeSlaClock(paused, at('2026-09-25T08:00'), calendar).state;
    expect(resumed.dueAt).toBe(clock.dueAt);
  });

  it('moves an around-the-clock due time by the wall time spent paused', () => {
    const clock = start('P1', '2026-09-24T10:00');
    const paused = pauseSlaClock(clock, at('2026-09-24T10:10')).state;
    const resumed = resumeSlaClock(paused, at('2026-09-24T12:10'), calendar).state;
    expect(local(resumed.dueAt)).toBe('2026-09-24T12:30:00');
    expect(local(resumed.warningAt)).toBe('2026-09-24T12:24:00');
  });

  it('never breaches while paused, whatever the time', () => {
    const paused = pauseSlaClock(start('P1', '2026-09-24T10:00'), at('2026-09-24T10:10')).state;
    expect(dueSlaEvents(paused, at('2026-09-30T00:00'))).toEqual([]);
    expect(nextSlaEventAt(paused)).toBeNull();
    expect(slaRemainingMs(paused, at('2026-09-30T00:00'), calendar)).toBe(20 * 60_000);
  });

  it('emits a warning missed before the pause, at the pause', () => {
    const result = pauseSlaClock(start('P1', '2026-09-24T10:00'), at('2026-09-24T10:27'));
    expect(result.events.map((e) => e.type)).toEqual(['warning']);
    expect(result.state.status).toBe('paused');
  });

  it('ignores repeated pauses and resumes', () => {
    const paused = pauseSlaClock(start('P1', '2026-09-24T10:00'), at('2026-09-24T10:10')).state;
    expect(pauseSlaClock(paused, at('2026-09-24T10:20')).state).toBe(paused);
    const resumed = resumeSlaClock(paused, at('2026-09-24T10:30'), calendar).state;
    expect(resumeSlaClock(resumed, at('2026-09-24T10:40'), calendar).state).toBe(resumed);
    expect(local(resumed.dueAt)).toBe('2026-09-24T10:50:00');
  });
});

describe('recompute on priority change', () => {
  it('recomputes P3→P1 from the original start', () => {
    const clock = start('P3', '2026-09-24T10:00');
    const { state, events } = recomputeSlaClock(
      clock,
      { policy, priority: 'P1' },
      at('2026-09-24T10:20'),
      calendar,
    );
    expect(state.priority).toBe('P1');
    expect(state.businessHours).toBe(false);
    expect(local(state.dueAt)).toBe('2026-09-24T10:30:00');
    expect(events).toEqual([]);
  });

  it('subtracts time already paused, in the new measure', () => {
    // P3 (business) started Thursday 11:50, paused over lunch 11:55–13:35 (100 min wall, 10 business).
    let clock = start('P3', '2026-09-24T11:50');
    clock = pauseSlaClock(clock, at('2026-09-24T11:55')).state;
    clock = resumeSlaClock(clock, at('2026-09-24T13:35'), calendar).state;
    const p1 = recomputeSlaClock(clock, { policy, priority: 'P1' }, at('2026-09-24T13:40'), calendar).state;
    expect(local(p1.dueAt)).toBe('2026-09-24T14:00:00');
  });

  it('breaches at once when the new, shorter target has already passed', () => {
    const clock = start('P3', '2026-09-24T10:00', 'resolution');
    const { events } = recomputeSlaClock(clock, { policy, priority: 'P1' }, at('2026-09-24T15:00'), calendar);
    expect(events.map((e) => e.type)).toEqual(['breach']);
  });

  it('does not breach a second time when escalation raises the priority after a breach', () => {
    const breached = takeDueSlaEvents(start('P3', '2026-09-24T10:00'), at('2026-09-24T10:30'));
    expect(breached.events.map((e) => e.type)).toEqual(['breach']);
    const raised = escalation('P3').toPriority;
    const { state, events } = recomputeSlaClock(
      breached.state,
      { policy, priority: raised },
      at('2026-09-24T10:31'),
      calendar,
    );
    expect(state.priority).toBe('P2');
    expect(events).toEqual([]);
    expect(takeDueSlaEvents(state, at('2026-09-24T13:00')).events).toEqual([]);
  });

  it('leaves a stopped clock settled', () => {
    const stopped = stopSlaClock(start('P3', '2026-09-24T10:00'), at('2026-09-24T10:20'), calendar).state;
    expect(
      recomputeSlaClock(stopped, { policy, priority: 'P1' }, at('2026-09-24T11:00'), calendar).state,
    ).toBe(stopped);
  });
});

describe('stop and reopen', () => {
  it('never fires for a clock stopped in time', () => {
    const stopped = stopSlaClock(start('P1', '2026-09-24T10:00'), at('2026-09-24T10:20'), calendar);
    expect(stopped.events).toEqual([]);
    expect(stopped.state.stoppedAt).toBe(at('2026-09-24T10:20').toISOString());
    expect(dueSlaEvents(stopped.state, at('2026-09-25T00:00'))).toEqual([]);
    expect(nextSlaEventAt(stopped.state)).toBeNull();
  });

  it('still emits the breach once when stopped late and the scheduler had missed it', () => {
    const stopped = stopSlaClock(start('P1', '2026-09-24T10:00'), at('2026-09-24T10:45'), calendar);
    expect(stopped.events.map((e) => e.type)).toEqual(['breach']);
    expect(dueSlaEvents(stopped.state, at('2026-09-25T00:00'))).toEqual([]);
  });

  it('stops a paused clock with the pause counted', () => {
    const paused = pauseSlaClock(start('P1', '2026-09-24T10:00'), at('2026-09-24T10:10')).state;
    const stopped = stopSlaClock(paused, at('2026-09-24T11:00'), calendar);
    expect(stopped.events).toEqual([]);
    expect(local(stopped.state.dueAt)).toBe('2026-09-24T11:20:00');
  });

  it('reopens without counting the time spent resolved', () => {
    const stopped = stopSlaClock(
      start('P1', '2026-09-24T10:00', 'resolution'),
      at('2026-09-24T11:00'),
      calendar,
    ).state;
    const reopened = reopenSlaClock(stopped, at('2026-09-24T15:00'), calendar).state;
    expect(reopened.status).toBe('running');
    expect(reopened.stoppedAt).toBeNull();
    expect(local(reopened.dueAt)).toBe('2026-09-24T18:00:00');
  });

  it('refuses to pause or resume a stopped clock', () => {
    const stopped = stopSlaClock(start('P1', '2026-09-24T10:00'), at('2026-09-24T10:20'), calendar).state;
    expect(thrownSlaCode(() => pauseSlaClock(stopped, at('2026-09-24T10:30')))).toBe('INVALID_TRANSITION');
    expect(thrownSlaCode(() => resumeSlaClock(stopped, at('2026-09-24T10:30'), calendar))).toBe(
      'INVALID_TRANSITION',
    );
  });
});

describe('parseSlaClockState', () => {
  it('rejects a malformed stored state with a typed error', () => {
    const clock = start('P1', '2026-09-24T10:00');
    expect(() => parseSlaClockState(null)).toThrow(SlaException);
    expect(() => parseSlaClockState({ ...clock, dueAt: 'tomorrow' })).toThrow(SlaException);
    expect(() => parseSlaClockState({ ...clock, status: 'paused' })).toThrow(SlaException);
    expect(() => parseSlaClockState({ ...clock, priority: 'P9' })).toThrow(SlaException);
  });
});

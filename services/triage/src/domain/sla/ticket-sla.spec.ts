import { DateTime } from 'luxon';
import { BusinessCalendar, DEFAULT_BUSINESS_CALENDAR_DEFINITION } from './business-calendar';
import { DEFAULT_SLA_POLICY } from './sla-policy';
import {
  changeTicketSlaPriority,
  nextTicketSlaEventAt,
  pauseTicketSla,
  recordFirstResponse,
  reopenTicketSla,
  resolveTicketSla,
  resumeTicketSla,
  startTicketSla,
  takeDueTicketSlaEvents,
  toTicketSlaView,
} from './ticket-sla';

const calendar = BusinessCalendar.create(DEFAULT_BUSINESS_CALENDAR_DEFINITION);
const at = (iso: string): Date => DateTime.fromISO(iso, { zone: 'Asia/Shanghai' }).toJSDate();
const utc = (iso: string): string => at(iso).toISOString();

describe('ticket SLA (both clocks)', () => {
  const created = startTicketSla(DEFAULT_SLA_POLICY, 'P1', at('2026-09-24T10:00'), calendar);

  it('shows the API view with both due times', () => {
    expect(toTicketSlaView(created)).toEqual({
      policyId: 'default',
      firstResponseDueAt: utc('2026-09-24T10:30'),
      resolutionDueAt: utc('2026-09-24T14:00'),
      firstRespondedAt: null,
      resolvedAt: null,
      paused: false,
      breached: { firstResponse: false, resolution: false },
    });
    expect(nextTicketSlaEventAt(created)).toBe(utc('2026-09-24T10:24'));
  });

  it('stops only the first-response clock on the first reply', () => {
    const { state } = recordFirstResponse(created, at('2026-09-24T10:05'), calendar);
    expect(toTicketSlaView(state).firstRespondedAt).toBe(utc('2026-09-24T10:05'));
    expect(state.resolution.status).toBe('running');
    // 80 % of the 4 h resolution target.
    expect(nextTicketSlaEventAt(state)).toBe(utc('2026-09-24T13:12'));
  });

  it('pauses while pending and moves the resolution due time on resume', () => {
    const replied = recordFirstResponse(created, at('2026-09-24T10:05'), calendar).state;
    const pending = pauseTicketSla(replied, at('2026-09-24T11:00')).state;
    expect(toTicketSlaView(pending).paused).toBe(true);
    expect(takeDueTicketSlaEvents(pending, at('2026-09-25T11:00')).events).toEqual([]);
    const resumed = resumeTicketSla(pending, at('2026-09-24T12:00'), calendar).state;
    expect(toTicketSlaView(resumed)).toMatchObject({
      paused: false,
      resolutionDueAt: utc('2026-09-24T15:00'),
    });
  });

  it('records a first-response breach once and leaves resolution untouched', () => {
    const first = takeDueTicketSlaEvents(created, at('2026-09-24T10:31'));
    expect(first.events.map((e) => `${e.metric}:${e.type}`)).toEqual(['firstResponse:breach']);
    expect(toTicketSlaView(first.state).breached).toEqual({ firstResponse: true, resolution: false });
    expect(takeDueTicketSlaEvents(first.state, at('2026-09-24T10:32')).events).toEqual([]);
  });

  it('recomputes both clocks when the priority changes', () => {
    const { state } = changeTicketSlaPriority(
      created,
      { policy: DEFAULT_SLA_POLICY, priority: 'P2' },
      at('2026-09-24T10:10'),
      calendar,
    );
    expect(toTicketSlaView(state)).toMatchObject({
      firstResponseDueAt: utc('2026-09-24T12:00'),
      resolutionDueAt: utc('2026-09-25T10:00'),
    });
  });

  it('resolves and reopens', () => {
    const resolved = resolveTicketSla(created, at('2026-09-24T10:20'), calendar).state;
    expect(toTicketSlaView(resolved)).toMatchObject({
      resolvedAt: utc('2026-09-24T10:20'),
      firstRespondedAt: utc('2026-09-24T10:20'),
    });
    expect(nextTicketSlaEventAt(resolved)).toBeNull();
    const reopened = reopenTicketSla(resolved, at('2026-09-24T11:20'), calendar).state;
    expect(toTicketSlaView(reopened)).toMatchObject({
      resolvedAt: null,
      resolutionDueAt: utc('2026-09-24T15:00'),
    });
    expect(reopened.firstResponse.status).toBe('stopped');
  });
});

import { DateTime } from 'luxon';
import { BusinessCalendar, DEFAULT_BUSINESS_CALENDAR_DEFINITION, DEFAULT_SLA_POLICY, pauseTicketSla, resolveTicketSla, resumeTicketSla, startTicketSla } from './sla';
import { ticketElapsed } from './ticket-metrics';

const calendar = BusinessCalendar.create(DEFAULT_BUSINESS_CALENDAR_DEFINITION);
const at = (iso: string): Date => DateTime.fromISO(iso, { zone: 'Asia/Shanghai' }).toJSDate();

describe('ticketElapsed', () => {
  it('counts wall and business minutes since creation, without the time spent pending', () => {
    const created = at('2026-09-24T11:00');
    let sla = startTicketSla(DEFAULT_SLA_POLICY, 'P3', created, calendar);
    sla = pauseTicketSla(sla, at('2026-09-24T14:00')).state;
    sla = resumeTicketSla(sla, at('2026-09-24T15:00'), calendar).state;
    const resolvedAt = at('2026-09-24T16:00');
    sla = resolveTicketSla(sla, resolvedAt, calendar).state;
    // 11:00–16:00 is 300 wall minutes; business time skips the 12:00–13:30 lunch (210) and the pending hour (150).
    expect(ticketElapsed(created, resolvedAt, calendar, sla, 'resolution')).toEqual({
      wallMinutesSinceCreated: 300,
      businessMinutesSinceCreated: 150,
      pausedMinutes: 60,
    });
  });

  it('gives business minutes on the calendar when there are no clocks', () => {
    const created = at('2026-09-25T17:00');
    expect(ticketElapsed(created, at('2026-09-28T09:30'), calendar, null, 'firstResponse')).toEqual({
      wallMinutesSinceCreated: 3 * 24 * 60 - 7 * 60 - 30,
      businessMinutesSinceCreated: 90,
      pausedMinutes: 0,
    });
  });
});

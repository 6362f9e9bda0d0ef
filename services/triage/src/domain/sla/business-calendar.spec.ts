import { thrownSlaCode } from './sla-test-helpers';
import { DateTime } from 'luxon';
import {
  addBusinessMinutes,
  BusinessCalendar,
  businessMinutesBetween,
  DEFAULT_BUSINESS_CALENDAR_DEFINITION,
  isWithinBusinessHours,
  type BusinessPeriod,
} from './business-calendar';
import { SlaException } from './sla.exception';

const DAY: BusinessPeriod[] = [
  { start: '09:00', end: '12:00' },
  { start: '13:30', end: '18:00' },
];
const WEEKDAYS_ONLY = { mon: DAY, tue: DAY, wed: DAY, thu: DAY, fri: DAY };

/** Shanghai, lunch break, a holiday Monday, National Day week and a make-up Saturday morning. */
const shanghai = BusinessCalendar.create({
  timezone: 'Asia/Shanghai',
  weekly: WEEKDAYS_ONLY,
  holidays: ['2026-09-28', '2026-10-01..07'],
  workingDays: [{ date: '2026-10-10', periods: [{ start: '09:00', end: '12:00' }] }],
});

const at = (iso: string, zone = 'Asia/Shanghai'): Date => DateTime.fromISO(iso, { zone }).toJSDate();
const local = (date: Date, zone = 'Asia/Shanghai'): string =>
  DateTime.fromJSDate(date, { zone }).toFormat("yyyy-MM-dd'T'HH:mm:ss");

describe('addBusinessMinutes', () => {
  it('carries a Friday-evening ticket across a holiday Monday to Tuesday morning', () => {
    const due = addBusinessMinutes(at('2026-09-25T17:50'), 30, shanghai);
    expect(local(due)).toBe('2026-09-29T09:20:00');
    expect(due.toISOString()).toBe('2026-09-29T01:20:00.000Z');
  });

  it('skips the lunch break', () => {
    expect(local(addBusinessMinutes(at('2026-09-24T11:50'), 30, shanghai))).toBe('2026-09-24T13:50:00');
  });

  it('lands exactly on the end of a period rather than the start of the next', () => {
    expect(local(addBusinessMinutes(at('2026-09-24T11:30'), 30, shanghai))).toBe('2026-09-24T12:00:00');
  });

  it('starts counting at the next opening when created outside business hours', () => {
    expect(local(addBusinessMinutes(at('2026-09-23T20:00'), 30, shanghai))).toBe('2026-09-24T09:30:00');
    expect(local(addBusinessMinutes(at('2026-09-24T12:30'), 10, shanghai))).toBe('2026-09-24T13:40:00');
    expect(local(addBusinessMinutes(at('2026-09-26T10:00'), 60, shanghai))).toBe('2026-09-29T10:00:00');
  });

  it('is exact to the second', () => {
    expect(local(addBusinessMinutes(at('2026-09-24T11:59:30'), 1, shanghai))).toBe('2026-09-24T13:30:30');
    expect(local(addBusinessMinutes(at('2026-09-24T09:00'), 0.5, shanghai))).toBe('2026-09-24T09:00:30');
  });

  it('crosses a week of holidays and works the make-up Saturday', () => {
    // 60 (Wed) + 450 (Thu 8th) + 450 (Fri 9th) + 180 (Sat 10th, make-up) + 300 (Mon 12th) = 1440.
    expect(local(addBusinessMinutes(at('2026-09-30T17:00'), 24 * 60, shanghai))).toBe('2026-10-12T15:30:00');
  });

  it('returns the start itself for zero minutes', () => {
    const start = at('2026-09-26T03:00');
    expect(addBusinessMinutes(start, 0, shanghai).getTime()).toBe(start.getTime());
  });

  it('rejects negative or non-finite durations and invalid dates with a typed error', () => {
    expect(() => addBusinessMinutes(at('2026-09-24T10:00'), -1, shanghai)).toThrow(SlaException);
    expect(() => addBusinessMinutes(at('2026-09-24T10:00'), Number.NaN, shanghai)).toThrow(SlaException);
    expect(thrownSlaCode(() => addBusinessMinutes(new Date('nope'), 5, shanghai))).toBe('INVALID_INSTANT');
  });

  it('reports a calendar with no business time left instead of looping', () => {
    const onlyOneDay = BusinessCalendar.create({
      timezone: 'Asia/Shanghai',
      weekly: {},
      workingDays: [{ date: '2026-09-26', periods: [{ start: '10:00', end: '11:00' }] }],
    });
    expect(local(addBusinessMinutes(at('2026-09-20T00:00'), 30, onlyOneDay))).toBe('2026-09-26T10:30:00');
    expect(thrownSlaCode(() => addBusinessMinutes(at('2026-09-20T00:00'), 90, onlyOneDay))).toBe(
      'NO_BUSINESS_TIME',
    );
  });
});

describe('businessMinutesBetween', () => {
  it('counts only business time, excluding lunch, nights, weekends and holidays', () => {
    expect(businessMinutesBetween(at('2026-09-24T11:00'), at('2026-09-24T14:00'), shanghai)).toBe(90);
    expect(businessMinutesBetween(at('2026-09-25T17:50'), at('2026-09-29T09:20'), shanghai)).toBe(30);
    expect(businessMinutesBetween(at('2026-09-30T00:00'), at('2026-10-12T00:00'), shanghai)).toBe(
      450 * 3 + 180,
    );
  });

  it('counts seconds as fractions of a minute and is negative backwards', () => {
    expect(businessMinutesBetween(at('2026-09-24T09:00'), at('2026-09-24T09:00:30'), shanghai)).toBe(0.5);
    expect(businessMinutesBetween(at('2026-09-24T14:00'), at('2026-09-24T11:00'), shanghai)).toBe(-90);
  });

  it('inverts addBusinessMinutes', () => {
    const starts = ['2026-09-25T17:50', '2026-09-24T12:10', '2026-09-30T09:01:07', '2026-10-03T08:00'];
    for (const start of starts) {
      for (const minutes of [1, 29, 450, 1441, 10_000]) {
        const due = addBusinessMinutes(at(start), minutes, shanghai);
        expect(businessMinutesBetween(at(start), due, shanghai)).toBeCloseTo(minutes, 9);
      }
    }
  });
});

describe('isWithinBusinessHours', () => {
  it('treats periods as start-inclusive and end-exclusive', () => {
    expect(isWithinBusinessHours(at('2026-09-24T09:00'), shanghai)).toBe(true);
    expect(isWithinBusinessHours(at('2026-09-24T11:59:59'), shanghai)).toBe(true);
    expect(isWithinBusinessHours(at('2026-09-24T12:00'), shanghai)).toBe(false);
    expect(isWithinBusinessHours(at('2026-09-24T08:59:59'), shanghai)).toBe(false);
  });

  it('is closed on holidays and weekends, open on a make-up Saturday', () => {
    expect(isWithinBusinessHours(at('2026-09-28T10:00'), shanghai)).toBe(false);
    expect(isWithinBusinessHours(at('2026-10-05T10:00'), shanghai)).toBe(false);
    expect(isWithinBusinessHours(at('2026-09-26T10:00'), shanghai)).toBe(false);
    expect(isWithinBusinessHours(at('2026-10-10T10:00'), shanghai)).toBe(true);
    expect(isWithinBusinessHours(at('2026-10-10T14:00'), shanghai)).toBe(false);
  });

  it('uses the calendar time zone, not UTC', () => {
    // 02:00 UTC is 10:00 in Shanghai.
    expect(isWithinBusinessHours(new Date('2026-09-24T02:00:00Z'), shanghai)).toBe(true);
    expect(isWithinBusinessHours(new Date('2026-09-24T10:00:00Z'), shanghai)).toBe(false);
  });
});

describe('daylight saving time (America/New_York)', () => {
  const ALL_DAY: BusinessPeriod[] = [{ start: '00:00', end: '24:00' }];
  const NY = 'America/New_York';
  const aroundTheClock = BusinessCalendar.create({
    timezone: NY,
    weekly: {
      mon: ALL_DAY,
      tue: ALL_DAY,
      wed: ALL_DAY,
      thu: ALL_DAY,
      fri: ALL_DAY,
      sat: ALL_DAY,
      sun: ALL_DAY,
    },
  });
  const officeHours = BusinessCalendar.create({
    timezone: NY,
    weekly: Object.fromEntries(
      ['mon', 'tue', 'wed', 'thu', 'fri'].map((d) => [d, [{ start: '09:00', end: '17:00' }]]),
    ),
  });

  it('counts the 23-hour spring-forward day and the 25-hour fall-back day as they really are', () => {
    expect(
      businessMinutesBetween(at('2026-03-08T00:00', NY), at('2026-03-09T00:00', NY), aroundTheClock),
    ).toBe(23 * 60);
    expect(
      businessMinutesBetween(at('2026-11-01T00:00', NY), at('2026-11-02T00:00', NY), aroundTheClock),
    ).toBe(25 * 60);
  });

  it('adds real elapsed time across the transition', () => {
    const due = addBusinessMinutes(at('2026-03-07T12:00', NY), 24 * 60, aroundTheClock);
    expect(local(due, NY)).toBe('2026-03-08T13:00:00');
    expect(due.getTime() - at('2026-03-07T12:00', NY).getTime()).toBe(24 * 3600 * 1000);
  });

  it('keeps office hours at local wall time after the clocks change', () => {
    const due = addBusinessMinutes(at('2026-03-06T16:30', NY), 60, officeHours);
    expect(local(due, NY)).toBe('2026-03-09T09:30:00');
    expect(due.toISOString()).toBe('2026-03-09T13:30:00.000Z');
  });

  it('gives a period spanning the skipped hour only its real length', () => {
    const night = BusinessCalendar.create({
      timezone: NY,
      weekly: { sun: [{ start: '01:00', end: '04:00' }] },
    });
    expect(businessMinutesBetween(at('2026-03-08T00:00', NY), at('2026-03-09T00:00', NY), night)).toBe(120);
  });
});

describe('agreement with Luxon across every day of a year in DST zones', () => {
  const ALL_DAY: BusinessPeriod[] = [{ start: '00:00', end: '24:00' }];
  const everyDay = <T>(value: T) => ({
    mon: value,
    tue: value,
    wed: value,
    thu: value,
    fri: value,
    sat: value,
    sun: value,
  });
  // New York (02:00 changes), Santiago (changes at midnight), Lord Howe (30-minute DST).
  it.each(['America/New_York', 'America/Santiago', 'Australia/Lord_Howe'])('%s', (zone) => {
    const allDay = BusinessCalendar.create({ timezone: zone, weekly: everyDay(ALL_DAY) });
    const office = BusinessCalendar.create({
      timezone: zone,
      weekly: everyDay([{ start: '09:00', end: '17:30' }]),
    });
    for (let day = DateTime.fromISO('2026-01-01', { zone }); day.year === 2026; day = day.plus({ days: 1 })) {
      const next = day.plus({ days: 1 });
      expect(businessMinutesBetween(day.toJSDate(), next.toJSDate(), allDay)).toBe(
        next.diff(day, 'minutes').minutes,
      );
      const opening = day.set({ hour: 9 });
      expect(isWithinBusinessHours(opening.toJSDate(), office)).toBe(true);
      expect(isWithinBusinessHours(opening.minus({ seconds: 1 }).toJSDate(), office)).toBe(false);
      expect(addBusinessMinutes(day.toJSDate(), 510, office).getTime()).toBe(
        day.set({ hour: 17, minute: 30 }).toMillis(),
      );
    }
  });
});

describe('BusinessCalendar.create', () => {
  const base = { timezone: 'Asia/Shanghai', weekly: WEEKDAYS_ONLY };
  const codeOf = thrownSlaCode;

  it('accepts the default definition (Asia/Shanghai, weekdays with a lunch break)', () => {
    const calendar = BusinessCalendar.create(DEFAULT_BUSINESS_CALENDAR_DEFINITION);
    expect(calendar.timezone).toBe('Asia/Shanghai');
    expect(businessMinutesBetween(at('2026-09-21T00:00'), at('2026-09-28T00:00'), calendar)).toBe(5 * 450);
  });

  it('rejects bad definitions with typed codes', () => {
    expect(codeOf(() => BusinessCalendar.create({ ...base, timezone: 'Mars/Olympus' }))).toBe(
      'INVALID_TIMEZONE',
    );
    expect(
      codeOf(() => BusinessCalendar.create({ ...base, weekly: { mon: [{ start: '9am', end: '12:00' }] } })),
    ).toBe('INVALID_TIME_OF_DAY');
    expect(
      codeOf(() => BusinessCalendar.create({ ...base, weekly: { mon: [{ start: '12:00', end: '09:00' }] } })),
    ).toBe('INVALID_PERIOD');
    expect(
      codeOf(() =>
        BusinessCalendar.create({
          ...base,
          weekly: {
            mon: [
              { start: '09:00', end: '12:00' },
              { start: '11:00', end: '13:00' },
            ],
          },
        }),
      ),
    ).toBe('OVERLAPPING_PERIODS');
    expect(codeOf(() => BusinessCalendar.create({ ...base, weekly: { monday: DAY } as never }))).toBe(
      'INVALID_PERIOD',
    );
    expect(codeOf(() => BusinessCalendar.create({ ...base, weekly: { mon: [null] } as never }))).toBe(
      'INVALID_PERIOD',
    );
    expect(codeOf(() => BusinessCalendar.create({ ...base, weekly: null as never }))).toBe('INVALID_PERIOD');
    expect(codeOf(() => BusinessCalendar.create({ ...base, holidays: '2026-10-01' as never }))).toBe(
      'INVALID_DATE',
    );
    expect(codeOf(() => BusinessCalendar.create({ ...base, holidays: ['2026-02-30'] }))).toBe('INVALID_DATE');
    expect(codeOf(() => BusinessCalendar.create({ ...base, holidays: ['2026-10-07..01'] }))).toBe(
      'INVALID_DATE',
    );
    expect(
      codeOf(() =>
        BusinessCalendar.create({
          ...base,
          holidays: ['2026-10-01..07'],
          workingDays: [{ date: '2026-10-03', periods: DAY }],
        }),
      ),
    ).toBe('CONFLICTING_DAY');
  });

  it('accepts full and abbreviated holiday ranges alike', () => {
    const full = BusinessCalendar.create({ ...base, holidays: ['2026-10-01..2026-10-07'] });
    const short = BusinessCalendar.create({ ...base, holidays: ['2026-10-01..07'] });
    const start = at('2026-09-30T17:00');
    expect(addBusinessMinutes(start, 120, full).getTime()).toBe(
      addBusinessMinutes(start, 120, short).getTime(),
    );
    expect(local(addBusinessMinutes(start, 120, short))).toBe('2026-10-08T10:00:00');
  });
});

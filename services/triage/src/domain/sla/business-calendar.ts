import { IANAZone } from 'luxon';
import { SlaException } from './sla.exception';

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** A working period in local wall time: 'HH:mm' or 'HH:mm:ss'; `end` may be '24:00'. */
export interface BusinessPeriod {
  start: string;
  end: string;
}

/** A date that works although the weekly schedule says otherwise (China's 调休 make-up days), with its own periods. */
export interface WorkingDayOverride {
  date: string;
  periods: readonly BusinessPeriod[];
}

/** Serialisable calendar, as stored per tenant and exchanged on /v1/calendars. */
export interface BusinessCalendarDefinition {
  /** IANA time zone the periods are expressed in. */
  timezone: string;
  weekly: Partial<Record<Weekday, readonly BusinessPeriod[]>>;
  /** 'YYYY-MM-DD', or inclusive ranges 'YYYY-MM-DD..YYYY-MM-DD' / 'YYYY-MM-DD..DD'. */
  holidays?: readonly string[];
  workingDays?: readonly WorkingDayOverride[];
}

export const DEFAULT_TIMEZONE = 'Asia/Shanghai';

const STANDARD_DAY: readonly BusinessPeriod[] = [
  { start: '09:00', end: '12:00' },
  { start: '13:30', end: '18:00' },
];

export const DEFAULT_BUSINESS_CALENDAR_DEFINITION: BusinessCalendarDefinition = {
  timezone: DEFAULT_TIMEZONE,
  weekly: { mon: STANDARD_DAY, tue: STANDARD_DAY, wed: STANDARD_DAY, thu: STANDARD_DAY, fri: STANDARD_DAY },
  holidays: [],
  workingDays: [],
};

const MS_PER_MINUTE = 60_000;
const SECONDS_PER_DAY = 86_400;
const MS_PER_DAY = SECONDS_PER_DAY * 1000;
/** A single holiday range longer than this is almost certainly a typo (e.g. a wrong year). */
const MAX_HOLIDAY_RANGE_DAYS = 366;
const MAX_CACHED_DAYS = 4096;

/** Seconds since local midnight: [start, end). */
type CompiledPeriods = readonly (readonly [number, number])[];

const EMPTY: readonly number[] = [];

/**
 * A tenant's business hours. Periods are local wall time in the calendar's zone, so a DST change
 * shortens or lengthens a period by exactly the real elapsed time. Work is done day by day (never
 * minute by minute), with per-day instants cached, so month-long spans cost a few dozen steps.
 */
export class BusinessCalendar {
  private readonly zone: IANAZone;
  private readonly weekly: readonly CompiledPeriods[];
  private readonly holidays: ReadonlySet<number>;
  private readonly overrides: ReadonlyMap<number, CompiledPeriods>;
  private readonly hasWeeklyTime: boolean;
  /** Last day number with an override: with no weekly time, nothing works after it. */
  private readonly lastOverrideDay: number;
  private readonly dayCache = new Map<number, readonly number[]>();

  private constructor(readonly definition: BusinessCalendarDefinition) {
    // IANAZone.create caches per name, so validating through it stays cheap for repeated calendars.
    const zone = typeof definition.timezone === 'string' ? IANAZone.create(definition.timezone) : null;
    if (!zone?.isValid) {
      throw new SlaException('INVALID_TIMEZONE', `unknown IANA time zone: ${String(definition.timezone)}`);
    }
    this.zone = zone;
    assertShape(definition);
    this.weekly = WEEKDAYS.map((weekday) => compilePeriods(definition.weekly[weekday] ?? [], weekday));
    this.hasWeeklyTime = this.weekly.some((periods) => periods.length > 0);

    const holidays = new Set<number>();
    for (const entry of definition.holidays ?? []) {
      for (const day of parseHolidayEntry(entry)) holidays.add(day);
    }
    const overrides = new Map<number, CompiledPeriods>();
    for (const override of definition.workingDays ?? []) {
      const day = parseDate(override.date);
      if (holidays.has(day) || overrides.has(day)) {
        throw new SlaException(
          'CONFLICTING_DAY',
          `${override.date} is listed twice (holiday and/or working day)`,
        );
      }
      overrides.set(day, compilePeriods(override.periods, override.date));
    }
    this.holidays = holidays;
    this.overrides = overrides;
    this.lastOverrideDay = Math.max(-Infinity, ...overrides.keys());
  }

  /** Validates and compiles a definition; throws SlaException on any bad field. */
  static create(definition: BusinessCalendarDefinition): BusinessCalendar {
    return new BusinessCalendar(definition);
  }

  static defaultCalendar(): BusinessCalendar {
    return new BusinessCalendar(DEFAULT_BUSINESS_CALENDAR_DEFINITION);
  }

  get timezone(): string {
    return this.zone.name;
  }

  /** The instant `durationMs` of business time after `startMs`. */
  addBusinessMs(startMs: number, durationMs: number): number {
    assertInstant(startMs);
    if (!Number.isFinite(durationMs) || durationMs < 0) {
      throw new SlaException(
        'INVALID_DURATION',
        `business duration must be a finite non-negative number, got ${durationMs}`,
      );
    }
    let remaining = Math.round(durationMs);
    if (remaining === 0) return startMs;
    let day = this.localDay(startMs);
    for (;;) {
      this.assertBusinessTimeAhead(day);
      const intervals = this.intervals(day);
      for (let i = 0; i < intervals.length; i += 2) {
        const end = intervals[i + 1] ?? 0;
        if (end <= startMs) continue;
        const from = Math.max(intervals[i] ?? 0, startMs);
        const available = end - from;
        if (remaining <= available) return from + remaining;
        remaining -= available;
      }
      day += 1;
    }
  }

  /** Business milliseconds in [a, b); negative when b is before a. */
  businessMsBetween(aMs: number, bMs: number): number {
    assertInstant(aMs);
    assertInstant(bMs);
    if (bMs < aMs) return -this.businessMsBetween(bMs, aMs);
    let total = 0;
    const lastDay = this.localDay(bMs);
    for (let day = this.localDay(aMs); day <= lastDay; day += 1) {
      const intervals = this.intervals(day);
      for (let i = 0; i < intervals.length; i += 2) {
        const from = Math.max(intervals[i] ?? 0, aMs);
        const to = Math.min(intervals[i + 1] ?? 0, bMs);
        if (to > from) total += to - from;
      }
    }
    return total;
  }

  isWithinBusinessHoursMs(atMs: number): boolean {
    assertInstant(atMs);
    const intervals = this.intervals(this.localDay(atMs));
    for (let i = 0; i < intervals.length; i += 2) {
      if ((intervals[i] ?? 0) <= atMs && atMs < (intervals[i + 1] ?? 0)) return true;
    }
    return false;
  }

  /** Business periods of one local date as UTC epoch-ms pairs [start0, end0, start1, end1, …]. */
  private intervals(day: number): readonly number[] {
    if (this.holidays.has(day)) return EMPTY;
    const periods = this.overrides.get(day) ?? this.weekly[weekdayIndex(day)] ?? [];
    if (periods.length === 0) return EMPTY;
    const cached = this.dayCache.get(day);
    if (cached) return cached;

    const midnight = day * MS_PER_DAY;
    const [dayStart, offsetAtStart] = this.wallToInstant(midnight, this.zone.offset(midnight));
    const [dayEnd, offsetAtEnd] = this.wallToInstant(midnight + MS_PER_DAY, offsetAtStart);
    // Almost every day has one offset throughout: then wall times convert by plain subtraction.
    const steady = offsetAtStart === offsetAtEnd && dayEnd - dayStart === MS_PER_DAY;
    const toInstant = (secondOfDay: number): number =>
      steady
        ? midnight + secondOfDay * 1000 - offsetAtStart * MS_PER_MINUTE
        : this.wallToInstant(midnight + secondOfDay * 1000, offsetAtStart)[0];
    const result: number[] = [];
    for (const [startSec, endSec] of periods) {
      const start = toInstant(startSec);
      const end = endSec === SECONDS_PER_DAY ? dayEnd : toInstant(endSec);
      // A period entirely inside a spring-forward gap has no real time.
      if (end > start) result.push(start, end);
    }
    if (this.dayCache.size >= MAX_CACHED_DAYS) this.dayCache.clear();
    this.dayCache.set(day, result);
    return result;
  }

  /**
   * The instant of a wall time (given as if it were UTC ms), and the offset in force there.
   * Same resolution as Luxon: a time inside a spring-forward gap moves forward by the gap, a
   * repeated fall-back time resolves to one fixed instant.
   */
  private wallToInstant(wallMs: number, offsetGuess: number): [number, number] {
    let guess = wallMs - offsetGuess * MS_PER_MINUTE;
    const offset2 = this.zone.offset(guess);
    if (offset2 === offsetGuess) return [guess, offset2];
    guess -= (offset2 - offsetGuess) * MS_PER_MINUTE;
    const offset3 = this.zone.offset(guess);
    if (offset2 === offset3) return [guess, offset2];
    return [wallMs - Math.min(offset2, offset3) * MS_PER_MINUTE, Math.max(offset2, offset3)];
  }

  private localDay(ms: number): number {
    return Math.floor((ms + this.zone.offset(ms) * MS_PER_MINUTE) / MS_PER_DAY);
  }

  private assertBusinessTimeAhead(day: number): void {
    // With any weekly time the finite holiday list is eventually passed, so only override-only calendars can run dry.
    if (!this.hasWeeklyTime && day > this.lastOverrideDay) {
      throw new SlaException('NO_BUSINESS_TIME', 'the calendar has no business time after this instant');
    }
  }
}

export function addBusinessMinutes(start: Date, minutes: number, calendar: BusinessCalendar): Date {
  return new Date(calendar.addBusinessMs(start.getTime(), minutes * MS_PER_MINUTE));
}

/** Business minutes between two instants, with fractions for seconds; negative when b is before a. */
export function businessMinutesBetween(a: Date, b: Date, calendar: BusinessCalendar): number {
  return calendar.businessMsBetween(a.getTime(), b.getTime()) / MS_PER_MINUTE;
}

export function isWithinBusinessHours(at: Date, calendar: BusinessCalendar): boolean {
  return calendar.isWithinBusinessHoursMs(at.getTime());
}

function assertInstant(ms: number): void {
  if (!Number.isFinite(ms)) throw new SlaException('INVALID_INSTANT', 'instant is not a valid date');
}

/** Definitions arrive from HTTP bodies and database rows: reject wrong shapes with a typed error. */
function assertShape(definition: BusinessCalendarDefinition): void {
  const weekly: unknown = definition.weekly;
  if (typeof weekly !== 'object' || weekly === null || Array.isArray(weekly)) {
    throw new SlaException('INVALID_PERIOD', 'weekly must be an object keyed by mon…sun');
  }
  const unknownDay = Object.keys(weekly).find((key) => !(WEEKDAYS as readonly string[]).includes(key));
  if (unknownDay !== undefined) {
    throw new SlaException(
      'INVALID_PERIOD',
      `unknown weekday "${unknownDay}" (use mon, tue, wed, thu, fri, sat, sun)`,
    );
  }
  const holidays: unknown = definition.holidays ?? [];
  const workingDays: unknown = definition.workingDays ?? [];
  if (!Array.isArray(holidays)) throw new SlaException('INVALID_DATE', 'holidays must be a list of dates');
  if (
    !Array.isArray(workingDays) ||
    !workingDays.every((d: unknown) => typeof d === 'object' && d !== null)
  ) {
    throw new SlaException('INVALID_DATE', 'workingDays must be a list of { date, periods }');
  }
}

function weekdayIndex(day: number): number {
  // Day 0 (1970-01-01) was a Thursday; index 0 is Monday.
  return (((day + 3) % 7) + 7) % 7;
}

const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME_PATTERN = /^(\d{2}):(\d{2})(?::(\d{2}))?$/;

function parseDate(text: unknown): number {
  const match = typeof text === 'string' ? DATE_PATTERN.exec(text) : null;
  if (!match) throw new SlaException('INVALID_DATE', `expected a YYYY-MM-DD date, got ${String(text)}`);
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const ms = Date.UTC(year, month - 1, day);
  const check = new Date(ms);
  if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) {
    throw new SlaException('INVALID_DATE', `no such date: ${String(text)}`);
  }
  return ms / MS_PER_DAY;
}

function parseHolidayEntry(entry: unknown): number[] {
  if (typeof entry !== 'string')
    throw new SlaException('INVALID_DATE', `holiday must be a string, got ${String(entry)}`);
  const [fromText, toText, ...rest] = entry.split('..');
  if (rest.length > 0 || fromText === undefined)
    throw new SlaException('INVALID_DATE', `bad holiday: ${entry}`);
  const from = parseDate(fromText);
  if (toText === undefined) return [from];
  // '2026-10-01..07' abbreviates a range within one month.
  const to = parseDate(/^\d{2}$/.test(toText) ? `${fromText.slice(0, 8)}${toText}` : toText);
  if (to < from || to - from >= MAX_HOLIDAY_RANGE_DAYS) {
    throw new SlaException(
      'INVALID_DATE',
      `holiday range must run forwards and span at most ${MAX_HOLIDAY_RANGE_DAYS} days: ${entry}`,
    );
  }
  const days: number[] = [];
  for (let day = from; day <= to; day += 1) days.push(day);
  return days;
}

function parseTimeOfDay(text: unknown, where: string): number {
  const match = typeof text === 'string' ? TIME_PATTERN.exec(text) : null;
  if (!match)
    throw new SlaException(
      'INVALID_TIME_OF_DAY',
      `${where}: expected HH:mm or HH:mm:ss, got ${String(text)}`,
    );
  const [hour, minute, second] = [Number(match[1]), Number(match[2]), Number(match[3] ?? 0)];
  const seconds = hour * 3600 + minute * 60 + second;
  if (minute > 59 || second > 59 || seconds > SECONDS_PER_DAY) {
    throw new SlaException('INVALID_TIME_OF_DAY', `${where}: no such time of day: ${String(text)}`);
  }
  return seconds;
}

function compilePeriods(periods: readonly BusinessPeriod[], where: string): CompiledPeriods {
  if (!Array.isArray(periods)) throw new SlaException('INVALID_PERIOD', `${where}: periods must be a list`);
  const compiled = periods
    .map((period: BusinessPeriod): [number, number] => {
      if (typeof period !== 'object' || period === null) {
        throw new SlaException('INVALID_PERIOD', `${where}: a period must be { start, end }`);
      }
      const start = parseTimeOfDay(period.start, where);
      const end = parseTimeOfDay(period.end, where);
      if (start >= end)
        throw new SlaException(
          'INVALID_PERIOD',
          `${where}: period ${period.start}–${period.end} must end after it starts`,
        );
      return [start, end];
    })
    .sort((a, b) => a[0] - b[0]);
  for (let i = 1; i < compiled.length; i += 1) {
    const previous = compiled[i - 1];
    const current = compiled[i];
    if (previous && current && current[0] < previous[1]) {
      throw new SlaException('OVERLAPPING_PERIODS', `${where}: periods overlap`);
    }
  }
  return compiled;
}

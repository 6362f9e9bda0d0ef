import { DateTime } from 'luxon';
import { FeedbackErrorCode, FeedbackException, FieldError } from '../feedback.exception';
import { METRICS_GROUP_BY, MetricsGroupBy, MetricsQuery } from './metrics.calculator';
import { DEFAULT_REPORT_TIME_ZONE } from './metrics-report';
import { LedgerEntry } from './ticket-ledger.projection';

/** A query longer than this is a reporting export, not a dashboard figure. */
export const MAX_METRICS_RANGE_DAYS = 400;
export const DEFAULT_METRICS_RANGE_DAYS = 30;
const DAY_MS = 24 * 3600 * 1000;

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})$/u;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/u;
const ISO_WEEK = /^(\d{4})-W(\d{2})$/u;

export interface MetricsQueryInput {
  readonly from?: unknown;
  readonly to?: unknown;
  readonly groupBy?: unknown;
  /** When the figures are judged (the 7-day first-contact window); default now, fixed for reproducible reports. */
  readonly asOf?: unknown;
}

/**
 * The query string of GET /v1/metrics: `from`/`to` as ISO-8601 instants (or dates, read as UTC
 * midnight), `to` defaulting to now and `from` to 30 days before `to`; `groupBy` optional.
 * Every problem is reported with its field.
 */
export function parseMetricsQuery(input: MetricsQueryInput, now: Date): MetricsQuery {
  const errors: FieldError[] = [];
  const to = input.to === undefined ? now : parseInstant(input.to, 'to', errors);
  const from =
    input.from === undefined
      ? to === null
        ? null
        : new Date(to.getTime() - DEFAULT_METRICS_RANGE_DAYS * DAY_MS)
      : parseInstant(input.from, 'from', errors);
  const groupBy = parseGroupBy(input.groupBy, errors);
  const asOf = parseAsOf(input.asOf, now, errors);
  if (from !== null && to !== null) {
    if (from.getTime() >= to.getTime()) errors.push({ field: 'to', message: 'must be after from' });
    else if (to.getTime() - from.getTime() > MAX_METRICS_RANGE_DAYS * DAY_MS)
      errors.push({ field: 'from', message: `the range may span at most ${MAX_METRICS_RANGE_DAYS} days` });
  }
  if (errors.length > 0 || from === null || to === null || asOf === null) throw invalid(errors);
  return { from, to, groupBy, asOf };
}

export function parseAsOf(value: unknown, now: Date, errors: FieldError[]): Date | null {
  return value === undefined ? now : parseInstant(value, 'asOf', errors);
}

export function parseGroupBy(value: unknown, errors: FieldError[]): MetricsGroupBy | null {
  if (value === undefined || value === '') return null;
  const known = METRICS_GROUP_BY.find((candidate) => candidate === value);
  if (known === undefined)
    errors.push({ field: 'groupBy', message: `must be one of ${METRICS_GROUP_BY.join(', ')}` });
  return known ?? null;
}

/**
 * "2026-W47" → the Monday 00:00 of that ISO week in the report's time zone. Week 53 only exists
 * in long years, so it is checked against the calendar rather than by pattern alone.
 */
export function parseIsoWeek(week: unknown, timeZone: string = DEFAULT_REPORT_TIME_ZONE): Date {
  const match = typeof week === 'string' ? ISO_WEEK.exec(week) : null;
  const weekYear = Number(match?.[1] ?? Number.NaN);
  const weekNumber = Number(match?.[2] ?? Number.NaN);
  // Luxon throws on a non-number unit, so only a well-formed week reaches it.
  const start =
    Number.isInteger(weekYear) && weekNumber >= 1 && weekNumber <= 53
      ? DateTime.fromObject({ weekYear, weekNumber, weekday: 1 }, { zone: timeZone })
      : null;
  if (start === null || !start.isValid || start.weekNumber !== weekNumber || start.weekYear !== weekYear) {
    throw invalid([{ field: 'week', message: 'must be an ISO week such as 2026-W47' }]);
  }
  return start.toJSDate();
}

/** The ISO week before the one `now` falls in: the last complete week. */
export function previousIsoWeek(now: Date, timeZone: string = DEFAULT_REPORT_TIME_ZONE): string {
  return DateTime.fromJSDate(now, { zone: timeZone }).minus({ weeks: 1 }).toFormat("kkkk-'W'WW");
}

/**
 * The time span one ledger entry can make its ticket count in: when it happened and any SLA
 * deadline it names (a deadline may fall in a range none of the ticket's events fall in).
 */
export function entrySpan(entry: LedgerEntry): { readonly startMs: number; readonly endMs: number } {
  const times = [entry.atMs];
  if ((entry.kind === 'created' || entry.kind === 'classified') && entry.sla !== null) {
    if (entry.sla.firstResponseDueAtMs !== null) times.push(entry.sla.firstResponseDueAtMs);
    if (entry.sla.resolutionDueAtMs !== null) times.push(entry.sla.resolutionDueAtMs);
  }
  if (entry.kind === 'sla-breached') times.push(entry.dueAtMs);
  return { startMs: entry.atMs, endMs: Math.max(...times) };
}

function parseInstant(value: unknown, field: string, errors: FieldError[]): Date | null {
  if (typeof value === 'string' && (ISO_INSTANT.test(value) || ISO_DATE.test(value))) {
    const ms = Date.parse(ISO_DATE.test(value) ? `${value}T00:00:00Z` : value);
    if (!Number.isNaN(ms)) return new Date(ms);
  }
  errors.push({ field, message: 'must be an ISO-8601 time such as 2026-11-16T00:00:00Z' });
  return null;
}

function invalid(errors: readonly FieldError[]): FeedbackException {
  return new FeedbackException(FeedbackErrorCode.MetricsQueryInvalid, 'metrics query is invalid', errors);
}

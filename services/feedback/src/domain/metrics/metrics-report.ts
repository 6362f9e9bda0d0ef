import { DateTime } from 'luxon';
import { FeedbackErrorCode, FeedbackException } from '../feedback.exception';
import { computeMetrics, MetricsFigures, MetricsGroupBy, MetricsReport } from './metrics.calculator';
import { TicketFacts } from './ticket-facts';

/** Business calendars default to China time; a report week runs Monday 00:00 to Monday 00:00 there. */
export const DEFAULT_REPORT_TIME_ZONE = 'Asia/Shanghai';

export interface WeeklyMetricsReport extends MetricsReport {
  /** ISO week of the report, e.g. "2026-W47". */
  readonly week: string;
  readonly timeZone: string;
}

export interface WeeklyReportOptions {
  /** Any instant inside the week to report. */
  readonly weekOf: Date;
  readonly groupBy: MetricsGroupBy | null;
  readonly asOf?: Date;
  readonly timeZone?: string;
}

export function reportWeek(
  weekOf: Date,
  timeZone: string = DEFAULT_REPORT_TIME_ZONE,
): { readonly from: Date; readonly to: Date; readonly week: string } {
  const local = DateTime.fromJSDate(weekOf, { zone: timeZone });
  if (!local.isValid) {
    throw new FeedbackException(
      FeedbackErrorCode.MetricsQueryInvalid,
      'weekly report needs a valid instant and IANA time zone',
      [{ field: 'weekOf', message: local.invalidExplanation ?? 'invalid instant or time zone' }],
    );
  }
  const start = local.startOf('week');
  return {
    from: start.toJSDate(),
    to: start.plus({ weeks: 1 }).toJSDate(),
    week: start.toFormat("kkkk-'W'WW"),
  };
}

export function buildWeeklyReport(
  facts: Iterable<TicketFacts>,
  options: WeeklyReportOptions,
): WeeklyMetricsReport {
  const timeZone = options.timeZone ?? DEFAULT_REPORT_TIME_ZONE;
  const { from, to, week } = reportWeek(options.weekOf, timeZone);
  const report = computeMetrics(facts, {
    from,
    to,
    groupBy: options.groupBy,
    ...(options.asOf === undefined ? {} : { asOf: options.asOf }),
  });
  return { ...report, week, timeZone };
}

type Column = readonly [header: string, value: (figures: MetricsFigures) => number | null];

const COLUMNS: readonly Column[] = [
  ['volume', (f) => f.volume],
  ['first_response_wall_p50_min', (f) => f.firstResponseMinutes.wallClock.p50],
  ['first_response_wall_p90_min', (f) => f.firstResponseMinutes.wallClock.p90],
  ['first_response_business_p50_min', (f) => f.firstResponseMinutes.business.p50],
  ['first_response_business_p90_min', (f) => f.firstResponseMinutes.business.p90],
  ['first_responses', (f) => f.firstResponseMinutes.wallClock.count],
  ['resolution_wall_p50_min', (f) => f.resolutionMinutes.wallClock.p50],
  ['resolution_wall_p90_min', (f) => f.resolutionMinutes.wallClock.p90],
  ['resolution_business_p50_min', (f) => f.resolutionMinutes.business.p50],
  ['resolution_business_p90_min', (f) => f.resolutionMinutes.business.p90],
  ['resolutions', (f) => f.resolutionMinutes.wallClock.count],
  ['sla_compliance_pct', (f) => f.slaCompliance.percent],
  ['sla_tickets', (f) => f.slaCompliance.denominator],
  ['sla_first_response_pct', (f) => f.slaCompliance.firstResponse.percent],
  ['sla_resolution_pct', (f) => f.slaCompliance.resolution.percent],
  ['fcr_pct', (f) => f.firstContactResolution.percent],
  ['fcr_tickets', (f) => f.firstContactResolution.denominator],
  ['fcr_pending_window', (f) => f.firstContactResolution.pendingWindow],
  ['csat_mean', (f) => f.csat.mean],
  ['csat_satisfied_pct', (f) => f.csat.satisfied.percent],
  ['csat_responses', (f) => f.csat.responses],
  ['nps', (f) => f.nps.score],
  ['nps_responses', (f) => f.nps.responses],
  ['deflection_pct', (f) => f.deflection.percent],
  ['auto_answered', (f) => f.deflection.denominator],
  ['priority_correction_pct', (f) => f.priorityCorrection.percent],
  ['classified', (f) => f.priorityCorrection.denominator],
];

/**
 * RFC 4180 CSV: a header, one row per group, then an "overall" row. Empty cell = no data.
 * Group keys come from agents' and queues' names, so a leading = + - @ is neutralised
 * before a spreadsheet can run it as a formula.
 */
export function toCsv(report: MetricsReport): string {
  const header = ['from', 'to', 'group_by', 'group', ...COLUMNS.map(([name]) => name)];
  const row = (group: string, figures: MetricsFigures): string[] => [
    report.from,
    report.to,
    report.groupBy ?? '',
    group,
    ...COLUMNS.map(([, value]) => {
      const cell = value(figures);
      return cell === null ? '' : String(cell);
    }),
  ];
  const rows = [
    header,
    ...(report.groupBy === null
      ? []
      : report.groups.map((group) => row(group.key ?? '(none)', group.figures))),
    row('overall', report.overall),
  ];
  return rows.map((cells) => cells.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

function csvCell(raw: string): string {
  const value = /^[=+\-@\t\r]/u.test(raw) && !/^-?\d/u.test(raw) ? `'${raw}` : raw;
  return /[",\r\n]/u.test(value) ? `"${value.replace(/"/gu, '""')}"` : value;
}

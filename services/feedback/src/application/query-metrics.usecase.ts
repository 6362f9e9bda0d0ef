import { Injectable } from '@nestjs/common';
import {
  buildWeeklyReport,
  computeMetrics,
  deriveAllTicketFacts,
  parseAsOf,
  parseGroupBy,
  parseIsoWeek,
  parseMetricsQuery,
  previousIsoWeek,
  reportWeek,
  toCsv,
  DEFAULT_REPORT_TIME_ZONE,
  FeedbackErrorCode,
  FeedbackException,
  type FieldError,
  type MetricsQueryInput,
  type MetricsReport,
  type WeeklyMetricsReport,
} from '../domain';
import { Clock } from '../infrastructure/clock';
import { MetricsRepository } from '../infrastructure/metrics.repository';

export interface WeeklyReportQuery {
  readonly week?: unknown;
  readonly groupBy?: unknown;
  readonly timeZone?: unknown;
  readonly asOf?: unknown;
}

/** Service metrics from the read model, for a range or an ISO week, computed as of now. */
@Injectable()
export class QueryMetricsUseCase {
  constructor(
    private readonly metrics: MetricsRepository,
    private readonly clock: Clock,
  ) {}

  /** Throws FeedbackException (MetricsQueryInvalid) naming each bad parameter. */
  async execute(tenantId: string, input: MetricsQueryInput): Promise<MetricsReport> {
    const query = parseMetricsQuery(input, this.clock.now());
    const ledgers = await this.metrics.ledgersOverlapping(tenantId, query.from, query.to);
    return computeMetrics(deriveAllTicketFacts(ledgers), query);
  }

  async weekly(
    tenantId: string,
    input: WeeklyReportQuery,
  ): Promise<{ report: WeeklyMetricsReport; csv: string }> {
    const now = this.clock.now();
    const errors: FieldError[] = [];
    const timeZone = input.timeZone === undefined ? DEFAULT_REPORT_TIME_ZONE : input.timeZone;
    if (typeof timeZone !== 'string' || !isTimeZone(timeZone)) {
      errors.push({ field: 'timeZone', message: 'must be an IANA time zone such as Asia/Shanghai' });
    }
    const groupBy = parseGroupBy(input.groupBy, errors);
    const asOf = parseAsOf(input.asOf, now, errors);
    if (errors.length > 0 || typeof timeZone !== 'string' || asOf === null) {
      throw new FeedbackException(
        FeedbackErrorCode.MetricsQueryInvalid,
        'weekly report query is invalid',
        errors,
      );
    }
    const weekOf = parseIsoWeek(input.week ?? previousIsoWeek(now, timeZone), timeZone);
    const { from, to } = reportWeek(weekOf, timeZone);
    const ledgers = await this.metrics.ledgersOverlapping(tenantId, from, to);
    const report = buildWeeklyReport(deriveAllTicketFacts(ledgers), { weekOf, groupBy, asOf, timeZone });
    return { report, csv: toCsv(report) };
  }
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

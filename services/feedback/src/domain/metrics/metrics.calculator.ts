import { FeedbackErrorCode, FeedbackException, FieldError } from '../feedback.exception';
import { nearestRankPercentile } from './nearest-rank.percentile';
import { TicketFacts } from './ticket-facts';

/**
 * Service metrics over a half-open range [from, to). Each figure is anchored on the moment its
 * own event happened, so a ticket created last week and resolved this week counts in this
 * week's resolution time but last week's volume:
 * - volume, priority correction: ticket created in range;
 * - first-response time: first agent reply in range; resolution time: current resolution in range;
 * - SLA compliance: the clock's deadline in range and the clock decided (stopped or breached);
 *   a ticket counts once, compliant when none of its in-range clocks breached. Breaches are
 *   taken from triage's sla-breached events only: triage owns calendars and pauses;
 * - first-contact resolution: first resolution in range, over tickets a person answered;
 * - CSAT, NPS: survey completed in range; deflection: first self-service answer in range.
 * Grouping uses each ticket's current attributes (current priority, latest queue and assignee).
 */
export type MetricsGroupBy = 'channel' | 'priority' | 'queue' | 'agent';
export const METRICS_GROUP_BY: readonly MetricsGroupBy[] = ['channel', 'priority', 'queue', 'agent'];

/** A ticket resolved and reopened within this window was not resolved at first contact. */
export const FCR_REOPEN_WINDOW_MS = 7 * 24 * 60 * 60 * 1000;

export interface MetricsQuery {
  readonly from: Date;
  readonly to: Date;
  readonly groupBy: MetricsGroupBy | null;
  /**
   * When the figures are computed (the service passes its clock); defaults to `to`. Decides
   * which first-contact resolutions are still inside their 7-day reopen window.
   */
  readonly asOf?: Date;
}

export interface DurationFigures {
  readonly count: number;
  readonly p50: number | null;
  readonly p90: number | null;
}

export interface RateFigures {
  readonly numerator: number;
  readonly denominator: number;
  /** numerator / denominator × 100, two decimals; null when the denominator is 0. */
  readonly percent: number | null;
}

export interface MetricsFigures {
  readonly volume: number;
  readonly firstResponseMinutes: { readonly wallClock: DurationFigures; readonly business: DurationFigures };
  readonly resolutionMinutes: { readonly wallClock: DurationFigures; readonly business: DurationFigures };
  readonly slaCompliance: RateFigures & {
    readonly firstResponse: RateFigures;
    readonly resolution: RateFigures;
  };
  /**
   * Achieved: exactly one public agent reply up to the first resolution and no reopening within
   * 7 days of it. Tickets resolved without any agent reply (self-service) are not in the
   * denominator — they are deflection. Tickets still inside the window and not reopened yet are
   * left out of numerator and denominator and counted in `pendingWindow`; a ticket already
   * reopened, or answered more than once, is decided at once.
   */
  readonly firstContactResolution: RateFigures & { readonly pendingWindow: number };
  readonly csat: {
    readonly responses: number;
    readonly mean: number | null;
    readonly satisfied: RateFigures;
  };
  readonly nps: {
    readonly responses: number;
    readonly promoters: number;
    readonly passives: number;
    readonly detractors: number;
    /** % promoters (9–10) − % detractors (0–6), two decimals; null without responses. */
    readonly score: number | null;
  };
  /** Auto-answered tickets now resolved with no public agent reply / all auto-answered. */
  readonly deflection: RateFigures;
  /** Classified tickets whose priority a person changed / classified tickets. */
  readonly priorityCorrection: RateFigures;
}

export interface MetricsGroup {
  /** The channel, priority, queue or agent id; null for "not known / none" (and for the single group when not grouping). */
  readonly key: string | null;
  readonly figures: MetricsFigures;
}

export interface MetricsReport {
  readonly from: string;
  readonly to: string;
  readonly asOf: string;
  readonly groupBy: MetricsGroupBy | null;
  readonly overall: MetricsFigures;
  /** Sorted by key, null last; only groups with at least one ticket counted in some figure. */
  readonly groups: readonly MetricsGroup[];
}

export function computeMetrics(facts: Iterable<TicketFacts>, query: MetricsQuery): MetricsReport {
  validateQuery(query);
  const fromMs = query.from.getTime();
  const toMs = query.to.getTime();
  const asOfMs = (query.asOf ?? query.to).getTime();
  const inRange = (ms: number | null): ms is number => ms !== null && ms >= fromMs && ms < toMs;

  const overall = new FiguresAccumulator();
  const groups = new Map<string | null, FiguresAccumulator>();

  for (const ticket of facts) {
    const key = query.groupBy === null ? null : groupKey(ticket, query.groupBy);
    const targets: FiguresAccumulator[] = [overall];
    const group = (): FiguresAccumulator => {
      let accumulator = groups.get(key);
      if (accumulator === undefined) {
        accumulator = new FiguresAccumulator();
        groups.set(key, accumulator);
      }
      return accumulator;
    };
    const each = (update: (accumulator: FiguresAccumulator) => void): void => {
      if (targets.length === 1 && query.groupBy !== null) targets.push(group());
      for (const target of targets) update(target);
    };

    if (inRange(ticket.createdAtMs)) {
      each((a) => (a.volume += 1));
      if (ticket.classified) each((a) => a.corrections.add(ticket.priorityCorrected));
    }
    const firstResponse = ticket.firstResponse;
    if (firstResponse !== null && inRange(firstResponse.atMs)) {
      each((a) => {
        pushIfKnown(a.firstResponseWall, firstResponse.wallMinutes);
        pushIfKnown(a.firstResponseBusiness, firstResponse.businessMinutes);
      });
    }
    const resolution = ticket.resolution;
    if (resolution !== null && inRange(resolution.atMs)) {
      each((a) => {
        pushIfKnown(a.resolutionWall, resolution.wallMinutes);
        pushIfKnown(a.resolutionBusiness, resolution.businessMinutes);
      });
    }
    addSla(ticket, inRange, each);
    addFirstContactResolution(ticket, inRange, asOfMs, each);
    for (const survey of ticket.surveys) {
      if (!inRange(survey.atMs)) continue;
      each((a) => {
        if (survey.csat !== null) a.csat.push(survey.csat);
        if (survey.nps !== null) a.nps.push(survey.nps);
      });
    }
    if (inRange(ticket.autoAnsweredAtMs)) {
      const deflected = ticket.resolution !== null && ticket.agentReplies === 0;
      each((a) => a.deflection.add(deflected));
    }
  }

  const sortedKeys = [...groups.keys()].sort((a, b) =>
    a === b ? 0 : a === null ? 1 : b === null ? -1 : a < b ? -1 : 1,
  );
  const overallFigures = overall.figures();
  return {
    from: query.from.toISOString(),
    to: query.to.toISOString(),
    asOf: new Date(asOfMs).toISOString(),
    groupBy: query.groupBy,
    overall: overallFigures,
    groups:
      query.groupBy === null
        ? [{ key: null, figures: overallFigures }]
        : sortedKeys.map((key) => ({
            key,
            figures: (groups.get(key) ?? new FiguresAccumulator()).figures(),
          })),
  };
}

type Each = (update: (accumulator: FiguresAccumulator) => void) => void;

function addSla(ticket: TicketFacts, inRange: (ms: number | null) => ms is number, each: Each): void {
  const decided = (clock: TicketFacts['sla']['firstResponse']): boolean =>
    inRange(clock.dueAtMs) && (clock.breached || clock.stoppedAtMs !== null);
  const firstResponse = ticket.sla.firstResponse;
  const resolution = ticket.sla.resolution;
  const countFirstResponse = decided(firstResponse);
  const countResolution = decided(resolution);
  if (!countFirstResponse && !countResolution) return;
  each((a) => {
    if (countFirstResponse) a.slaFirstResponse.add(!firstResponse.breached);
    if (countResolution) a.slaResolution.add(!resolution.breached);
    a.slaTickets.add(
      !((countFirstResponse && firstResponse.breached) || (countResolution && resolution.breached)),
    );
  });
}

function addFirstContactResolution(
  ticket: TicketFacts,
  inRange: (ms: number | null) => ms is number,
  asOfMs: number,
  each: Each,
): void {
  const resolvedAtMs = ticket.firstResolvedAtMs;
  if (!inRange(resolvedAtMs) || ticket.agentRepliesBeforeFirstResolution === 0) return;
  const reopenedInWindow =
    ticket.reopenedAfterFirstResolutionAtMs !== null &&
    ticket.reopenedAfterFirstResolutionAtMs - resolvedAtMs <= FCR_REOPEN_WINDOW_MS;
  if (reopenedInWindow || ticket.agentRepliesBeforeFirstResolution > 1) {
    each((a) => a.firstContact.add(false));
  } else if (asOfMs < resolvedAtMs + FCR_REOPEN_WINDOW_MS) {
    each((a) => (a.firstContactPending += 1));
  } else {
    each((a) => a.firstContact.add(true));
  }
}

function groupKey(ticket: TicketFacts, groupBy: MetricsGroupBy): string | null {
  switch (groupBy) {
    case 'channel':
      return ticket.channel;
    case 'priority':
      return ticket.priority;
    case 'queue':
      return ticket.queue;
    case 'agent':
      return ticket.agentId;
  }
}

class Tally {
  numerator = 0;
  denominator = 0;

  add(hit: boolean): void {
    this.denominator += 1;
    if (hit) this.numerator += 1;
  }

  figures(): RateFigures {
    return rate(this.numerator, this.denominator);
  }
}

class FiguresAccumulator {
  volume = 0;
  readonly firstResponseWall: number[] = [];
  readonly firstResponseBusiness: number[] = [];
  readonly resolutionWall: number[] = [];
  readonly resolutionBusiness: number[] = [];
  readonly slaTickets = new Tally();
  readonly slaFirstResponse = new Tally();
  readonly slaResolution = new Tally();
  readonly firstContact = new Tally();
  firstContactPending = 0;
  readonly csat: number[] = [];
  readonly nps: number[] = [];
  readonly deflection = new Tally();
  readonly corrections = new Tally();

  figures(): MetricsFigures {
    const promoters = this.nps.filter((score) => score >= 9).length;
    const detractors = this.nps.filter((score) => score <= 6).length;
    const csatTotal = this.csat.reduce((sum, score) => sum + score, 0);
    return {
      volume: this.volume,
      firstResponseMinutes: {
        wallClock: durations(this.firstResponseWall),
        business: durations(this.firstResponseBusiness),
      },
      resolutionMinutes: {
        wallClock: durations(this.resolutionWall),
        business: durations(this.resolutionBusiness),
      },
      slaCompliance: {
        ...this.slaTickets.figures(),
        firstResponse: this.slaFirstResponse.figures(),
        resolution: this.slaResolution.figures(),
      },
      firstContactResolution: { ...this.firstContact.figures(), pendingWindow: this.firstContactPending },
      csat: {
        responses: this.csat.length,
        mean: this.csat.length === 0 ? null : round2(csatTotal / this.csat.length),
        satisfied: rate(this.csat.filter((score) => score >= 4).length, this.csat.length),
      },
      nps: {
        responses: this.nps.length,
        promoters,
        passives: this.nps.length - promoters - detractors,
        detractors,
        score: this.nps.length === 0 ? null : round2(((promoters - detractors) * 100) / this.nps.length),
      },
      deflection: this.deflection.figures(),
      priorityCorrection: this.corrections.figures(),
    };
  }
}

function durations(values: readonly number[]): DurationFigures {
  const p50 = nearestRankPercentile(values, 50);
  const p90 = nearestRankPercentile(values, 90);
  return {
    count: values.length,
    p50: p50 === null ? null : round2(p50),
    p90: p90 === null ? null : round2(p90),
  };
}

function rate(numerator: number, denominator: number): RateFigures {
  return {
    numerator,
    denominator,
    percent: denominator === 0 ? null : round2((numerator * 100) / denominator),
  };
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

function pushIfKnown(target: number[], value: number | null): void {
  if (value !== null) target.push(value);
}

function validateQuery(query: MetricsQuery): void {
  const errors: FieldError[] = [];
  const validDate = (value: unknown): value is Date =>
    value instanceof Date && !Number.isNaN(value.getTime());
  if (!validDate(query.from)) errors.push({ field: 'from', message: 'must be an ISO-8601 time' });
  if (!validDate(query.to)) errors.push({ field: 'to', message: 'must be an ISO-8601 time' });
  if (validDate(query.from) && validDate(query.to) && query.from.getTime() >= query.to.getTime()) {
    errors.push({ field: 'to', message: 'must be after from' });
  }
  if (query.asOf !== undefined && !validDate(query.asOf))
    errors.push({ field: 'asOf', message: 'must be an ISO-8601 time' });
  if (query.groupBy !== null && !(METRICS_GROUP_BY as readonly unknown[]).includes(query.groupBy)) {
    errors.push({ field: 'groupBy', message: `must be one of ${METRICS_GROUP_BY.join(', ')}` });
  }
  if (errors.length > 0)
    throw new FeedbackException(FeedbackErrorCode.MetricsQueryInvalid, 'metrics query is invalid', errors);
}

import { FeedbackException } from '../feedback.exception';
import { MetricsInputEvent } from './feedback-input.events';
import { computeMetrics, MetricsGroupBy, MetricsReport } from './metrics.calculator';
import { deriveAllTicketFacts } from './ticket-facts';
import {
  emptyLedger,
  foldEvents,
  readMetricsEvent,
  reduceTicketLedger,
  TicketLedger,
} from './ticket-ledger.projection';

/** "11-16 09:00" → "2026-11-16T09:00:00Z" (all fixture times are UTC). */
function t(monthDayTime: string): string {
  const [monthDay, time] = monthDayTime.split(' ');
  return `2026-${monthDay}T${time}:00Z`;
}

function ev(
  id: string,
  type: MetricsInputEvent['type'],
  occurredAt: string,
  payload: Record<string, unknown>,
): MetricsInputEvent {
  // Hand-written wire JSON: the fold validates it exactly as it validates what arrives from Kafka.
  return {
    id,
    type,
    occurredAt: t(occurredAt),
    tenantId: 'acme',
    aggregateId: String(payload.ticketId),
    payload,
  } as unknown as MetricsInputEvent;
}

const sla = (firstResponseDueAt: string, resolutionDueAt: string): Record<string, string> => ({
  firstResponseDueAt: t(firstResponseDueAt),
  resolutionDueAt: t(resolutionDueAt),
});

const created = (
  id: string,
  ticketId: string,
  at: string,
  channel: string,
  priority: string,
): MetricsInputEvent =>
  ev(id, 'ticket.created', at, {
    ticketId,
    customerId: `c-${ticketId}`,
    conversationId: `conv-${ticketId}`,
    channel,
    priority,
    createdAt: t(at),
  });

const reply = (
  id: string,
  ticketId: string,
  at: string,
  agentId: string,
  wall: number | undefined,
  business: number | undefined,
  first: boolean,
): MetricsInputEvent =>
  ev(id, 'ticket.replied', at, {
    ticketId,
    agentId,
    internal: false,
    firstResponse: first,
    at: t(at),
    ...(wall === undefined ? {} : { wallMinutesSinceCreated: wall }),
    ...(business === undefined ? {} : { businessMinutesSinceCreated: business }),
  });

const resolved = (id: string, ticketId: string, at: string, business: number): MetricsInputEvent =>
  ev(id, 'ticket.resolved', at, { ticketId, at: t(at), businessMinutesSinceCreated: business });

const survey = (
  id: string,
  ticketId: string,
  at: string,
  surveyId: string,
  scores: Record<string, number | string>,
): MetricsInputEvent => ev(id, 'survey.completed', at, { surveyId, ticketId, ...scores });

/**
 * Ten tickets of tenant "acme", two channels (wechat, email), three priorities (P1–P3).
 * Ticket by ticket, in causal order; the metrics spec shuffles it.
 * T1 wechat P2  plain, one reply, CSAT 5 / NPS 10                        agent a1
 * T2 wechat P1  internal note + late first reply (FR breached)            agent a2
 * T3 email  P3  resolved, reopened 20 h later, resolved again            agent a1
 * T4 email  P4→P3 corrected; pending 12 h (paused SLA), resolved after the original due, no breach   a2
 * T5 wechat P3  auto-answered and resolved without an agent (deflected), no assignment
 * T6 email  P2  auto-answer proposed but an agent replied twice; survey reported twice (same survey id)   a1
 * T7 wechat P2→P1 corrected; resolution breached                         agent a2
 * T8 email  P2  still open, first response breached                      assigned a1, no reply
 * T9 wechat P3  created before the range, resolved inside it             agent a1
 * T10 email P1  NPS-only survey; plus an unreadable survey event         agent a2
 */
const fixtureEvents: readonly MetricsInputEvent[] = [
  // T1
  created('e1-1', 'T1', '11-16 09:00', 'wechat', 'P2'),
  ev('e1-2', 'ticket.classified', '11-16 09:00', {
    ticketId: 'T1',
    classification: { priority: 'P2', urgent: true },
    sla: sla('11-16 11:00', '11-17 09:00'),
  }),
  ev('e1-3', 'ticket.assigned', '11-16 09:01', { ticketId: 'T1', agentId: 'a1', queue: 'billing' }),
  reply('e1-4', 'T1', '11-16 09:30', 'a1', 30, 30, true),
  reply('e1-4', 'T1', '11-16 09:30', 'a1', 30, 30, true), // redelivered duplicate
  resolved('e1-5', 'T1', '11-16 10:30', 90),
  survey('e1-6', 'T1', '11-16 12:00', 's1', { csat: 5, nps: 10 }),
  // T2
  created('e2-1', 'T2', '11-16 10:00', 'wechat', 'P1'),
  ev('e2-2', 'ticket.classified', '11-16 10:00', {
    ticketId: 'T2',
    classification: { priority: 'P1' },
    sla: sla('11-16 10:30', '11-16 14:00'),
  }),
  ev('e2-3a', 'ticket.routed', '11-16 10:00', { ticketId: 'T2', queue: 'tech', reason: 'skills' }),
  ev('e2-3', 'ticket.assigned', '11-16 10:01', { ticketId: 'T2', agentId: 'a2', queue: null }), // stays in tech
  ev('e2-4', 'ticket.replied', '11-16 10:05', {
    ticketId: 'T2',
    agentId: 'a2',
    internal: true,
    firstResponse: false,
    at: t('11-16 10:05'),
  }),
  ev('e2-5', 'ticket.sla-breached', '11-16 10:30', {
    ticketId: 'T2',
    clock: 'firstResponse',
    dueAt: t('11-16 10:30'),
  }),
  reply('e2-6', 'T2', '11-16 10:45', 'a2', 45, 45, true),
  resolved('e2-7', 'T2', '11-16 12:00', 120),
  survey('e2-8', 'T2', '11-16 13:00', 's2', { csat: 2, nps: 3, comment: '太慢' }),
  // T3
  created('e3-1', 'T3', '11-16 01:00', 'email', 'P3'),
  ev('e3-2', 'ticket.classified', '11-16 01:00', {
    ticketId: 'T3',
    classification: { priority: 'P3' },
    sla: sla('11-16 09:00', '11-18 09:00'),
  }),
  ev('e3-3', 'ticket.assigned', '11-16 01:05', { ticketId: 'T3', agentId: 'a1', queue: 'billing' }),
  reply('e3-4', 'T3', '11-16 03:00', 'a1', 120, 60, true),
  resolved('e3-5', 'T3', '11-16 05:00', 240),
  ev('e3-6', 'ticket.reopened', '11-17 01:00', { ticketId: 'T3', at: t('11-17 01:00') }),
  ev('e3-6', 'ticket.reopened', '11-17 01:00', { ticketId: 'T3', at: t('11-17 01:00') }), // duplicate
  reply('e3-7', 'T3', '11-17 02:00', 'a1', 1500, 540, false),
  resolved('e3-8', 'T3', '11-17 04:00', 600),
  survey('e3-9', 'T3', '11-17 05:00', 's3', { csat: 3, nps: 9 }),
  // T4
  created('e4-1', 'T4', '11-17 02:00', 'email', 'P4'),
  ev('e4-2', 'ticket.classified', '11-17 02:00', {
    ticketId: 'T4',
    classification: { priority: 'P4' },
    sla: sla('11-17 10:00', '11-18 02:00'),
  }),
  ev('e4-3', 'ticket.priority-corrected', '11-17 02:10', {
    ticketId: 'T4',
    from: 'P4',
    to: 'P3',
    reason: 'VIP customer',
  }),
  ev('e4-4', 'ticket.assigned', '11-17 02:11', { ticketId: 'T4', agentId: 'a2', queue: 'tech' }),
  reply('e4-5', 'T4', '11-17 03:00', 'a2', 60, 30, true),
  ev('e4-6', 'ticket.pending', '11-17 03:30', { ticketId: 'T4', at: t('11-17 03:30') }),
  // 28 h since creation, 12 h of it waiting on the customer.
  ev('e4-7', 'ticket.resolved', '11-18 06:00', {
    ticketId: 'T4',
    at: t('11-18 06:00'),
    wallMinutesSinceCreated: 1680,
    businessMinutesSinceCreated: 300,
    pausedMinutes: 720,
  }),
  // T5
  created('e5-1', 'T5', '11-17 06:00', 'wechat', 'P3'),
  ev('e5-2', 'ticket.classified', '11-17 06:00', {
    ticketId: 'T5',
    classification: { priority: 'P3' },
    sla: sla('11-17 14:00', '11-19 06:00'),
  }),
  ev('e5-3', 'auto-answer.proposed', '11-17 06:01', { ticketId: 'T5', articleId: 'kb-7', confidence: 0.93 }),
  ev('e5-4', 'ticket.replied', '11-17 06:01', {
    ticketId: 'T5',
    internal: false,
    firstResponse: false,
    automated: true,
    at: t('11-17 06:01'),
  }),
  resolved('e5-5', 'T5', '11-17 06:30', 30),
  survey('e5-6', 'T5', '11-17 07:00', 's5', { csat: 4, nps: 9 }),
  // T6 (first reply without wallMinutesSinceCreated: derived from the timestamps, 60)
  created('e6-1', 'T6', '11-18 01:00', 'email', 'P2'),
  ev('e6-2', 'ticket.classified', '11-18 01:00', {
    ticketId: 'T6',
    classification: { priority: 'P2' },
    sla: sla('11-18 03:00', '11-18 09:00'),
  }),
  ev('e6-3', 'auto-answer.proposed', '11-18 01:01', { ticketId: 'T6', articleId: 'kb-9', confidence: 0.71 }),
  ev('e6-4', 'ticket.assigned', '11-18 01:02', { ticketId: 'T6', agentId: 'a1', queue: 'billing' }),
  reply('e6-5', 'T6', '11-18 02:00', 'a1', undefined, 60, true),
  reply('e6-6', 'T6', '11-18 02:30', 'a1', 90, 90, false),
  resolved('e6-7', 'T6', '11-18 04:00', 150),
  survey('e6-8', 'T6', '11-18 05:00', 's6', { csat: 4, nps: 8 }),
  survey('e6-9', 'T6', '11-18 05:02', 's6', { csat: 4, nps: 8 }), // same survey reported again under a new event id
  // T7
  created('e7-1', 'T7', '11-18 08:00', 'wechat', 'P2'),
  ev('e7-2', 'ticket.classified', '11-18 08:00', {
    ticketId: 'T7',
    classification: { priority: 'P2' },
    sla: sla('11-18 10:00', '11-18 20:00'),
  }),
  ev('e7-3', 'ticket.priority-corrected', '11-18 08:05', {
    ticketId: 'T7',
    from: 'P2',
    to: 'P1',
    reason: 'outage',
  }),
  ev('e7-4', 'ticket.assigned', '11-18 08:06', { ticketId: 'T7', agentId: 'a2', queue: 'tech' }),
  reply('e7-5', 'T7', '11-18 08:20', 'a2', 20, 20, true),
  ev('e7-6', 'ticket.sla-breached', '11-18 20:00', {
    ticketId: 'T7',
    clock: 'resolution',
    dueAt: t('11-18 20:00'),
  }),
  resolved('e7-7', 'T7', '11-19 00:00', 960),
  survey('e7-8', 'T7', '11-19 01:00', 's7', { csat: 1, nps: 0, comment: 'terrible' }),
  // T8
  created('e8-1', 'T8', '11-19 03:00', 'email', 'P2'),
  ev('e8-2', 'ticket.classified', '11-19 03:00', {
    ticketId: 'T8',
    classification: { priority: 'P2' },
    sla: sla('11-19 05:00', '11-23 03:00'),
  }),
  ev('e8-3', 'ticket.assigned', '11-19 03:01', { ticketId: 'T8', agentId: 'a1', queue: 'billing' }),
  ev('e8-4', 'ticket.sla-breached', '11-19 05:00', {
    ticketId: 'T8',
    clock: 'firstResponse',
    dueAt: t('11-19 05:00'),
  }),
  // T9
  created('e9-1', 'T9', '11-13 02:00', 'wechat', 'P3'),
  ev('e9-2', 'ticket.classified', '11-13 02:00', {
    ticketId: 'T9',
    classification: { priority: 'P3' },
    sla: sla('11-13 10:00', '11-15 02:00'),
  }),
  ev('e9-3', 'ticket.assigned', '11-13 02:01', { ticketId: 'T9', agentId: 'a1', queue: 'billing' }),
  reply('e9-4', 'T9', '11-13 04:00', 'a1', 120, 120, true),
  ev('e9-5', 'ticket.sla-breached', '11-15 02:00', {
    ticketId: 'T9',
    clock: 'resolution',
    dueAt: t('11-15 02:00'),
  }),
  resolved('e9-6', 'T9', '11-16 02:00', 1440),
  survey('e9-7', 'T9', '11-16 03:00', 's9', { csat: 5, nps: 9 }),
  // T10
  created('e10-1', 'T10', '11-19 05:00', 'email', 'P1'),
  ev('e10-2', 'ticket.classified', '11-19 05:00', {
    ticketId: 'T10',
    classification: { priority: 'P1' },
    sla: sla('11-19 05:30', '11-19 09:00'),
  }),
  ev('e10-3', 'ticket.assigned', '11-19 05:01', { ticketId: 'T10', agentId: 'a2', queue: 'tech' }),
  reply('e10-4', 'T10', '11-19 05:10', 'a2', 10, 10, true),
  resolved('e10-5', 'T10', '11-19 06:00', 60),
  survey('e10-6', 'T10', '11-19 07:00', 's10', { nps: 6 }),
  survey('e10-7', 'T10', '11-19 07:05', 's10b', { csat: 9 }), // out of range: unreadable, ignored
];

const from = new Date(t('11-16 00:00'));
const to = new Date(t('11-23 00:00'));
const afterAllWindows = new Date(t('12-01 00:00'));

function metricsOf(
  events: readonly MetricsInputEvent[],
  groupBy: MetricsGroupBy | null,
  asOf: Date = afterAllWindows,
): MetricsReport {
  return computeMetrics(deriveAllTicketFacts(foldEvents(events).values()), { from, to, groupBy, asOf });
}

/** Deterministic shuffle (mulberry32) so a failure can be replayed. */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  let state = seed >>> 0;
  const random = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let x = Math.imul(state ^ (state >>> 15), 1 | state);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy;
}

/** Interleaves tickets at random while keeping each ticket's own events in order (Kafka's per-key guarantee). */
function interleavedByTicket(events: readonly MetricsInputEvent[], seed: number): MetricsInputEvent[] {
  const queues = new Map<string, MetricsInputEvent[]>();
  for (const event of events)
    queues.set(event.aggregateId, [...(queues.get(event.aggregateId) ?? []), event]);
  const order = shuffled(
    events.map((event) => event.aggregateId),
    seed,
  );
  return order
    .map((ticketId) => queues.get(ticketId)?.shift())
    .filter((event): event is MetricsInputEvent => event !== undefined);
}

describe('metrics over the fixture stream, range [11-16, 11-23) UTC', () => {
  it('gives the hand-computed overall figures', () => {
    expect(metricsOf(fixtureEvents, null).overall).toEqual({
      // Created in range: T1 T2 T3 T4 T5 T6 T7 T8 T10 (T9 was created 11-13).
      volume: 9,
      firstResponseMinutes: {
        // First agent replies in range: T1 30, T2 45, T3 120, T4 60, T6 60 (derived), T7 20, T10 10
        // sorted 10 20 30 45 60 60 120; nearest rank p50 = ceil(0.5×7) = 4th = 45, p90 = ceil(6.3) = 7th = 120.
        // T5 had only an automated reply, T8 none, T9's reply was before the range.
        wallClock: { count: 7, p50: 45, p90: 120 },
        // Business: T1 30, T2 45, T3 60, T4 30, T6 60, T7 20, T10 10 → 10 20 30 30 45 60 60 → 4th 30, 7th 60.
        business: { count: 7, p50: 30, p90: 60 },
      },
      resolutionMinutes: {
        // Current resolutions in range: T1 90, T2 120, T3 1620 (11-16 01:00 → final 11-17 04:00),
        // T4 1680 − 720 paused = 960, T5 30, T6 180, T7 960, T9 4320 (3 days), T10 60; T8 is open.
        // sorted 30 60 90 120 180 960 960 1620 4320; p50 = ceil(4.5) = 5th = 180, p90 = ceil(8.1) = 9th = 4320.
        wallClock: { count: 9, p50: 180, p90: 4320 },
        // Business: 90 120 600 300 30 150 960 1440 60 → 30 60 90 120 150 300 600 960 1440 → 5th 150, 9th 1440.
        business: { count: 9, p50: 150, p90: 1440 },
      },
      slaCompliance: {
        // Tickets with a decided clock due in range: T1 T2 T3 T4 T5 T6 T7 T8 T10 (T9's deadlines were 11-13/11-15).
        // Breached: T2 (first response), T7 (resolution), T8 (first response) → 6 of 9 compliant.
        // T4 resolved after its original due while paused 12 h: triage reported no breach, so compliant.
        numerator: 6,
        denominator: 9,
        percent: 66.67,
        // First-response clocks: T1 T2 T3 T4 T6 T7 T8 T10 (T5 never had a person reply: undecided) → 6 met of 8.
        firstResponse: { numerator: 6, denominator: 8, percent: 75 },
        // Resolution clocks: T1 T2 T3 T4 T5 T6 T7 T10 (T8's due is 11-23 03:00, outside) → all but T7 = 7 of 8.
        resolution: { numerator: 7, denominator: 8, percent: 87.5 },
      },
      firstContactResolution: {
        // First resolution in range with a person's reply: T1 T2 T3 T4 T6 T7 T9 T10 (T5 is self-service).
        // Not FCR: T3 (reopened 20 h later), T6 (two agent replies) → 6 of 8.
        numerator: 6,
        denominator: 8,
        percent: 75,
        pendingWindow: 0,
      },
      csat: {
        // Surveys in range: s1 5, s2 2, s3 3, s5 4, s6 4 (reported twice, counted once), s7 1, s9 5; s10 has NPS only.
        // mean 24 / 7 = 3.4286 → 3.43; 4–5: s1 s5 s6 s9 = 4 of 7 = 57.14 %.
        responses: 7,
        mean: 3.43,
        satisfied: { numerator: 4, denominator: 7, percent: 57.14 },
      },
      // NPS 10 3 9 9 8 0 9 6: promoters 10 9 9 9 = 4, passives 8 = 1, detractors 3 0 6 = 3 → (4 − 3) / 8 = 12.5.
      nps: { responses: 8, promoters: 4, passives: 1, detractors: 3, score: 12.5 },
      // Auto-answered in range: T5 (resolved, no agent reply), T6 (an agent replied) → 1 of 2.
      deflection: { numerator: 1, denominator: 2, percent: 50 },
      // Classified and created in range: 9; corrected: T4 (P4→P3), T7 (P2→P1) → 2 / 9 = 22.22 %.
      priorityCorrection: { numerator: 2, denominator: 9, percent: 22.22 },
    });
  });

  it('gives the hand-computed figures per channel', () => {
    const report = metricsOf(fixtureEvents, 'channel');
    expect(report.groups.map((group) => group.key)).toEqual(['email', 'wechat']);
    const [email, wechat] = report.groups.map((group) => group.figures);
    // email: T3 T4 T6 T8 T10
    expect(email).toMatchObject({
      volume: 5,
      // wall 120 60 60 10 → 10 60 60 120: p50 2nd = 60, p90 ceil(3.6) = 4th = 120; business 60 30 60 10 → 10 30 60 60.
      firstResponseMinutes: {
        wallClock: { count: 4, p50: 60, p90: 120 },
        business: { count: 4, p50: 30, p90: 60 },
      },
      // wall 1620 960 180 60 → 60 180 960 1620; business 600 300 150 60 → 60 150 300 600.
      resolutionMinutes: {
        wallClock: { count: 4, p50: 180, p90: 1620 },
        business: { count: 4, p50: 150, p90: 600 },
      },
      // T8 breached → 4 of 5.
      slaCompliance: { numerator: 4, denominator: 5, percent: 80 },
      // T4 T10 of T3 T4 T6 T10.
      firstContactResolution: { numerator: 2, denominator: 4, percent: 50 },
      // s3 3, s6 4 → 3.5, one of two satisfied; NPS 9 8 6 → (1 − 1) / 3 = 0.
      csat: { responses: 2, mean: 3.5, satisfied: { percent: 50 } },
      nps: { responses: 3, promoters: 1, passives: 1, detractors: 1, score: 0 },
      deflection: { numerator: 0, denominator: 1, percent: 0 },
      priorityCorrection: { numerator: 1, denominator: 5, percent: 20 },
    });
    // wechat: T1 T2 T5 T7 T9
    expect(wechat).toMatchObject({
      volume: 4,
      // wall 30 45 20 → 20 30 45: p50 ceil(1.5) = 2nd = 30, p90 ceil(2.7) = 3rd = 45.
      firstResponseMinutes: { wallClock: { count: 3, p50: 30, p90: 45 } },
      // wall 90 120 30 960 4320 → 3rd 120, 5th 4320; business 90 120 30 960 1440 → 120, 1440.
      resolutionMinutes: {
        wallClock: { count: 5, p50: 120, p90: 4320 },
        business: { count: 5, p50: 120, p90: 1440 },
      },
      // T2 and T7 breached → 2 of 4 (T9 not in range).
      slaCompliance: {
        numerator: 2,
        denominator: 4,
        percent: 50,
        firstResponse: { numerator: 2, denominator: 3 },
      },
      firstContactResolution: { numerator: 4, denominator: 4, percent: 100 },
      // 5 2 4 1 5 → 17 / 5 = 3.4; satisfied 3 of 5; NPS 10 3 9 0 9 → (3 − 2) / 5 = 20.
      csat: { responses: 5, mean: 3.4, satisfied: { numerator: 3, denominator: 5, percent: 60 } },
      nps: { responses: 5, promoters: 3, passives: 0, detractors: 2, score: 20 },
      deflection: { numerator: 1, denominator: 1, percent: 100 },
      priorityCorrection: { numerator: 1, denominator: 4, percent: 25 },
    });
  });

  it('groups by current priority, queue and assignee', () => {
    // Current priority: P1 T2 T7 (corrected) T10; P2 T1 T6 T8; P3 T3 T4 (corrected) T5 (+T9, created earlier).
    const byPriority = metricsOf(fixtureEvents, 'priority');
    expect(
      byPriority.groups.map((g) => [g.key, g.figures.volume, g.figures.priorityCorrection.numerator]),
    ).toEqual([
      ['P1', 3, 1],
      ['P2', 3, 0],
      ['P3', 3, 1],
    ]);
    // Agents: a1 T1 T3 T6 T8 (T9 outside), a2 T2 T4 T7 T10, none: T5 (self-service, never assigned).
    const byAgent = metricsOf(fixtureEvents, 'agent');
    expect(byAgent.groups.map((g) => [g.key, g.figures.volume])).toEqual([
      ['a1', 4],
      ['a2', 4],
      [null, 1],
    ]);
    // Queues: billing = a1's tickets, tech = a2's; T5 has none. billing FCR: T1 T9 achieved, T3 T6 not → 2 of 4.
    const byQueue = metricsOf(fixtureEvents, 'queue');
    expect(
      byQueue.groups.map((g) => [
        g.key,
        g.figures.firstContactResolution.numerator,
        g.figures.firstContactResolution.denominator,
      ]),
    ).toEqual([
      ['billing', 2, 4],
      ['tech', 4, 4],
      [null, 0, 0],
    ]);
  });

  it('leaves first-contact resolutions still inside their 7-day window out until it closes', () => {
    // As of 11-23 00:00 every first resolution in range (11-16 02:00 at the earliest) is less than 7 days old.
    // Decided already: T3 (reopened) and T6 (two replies), both not FCR; the other six are pending.
    expect(metricsOf(fixtureEvents, null, to).overall.firstContactResolution).toEqual({
      numerator: 0,
      denominator: 2,
      percent: 0,
      pendingWindow: 6,
    });
    // As of 11-23 06:00 only T9's window (resolved 11-16 02:00) has closed: achieved → 1 of T3 T6 T9;
    // T1 T2 T4 T7 T10 still pending.
    expect(metricsOf(fixtureEvents, null, new Date(t('11-23 06:00'))).overall.firstContactResolution).toEqual(
      {
        numerator: 1,
        denominator: 3,
        percent: 33.33,
        pendingWindow: 5,
      },
    );
  });

  it('gives the same figures when the stream is replayed, duplicated or arrives in another order', () => {
    const expected = metricsOf(fixtureEvents, 'channel');
    expect(metricsOf([...fixtureEvents, ...fixtureEvents], 'channel')).toEqual(expected);
    for (const seed of [1, 2, 3, 42]) {
      expect(metricsOf(interleavedByTicket(fixtureEvents, seed), 'channel')).toEqual(expected);
      // Survey answers and auto-answers come from other topics, so even one ticket's events may arrive out of order.
      expect(metricsOf(shuffled(fixtureEvents, seed), 'channel')).toEqual(expected);
    }
  });

  it('rebuilds the same figures from stored ledgers plus the rest of the stream', () => {
    const half = Math.floor(fixtureEvents.length / 2);
    const stored = JSON.parse(JSON.stringify([...foldEvents(fixtureEvents.slice(0, half))])) as [
      string,
      TicketLedger,
    ][];
    const resumed = foldEvents(fixtureEvents.slice(half - 5), new Map(stored)); // overlapping replay after a crash
    const figures = computeMetrics(deriveAllTicketFacts(resumed.values()), {
      from,
      to,
      groupBy: 'channel',
      asOf: afterAllWindows,
    });
    expect(figures).toEqual(metricsOf(fixtureEvents, 'channel'));
  });

  it('returns the very same ledger for an event it has already applied', () => {
    const [first] = fixtureEvents;
    if (first === undefined) throw new Error('fixture is empty');
    const once = reduceTicketLedger(emptyLedger('acme', 'T1'), first);
    expect(reduceTicketLedger(once, first)).toBe(once);
    expect(reduceTicketLedger(once, { ...first, tenantId: 'other' })).toBe(once);
  });
});

describe('computeMetrics on edge input', () => {
  it('reports empty figures rather than zeros when nothing happened', () => {
    const report = computeMetrics([], { from, to, groupBy: 'agent' });
    expect(report.groups).toEqual([]);
    expect(report.overall.csat.mean).toBeNull();
    expect(report.overall.nps.score).toBeNull();
    expect(report.overall.firstResponseMinutes.wallClock).toEqual({ count: 0, p50: null, p90: null });
    expect(report.overall.slaCompliance.percent).toBeNull();
  });

  it('rejects an inverted or invalid range and an unknown grouping, naming the field', () => {
    const fields = (query: Parameters<typeof computeMetrics>[1]): string[] => {
      try {
        computeMetrics([], query);
        return [];
      } catch (error: unknown) {
        return error instanceof FeedbackException ? error.errors.map((e) => e.field) : ['unexpected'];
      }
    };
    expect(fields({ from: to, to: from, groupBy: null })).toEqual(['to']);
    expect(fields({ from: new Date('x'), to, groupBy: null })).toEqual(['from']);
    expect(fields({ from, to, groupBy: 'weekday' as MetricsGroupBy })).toEqual(['groupBy']);
  });
});

describe('readMetricsEvent', () => {
  it('explains why an event cannot be used, for the dead-letter record', () => {
    expect(readMetricsEvent(null)).toEqual({ ok: false, reason: 'event is not an object' });
    expect(
      readMetricsEvent({
        id: 'x',
        type: 'ticket.sla-warning',
        occurredAt: t('11-16 00:00'),
        tenantId: 'acme',
        aggregateId: 'T1',
        payload: { ticketId: 'T1' },
      }),
    ).toEqual({
      ok: false,
      reason: 'type ticket.sla-warning is not consumed',
    });
    expect(
      readMetricsEvent({
        id: 'x',
        type: 'survey.completed',
        occurredAt: t('11-16 00:00'),
        tenantId: 'acme',
        aggregateId: 'T1',
        payload: { ticketId: 'T1', surveyId: 's', csat: 9 },
      }),
    ).toEqual({ ok: false, reason: 'payload.csat is missing or invalid' });
    expect(
      readMetricsEvent({
        id: 'x',
        type: 'ticket.resolved',
        occurredAt: 'yesterday',
        tenantId: 'acme',
        aggregateId: 'T1',
        payload: { ticketId: 'T1', at: t('11-16 00:00') },
      }),
    ).toEqual({ ok: false, reason: 'occurredAt is not an ISO-8601 time' });
  });
});

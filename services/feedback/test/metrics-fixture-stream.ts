import { randomUUID } from 'node:crypto';
import type { EventEnvelope, EventType, PayloadOf } from '@helpdesk/contracts';

/**
 * The metrics fixture stream of the domain spec (metrics.calculator.spec.ts), as the producers
 * put it on the wire: contract-valid payloads, real ids, triage's events on triage.tickets.v1,
 * knowledge's auto-answers on knowledge.suggestions.v1, survey answers on feedback.responses.v1.
 * Ten tickets of one tenant, two channels, three priorities, a reopened ticket (T3), a paused SLA
 * (T4), an NPS mix, redelivered duplicates and one unreadable event. All times are UTC.
 *
 * T1 wechat P2  plain, one reply, CSAT 5 / NPS 10                        agent a1
 * T2 wechat P1  internal note + late first reply (FR breached)            agent a2
 * T3 email  P3  resolved, reopened 20 h later, resolved again            agent a1
 * T4 email  P4→P3 corrected; pending 12 h (paused SLA), resolved after the original due, no breach   a2
 * T5 wechat P3  auto-answered and resolved without an agent (deflected), no assignment
 * T6 email  P2  auto-answer proposed but an agent replied twice; survey reported twice (same survey id)   a1
 * T7 wechat P2→P1 corrected; resolution breached                         agent a2
 * T8 email  P2  still open, first response breached                      assigned a1, no reply
 * T9 wechat P3  created before the range, resolved inside it             agent a1
 * T10 email P1  NPS-only survey; plus an unreadable survey event (CSAT 9) agent a2
 */
export function metricsFixtureStream(tenantId: string): EventEnvelope[] {
  const ids = new Map<string, string>();
  const id = (label: string): string => {
    let value = ids.get(label);
    if (value === undefined) {
      value = randomUUID();
      ids.set(label, value);
    }
    return value;
  };
  const t = (monthDayTime: string): string => {
    const [monthDay, time] = monthDayTime.split(' ');
    return `2026-${monthDay}T${time}:00.000Z`;
  };
  const ev = <T extends EventType>(
    eventLabel: string,
    type: T,
    at: string,
    ticket: string,
    payload: Omit<PayloadOf<T>, 'ticketId'>,
  ): EventEnvelope<T, PayloadOf<T>> => ({
    id: id(eventLabel),
    type,
    version: 1,
    occurredAt: t(at),
    tenantId,
    producer:
      type === 'auto-answer.proposed' ? 'knowledge' : type === 'survey.completed' ? 'feedback' : 'triage',
    aggregateId: id(ticket),
    correlationId: `metrics-fixture-${eventLabel}`,
    causationId: null,
    payload: { ticketId: id(ticket), ...payload } as PayloadOf<T>,
  });
  const sla = (firstResponseDueAt: string, resolutionDueAt: string) => ({
    firstResponseDueAt: t(firstResponseDueAt),
    resolutionDueAt: t(resolutionDueAt),
  });
  const created = (
    e: string,
    ticket: string,
    at: string,
    channel: 'wechat' | 'email',
    priority: 'P1' | 'P2' | 'P3' | 'P4',
  ) =>
    ev(e, 'ticket.created', at, ticket, {
      messageId: id(`${ticket}-message`),
      conversationId: id(`${ticket}-conversation`),
      customerId: id(`${ticket}-customer`),
      channel,
      body: '我的订单有问题',
      language: 'zh',
      priority,
      status: 'new',
      createdAt: t(at),
    });
  const classified = (
    e: string,
    ticket: string,
    at: string,
    priority: 'P1' | 'P2' | 'P3' | 'P4',
    due: ReturnType<typeof sla>,
  ) =>
    ev(e, 'ticket.classified', at, ticket, {
      classification: {
        priority,
        urgent: false,
        important: false,
        category: 'orders',
        confidence: 0.8,
        reasons: [],
        modelVersion: 'fixture',
      },
      sla: due,
    });
  const assigned = (e: string, ticket: string, at: string, agentId: string, queue: string | null) =>
    ev(e, 'ticket.assigned', at, ticket, { agentId, queue, reason: 'least loaded' });
  const reply = (
    e: string,
    ticket: string,
    at: string,
    agentId: string,
    wall: number | undefined,
    business: number | undefined,
    first: boolean,
  ) =>
    ev(e, 'ticket.replied', at, ticket, {
      replyId: id(`${e}-reply`),
      agentId,
      internal: false,
      firstResponse: first,
      at: t(at),
      ...(wall === undefined ? {} : { wallMinutesSinceCreated: wall }),
      ...(business === undefined ? {} : { businessMinutesSinceCreated: business }),
    });
  const resolved = (e: string, ticket: string, at: string, business: number) =>
    ev(e, 'ticket.resolved', at, ticket, { at: t(at), businessMinutesSinceCreated: business });
  const survey = (
    e: string,
    ticket: string,
    at: string,
    surveyLabel: string,
    scores: { csat?: number; nps?: number; comment?: string },
  ) => ev(e, 'survey.completed', at, ticket, { surveyId: id(surveyLabel), ...scores });
  const breached = (e: string, ticket: string, at: string, clock: 'firstResponse' | 'resolution') =>
    ev(e, 'ticket.sla-breached', at, ticket, { clock, dueAt: t(at), breachedAt: t(at) });
  const autoAnswer = (e: string, ticket: string, at: string, articleId: string, confidence: number) =>
    ev(e, 'auto-answer.proposed', at, ticket, {
      articleId,
      title: 'FAQ',
      answer: '请参考帮助中心',
      confidence,
    });

  return [
    // T1
    created('e1-1', 'T1', '11-16 09:00', 'wechat', 'P2'),
    classified('e1-2', 'T1', '11-16 09:00', 'P2', sla('11-16 11:00', '11-17 09:00')),
    assigned('e1-3', 'T1', '11-16 09:01', 'a1', 'billing'),
    reply('e1-4', 'T1', '11-16 09:30', 'a1', 30, 30, true),
    reply('e1-4', 'T1', '11-16 09:30', 'a1', 30, 30, true), // redelivered duplicate
    resolved('e1-5', 'T1', '11-16 10:30', 90),
    survey('e1-6', 'T1', '11-16 12:00', 's1', { csat: 5, nps: 10 }),
    // T2
    created('e2-1', 'T2', '11-16 10:00', 'wechat', 'P1'),
    classified('e2-2', 'T2', '11-16 10:00', 'P1', sla('11-16 10:30', '11-16 14:00')),
    ev('e2-3a', 'ticket.routed', '11-16 10:00', 'T2', { queue: 'tech', reason: 'skills' }),
    assigned('e2-3', 'T2', '11-16 10:01', 'a2', null), // stays in tech
    ev('e2-4', 'ticket.replied', '11-16 10:05', 'T2', {
      replyId: id('e2-4-reply'),
      agentId: 'a2',
      internal: true,
      firstResponse: false,
      at: t('11-16 10:05'),
    }),
    breached('e2-5', 'T2', '11-16 10:30', 'firstResponse'),
    reply('e2-6', 'T2', '11-16 10:45', 'a2', 45, 45, true),
    resolved('e2-7', 'T2', '11-16 12:00', 120),
    survey('e2-8', 'T2', '11-16 13:00', 's2', { csat: 2, nps: 3, comment: '太慢' }),
    // T3
    created('e3-1', 'T3', '11-16 01:00', 'email', 'P3'),
    classified('e3-2', 'T3', '11-16 01:00', 'P3', sla('11-16 09:00', '11-18 09:00')),
    assigned('e3-3', 'T3', '11-16 01:05', 'a1', 'billing'),
    reply('e3-4', 'T3', '11-16 03:00', 'a1', 120, 60, true),
    resolved('e3-5', 'T3', '11-16 05:00', 240),
    ev('e3-6', 'ticket.reopened', '11-17 01:00', 'T3', {
      at: t('11-17 01:00'),
      reason: 'customer wrote again',
    }),
    ev('e3-6', 'ticket.reopened', '11-17 01:00', 'T3', {
      at: t('11-17 01:00'),
      reason: 'customer wrote again',
    }), // duplicate
    reply('e3-7', 'T3', '11-17 02:00', 'a1', 1500, 540, false),
    resolved('e3-8', 'T3', '11-17 04:00', 600),
    survey('e3-9', 'T3', '11-17 05:00', 's3', { csat: 3, nps: 9 }),
    // T4
    created('e4-1', 'T4', '11-17 02:00', 'email', 'P4'),
    classified('e4-2', 'T4', '11-17 02:00', 'P4', sla('11-17 10:00', '11-18 02:00')),
    ev('e4-3', 'ticket.priority-corrected', '11-17 02:10', 'T4', {
      from: 'P4',
      to: 'P3',
      reason: 'VIP customer',
    }),
    assigned('e4-4', 'T4', '11-17 02:11', 'a2', 'tech'),
    reply('e4-5', 'T4', '11-17 03:00', 'a2', 60, 30, true),
    ev('e4-6', 'ticket.pending', '11-17 03:30', 'T4', { at: t('11-17 03:30') }),
    // 28 h since creation, 12 h of it waiting on the customer.
    ev('e4-7', 'ticket.resolved', '11-18 06:00', 'T4', {
      at: t('11-18 06:00'),
      wallMinutesSinceCreated: 1680,
      businessMinutesSinceCreated: 300,
      pausedMinutes: 720,
    }),
    // T5
    created('e5-1', 'T5', '11-17 06:00', 'wechat', 'P3'),
    classified('e5-2', 'T5', '11-17 06:00', 'P3', sla('11-17 14:00', '11-19 06:00')),
    autoAnswer('e5-3', 'T5', '11-17 06:01', 'kb-7', 0.93),
    ev('e5-4', 'ticket.replied', '11-17 06:01', 'T5', {
      replyId: id('e5-4-reply'),
      internal: false,
      firstResponse: false,
      automated: true,
      at: t('11-17 06:01'),
    }),
    resolved('e5-5', 'T5', '11-17 06:30', 30),
    survey('e5-6', 'T5', '11-17 07:00', 's5', { csat: 4, nps: 9 }),
    // T6 (first reply without wallMinutesSinceCreated: derived from the timestamps, 60)
    created('e6-1', 'T6', '11-18 01:00', 'email', 'P2'),
    classified('e6-2', 'T6', '11-18 01:00', 'P2', sla('11-18 03:00', '11-18 09:00')),
    autoAnswer('e6-3', 'T6', '11-18 01:01', 'kb-9', 0.71),
    assigned('e6-4', 'T6', '11-18 01:02', 'a1', 'billing'),
    reply('e6-5', 'T6', '11-18 02:00', 'a1', undefined, 60, true),
    reply('e6-6', 'T6', '11-18 02:30', 'a1', 90, 90, false),
    resolved('e6-7', 'T6', '11-18 04:00', 150),
    survey('e6-8', 'T6', '11-18 05:00', 's6', { csat: 4, nps: 8 }),
    survey('e6-9', 'T6', '11-18 05:02', 's6', { csat: 4, nps: 8 }), // same survey reported again under a new event id
    // T7
    created('e7-1', 'T7', '11-18 08:00', 'wechat', 'P2'),
    classified('e7-2', 'T7', '11-18 08:00', 'P2', sla('11-18 10:00', '11-18 20:00')),
    ev('e7-3', 'ticket.priority-corrected', '11-18 08:05', 'T7', { from: 'P2', to: 'P1', reason: 'outage' }),
    assigned('e7-4', 'T7', '11-18 08:06', 'a2', 'tech'),
    reply('e7-5', 'T7', '11-18 08:20', 'a2', 20, 20, true),
    breached('e7-6', 'T7', '11-18 20:00', 'resolution'),
    resolved('e7-7', 'T7', '11-19 00:00', 960),
    survey('e7-8', 'T7', '11-19 01:00', 's7', { csat: 1, nps: 0, comment: 'terrible' }),
    // T8
    created('e8-1', 'T8', '11-19 03:00', 'email', 'P2'),
    classified('e8-2', 'T8', '11-19 03:00', 'P2', sla('11-19 05:00', '11-23 03:00')),
    assigned('e8-3', 'T8', '11-19 03:01', 'a1', 'billing'),
    breached('e8-4', 'T8', '11-19 05:00', 'firstResponse'),
    // T9
    created('e9-1', 'T9', '11-13 02:00', 'wechat', 'P3'),
    classified('e9-2', 'T9', '11-13 02:00', 'P3', sla('11-13 10:00', '11-15 02:00')),
    assigned('e9-3', 'T9', '11-13 02:01', 'a1', 'billing'),
    reply('e9-4', 'T9', '11-13 04:00', 'a1', 120, 120, true),
    breached('e9-5', 'T9', '11-15 02:00', 'resolution'),
    resolved('e9-6', 'T9', '11-16 02:00', 1440),
    survey('e9-7', 'T9', '11-16 03:00', 's9', { csat: 5, nps: 9 }),
    // T10
    created('e10-1', 'T10', '11-19 05:00', 'email', 'P1'),
    classified('e10-2', 'T10', '11-19 05:00', 'P1', sla('11-19 05:30', '11-19 09:00')),
    assigned('e10-3', 'T10', '11-19 05:01', 'a2', 'tech'),
    reply('e10-4', 'T10', '11-19 05:10', 'a2', 10, 10, true),
    resolved('e10-5', 'T10', '11-19 06:00', 60),
    survey('e10-6', 'T10', '11-19 07:00', 's10', { nps: 6 }),
    survey('e10-7', 'T10', '11-19 07:05', 's10b', { csat: 9 }), // out of range: dead-lettered, never counted
  ];
}

/** The id of the one event of the stream no consumer can accept. */
export function unreadableEventIds(stream: readonly EventEnvelope[]): string[] {
  return stream
    .filter((event) => event.type === 'survey.completed' && (event.payload as { csat?: number }).csat === 9)
    .map((event) => event.id);
}

import type { Observed } from './kafka-tap';
import type { SendOutcome } from './load-driver';
import { summarize, type Summary } from './stats';

/** The tap's records, as far as timings need them. */
export interface TapView {
  received: ReadonlyMap<string, Observed>;
  created: ReadonlyMap<string, Observed>;
  added: ReadonlyMap<string, Observed>;
  routed: ReadonlyMap<string, Observed>;
}

/**
 * One accepted message's path, in ms between wall-clock stamps of the same machine:
 * request → 202 → ingestion's outbox row → published to Kafka → triage's ticket row (and outbox) →
 * published → ticket.routed published.
 */
export interface MessageTiming {
  followUp: boolean;
  accept: number;
  ingestionRelay?: number;
  kafkaToTriage?: number;
  triageRelay?: number;
  routing?: number;
  /** 202 answered → the final ticket event (routed, else created, or joined for a follow-up) published. */
  endToEnd?: number;
  routed: boolean;
  /** When the final event was published (its Kafka record timestamp). */
  finalAt?: number;
}

export function timingOf(o: SendOutcome, tap: TapView): MessageTiming {
  const t: MessageTiming = { followUp: o.planned.followUpOf !== undefined, accept: o.answeredAt - o.sentAt, routed: false };
  const id = o.messageId;
  if (!id) return t;
  const received = tap.received.get(id);
  const ticket = tap.created.get(id) ?? tap.added.get(id);
  if (received) t.ingestionRelay = received.recordAt - received.envelopeAt;
  if (received && ticket) t.kafkaToTriage = ticket.envelopeAt - received.recordAt;
  if (ticket) t.triageRelay = ticket.recordAt - ticket.envelopeAt;
  const routed = !t.followUp && ticket?.ticketId ? tap.routed.get(ticket.ticketId) : undefined;
  if (routed && ticket) {
    t.routing = routed.recordAt - ticket.recordAt;
    t.routed = true;
  }
  const final = routed ?? ticket;
  if (final) {
    t.finalAt = final.recordAt;
    t.endToEnd = final.recordAt - o.answeredAt;
  }
  return t;
}

export interface StageReport {
  accept: Summary | null;
  ingestionRelay: Summary | null;
  kafkaToTriage: Summary | null;
  triageRelay: Summary | null;
  routing: Summary | null;
  endToEnd: Summary | null;
  endToEndNewTickets: Summary | null;
  endToEndFollowUps: Summary | null;
}

export function stageReport(timings: readonly MessageTiming[]): StageReport {
  const pick = (f: (t: MessageTiming) => number | undefined, filter: (t: MessageTiming) => boolean = () => true): Summary | null =>
    summarize(timings.filter(filter).map(f).filter((v): v is number => v !== undefined));
  return {
    accept: pick((t) => t.accept),
    ingestionRelay: pick((t) => t.ingestionRelay),
    kafkaToTriage: pick((t) => t.kafkaToTriage),
    triageRelay: pick((t) => t.triageRelay),
    routing: pick((t) => t.routing),
    endToEnd: pick((t) => t.endToEnd),
    endToEndNewTickets: pick((t) => t.endToEnd, (t) => !t.followUp),
    endToEndFollowUps: pick((t) => t.endToEnd, (t) => t.followUp),
  };
}

/**
 * Messages carried end to end per second: completed / time from the first send to the last
 * completion. Equals the offered rate when the system keeps up; lower when a backlog built.
 */
export function endToEndRate(timings: readonly MessageTiming[], phaseStartedAt: number): number | null {
  const finals = timings.map((t) => t.finalAt).filter((v): v is number => v !== undefined);
  if (finals.length === 0) return null;
  const last = finals.reduce((m, v) => (v > m ? v : m), -Infinity);
  const seconds = (last - phaseStartedAt) / 1000;
  return seconds > 0 ? finals.length / seconds : null;
}

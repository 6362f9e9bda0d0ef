import type { KafkaMessage } from 'kafkajs';
import { isRecord } from './http-client';
import { TailConsumer } from './tail-consumer';

/** One event as the tap saw it: when it was written (envelope), appended to Kafka (record), and read here. */
export interface Observed {
  eventId: string;
  /** The envelope's occurredAt: when the producing service wrote it in its transaction. */
  envelopeAt: number;
  /** The Kafka record timestamp: when the outbox relay published it. */
  recordAt: number;
  seenAt: number;
  ticketId?: string;
}

/**
 * Reads the message and ticket topics from their current end and records, for one tenant, when
 * each message was published by ingestion and when triage created, joined or routed its ticket.
 */
export class KafkaTap {
  readonly received = new Map<string, Observed>();
  readonly created = new Map<string, Observed>();
  readonly added = new Map<string, Observed>();
  readonly routed = new Map<string, Observed>();
  /** Distinct tickets created per message id: more than one is a duplicate ticket. */
  readonly createdTickets = new Map<string, Set<string>>();
  /** The same event id read again (at-least-once redelivery after a failure). */
  redeliveries = 0;
  records = 0;
  private readonly seenEventIds = new Set<string>();
  private readonly consumer: TailConsumer;

  constructor(
    brokers: string[],
    private readonly tenantId: string,
    groupId: string,
    topics: string[] = ['ingestion.messages.v1', 'triage.tickets.v1'],
  ) {
    this.consumer = new TailConsumer(brokers, groupId, topics, (_topic, message) => this.observe(message));
  }

  get restarts(): number {
    return this.consumer.restarts;
  }

  start(): Promise<void> {
    return this.consumer.start();
  }

  stop(): Promise<void> {
    return this.consumer.stop();
  }

  private observe(message: KafkaMessage): void {
    this.records++;
    let envelope: unknown;
    try {
      envelope = JSON.parse(message.value?.toString('utf8') ?? '') as unknown;
    } catch {
      return;
    }
    if (!isRecord(envelope) || envelope['tenantId'] !== this.tenantId || !isRecord(envelope['payload'])) return;
    const id = typeof envelope['id'] === 'string' ? envelope['id'] : '';
    if (this.seenEventIds.has(id)) {
      this.redeliveries++;
      return;
    }
    this.seenEventIds.add(id);
    const payload = envelope['payload'];
    const messageId = typeof payload['messageId'] === 'string' ? payload['messageId'] : undefined;
    const ticketId = typeof payload['ticketId'] === 'string' ? payload['ticketId'] : undefined;
    const observed: Observed = {
      eventId: id,
      envelopeAt: Date.parse(typeof envelope['occurredAt'] === 'string' ? envelope['occurredAt'] : ''),
      recordAt: Number(message.timestamp),
      seenAt: Date.now(),
      ticketId,
    };
    switch (envelope['type']) {
      case 'message.received':
        if (messageId && !this.received.has(messageId)) this.received.set(messageId, observed);
        break;
      case 'ticket.created':
        if (messageId) {
          if (!this.created.has(messageId)) this.created.set(messageId, observed);
          const tickets = this.createdTickets.get(messageId) ?? new Set<string>();
          if (ticketId) tickets.add(ticketId);
          this.createdTickets.set(messageId, tickets);
        }
        break;
      case 'ticket.message-added':
        if (messageId && !this.added.has(messageId)) this.added.set(messageId, observed);
        break;
      case 'ticket.routed':
        if (ticketId && !this.routed.has(ticketId)) this.routed.set(ticketId, observed);
        break;
      default:
        break;
    }
  }

  /** Messages whose ticket work (created or joined) the tap has seen. */
  done(messageId: string): boolean {
    return this.created.has(messageId) || this.added.has(messageId);
  }

  /** Message ids with more than one distinct ticket created for them. */
  duplicateTickets(): string[] {
    return [...this.createdTickets.entries()].filter(([, t]) => t.size > 1).map(([m]) => m);
  }
}

/** Waits until `pending()` is empty, it stops shrinking for `stallMs`, or `timeoutMs` passes. */
export async function waitForDrain(pending: () => number, timeoutMs: number, stallMs = 20_000): Promise<{ remaining: number; waitedMs: number }> {
  const started = Date.now();
  let last = pending();
  let lastChange = Date.now();
  while (last > 0 && Date.now() - started < timeoutMs && Date.now() - lastChange < stallMs) {
    await new Promise((r) => setTimeout(r, 250));
    const now = pending();
    if (now !== last) {
      last = now;
      lastChange = Date.now();
    }
  }
  return { remaining: last, waitedMs: Date.now() - started };
}

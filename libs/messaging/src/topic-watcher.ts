import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import { parseEvent, type EventEnvelope, type TopicName } from '@helpdesk/contracts';

export class InvalidPositionError extends Error {
  constructor() {
    super('position is not valid');
    this.name = 'InvalidPositionError';
  }
}

/** Next offset to read per partition, opaque to clients. */
export type WatchPosition = Record<number, string>;

export const encodePosition = (p: WatchPosition): string => Buffer.from(JSON.stringify(p), 'utf8').toString('base64url');

export function decodePosition(raw: string): WatchPosition {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
      const entries = Object.entries(parsed as Record<string, unknown>);
      if (entries.length > 0 && entries.every(([k, v]) => /^\d{1,4}$/.test(k) && typeof v === 'string' && /^\d{1,19}$/.test(v))) {
        return Object.fromEntries(entries.map(([k, v]) => [Number(k), v as string]));
      }
    }
  } catch {
    // fall through
  }
  throw new InvalidPositionError();
}

export interface WatchedEvent {
  position: string;
  event: EventEnvelope;
}

/**
 * Streams one tenant's events of a topic, live, from a position: a private consumer that commits
 * nothing, seeks every partition to the position given (or the current end), and reports after each
 * event the position to resume from, so a reconnecting client misses nothing.
 */
export async function watchTopic(
  kafka: Kafka,
  options: { topic: TopicName; tenantId: string; from?: string; types?: string[]; signal: AbortSignal },
  onEvent: (e: WatchedEvent) => Promise<void>,
): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  let position: WatchPosition;
  try {
    const ends = await admin.fetchTopicOffsets(options.topic);
    position = options.from ? decodePosition(options.from) : Object.fromEntries(ends.map((e) => [e.partition, e.offset]));
    for (const e of ends) position[e.partition] ??= '0';
  } finally {
    await admin.disconnect();
  }
  if (options.signal.aborted) return;
  const consumer = kafka.consumer({ groupId: `watch.${randomUUID()}`, sessionTimeout: 10_000, heartbeatInterval: 1_000, allowAutoTopicCreation: false });
  const types = options.types && options.types.length > 0 ? new Set(options.types) : null;
  let failure: Error | undefined;
  const finished = new Promise<void>((resolve) => {
    options.signal.addEventListener('abort', () => resolve(), { once: true });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      failure = payload.error;
      resolve();
    });
  });
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [options.topic], fromBeginning: false });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ partition, message }) => {
        if (options.signal.aborted) return;
        position = { ...position, [partition]: (BigInt(message.offset) + 1n).toString() };
        let event: EventEnvelope;
        try {
          event = parseEvent(JSON.parse(message.value?.toString('utf8') ?? '') as unknown);
        } catch {
          return; // the owning consumers dead-letter it; watchers just skip it
        }
        if (event.tenantId !== options.tenantId || (types && !types.has(event.type))) return;
        await onEvent({ position: encodePosition(position), event });
      },
    });
    for (const [partition, offset] of Object.entries(position)) consumer.seek({ topic: options.topic, partition: Number(partition), offset });
    await finished;
  } finally {
    await consumer.disconnect().catch(() => undefined);
  }
  if (failure && !options.signal.aborted) throw failure;
}

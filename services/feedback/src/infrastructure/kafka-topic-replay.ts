import type { Kafka } from 'kafkajs';
import { parseEvent, type EventEnvelope, type TopicName } from '@helpdesk/contracts';

export interface ReplayOptions {
  readonly topics: readonly TopicName[];
  /** A group id never used before: it has no committed offsets, so it starts at each partition's first offset. */
  readonly groupId: string;
  readonly timeoutMs: number;
  /** Applies a batch of valid events; called one batch at a time per partition. */
  readonly apply: (events: readonly EventEnvelope[]) => Promise<void>;
}

export interface ReplayReport {
  readonly messagesRead: number;
  /** Messages the consumers dead-lettered when they first arrived: skipped here too. */
  readonly invalid: number;
}

/**
 * Reads topics from their first offset to the end offsets they had when the replay started,
 * with a fresh consumer group, then leaves and deletes the group. Messages published after the
 * start may be read too; the live consumers handle those anyway.
 */
export async function replayTopics(kafka: Kafka, options: ReplayOptions): Promise<ReplayReport> {
  const admin = kafka.admin();
  await admin.connect();
  const remaining = new Map<string, number>();
  try {
    for (const topic of options.topics) {
      for (const partition of await admin.fetchTopicOffsets(topic)) {
        const end = Number(partition.high);
        if (end > Number(partition.low)) remaining.set(`${topic}:${partition.partition}`, end);
      }
    }
  } catch (error) {
    await admin.disconnect();
    throw error;
  }

  let messagesRead = 0;
  let invalid = 0;
  const consumer = kafka.consumer({
    groupId: options.groupId,
    sessionTimeout: 10_000,
    heartbeatInterval: 1_000,
    allowAutoTopicCreation: false,
  });
  let finish: () => void = () => undefined;
  let fail: (error: unknown) => void = () => undefined;
  const done = new Promise<void>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  if (remaining.size === 0) finish();
  const timer = setTimeout(
    () => fail(new Error(`replay did not reach the end offsets within ${options.timeoutMs} ms`)),
    options.timeoutMs,
  );
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [...options.topics], fromBeginning: true });
    await consumer.run({
      eachBatchAutoResolve: true,
      eachBatch: async ({ batch, heartbeat }) => {
        const events: EventEnvelope[] = [];
        for (const message of batch.messages) {
          messagesRead += 1;
          try {
            events.push(parseEvent(JSON.parse(message.value?.toString('utf8') ?? '') as unknown));
          } catch {
            invalid += 1;
          }
        }
        try {
          await options.apply(events);
        } catch (error) {
          fail(error);
          throw error;
        }
        await heartbeat();
        const key = `${batch.topic}:${batch.partition}`;
        const end = remaining.get(key);
        if (end !== undefined && Number(batch.lastOffset()) + 1 >= end) remaining.delete(key);
        if (remaining.size === 0) finish();
      },
    });
    await done;
  } finally {
    clearTimeout(timer);
    await consumer.disconnect().catch(() => undefined);
    await admin.deleteGroups([options.groupId]).catch(() => undefined);
    await admin.disconnect().catch(() => undefined);
  }
  return { messagesRead, invalid };
}

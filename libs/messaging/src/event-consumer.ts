import type { Consumer, EachBatchPayload, Kafka, KafkaMessage, Producer } from 'kafkajs';
import type { DataSource, EntityManager } from 'typeorm';
import {
  isEventType, parseEvent, type EventEnvelope, type EventType, type PayloadOf, type TopicName,
} from '@helpdesk/contracts';
import { isTransientDatabaseError } from '@helpdesk/persistence';
import { HEADER_TENANT_ID, headerText, runWithCorrelation } from './correlation';
import { sendToDeadLetter } from './dead-letter';
import type { RelayLogger } from './outbox-relay';
import { recentlyValidatedEvents } from './validated-events';

export interface HandlerContext {
  /** The transaction the inbox row is written in: write state and outbox rows through it. */
  manager: EntityManager;
}

export type EventHandler<T extends EventType> = (event: EventEnvelope<T, PayloadOf<T>>, context: HandlerContext) => Promise<void>;
export type EventHandlers = { [K in EventType]?: EventHandler<K> };

/**
 * Called once for the new events of one type in a chunk, before any of their handlers, so that a
 * handler can read what its event needs in one statement for the whole chunk (kept for it with
 * `ChunkLookups`) instead of one statement per event.
 */
export type EventPrefetcher<T extends EventType> = (events: ReadonlyArray<EventEnvelope<T, PayloadOf<T>>>, context: HandlerContext) => Promise<void>;
export type EventPrefetchers = { [K in EventType]?: EventPrefetcher<K> };

/**
 * Values a prefetcher read for a chunk's events, kept per transaction and taken at most once by the
 * handler of the event they were read for; a handler that finds none reads for itself.
 */
export class ChunkLookups<V> {
  private readonly byTransaction = new WeakMap<EntityManager, Map<string, V>>();

  remember(manager: EntityManager, entries: Iterable<readonly [string, V]>): void {
    let own = this.byTransaction.get(manager);
    if (!own) this.byTransaction.set(manager, (own = new Map<string, V>()));
    for (const [key, value] of entries) own.set(key, value);
  }

  take(manager: EntityManager, key: string): V | undefined {
    const own = this.byTransaction.get(manager);
    const value = own?.get(key);
    if (value !== undefined) own?.delete(key);
    return value;
  }
}

/**
 * The events of a chunk that share none of their keys with another event of it: those a prefetcher may
 * read for, since no earlier handler of the chunk changes what they must see.
 */
export function aloneInChunk<E>(events: readonly E[], keysOf: (event: E) => readonly string[]): E[] {
  const seen = new Map<string, number>();
  for (const key of events.flatMap(keysOf)) seen.set(key, (seen.get(key) ?? 0) + 1);
  return events.filter((e) => keysOf(e).every((key) => seen.get(key) === 1));
}

/** Thrown by a handler for an event that can never succeed: it goes to the dead-letter topic at once. */
export class PermanentEventError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PermanentEventError';
  }
}

export interface EventConsumerOptions {
  /** Consumer name: with the group prefix, the Kafka group id, which is also the inbox key. */
  name: string;
  topics: TopicName[];
  handlers: EventHandlers;
  /** Chunk-wide reads for the handlers (see EventPrefetcher); run only when a chunk has two or more new events of the type. */
  prefetch?: EventPrefetchers;
  groupPrefix: string;
  schema: string;
  /** Attempts for a handler error that is not a transient infrastructure failure. */
  maxAttempts?: number;
  partitionsConsumedConcurrently?: number;
  /** Events handled in one transaction (one inbox insert, one commit); 1 turns batching off. */
  batchSize?: number;
  /**
   * How long the broker may hold a fetch to gather more records. Answering each fetch as soon as
   * one record is there made fetch requests, not records, the broker's and the client's main cost.
   */
  fetchMaxWaitMs?: number;
  /**
   * The tenants this consumer acts for, asked once a chunk with the tenants its records name in their
   * `tenant-id` header. Records of any other tenant are passed over unread (no validation, no
   * transaction, no inbox row) and their offsets committed: a consumer that acts for few tenants (CRM
   * webhooks) then costs nothing for the rest. A record without the header is read as usual, and so is
   * the whole chunk when the question fails.
   */
  tenantsActedFor?: (tenantIds: readonly string[]) => Promise<ReadonlySet<string>>;
}

/** Bytes a fetch waits for (up to `fetchMaxWaitMs`): about a chunk of typical events (~650 bytes each). */
const fetchMinBytes = (batchSize: number): number => Math.min(1024 * 1024, Math.max(32 * 1024, batchSize * 650));

export interface ConsumerObserver {
  processed(consumer: string, type: string, outcome: 'ok' | 'duplicate' | 'dead-lettered' | 'retried'): void;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface ReadyEvent {
  topic: string;
  partition: number;
  message: KafkaMessage;
  event: EventEnvelope<EventType, PayloadOf<EventType>>;
  handler: EventHandler<EventType>;
}

type Outcome = 'ok' | 'duplicate';

interface GatheredBatch {
  payload: EachBatchPayload;
  resolve: () => void;
  reject: (err: unknown) => void;
}

function* chunksOf<T>(items: readonly T[], size: number): Generator<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}

/**
 * Validates every message, processes it at most once per consumer through the inbox table,
 * retries transient failures with back-off, and dead-letters what can never be processed.
 *
 * A fetched batch is handled a chunk at a time, each chunk in one transaction: per-event
 * transactions made commit and round-trip overhead the largest cost of the whole pipeline. Should
 * any event of a chunk fail, the chunk is rolled back and its events handled one by one, so one
 * bad event never holds the others back and never takes them to the dead-letter topic.
 */
export class EventConsumer {
  private consumer: Consumer | undefined;
  private stopping = false;
  private joined: Promise<void> | undefined;
  private readonly maxAttempts: number;
  private readonly batchSize: number;
  private gathered: GatheredBatch[] | undefined;

  constructor(
    private readonly kafka: Kafka,
    private readonly dataSource: DataSource,
    private readonly deadLetterProducer: () => Promise<Producer>,
    private readonly options: EventConsumerOptions,
    private readonly logger: RelayLogger,
    private readonly observer?: ConsumerObserver,
  ) {
    this.maxAttempts = options.maxAttempts ?? 5;
    this.batchSize = Math.max(1, options.batchSize ?? 50);
  }

  get groupId(): string {
    return `${this.options.groupPrefix}${this.options.name}`;
  }

  async start(): Promise<void> {
    this.stopping = false;
    const consumer = this.kafka.consumer({
      groupId: this.groupId,
      // A member lost with a crashed broker or process blocks rebalancing until its session expires:
      // keep that short so partitions move on within seconds.
      sessionTimeout: 10_000,
      rebalanceTimeout: 20_000,
      heartbeatInterval: 1_000,
      allowAutoTopicCreation: false,
      retry: { retries: 10, initialRetryTime: 300, maxRetryTime: 5_000, restartOnFailure: async () => true },
      minBytes: fetchMinBytes(this.batchSize),
      maxWaitTimeInMs: this.options.fetchMaxWaitMs ?? 50,
    });
    this.consumer = consumer;
    this.joined = new Promise<void>((resolve) => {
      const off = consumer.on(consumer.events.GROUP_JOIN, () => {
        off();
        resolve();
      });
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      this.logger.warn('consumer crashed', { consumer: this.options.name, error: payload.error.message, restarting: payload.restart });
      // kafkajs gives up on some errors (e.g. the broker gone during a rebalance): start afresh ourselves.
      if (!payload.restart && !this.stopping) setTimeout(() => void this.restart(), 1000);
    });
    await consumer.connect();
    await consumer.subscribe({ topics: this.options.topics, fromBeginning: true });
    await consumer.run({
      // Workers only hand batches over to be gathered (see handleBatch): one for every partition of a fetch.
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 64,
      eachBatchAutoResolve: false,
      eachBatch: (payload) => this.handleBatch(payload),
    });
  }

  private async restart(): Promise<void> {
    if (this.stopping) return;
    const old = this.consumer;
    this.consumer = undefined;
    await old?.disconnect().catch(() => undefined);
    try {
      await this.start();
    } catch (err) {
      this.logger.warn('consumer restart failed; retrying', { consumer: this.options.name, err: String(err) });
      setTimeout(() => void this.restart(), 2000);
    }
  }

  /** Leaves the group so partitions move to other replicas at once. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.consumer?.disconnect().catch(() => undefined);
    this.consumer = undefined;
  }

  /** Resolves once the consumer has joined its group and been given partitions. */
  waitUntilJoined(timeoutMs = 60_000): Promise<void> {
    const joined = this.joined;
    if (!joined) return Promise.reject(new Error('consumer not started'));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.groupId} did not join within ${timeoutMs} ms`)), timeoutMs);
      void joined.then(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /**
   * kafkajs hands each partition's batch of one fetch to its own worker within one tick: they are
   * gathered and handled together, so a fetch costs one transaction and one offset commit per chunk
   * rather than one per partition (with small batches spread over many partitions, those per-batch
   * transactions and commits were most of the consumers' database and broker work).
   */
  private handleBatch(payload: EachBatchPayload): Promise<void> {
    return new Promise((resolve, reject) => {
      let gathered = this.gathered;
      if (!gathered) {
        const batches: GatheredBatch[] = [];
        this.gathered = gathered = batches;
        setImmediate(() => {
          this.gathered = undefined;
          this.handleGathered(batches).then(
            () => batches.forEach((b) => b.resolve()),
            (err: unknown) => batches.forEach((b) => b.reject(err)),
          );
        });
      }
      gathered.push({ payload, resolve, reject });
    });
  }

  private async handleGathered(batches: readonly GatheredBatch[]): Promise<void> {
    const [{ payload: first }] = batches;
    const queue = batches.flatMap(({ payload }) => payload.batch.messages.map((message) => ({ payload, message })));
    for (const chunk of chunksOf(queue, this.batchSize)) {
      if (!first.isRunning()) return;
      // A partition sought elsewhere (or revoked) meanwhile keeps its remaining records for later.
      const live = chunk.filter(({ payload }) => !payload.isStale());
      if (live.length === 0) continue;
      await this.handleChunk(live, first.heartbeat);
      const lastOffsets = new Map<EachBatchPayload, string>();
      for (const { payload, message } of live) lastOffsets.set(payload, message.offset);
      for (const [payload, offset] of lastOffsets) payload.resolveOffset(offset);
      // Every partition's progress in one commit; kafkajs's own commit after each batch then finds nothing left.
      await first.commitOffsetsIfNecessary(first.uncommittedOffsets());
      await first.heartbeat().catch(() => undefined);
    }
  }

  private async handleChunk(chunk: ReadonlyArray<{ payload: EachBatchPayload; message: KafkaMessage }>, heartbeat: () => Promise<void>): Promise<void> {
    const records = await this.ofTenantsActedFor(chunk);
    const ready: ReadyEvent[] = [];
    for (const { payload, message } of records) {
      const item = await this.prepare(payload.batch.topic, payload.batch.partition, message);
      if (item) ready.push(item);
    }
    if (ready.length > 1) {
      try {
        const outcomes = await this.processOnce(ready, heartbeat);
        ready.forEach((item, i) => this.observer?.processed(this.options.name, item.event.type, outcomes[i]));
        return;
      } catch (err) {
        if (this.stopping) throw err;
        // Rolled back as a whole: one by one, each with its own retries and dead-lettering.
      }
    }
    for (const item of ready) {
      await this.handle(item, heartbeat);
      await heartbeat().catch(() => undefined);
    }
  }

  private async ofTenantsActedFor<R extends { message: KafkaMessage }>(records: readonly R[]): Promise<readonly R[]> {
    const ask = this.options.tenantsActedFor;
    if (!ask) return records;
    const tenants = records.map(({ message }) => headerText(message, HEADER_TENANT_ID));
    const named = [...new Set(tenants.filter((t): t is string => t !== undefined))];
    if (named.length === 0) return records;
    let actedFor: ReadonlySet<string>;
    try {
      actedFor = await ask(named);
    } catch (err) {
      this.logger.warn('could not tell which tenants the consumer acts for; reading the whole chunk', { consumer: this.options.name, err: String(err) });
      return records;
    }
    return records.filter((_, i) => {
      const tenant = tenants[i];
      return tenant === undefined || actedFor.has(tenant);
    });
  }

  /**
   * Parses and validates a message; unreadable ones are dead-lettered. A known type this consumer
   * does not act on is skipped before validation: it is not this consumer's to judge (the consumers
   * that act on it dead-letter it if it is broken), and validating every event of a shared topic was
   * the largest CPU cost of the consuming services. A text another consumer of this process found
   * valid is not validated again.
   */
  private async prepare(topic: string, partition: number, message: KafkaMessage): Promise<ReadyEvent | undefined> {
    const raw = message.value?.toString('utf8') ?? '';
    let event: EventEnvelope;
    try {
      const parsed = JSON.parse(raw) as unknown;
      const type = typeof parsed === 'object' && parsed !== null && 'type' in parsed ? parsed.type : undefined;
      if (typeof type === 'string' && isEventType(type) && !this.options.handlers[type]) return undefined;
      if (recentlyValidatedEvents.has(raw)) {
        event = parsed as EventEnvelope;
      } else {
        event = parseEvent(parsed);
        recentlyValidatedEvents.add(raw);
      }
    } catch (err) {
      await this.deadLetter(topic, partition, message, `invalid event: ${err instanceof Error ? err.message : String(err)}`);
      return undefined;
    }
    const handler = this.options.handlers[event.type as EventType] as EventHandler<EventType> | undefined;
    if (!handler) return undefined;
    return { topic, partition, message, event: event as EventEnvelope<EventType, PayloadOf<EventType>>, handler };
  }

  private async handle(item: ReadyEvent, heartbeat: () => Promise<void>): Promise<void> {
    const { topic, partition, message, event } = item;
    for (let attempt = 1; ; attempt++) {
      try {
        const [outcome = 'duplicate'] = await this.processOnce([item], heartbeat);
        this.observer?.processed(this.options.name, event.type, outcome);
        return;
      } catch (err) {
        const transient = isTransientDatabaseError(err);
        if (err instanceof PermanentEventError || (!transient && attempt >= this.maxAttempts)) {
          await this.deadLetter(topic, partition, message, `${event.type} failed after ${attempt} attempt(s): ${String(err)}`);
          return;
        }
        this.observer?.processed(this.options.name, event.type, 'retried');
        if (attempt === 1 || attempt % 10 === 0) {
          this.logger.warn('event handling failed; retrying', { consumer: this.options.name, type: event.type, attempt, err: String(err) });
        }
        if (this.stopping) throw err;
        await sleep(Math.min(100 * 2 ** Math.min(attempt, 7), 10_000));
        await heartbeat().catch(() => undefined);
      }
    }
  }

  private withCorrelation<T>(event: EventEnvelope, fn: () => Promise<T>): Promise<T> {
    return runWithCorrelation({ correlationId: event.correlationId, causationId: event.id, tenantId: event.tenantId }, fn);
  }

  /** One transaction for the events: one inbox insert for all of them, then each new one's handler in order. */
  private async processOnce(items: readonly ReadyEvent[], heartbeat: () => Promise<void>): Promise<Outcome[]> {
    return this.dataSource.transaction(async (manager) => {
      const inserted: Array<{ event_id: string }> = await manager.query(
        `INSERT INTO "${this.options.schema}"."inbox" ("consumer", "event_id", "tenant_id", "event_type")
         SELECT $1, e.id, e.tenant_id, e.event_type
           FROM unnest($2::uuid[], $3::varchar[], $4::varchar[]) AS e(id, tenant_id, event_type)
         ON CONFLICT DO NOTHING RETURNING "event_id"`,
        [this.groupId, items.map((i) => i.event.id), items.map((i) => i.event.tenantId), items.map((i) => i.event.type)],
      );
      // A redelivered event can appear twice in one chunk: only its first occurrence is new.
      const fresh = new Set(inserted.map((row) => row.event_id.toLowerCase()));
      const isNew = items.map(({ event }) => fresh.delete(event.id.toLowerCase()));
      await this.prefetch(items.filter((_, i) => isNew[i]), manager);
      const outcomes: Outcome[] = [];
      for (const [i, { event, handler }] of items.entries()) {
        if (!isNew[i]) {
          outcomes.push('duplicate');
          continue;
        }
        await this.withCorrelation(event, () => handler(event, { manager }));
        outcomes.push('ok');
        // A slow chunk must not outlive the group session (kafkajs sends at most one per heartbeatInterval).
        await heartbeat().catch(() => undefined);
      }
      return outcomes;
    });
  }

  private async prefetch(items: readonly ReadyEvent[], manager: EntityManager): Promise<void> {
    const prefetchers = this.options.prefetch;
    if (!prefetchers || items.length < 2) return;
    const byType = new Map<EventType, Array<EventEnvelope<EventType, PayloadOf<EventType>>>>();
    for (const { event } of items) {
      const type = event.type;
      if (!prefetchers[type]) continue;
      const events = byType.get(type);
      if (events) events.push(event);
      else byType.set(type, [event]);
    }
    for (const [type, events] of byType) {
      if (events.length < 2) continue;
      const prefetcher = prefetchers[type] as EventPrefetcher<EventType>;
      await prefetcher(events, { manager });
    }
  }

  private async deadLetter(topic: string, partition: number, message: KafkaMessage, reason: string): Promise<void> {
    this.logger.error('event dead-lettered', { topic, partition, offset: message.offset, consumer: this.options.name, reason });
    await sendToDeadLetter(
      this.deadLetterProducer,
      { topic, partition, message, reason, consumer: this.options.name },
      () => this.stopping,
    );
    this.observer?.processed(this.options.name, 'unknown', 'dead-lettered');
  }
}

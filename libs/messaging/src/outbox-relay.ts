import { Partitioners, type Kafka, type Message, type Producer } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { updateReturning } from '@helpdesk/persistence';
import { HEADER_CAUSATION_ID, HEADER_CORRELATION_ID, HEADER_EVENT_TYPE, HEADER_TENANT_ID } from './correlation';
import type { EventEnvelope } from '@helpdesk/contracts';

export interface OutboxRelayOptions {
  schema: string;
  batchSize?: number;
  pollIntervalMs?: number;
  /** Published rows older than this are deleted; the topic is the history. */
  retainPublishedHours?: number;
}

export interface RelayLogger {
  warn(message: string, extra?: Record<string, unknown>): void;
  error(message: string, extra?: Record<string, unknown>): void;
}

interface OutboxRow {
  seq: string;
  topic: string;
  message_key: string;
  envelope: EventEnvelope;
}

/** Stable 31-bit advisory-lock key per schema: one relay publishes at a time, so per-key order holds. */
function lockKey(schema: string): number {
  let h = 7;
  for (const ch of `outbox-relay:${schema}`) h = (h * 31 + ch.charCodeAt(0)) | 0;
  return Math.abs(h);
}

/**
 * Publishes outbox rows to Kafka in commit order, keyed by aggregate id, and marks them sent.
 * Kafka being down only delays publication: rows stay until the broker takes them.
 */
export class OutboxRelay {
  private producer: Producer | undefined;
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private pendingWake = false;
  private lastCleanup = 0;
  private consecutiveFailures = 0;
  private readonly batchSize: number;
  private readonly pollIntervalMs: number;
  private readonly key: number;

  constructor(
    private readonly dataSource: DataSource,
    private readonly kafka: Kafka,
    private readonly options: OutboxRelayOptions,
    private readonly logger: RelayLogger,
  ) {
    this.batchSize = options.batchSize ?? 500;
    this.pollIntervalMs = options.pollIntervalMs ?? 250;
    this.key = lockKey(options.schema);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Called after a transaction appended events: publish now rather than at the next poll. */
  notify(): void {
    this.pendingWake = true;
    this.wake?.();
  }

  /** Publishes what is pending, then stops; used on graceful shutdown. */
  async stop(flushTimeoutMs = 5000): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
    const deadline = Date.now() + flushTimeoutMs;
    try {
      while (Date.now() < deadline && (await this.publishBatch()) > 0) {
        // keep flushing
      }
    } catch (err) {
      this.logger.warn('outbox flush at shutdown incomplete; rows stay for the next start', { err: String(err) });
    }
    await this.producer?.disconnect().catch(() => undefined);
    this.producer = undefined;
  }

  async backlog(): Promise<number> {
    const rows: Array<{ n: string }> = await this.dataSource.query(
      `SELECT count(*)::text AS n FROM "${this.options.schema}"."outbox" WHERE "published_at" IS NULL`,
    );
    return Number(rows[0]?.n ?? 0);
  }

  private async run(): Promise<void> {
    while (this.running) {
      let published = 0;
      try {
        published = await this.publishBatch();
        this.consecutiveFailures = 0;
        await this.cleanup();
      } catch (err) {
        this.consecutiveFailures++;
        await this.resetProducer();
        if (this.consecutiveFailures === 1 || this.consecutiveFailures % 20 === 0) {
          this.logger.warn('outbox relay could not publish; retrying', {
            err: err instanceof Error ? err.message : String(err),
            failures: this.consecutiveFailures,
          });
        }
      }
      if (!this.running) break;
      if (published >= this.batchSize) continue;
      const delay =
        this.consecutiveFailures > 0 ? Math.min(200 * 2 ** Math.min(this.consecutiveFailures, 5), 5000) : this.pollIntervalMs;
      await this.sleep(delay, this.consecutiveFailures === 0);
    }
  }

  private sleep(ms: number, wakeable: boolean): Promise<void> {
    if (wakeable && this.pendingWake) {
      this.pendingWake = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wake = wakeable
        ? () => {
            this.pendingWake = false;
            this.wake = undefined;
            done();
          }
        : undefined;
    });
  }

  private async getProducer(): Promise<Producer> {
    if (!this.producer) {
      const producer = this.kafka.producer({
        // One request in flight keeps per-key order across retries; consumers de-duplicate by event id.
        maxInFlightRequests: 1,
        allowAutoTopicCreation: false,
        createPartitioner: Partitioners.DefaultPartitioner,
      });
      await producer.connect();
      this.producer = producer;
    }
    return this.producer;
  }

  private async resetProducer(): Promise<void> {
    const p = this.producer;
    this.producer = undefined;
    await p?.disconnect().catch(() => undefined);
  }

  /**
   * Claims a batch by marking it published, publishes it, and commits; a failed publication rolls the
   * marks back. One statement claims: the advisory lock gates it (a relay of another replica holding
   * it finds nothing, so one relay publishes at a time and per-key order holds), and its row locks with
   * the recheck of "published_at" stop a relay whose snapshot predates another's commit from taking
   * rows already sent.
   */
  private async publishBatch(): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      const claimed = await updateReturning<OutboxRow>(
        manager,
        `UPDATE "${this.options.schema}"."outbox" SET "published_at" = now()
          WHERE "seq" IN (SELECT "seq" FROM "${this.options.schema}"."outbox"
                           WHERE "published_at" IS NULL AND pg_try_advisory_xact_lock($2)
                           ORDER BY "seq" LIMIT $1 FOR UPDATE)
          RETURNING "seq", "topic", "message_key", "envelope"`,
        [this.batchSize, this.key],
      );
      if (claimed.length === 0) return 0;
      const rows = claimed.sort((a, b) => (BigInt(a.seq) < BigInt(b.seq) ? -1 : 1));
      const byTopic = new Map<string, Message[]>();
      for (const row of rows) {
        const e = row.envelope;
        const messages = byTopic.get(row.topic) ?? [];
        messages.push({
          key: row.message_key,
          value: JSON.stringify(e),
          headers: {
            [HEADER_EVENT_TYPE]: e.type,
            [HEADER_TENANT_ID]: e.tenantId,
            [HEADER_CORRELATION_ID]: e.correlationId,
            ...(e.causationId ? { [HEADER_CAUSATION_ID]: e.causationId } : {}),
          },
        });
        byTopic.set(row.topic, messages);
      }
      const producer = await this.getProducer();
      await producer.sendBatch({
        acks: -1,
        topicMessages: [...byTopic.entries()].map(([topic, messages]) => ({ topic, messages })),
      });
      return rows.length;
    });
  }

  private async cleanup(): Promise<void> {
    if (Date.now() - this.lastCleanup < 60_000) return;
    this.lastCleanup = Date.now();
    await this.dataSource.query(
      `DELETE FROM "${this.options.schema}"."outbox" WHERE "published_at" < now() - make_interval(hours => $1)`,
      [this.options.retainPublishedHours ?? 24],
    );
  }
}

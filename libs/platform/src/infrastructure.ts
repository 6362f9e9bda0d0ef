import { Redis } from 'ioredis';
import { Partitioners, type Admin, type Kafka, type Producer } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { EventConsumer, EventPublisher, OutboxCommitNotifier, OutboxRelay, createKafka, sendToDeadLetter, type DeadLetter, type EventConsumerOptions } from '@helpdesk/messaging';
import { DeferredWrites, createServiceDataSource, type ServiceDataSourceOptions } from '@helpdesk/persistence';
import type { BaseServiceConfig } from './config';
import type { AppLogger } from './logger';
import { ServiceMetrics } from './metrics';

export interface HealthReport {
  status: 'ok' | 'error';
  checks: Record<string, { status: 'up' | 'down'; error?: string }>;
}

const withTimeout = <T>(p: Promise<T>, ms: number, what: string): Promise<T> =>
  Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms).unref())]);

/**
 * The connections one service instance holds: its DataSource, Redis, Kafka (relay, consumers,
 * dead-letter producer). Started and stopped in a fixed order so shutdown loses nothing.
 */
export class ServiceInfrastructure {
  readonly dataSource: DataSource;
  readonly redis: Redis;
  readonly kafka: Kafka;
  readonly relay: OutboxRelay;
  readonly publisher: EventPublisher;
  readonly metrics: ServiceMetrics;
  private readonly consumers: EventConsumer[] = [];
  private dlqProducer: Promise<Producer> | undefined;
  private admin: Promise<Admin> | undefined;
  private started = false;

  constructor(
    readonly service: string,
    readonly config: BaseServiceConfig,
    readonly logger: AppLogger,
    dataSourceOptions: Omit<ServiceDataSourceOptions, 'service' | 'db'>,
  ) {
    this.dataSource = createServiceDataSource({
      service,
      db: {
        host: config.DB_HOST,
        port: config.DB_PORT,
        database: config.DB_NAME,
        user: config.DB_USER,
        password: config.DB_PASSWORD,
        poolSize: config.DB_POOL_SIZE,
        prepareStatements: config.DB_PREPARE_STATEMENTS,
      },
      ...dataSourceOptions,
    });
    // Auto-pipelining sends the commands of concurrent requests issued in one tick in one write:
    // under load each request's rate-limit and idempotency commands were a socket write each.
    this.redis = new Redis(config.REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 2, enableOfflineQueue: true, enableAutoPipelining: true });
    this.redis.on('error', (err: Error) => logger.warn({ err: err.message }, 'redis connection error'));
    const sink = (level: 'error' | 'warn' | 'info', message: string, extra: Record<string, unknown>): void => {
      logger[level](extra, message);
    };
    this.kafka = createKafka({ brokers: config.KAFKA_BROKERS.split(','), clientId: `helpdesk-${service}`, groupPrefix: config.KAFKA_GROUP_PREFIX }, sink);
    const relayLogger = { warn: (m: string, e?: Record<string, unknown>) => logger.warn(e ?? {}, m), error: (m: string, e?: Record<string, unknown>) => logger.error(e ?? {}, m) };
    this.relay = new OutboxRelay(this.dataSource, this.kafka, { schema: service }, relayLogger);
    this.publisher = new EventPublisher(service, service, () => this.relay.notify());
    this.metrics = new ServiceMetrics(service, {
      outboxBacklog: () => this.relay.backlog(),
      consumerLag: () => this.consumerLag(),
    });
  }

  /**
   * Registers a consumer; it starts with the service. A `background` consumer's work is one no person
   * waits on: it takes the background chunk size and fetch wait.
   */
  addConsumer({ background = false, ...options }: Omit<EventConsumerOptions, 'groupPrefix' | 'schema'> & { background?: boolean }): EventConsumer {
    const relayLogger = { warn: (m: string, e?: Record<string, unknown>) => this.logger.warn(e ?? {}, m), error: (m: string, e?: Record<string, unknown>) => this.logger.error(e ?? {}, m) };
    const consumer = new EventConsumer(
      this.kafka,
      this.dataSource,
      () => this.deadLetterProducer(),
      {
        batchSize: background ? this.config.CONSUMER_BACKGROUND_BATCH_SIZE : this.config.CONSUMER_BATCH_SIZE,
        fetchMaxWaitMs: background ? this.config.CONSUMER_BACKGROUND_FETCH_WAIT_MS : this.config.CONSUMER_FETCH_WAIT_MS,
        ...options,
        groupPrefix: this.config.KAFKA_GROUP_PREFIX,
        schema: this.service,
      },
      relayLogger,
      this.metrics,
    );
    this.consumers.push(consumer);
    if (this.started) void consumer.start().catch((err: unknown) => this.logger.error({ err }, 'consumer failed to start'));
    return consumer;
  }

  async connect(): Promise<void> {
    if (!this.dataSource.isInitialized) {
      await this.dataSource.initialize();
      // Subscribers are rebuilt by initialize(): added after it, these stay.
      this.dataSource.subscribers.push(new DeferredWrites(), new OutboxCommitNotifier(() => this.relay.notify()));
    }
    await this.redis.connect().catch((err: unknown) => {
      // ioredis keeps reconnecting; readiness reports it meanwhile.
      this.logger.warn({ err: String(err) }, 'redis not reachable yet');
    });
  }

  async start(): Promise<void> {
    this.relay.start();
    const joins = this.consumers.map(async (c) => {
      const joined = c.start().then(() => c.waitUntilJoined());
      await joined;
    });
    this.started = true;
    await Promise.all(joins);
  }

  /** Consumers leave their groups first, then the outbox is flushed, then connections close. */
  async stop(): Promise<void> {
    await Promise.all(this.consumers.map((c) => c.stop()));
    await this.relay.stop();
    const producer = this.dlqProducer;
    this.dlqProducer = undefined;
    if (producer) await (await producer.catch(() => undefined))?.disconnect().catch(() => undefined);
    const admin = this.admin;
    this.admin = undefined;
    if (admin) await (await admin.catch(() => undefined))?.disconnect().catch(() => undefined);
    this.redis.disconnect();
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }

  async health(): Promise<HealthReport> {
    const checks: HealthReport['checks'] = {};
    const run = async (name: string, fn: () => Promise<unknown>): Promise<void> => {
      try {
        await withTimeout(fn(), 2000, name);
        checks[name] = { status: 'up' };
      } catch (err) {
        checks[name] = { status: 'down', error: err instanceof Error ? err.message : String(err) };
      }
    };
    await Promise.all([
      run('postgres', () => this.dataSource.query('SELECT 1')),
      run('redis', () => this.redis.ping()),
      run('kafka', async () => (await this.getAdmin()).describeCluster()),
    ]);
    const ok = Object.values(checks).every((c) => c.status === 'up');
    return { status: ok ? 'ok' : 'error', checks };
  }

  /** For consumers outside `addConsumer` (private per-replica groups): the same dead-letter path. */
  deadLetter(letter: DeadLetter): Promise<void> {
    return sendToDeadLetter(() => this.deadLetterProducer(), letter);
  }

  private deadLetterProducer(): Promise<Producer> {
    this.dlqProducer ??= (async () => {
      const p = this.kafka.producer({ allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
      await p.connect();
      return p;
    })().catch((err: unknown) => {
      this.dlqProducer = undefined;
      throw err;
    });
    return this.dlqProducer;
  }

  private getAdmin(): Promise<Admin> {
    this.admin ??= (async () => {
      const a = this.kafka.admin();
      await a.connect();
      return a;
    })().catch((err: unknown) => {
      this.admin = undefined;
      throw err;
    });
    return this.admin;
  }

  private async consumerLag(): Promise<Array<{ group: string; topic: string; lag: number }>> {
    const admin = await this.getAdmin();
    const out: Array<{ group: string; topic: string; lag: number }> = [];
    for (const consumer of this.consumers) {
      const offsets = await admin.fetchOffsets({ groupId: consumer.groupId });
      for (const t of offsets) {
        const ends = await admin.fetchTopicOffsets(t.topic);
        let lag = 0;
        for (const p of t.partitions) {
          const end = Number(ends.find((e) => e.partition === p.partition)?.offset ?? 0);
          const committed = Number(p.offset);
          lag += committed < 0 ? end : Math.max(0, end - committed);
        }
        out.push({ group: consumer.groupId, topic: t.topic, lag });
      }
    }
    return out;
  }
}

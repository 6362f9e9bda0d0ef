import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, Partitioners, type Consumer, type Producer } from 'kafkajs';
import {
  EVENTS,
  loadFixture,
  type EventEnvelope,
  type EventType,
  type PayloadOf,
  type TopicName,
} from '@helpdesk/contracts';
import {
  callJson,
  expectEventually,
  ServiceProcess,
  superuserClient,
  testInfrastructure,
} from '@helpdesk/testing';

import { DEV_SURVEY_TOKEN_KEYS, parseSurveyTokenKeys } from '../src/infrastructure/survey-token-keys';

const devKeys = parseSurveyTokenKeys(DEV_SURVEY_TOKEN_KEYS);
if (!devKeys.ok || devKeys.keys[0] === undefined) throw new Error('the development survey key is unusable');
/**
 * The development key the service signs with when SURVEY_TOKEN_KEYS is unset. Tests use the
 * service's defaults on purpose: any feedback instance on the shared test database may be the
 * one that handles an event (the inbox is shared), and all of them must accept its tokens.
 */
export const DEV_SURVEY_KEY = devKeys.keys[0];

export type Json = Record<string, unknown>;

export interface RunningFeedback {
  readonly process: ServiceProcess;
  readonly baseUrl: string;
}

/**
 * The built feedback service as its own process (port 4400-4499) against the real Kafka,
 * PostgreSQL and Redis. Ready means its consumers have joined their groups. Survey delays come
 * from the tenant's settings, which the tests set, not from this process's defaults.
 */
export async function startFeedback(
  port: number,
  overrides: Record<string, string> = {},
): Promise<RunningFeedback> {
  const service = new ServiceProcess('feedback', port, {
    SURVEY_POLL_INTERVAL_MS: '200',
    ...overrides,
  });
  await service.start();
  return { process: service, baseUrl: service.baseUrl };
}

export const call = (
  baseUrl: string,
  path: string,
  init: RequestInit & { key?: string; json?: unknown } = {},
): Promise<{ status: number; body: Json; text: string; headers: Headers }> => callJson(baseUrl, path, init);

function kafka(): Kafka {
  return new Kafka({
    clientId: 'feedback-tests',
    brokers: testInfrastructure().kafkaBrokers,
    logLevel: logLevel.NOTHING,
  });
}

/** Publishes events as their producers would: on their topic, keyed by aggregate. */
export class EventProducer {
  private producer: Producer | undefined;

  async publish(events: readonly EventEnvelope[]): Promise<void> {
    if (this.producer === undefined) {
      this.producer = kafka().producer({
        createPartitioner: Partitioners.DefaultPartitioner,
        allowAutoTopicCreation: false,
      });
      await this.producer.connect();
    }
    const byTopic = new Map<string, EventEnvelope[]>();
    for (const event of events) {
      const topic = EVENTS[event.type as EventType].topic;
      byTopic.set(topic, [...(byTopic.get(topic) ?? []), event]);
    }
    // One send per topic keeps each ticket's events in order on its partition.
    for (const [topic, list] of byTopic) {
      await this.producer.send({
        topic,
        acks: -1,
        messages: list.map((event) => ({ key: event.aggregateId, value: JSON.stringify(event) })),
      });
    }
  }

  async close(): Promise<void> {
    await this.producer?.disconnect();
  }
}

/** Records one tenant's events on some topics, the way a downstream consumer would see them. */
export class EventRecorder {
  readonly events: EventEnvelope[] = [];
  private consumer: Consumer | undefined;

  constructor(
    private readonly tenantId: string,
    private readonly topics: readonly TopicName[],
  ) {}

  async start(): Promise<void> {
    const prefix = process.env.TEST_KAFKA_GROUP_PREFIX ?? 'test.';
    const consumer = kafka().consumer({
      groupId: `${prefix}feedback-test.${randomUUID()}`,
      sessionTimeout: 10_000,
      heartbeatInterval: 1_000,
    });
    this.consumer = consumer;
    const joined = new Promise<void>((resolve) => {
      const off = consumer.on(consumer.events.GROUP_JOIN, () => {
        off();
        resolve();
      });
    });
    await consumer.connect();
    await consumer.subscribe({ topics: [...this.topics], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const event = JSON.parse(message.value?.toString('utf8') ?? '{}') as EventEnvelope;
        if (event.tenantId === this.tenantId) this.events.push(event);
      },
    });
    await joined;
  }

  ofType<T extends EventType>(
    type: T,
    where: (event: EventEnvelope<T, PayloadOf<T>>) => boolean = () => true,
  ): EventEnvelope<T, PayloadOf<T>>[] {
    return this.events
      .filter((event): event is EventEnvelope<T, PayloadOf<T>> => event.type === type)
      .filter(where);
  }

  async waitFor<T extends EventType>(
    type: T,
    where: (event: EventEnvelope<T, PayloadOf<T>>) => boolean = () => true,
    timeoutMs = 30_000,
  ): Promise<EventEnvelope<T, PayloadOf<T>>> {
    return expectEventually(
      () => {
        const found = this.ofType(type, where)[0];
        if (found === undefined) throw new Error(`no ${type} yet`);
        return found;
      },
      { timeoutMs },
    );
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
  }
}

/** An event shaped like the checked-in fixture of its type, with this test's ids and times. */
export function fixtureEvent<T extends EventType>(
  type: T,
  tenantId: string,
  payload: Partial<PayloadOf<T>>,
  options: { aggregateId?: string; occurredAt?: string; causationId?: string | null; id?: string } = {},
): EventEnvelope<T, PayloadOf<T>> {
  const fixture = loadFixture(type) as unknown as EventEnvelope<T, PayloadOf<T>>;
  const merged = Object.assign({}, fixture.payload, payload) as PayloadOf<T>;
  const aggregate = merged as unknown as { ticketId?: unknown; conversationId?: unknown };
  const aggregateId =
    options.aggregateId ??
    (type === 'reply.requested' || type.startsWith('message.')
      ? String(aggregate.conversationId)
      : String(aggregate.ticketId));
  return {
    ...fixture,
    id: options.id ?? randomUUID(),
    tenantId,
    aggregateId,
    occurredAt: options.occurredAt ?? new Date().toISOString(),
    correlationId: randomUUID(),
    causationId: options.causationId ?? null,
    payload: merged,
  };
}

/** Runs SQL as the superuser (outbox and inbox inspection), closing the connection afterwards. */
export async function sql<T>(text: string, values: unknown[] = []): Promise<T[]> {
  const client = superuserClient();
  await client.connect();
  try {
    return (await client.query(text, values)).rows as T[];
  } finally {
    await client.end();
  }
}

/** The inbox key of a consumer of this service: its Kafka group id, test prefix included. */
export function inboxConsumer(consumer: string): string {
  return `${process.env.TEST_KAFKA_GROUP_PREFIX ?? 'test.'}${consumer}`;
}

/** Resolves once a consumer of this service has processed the event (its inbox row exists). */
export async function processed(consumer: string, eventId: string, timeoutMs = 30_000): Promise<void> {
  await expectEventually(
    async () => {
      const rows = await sql(`SELECT 1 FROM "feedback"."inbox" WHERE "consumer" = $1 AND "event_id" = $2`, [
        inboxConsumer(consumer),
        eventId,
      ]);
      if (rows.length === 0) throw new Error(`${consumer} has not processed ${eventId} yet`);
    },
    { timeoutMs },
  );
}

import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, Partitioners, logLevel, type Consumer, type Producer } from 'kafkajs';
import { Client } from 'pg';
import {
  loadFixture,
  parseEvent,
  type EventEnvelope,
  type EventType,
  type TypedEnvelope,
} from '@helpdesk/contracts';
import {
  REPO_ROOT,
  callJson,
  ServiceProcess,
  createTenantKey,
  expectEventually,
  superuserClient,
  testInfrastructure,
} from '@helpdesk/testing';

export type Json = Record<string, unknown>;

export interface RunningTriage {
  process: ServiceProcess;
  baseUrl: string;
  /** SIGTERM (graceful) by default; SIGKILL simulates a crash. */
  close: (signal?: NodeJS.Signals) => Promise<void>;
}

/**
 * Triage as its own process (the built dist, as `npm start` runs it) against the real Kafka, Postgres and
 * Redis, with fast pollers so tests wait little. Ports 4300-4399 belong to these tests.
 */
export async function startTriage(
  port: number,
  overrides: Record<string, string> = {},
): Promise<RunningTriage> {
  const process = new ServiceProcess('triage', port, {
    SLA_POLL_INTERVAL_MS: '200',
    DISPATCH_SWEEP_INTERVAL_MS: '1000',
    ...overrides,
  });
  await process.start();
  return {
    process,
    baseUrl: process.baseUrl,
    close: async (signal: NodeJS.Signals = 'SIGTERM') => {
      await process.stop(signal);
    },
  };
}

export interface Reply {
  status: number;
  body: Json;
  headers: Headers;
}

/** HTTP calls as one tenant's API key. */
export class TriageApi {
  constructor(
    public baseUrl: string,
    readonly key: string,
  ) {}

  on(baseUrl: string): TriageApi {
    return new TriageApi(baseUrl, this.key);
  }

  async call(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Reply> {
    const h = new Headers(headers);
    if (!h.has('authorization') && this.key) h.set('authorization', `Bearer ${this.key}`);
    let payload: string | undefined;
    if (body !== undefined) {
      payload = typeof body === 'string' ? body : JSON.stringify(body);
      if (!h.has('content-type')) h.set('content-type', 'application/json');
    }
    return callJson(this.baseUrl, path, { method, headers: h, body: payload });
  }

  async ok(method: string, path: string, body?: unknown, expected = [200, 201]): Promise<Json> {
    const res = await this.call(method, path, body);
    if (!expected.includes(res.status))
      throw new Error(`${method} ${path} → ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  ticket(id: string): Promise<Json> {
    return this.ok('GET', `/v1/tickets/${id}`);
  }

  async ticketsOf(customerId: string): Promise<Json[]> {
    return (await this.ok('GET', `/v1/tickets?customerId=${customerId}`)).items as Json[];
  }

  /** The ticket a customer's message became, once triage has consumed it. */
  async awaitTicketOf(
    customerId: string,
    predicate: (t: Json) => boolean = () => true,
    timeoutMs = 30_000,
  ): Promise<Json> {
    return expectEventually(
      async () => {
        const items = await this.ticketsOf(customerId);
        const found = items.find(predicate);
        if (!found)
          throw new Error(
            `no matching ticket for customer ${customerId}: ${JSON.stringify(items.map((t) => [t.id, t.status, t.assigneeId]))}`,
          );
        return found;
      },
      { timeoutMs, intervalMs: 150 },
    );
  }

  putAgent(id: string, agent: Partial<AgentBody> = {}): Promise<Json> {
    return this.ok('PUT', `/v1/agents/${id}`, { ...defaultAgent(id), ...agent });
  }
}

export interface AgentBody {
  name: string;
  skills: Array<{ skill: string; level: number }>;
  languages: string[];
  channels: string[];
  maxConcurrent: number;
  status: 'online' | 'away' | 'offline';
}

export const defaultAgent = (id: string): AgentBody => ({
  name: `Agent ${id}`,
  skills: [{ skill: 'general', level: 3 }],
  languages: ['zh', 'en'],
  channels: ['web', 'app', 'email', 'wechat', 'phone', 'social', 'api'],
  maxConcurrent: 3,
  status: 'online',
});

export async function newTenant(prefix: string): Promise<{ tenantId: string; key: string }> {
  const tenantId = `tri-${prefix}-${randomUUID().slice(0, 8)}`;
  return { tenantId, key: await createTenantKey(tenantId) };
}

let kafka: Kafka | undefined;
let producer: Promise<Producer> | undefined;

function kafkaClient(): Kafka {
  kafka ??= new Kafka({
    clientId: 'triage-tests',
    brokers: testInfrastructure().kafkaBrokers,
    logLevel: logLevel.NOTHING,
  });
  return kafka;
}

/** Publishes events to their real topic in one request, as their producer would (key = aggregateId). */
export async function publish(topic: string, ...events: EventEnvelope[]): Promise<void> {
  producer ??= (async () => {
    const p = kafkaClient().producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await p.connect();
    return p;
  })();
  await (
    await producer
  ).send({ topic, acks: -1, messages: events.map((event) => ({ key: event.aggregateId, value: JSON.stringify(event) })) });
}

export async function disconnectProducer(): Promise<void> {
  const p = producer;
  producer = undefined;
  if (p) await (await p).disconnect();
}

export interface CustomerMessage {
  tenantId: string;
  body: string;
  customerId?: string;
  conversationId?: string;
  tier?: 'standard' | 'vip' | 'enterprise';
  channel?: 'web' | 'app' | 'email' | 'wechat' | 'phone' | 'social' | 'api';
  subject?: string | null;
  language?: 'zh' | 'en' | 'other';
  receivedAt?: string;
}

/** A message.received event shaped like the contract fixture, for one customer and conversation. */
export function messageReceived(
  m: CustomerMessage,
): EventEnvelope<'message.received', TypedEnvelope<'message.received'>['payload']> {
  const fixture = loadFixture('message.received');
  const conversationId = m.conversationId ?? randomUUID();
  const at = m.receivedAt ?? new Date().toISOString();
  return {
    ...fixture,
    id: randomUUID(),
    tenantId: m.tenantId,
    aggregateId: conversationId,
    occurredAt: at,
    correlationId: randomUUID(),
    payload: {
      ...fixture.payload,
      messageId: randomUUID(),
      conversationId,
      customer: {
        customerId: m.customerId ?? randomUUID(),
        tier: m.tier ?? 'standard',
        name: 'Test Customer',
      },
      channel: m.channel ?? 'wechat',
      subject: m.subject ?? null,
      body: m.body,
      language: m.language ?? 'zh',
      attachments: [],
      receivedAt: at,
    },
  };
}

export async function sendMessage(
  m: CustomerMessage,
): Promise<{ customerId: string; conversationId: string; messageId: string }> {
  const event = messageReceived(m);
  await publish('ingestion.messages.v1', event);
  return {
    customerId: event.payload.customer.customerId,
    conversationId: event.payload.conversationId,
    messageId: event.payload.messageId,
  };
}

/**
 * Reads what triage publishes, from the topics' current ends on (offsets taken before joining, so
 * nothing published after start() is missed), keeping one tenant's events; each is checked against the
 * contract on arrival.
 */
export class EventTap {
  readonly events: Array<{ topic: string; event: TypedEnvelope }> = [];
  readonly invalid: string[] = [];
  private consumer: Consumer | undefined;
  private readonly groupId = `${process.env.TEST_KAFKA_GROUP_PREFIX ?? 'test.'}tap.${randomUUID()}`;

  constructor(
    private readonly topics: string[],
    private readonly tenantId: string,
  ) {}

  async start(): Promise<this> {
    const admin = kafkaClient().admin();
    await admin.connect();
    const ends = await Promise.all(
      this.topics.map(async (topic) => ({ topic, offsets: await admin.fetchTopicOffsets(topic) })),
    );
    await admin.disconnect();
    const consumer = kafkaClient().consumer({
      groupId: this.groupId,
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
    await consumer.subscribe({ topics: this.topics, fromBeginning: false });
    await consumer.run({
      eachMessage: async ({ topic, message }) => {
        const raw: unknown = JSON.parse(message.value?.toString('utf8') ?? 'null');
        if (
          typeof raw !== 'object' ||
          raw === null ||
          (raw as { tenantId?: unknown }).tenantId !== this.tenantId
        )
          return;
        try {
          this.events.push({ topic, event: parseEvent(raw) });
        } catch (err) {
          this.invalid.push(String(err));
        }
      },
    });
    for (const { topic, offsets } of ends) {
      for (const o of offsets) consumer.seek({ topic, partition: o.partition, offset: o.offset });
    }
    await joined;
    return this;
  }

  of<T extends EventType>(type: T, aggregateId?: string): Array<TypedEnvelope<T>> {
    const matching = this.events
      .map((e) => e.event)
      .filter((e) => e.type === type && (aggregateId === undefined || e.aggregateId === aggregateId));
    return matching as unknown as Array<TypedEnvelope<T>>;
  }

  async waitFor<T extends EventType>(
    type: T,
    predicate: (e: TypedEnvelope<T>) => boolean = () => true,
    timeoutMs = 30_000,
  ): Promise<TypedEnvelope<T>> {
    return expectEventually(
      () => {
        const found = this.of(type).find(predicate);
        if (!found)
          throw new Error(`no ${type} yet; seen: ${this.events.map((e) => e.event.type).join(', ')}`);
        return found;
      },
      { timeoutMs, intervalMs: 100 },
    );
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
    const admin = kafkaClient().admin();
    await admin.connect();
    await admin.deleteGroups([this.groupId]).catch(() => undefined);
    await admin.disconnect();
  }
}

/** Direct reads of triage's tables, for invariants the API does not expose (capacity counters, outbox rows). */
export async function withDatabase<T>(fn: (client: Client) => Promise<T>): Promise<T> {
  const client = superuserClient();
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export function timelineTypes(ticket: Json): string[] {
  return (ticket.events as Array<{ type: string }>).map((e) => e.type);
}

export function timeline(
  ticket: Json,
  type: string,
): Array<{ type: string; actor: string | null; data: Json; at: string }> {
  return (ticket.events as Array<{ type: string; actor: string | null; data: Json; at: string }>).filter(
    (e) => e.type === type,
  );
}

/** Rows of a shared labelled data set (read from ../shared/datasets at run time, never copied into the repository). */
export function datasetRows(dataset: string, split: 'train' | 'dev' | 'test'): Json[] {
  const root = process.env.HELPDESK_DATASETS ?? join(REPO_ROOT, '..', 'shared', 'datasets');
  return readFileSync(join(root, dataset, `${split}.jsonl`), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Json);
}

/** Runs `fn` over items with at most `parallel` in flight, keeping the order of results. */
export async function mapLimit<T, R>(
  items: readonly T[],
  parallel: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(parallel, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]);
      }
    }),
  );
  return out;
}

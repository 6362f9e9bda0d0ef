import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel, Partitioners, type Producer } from 'kafkajs';
import { loadFixture, TOPICS, type PayloadOf } from '@helpdesk/contracts';
import { REPO_ROOT, ServiceProcess, superuserClient, testInfrastructure } from '@helpdesk/testing';

export type Json = Record<string, unknown>;

export interface Call {
  status: number;
  body: Json;
  text: string;
  headers: Headers;
}

/**
 * The built ingestion service as its own process (as `npm start` runs it) against the real test
 * Kafka, PostgreSQL and Redis. A process rather than in-process: Jest cannot load the ESM-only
 * dependencies of the Swagger UI the app serves.
 */
export class IngestionTestApp {
  private constructor(private readonly process: ServiceProcess) {}

  get baseUrl(): string {
    return this.process.baseUrl;
  }

  static async start(port: number, overrides: Record<string, string> = {}): Promise<IngestionTestApp> {
    const process = new ServiceProcess('ingestion', port, overrides);
    await process.start();
    return new IngestionTestApp(process);
  }

  logs(): string {
    return this.process.logs();
  }

  async call(path: string, init: RequestInit & { key?: string; json?: unknown } = {}): Promise<Call> {
    const headers = new Headers(init.headers);
    if (init.key) headers.set('authorization', `Bearer ${init.key}`);
    let body = init.body;
    if (init.json !== undefined) {
      headers.set('content-type', 'application/json');
      body = JSON.stringify(init.json);
    }
    const res = await fetch(`${this.baseUrl}${path}`, { ...init, headers, body });
    const text = await res.text();
    let parsed: Json = {};
    try {
      parsed = text ? (JSON.parse(text) as Json) : {};
    } catch {
      parsed = {};
    }
    return { status: res.status, body: parsed, text, headers: res.headers };
  }

  async stop(): Promise<void> {
    await this.process.stop();
  }
}

/** Reads the ingestion schema as the superuser, to check what was (not) stored. */
export async function query<T = Json>(sql: string, params: unknown[] = []): Promise<T[]> {
  const client = superuserClient();
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end();
  }
}

export const tenantName = (prefix: string): string => `ing-${prefix}-${randomUUID().slice(0, 8)}`;

/** Publishes `reply.requested` as triage does: the checked-in fixture's shape with this test's ids. */
export class ReplyRequester {
  private producer: Producer | undefined;

  async request(
    tenantId: string,
    payload: Partial<PayloadOf<'reply.requested'>> &
      Pick<PayloadOf<'reply.requested'>, 'conversationId' | 'customerId' | 'body'>,
  ): Promise<string> {
    if (!this.producer) {
      const kafka = new Kafka({
        brokers: testInfrastructure().kafkaBrokers,
        clientId: 'ingestion-tests',
        logLevel: logLevel.NOTHING,
      });
      this.producer = kafka.producer({
        createPartitioner: Partitioners.DefaultPartitioner,
        allowAutoTopicCreation: false,
      });
      await this.producer.connect();
    }
    const fixture = loadFixture('reply.requested');
    const replyId = payload.replyId ?? randomUUID();
    const envelope = {
      ...fixture,
      id: randomUUID(),
      tenantId,
      aggregateId: payload.conversationId,
      correlationId: randomUUID(),
      occurredAt: new Date().toISOString(),
      payload: { ...fixture.payload, ticketId: randomUUID(), subject: null, ...payload, replyId },
    };
    await this.producer.send({
      topic: TOPICS.triageReplies,
      acks: -1,
      messages: [{ key: payload.conversationId, value: JSON.stringify(envelope) }],
    });
    return replyId;
  }

  async close(): Promise<void> {
    await this.producer?.disconnect();
  }
}

/** Keeps the service's log of a run under reports/ (not committed) for reading after a failure. */
export function writeServiceLog(name: string, logs: string): void {
  mkdirSync(join(REPO_ROOT, 'reports'), { recursive: true });
  writeFileSync(join(REPO_ROOT, 'reports', `ingestion-${name}.log`), logs);
}

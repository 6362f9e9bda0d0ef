import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, Partitioners, type Producer } from 'kafkajs';
import { EVENTS, loadFixture, type EventEnvelope, type PayloadOf, type TopicName, TOPICS } from '@helpdesk/contracts';
import { encodePosition, watchTopic } from '@helpdesk/messaging';
import { ServiceProcess, callJson, testInfrastructure } from '@helpdesk/testing';

export type Json = Record<string, unknown>;

export interface RunningKnowledge {
  process: ServiceProcess;
  baseUrl: string;
  close(): Promise<void>;
}

/**
 * The built knowledge service as its own process (ports 4600-4699) against the real Kafka, PostgreSQL
 * and Redis. Ready means its index was rebuilt from Postgres and its consumers joined their groups.
 */
export async function startKnowledge(port: number, overrides: Record<string, string> = {}): Promise<RunningKnowledge> {
  const service = new ServiceProcess('knowledge', port, overrides);
  await service.start();
  return {
    process: service,
    baseUrl: service.baseUrl,
    close: async () => {
      await service.stop();
    },
  };
}

export interface Reply {
  status: number;
  body: Json;
  headers: Headers;
}

export const call = (baseUrl: string, path: string, init: RequestInit & { key?: string; json?: unknown } = {}): Promise<Reply> =>
  callJson(baseUrl, path, init);

export const items = (reply: Reply): Json[] => reply.body.items as Json[];
export const ids = (reply: Reply): string[] => items(reply).map((i) => String(i.articleId ?? i.id));

export function kafka(): Kafka {
  return new Kafka({ clientId: 'knowledge-tests', brokers: testInfrastructure().kafkaBrokers, logLevel: logLevel.NOTHING });
}

/** Publishes fixture-shaped triage events, as triage would: on triage.tickets.v1, keyed by ticket. */
type TicketEventType = 'ticket.created' | 'ticket.replied' | 'ticket.pending' | 'ticket.message-added' | 'ticket.resumed' | 'ticket.resolved' | 'ticket.reopened';

export class TriageEvents {
  private producer: Producer | undefined;

  constructor(private readonly tenantId: string) {}

  async connect(): Promise<void> {
    this.producer = kafka().producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false });
    await this.producer.connect();
  }

  async disconnect(): Promise<void> {
    await this.producer?.disconnect();
  }

  /** A new ticket shaped like the ticket.created fixture; returns its id. */
  async ticketCreated(over: Partial<PayloadOf<'ticket.created'>>): Promise<string> {
    const [ticketId] = await this.ticketsCreated([over]);
    return ticketId;
  }

  /** New tickets published in one request, so that knowledge reads them in one fetch; returns their ids. */
  async ticketsCreated(overs: ReadonlyArray<Partial<PayloadOf<'ticket.created'>>>): Promise<string[]> {
    const fixture = loadFixture('ticket.created');
    const envelopes = overs.map((over) => {
      const ticketId = over.ticketId ?? randomUUID();
      return this.envelope('ticket.created', ticketId, {
        ...fixture.payload,
        ticketId,
        messageId: randomUUID(),
        conversationId: randomUUID(),
        customerId: randomUUID(),
        customerTier: 'standard',
        createdAt: new Date().toISOString(),
        ...over,
      });
    });
    await this.publish(envelopes);
    return envelopes.map((e) => e.aggregateId);
  }

  async send<T extends TicketEventType>(type: T, ticketId: string, payload: PayloadOf<T>): Promise<void> {
    await this.publish([this.envelope(type, ticketId, payload)]);
  }

  private async publish(envelopes: readonly EventEnvelope[]): Promise<void> {
    if (!this.producer) throw new Error('connect() first');
    await this.producer.send({ topic: TOPICS.triageTickets, acks: -1, messages: envelopes.map((e) => ({ key: e.aggregateId, value: JSON.stringify(e) })) });
  }

  private envelope<T extends TicketEventType>(type: T, ticketId: string, payload: PayloadOf<T>): EventEnvelope<T, PayloadOf<T>> {
    return {
      version: EVENTS[type].version,
      producer: 'triage',
      causationId: null,
      id: randomUUID(),
      type,
      tenantId: this.tenantId,
      aggregateId: ticketId,
      correlationId: randomUUID(),
      occurredAt: new Date().toISOString(),
      payload,
    };
  }
}

/** Every event of one tenant on a topic from now on (the end offsets are taken before this returns). */
export class TopicRecorder {
  readonly events: EventEnvelope[] = [];
  private readonly abort = new AbortController();
  private running: Promise<void> | undefined;

  constructor(
    private readonly topic: TopicName,
    private readonly tenantId: string,
  ) {}

  async start(): Promise<void> {
    const client = kafka();
    const admin = client.admin();
    await admin.connect();
    const ends = await admin.fetchTopicOffsets(this.topic);
    await admin.disconnect();
    const from = encodePosition(Object.fromEntries(ends.map((e) => [e.partition, e.offset])));
    this.running = watchTopic(client, { topic: this.topic, tenantId: this.tenantId, from, signal: this.abort.signal }, ({ event }) => {
      this.events.push(event);
      return Promise.resolve();
    });
  }

  of<T extends string>(type: T, ticketId?: string): Array<EventEnvelope & { payload: Json }> {
    return this.events.filter(
      (e): e is EventEnvelope & { payload: Json } =>
        e.type === type && (ticketId === undefined || (e.payload as Json).ticketId === ticketId),
    );
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.running?.catch(() => undefined);
  }
}

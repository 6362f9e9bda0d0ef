import { randomBytes, randomUUID } from 'node:crypto';
import type { Admin, Consumer, Kafka, Producer } from 'kafkajs';
import { DataSource } from 'typeorm';
import { deadLetterTopic, loadFixture, type EventEnvelope, type TopicName } from '@helpdesk/contracts';
import { EventConsumer, PermanentEventError, createKafka, messagingTablesUp, type ConsumerObserver } from '@helpdesk/messaging';
import { expectEventually as eventually, testInfrastructure } from '@helpdesk/testing';

jest.setTimeout(120_000);

const quiet = { warn: () => undefined, error: () => undefined };

/**
 * The consumer against a real broker and database: chunks of events share one transaction, and an
 * event that fails inside a chunk neither loses nor dead-letters the others.
 */
describe('EventConsumer', () => {
  const infra = testInfrastructure();
  const suffix = randomBytes(4).toString('hex');
  const schema = `consumer_test_${suffix}`;
  const tenantId = `t-consumer-${suffix}`;
  // Topics of the test's own: nothing else publishes to them, so every record on them is ours.
  const topicOf = (name: string): TopicName => `test.event-consumer.${suffix}.${name}` as TopicName;
  const names = ['ordered', 'mixed', 'single', 'shared', 'spread', 'tenants'];
  const partitionsOf = (name: string): number => (name === 'spread' ? 6 : 1);
  let kafka: Kafka;
  let admin: Admin;
  let producer: Producer;
  let dataSource: DataSource;
  const consumers: EventConsumer[] = [];
  const producers: Producer[] = [];

  beforeAll(async () => {
    dataSource = new DataSource({
      type: 'postgres',
      host: infra.pg.host,
      port: infra.pg.port,
      database: infra.pg.database,
      username: process.env.PG_SUPERUSER ?? 'postgres',
      password: process.env.PG_SUPERUSER_PASSWORD,
    });
    await dataSource.initialize();
    await dataSource.query(`CREATE SCHEMA "${schema}"`);
    for (const ddl of messagingTablesUp(schema)) await dataSource.query(ddl);
    await dataSource.query(
      `CREATE TABLE "${schema}"."handled" ("seq" bigserial PRIMARY KEY, "tenant_id" varchar(64) NOT NULL, "consumer" text NOT NULL, "event_id" uuid NOT NULL, "seen_before" int NOT NULL)`,
    );
    kafka = createKafka({ brokers: infra.kafkaBrokers, clientId: `consumer-test-${suffix}`, groupPrefix: '' });
    admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      topics: names.flatMap((n) => [{ topic: topicOf(n), numPartitions: partitionsOf(n) }, { topic: deadLetterTopic(topicOf(n)), numPartitions: 1 }]),
      waitForLeaders: true,
    });
    producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
  });

  afterAll(async () => {
    await Promise.all(consumers.map((c) => c.stop()));
    await Promise.all(producers.map((p) => p.disconnect()));
    await producer?.disconnect();
    await admin?.deleteTopics({ topics: names.flatMap((n) => [topicOf(n), deadLetterTopic(topicOf(n))]) }).catch(() => undefined);
    await admin?.disconnect();
    await dataSource?.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await dataSource?.destroy();
  });

  function envelope(tenant = tenantId): EventEnvelope {
    return { ...loadFixture('synonyms.changed'), id: randomUUID(), tenantId: tenant, aggregateId: tenant };
  }

  async function publish(name: string, events: Array<EventEnvelope | string>): Promise<void> {
    await producer.send({
      topic: topicOf(name),
      messages: events.map((e) => ({ key: tenantId, value: typeof e === 'string' ? e : JSON.stringify(e) })),
    });
  }

  /** Records each event it handles, with how many events of its consumer were already written: earlier writes of its chunk included. */
  async function startConsumer(
    name: string,
    failFor: ReadonlySet<string>,
    outcomes: string[],
    batchSize?: number,
    topic = topicOf(name),
    tenantsActedFor?: (tenantIds: readonly string[]) => Promise<ReadonlySet<string>>,
  ): Promise<EventConsumer> {
    const observer: ConsumerObserver = { processed: (_c, _t, outcome) => void outcomes.push(outcome) };
    const dlq = kafka.producer({ allowAutoTopicCreation: false });
    producers.push(dlq);
    let connected: Promise<void> | undefined;
    const consumer = new EventConsumer(
      kafka,
      dataSource,
      async () => {
        await (connected ??= dlq.connect());
        return dlq;
      },
      {
        name: `${name}-${suffix}`,
        topics: [topic],
        groupPrefix: '',
        schema,
        maxAttempts: 2,
        batchSize,
        tenantsActedFor,
        handlers: {
          'synonyms.changed': async (event, { manager }) => {
            if (failFor.has(event.id)) throw new PermanentEventError(`refused ${event.id}`);
            await manager.query(
              `INSERT INTO "${schema}"."handled" ("tenant_id", "consumer", "event_id", "seen_before")
               SELECT $1, $2, $3, count(*)::int FROM "${schema}"."handled" WHERE "consumer" = $2`,
              [event.tenantId, name, event.id],
            );
          },
        },
      },
      quiet,
      observer,
    );
    consumers.push(consumer);
    await consumer.start();
    await consumer.waitUntilJoined();
    return consumer;
  }

  async function handled(name: string): Promise<Array<{ event_id: string; seen_before: number; tenant_id: string }>> {
    return dataSource.query(`SELECT "event_id", "seen_before", "tenant_id" FROM "${schema}"."handled" WHERE "consumer" = $1 ORDER BY "seq"`, [name]);
  }

  /** How many transactions wrote a consumer's inbox rows: `xmin` is the id of the transaction that inserted a row. */
  async function transactions(name: string): Promise<number> {
    const rows: Array<{ n: number }> = await dataSource.query(
      `SELECT count(DISTINCT "xmin"::text)::int AS n FROM "${schema}"."inbox" WHERE "consumer" = $1 AND "tenant_id" = $2`,
      [`${name}-${suffix}`, tenantId],
    );
    return rows[0].n;
  }

  async function deadLetters(name: string, count: number): Promise<string[]> {
    const seen: string[] = [];
    const reader: Consumer = kafka.consumer({ groupId: `dlq-reader-${randomBytes(4).toString('hex')}` });
    await reader.connect();
    try {
      await reader.subscribe({ topics: [deadLetterTopic(topicOf(name))], fromBeginning: true });
      await reader.run({ eachMessage: async ({ message }) => void seen.push(message.value?.toString('utf8') ?? '') });
      await eventually(() => expect(seen).toHaveLength(count), { timeoutMs: 30_000 });
    } finally {
      await reader.disconnect();
    }
    return seen;
  }

  it('handles a backlog in order, each event once, later events seeing the earlier ones of their chunk', async () => {
    const events = Array.from({ length: 120 }, () => envelope());
    // The same event twice, in one chunk: a redelivery after a relay retry.
    await publish('ordered', [...events.slice(0, 10), events[3], ...events.slice(10)]);
    const outcomes: string[] = [];
    await startConsumer('ordered', new Set(), outcomes, 25);

    await eventually(async () => expect(await handled('ordered')).toHaveLength(120), { timeoutMs: 60_000 });
    const rows = await handled('ordered');
    expect(rows.map((r) => r.event_id)).toEqual(events.map((e) => e.id));
    expect(rows.map((r) => r.seen_before)).toEqual(events.map((_, i) => i));
    expect(outcomes.filter((o) => o === 'ok')).toHaveLength(120);
    expect(outcomes.filter((o) => o === 'duplicate')).toHaveLength(1);
    const inbox: Array<{ n: number }> = await dataSource.query(
      `SELECT count(*)::int AS n FROM "${schema}"."inbox" WHERE "consumer" = $1 AND "tenant_id" = $2`,
      [`ordered-${suffix}`, tenantId],
    );
    expect(inbox[0].n).toBe(120);
    // Published before the consumer joined, the backlog arrives in few fetches: chunks of 25, not 120 transactions.
    expect(await transactions('ordered')).toBeLessThanOrEqual(20);
  });

  it('dead-letters the failing and unreadable events of a chunk and still handles all the others', async () => {
    const events = Array.from({ length: 30 }, () => envelope());
    const refused = new Set([events[4].id, events[17].id]);
    // A broken event of a type this consumer does not act on is not its to judge; an unknown type is.
    const ignored = { ...loadFixture('article.changed'), id: randomUUID(), tenantId, payload: { articleId: 12345 } };
    const unknown = { ...envelope(), type: 'no.such.event' };
    await publish('mixed', [...events.slice(0, 9), '{"not": "an event"', JSON.stringify(ignored), JSON.stringify(unknown), ...events.slice(9)]);
    const outcomes: string[] = [];
    await startConsumer('mixed', refused, outcomes, 50);

    const expected = events.filter((e) => !refused.has(e.id)).map((e) => e.id);
    await eventually(async () => expect((await handled('mixed')).map((r) => r.event_id)).toEqual(expected), { timeoutMs: 60_000 });
    await eventually(async () => expect(outcomes.filter((o) => o === 'dead-lettered')).toHaveLength(4), { timeoutMs: 30_000 });
    const letters = await deadLetters('mixed', 4);
    expect([...refused].every((id) => letters.some((l) => l.includes(id)))).toBe(true);
    expect(letters).toContain('{"not": "an event"');
    expect(letters.some((l) => l.includes(unknown.id))).toBe(true);
    expect(letters.some((l) => l.includes(ignored.id))).toBe(false);
  });

  it('lets two consumers of one process read the same records alike: valid ones handled by each, broken ones dead-lettered by each', async () => {
    const events = Array.from({ length: 20 }, () => envelope());
    // The text of a valid event with its payload broken: validated on its own, not taken for its valid twin.
    const brokenTwin = JSON.stringify({ ...events[5], payload: { groups: -1 } });
    await publish('shared', [...events.slice(0, 10), brokenTwin, ...events.slice(10)]);
    const outcomes: Record<'first' | 'second', string[]> = { first: [], second: [] };
    await Promise.all([
      startConsumer('shared-first', new Set(), outcomes.first, 50, topicOf('shared')),
      startConsumer('shared-second', new Set(), outcomes.second, 50, topicOf('shared')),
    ]);

    for (const name of ['shared-first', 'shared-second'])
      await eventually(async () => expect((await handled(name)).map((r) => r.event_id)).toEqual(events.map((e) => e.id)), { timeoutMs: 60_000 });
    for (const seen of [outcomes.first, outcomes.second]) {
      await eventually(() => expect(seen.filter((o) => o === 'dead-lettered')).toHaveLength(1), { timeoutMs: 30_000 });
      expect(seen.filter((o) => o === 'ok')).toHaveLength(20);
    }
    const letters = await deadLetters('shared', 2);
    expect(letters.filter((l) => l.includes(brokenTwin))).toHaveLength(2);
  });

  it('handles the batches of every partition of a fetch together: one transaction per chunk, each partition in order, every offset committed', async () => {
    const events = Array.from({ length: 60 }, () => envelope());
    const partitionOf = (i: number): number => i % 6;
    await producer.send({
      topic: topicOf('spread'),
      messages: events.map((e, i) => ({ partition: partitionOf(i), key: e.id, value: JSON.stringify(e) })),
    });
    const outcomes: string[] = [];
    await startConsumer('spread', new Set(), outcomes, 100);

    await eventually(async () => expect(await handled('spread')).toHaveLength(60), { timeoutMs: 60_000 });
    const order = (await handled('spread')).map((r) => r.event_id);
    for (let p = 0; p < 6; p++) {
      const published = events.filter((_, i) => partitionOf(i) === p).map((e) => e.id);
      expect(order.filter((id) => published.includes(id))).toEqual(published);
    }
    expect(outcomes.filter((o) => o === 'ok')).toHaveLength(60);
    // Six partitions' batches of ten, fetched at once: one transaction (a second if a fetch split them), not six.
    expect(await transactions('spread')).toBeLessThanOrEqual(2);
    await eventually(async () => {
      const [committed] = await admin.fetchOffsets({ groupId: `spread-${suffix}`, topics: [topicOf('spread')] });
      expect(committed.partitions.map((p) => [p.partition, p.offset]).sort()).toEqual([0, 1, 2, 3, 4, 5].map((p) => [p, '10']));
    }, { timeoutMs: 30_000 });
  });

  it('handles one event per transaction when batching is off, with the same result', async () => {
    const events = Array.from({ length: 12 }, () => envelope());
    await publish('single', events);
    const outcomes: string[] = [];
    await startConsumer('single', new Set([events[2].id]), outcomes, 1);

    const expected = events.filter((_, i) => i !== 2).map((e) => e.id);
    await eventually(async () => expect((await handled('single')).map((r) => r.event_id)).toEqual(expected), { timeoutMs: 60_000 });
    expect((await handled('single')).map((r) => r.seen_before)).toEqual(expected.map((_, i) => i));
    expect(await transactions('single')).toBe(expected.length);
  });

  it('passes over the records of tenants it does not act for, unread, and reads the whole chunk when it cannot tell', async () => {
    const [actedFor, other, unnamed] = ['acted', 'other', 'unnamed'].map((t) => `${tenantId}-${t}`);
    const mine = Array.from({ length: 6 }, () => envelope(actedFor));
    const others = Array.from({ length: 6 }, () => envelope(other));
    // Broken, but of a tenant the consumer does not act for: not its to judge.
    const othersBroken = JSON.stringify({ ...envelope(other), payload: { groups: -1 } });
    const withoutHeader = envelope(unnamed);
    const record = (value: string, tenant: string | null): { key: string; value: string; headers?: Record<string, string> } =>
      tenant === null ? { key: 'k', value } : { key: 'k', value, headers: { 'tenant-id': tenant } };
    const records = [
      ...mine.slice(0, 3).map((e) => record(JSON.stringify(e), actedFor)),
      ...others.slice(0, 3).map((e) => record(JSON.stringify(e), other)),
      record(othersBroken, other),
      record(JSON.stringify(withoutHeader), null),
      ...others.slice(3).map((e) => record(JSON.stringify(e), other)),
      ...mine.slice(3).map((e) => record(JSON.stringify(e), actedFor)),
    ];
    await producer.send({ topic: topicOf('tenants'), messages: records });

    const asked: string[][] = [];
    const outcomes: string[] = [];
    await startConsumer('tenants', new Set(), outcomes, 50, topicOf('tenants'), async (tenantIds) => {
      asked.push([...tenantIds].sort());
      return new Set([actedFor]);
    });
    const expected = [...mine.slice(0, 3), withoutHeader, ...mine.slice(3)].map((e) => e.id);
    await eventually(async () => expect((await handled('tenants')).map((r) => r.event_id)).toEqual(expected), { timeoutMs: 60_000 });
    // Every record passed: the offsets reach the end of the partition.
    await eventually(async () => {
      const [committed] = await admin.fetchOffsets({ groupId: `tenants-${suffix}`, topics: [topicOf('tenants')] });
      expect(committed.partitions.map((p) => p.offset)).toEqual([String(records.length)]);
    }, { timeoutMs: 30_000 });
    expect(asked.length).toBeGreaterThan(0);
    expect(asked.every((names) => names.every((n) => n === actedFor || n === other))).toBe(true);
    const inboxOfOther: Array<{ n: number }> = await dataSource.query(
      `SELECT count(*)::int AS n FROM "${schema}"."inbox" WHERE "consumer" = $1 AND "tenant_id" = $2`,
      [`tenants-${suffix}`, other],
    );
    expect(inboxOfOther[0].n).toBe(0);
    expect(outcomes).toEqual(expected.map(() => 'ok'));

    // The same records when the question fails: every one read, the broken one dead-lettered.
    const fallback: string[] = [];
    await startConsumer('tenants-unsure', new Set(), fallback, 50, topicOf('tenants'), () => Promise.reject(new Error('database unreachable')));
    const all = [...mine.slice(0, 3), ...others.slice(0, 3), withoutHeader, ...others.slice(3), ...mine.slice(3)].map((e) => e.id);
    await eventually(async () => expect((await handled('tenants-unsure')).map((r) => r.event_id)).toEqual(all), { timeoutMs: 60_000 });
    await eventually(() => expect(fallback.filter((o) => o === 'dead-lettered')).toHaveLength(1), { timeoutMs: 30_000 });
  });
});

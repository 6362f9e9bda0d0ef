import { randomBytes, randomUUID } from 'node:crypto';
import type { Admin, Consumer, Kafka } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { loadFixture } from '@helpdesk/contracts';
import { OutboxRelay, createKafka, messagingTablesUp } from '@helpdesk/messaging';
import { expectEventually as eventually, testInfrastructure } from '@helpdesk/testing';
import { openSuperuserDataSource } from '../persistence/superuser-data-source';

jest.setTimeout(120_000);

const quiet = { warn: () => undefined, error: () => undefined };

/**
 * The relay against a real broker and database: relays of several replicas on one outbox publish
 * every row once and each key's rows in order; a publication the broker refuses leaves its rows
 * waiting for the next attempt.
 */
describe('OutboxRelay', () => {
  const infra = testInfrastructure();
  const suffix = randomBytes(4).toString('hex');
  const tenantId = `t-relay-${suffix}`;
  const topicOf = (name: string): string => `test.outbox-relay.${suffix}.${name}`;
  let kafka: Kafka;
  let admin: Admin;
  let dataSource: DataSource;
  const schemas: string[] = [];
  const relays: OutboxRelay[] = [];

  beforeAll(async () => {
    dataSource = await openSuperuserDataSource(infra, true);
    kafka = createKafka({ brokers: infra.kafkaBrokers, clientId: `relay-test-${suffix}`, groupPrefix: '' });
    admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: topicOf('shared'), numPartitions: 3 }], waitForLeaders: true });
  });

  afterAll(async () => {
    await Promise.all(relays.map((r) => r.stop(1000)));
    await admin?.deleteTopics({ topics: [topicOf('shared'), topicOf('late')] }).catch(() => undefined);
    await admin?.disconnect();
    for (const schema of schemas) await dataSource?.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await dataSource?.destroy();
  });

  async function outbox(name: string): Promise<string> {
    const schema = `relay_test_${suffix}_${name}`;
    schemas.push(schema);
    await dataSource.query(`CREATE SCHEMA "${schema}"`);
    for (const ddl of messagingTablesUp(schema)) await dataSource.query(ddl);
    return schema;
  }

  /** Appends one event per key and position, keys interleaved, in one statement. */
  async function append(schema: string, topic: string, keys: readonly string[], perKey: number): Promise<Array<{ key: string; id: string }>> {
    const rows = Array.from({ length: perKey }, (_, n) => keys.map((key) => ({ key, id: randomUUID(), n }))).flat();
    const envelopes = rows.map(({ key, id, n }) => ({ ...loadFixture('synonyms.changed'), id, tenantId, aggregateId: key, payload: { groups: n } }));
    await dataSource.query(
      `INSERT INTO "${schema}"."outbox" ("id", "tenant_id", "topic", "message_key", "event_type", "envelope")
       SELECT e.id, $2, $3, e.key, 'synonyms.changed', e.envelope
         FROM unnest($1::uuid[], $4::varchar[], $5::jsonb[]) WITH ORDINALITY AS e(id, key, envelope, ord) ORDER BY e.ord`,
      [rows.map((r) => r.id), tenantId, topic, rows.map((r) => r.key), envelopes.map((e) => JSON.stringify(e))],
    );
    return rows;
  }

  function relay(schema: string): OutboxRelay {
    const r = new OutboxRelay(dataSource, kafka, { schema, batchSize: 40, pollIntervalMs: 20 }, quiet);
    relays.push(r);
    return r;
  }

  async function read(topic: string, count: number): Promise<Array<{ key: string; id: string }>> {
    const seen: Array<{ key: string; id: string }> = [];
    const reader: Consumer = kafka.consumer({ groupId: `relay-reader-${randomBytes(4).toString('hex')}` });
    await reader.connect();
    try {
      await reader.subscribe({ topics: [topic], fromBeginning: true });
      await reader.run({
        eachMessage: async ({ message }) => {
          const event = JSON.parse(message.value?.toString('utf8') ?? '{}') as { id: string; aggregateId: string };
          seen.push({ key: event.aggregateId, id: event.id });
        },
      });
      await eventually(() => expect(seen.length).toBeGreaterThanOrEqual(count), { timeoutMs: 60_000 });
      // Anything published twice would arrive with the rest: give it a moment to show.
      await new Promise((r) => setTimeout(r, 500));
    } finally {
      await reader.disconnect();
    }
    return seen;
  }

  const unpublished = async (schema: string): Promise<number> =>
    (await dataSource.query<Array<{ n: number }>>(`SELECT count(*)::int AS n FROM "${schema}"."outbox" WHERE "published_at" IS NULL`))[0].n;

  it('publishes every row once and each key in order while three relays of one outbox run side by side', async () => {
    const schema = await outbox('shared');
    const keys = Array.from({ length: 12 }, () => randomUUID());
    const rows = await append(schema, topicOf('shared'), keys, 25);
    const running = [relay(schema), relay(schema), relay(schema)];
    running.forEach((r) => r.start());
    for (let i = 0; i < 5; i++) running.forEach((r) => r.notify());

    const seen = await read(topicOf('shared'), rows.length);
    expect(seen).toHaveLength(rows.length);
    expect(new Set(seen.map((s) => s.id)).size).toBe(rows.length);
    for (const key of keys) expect(seen.filter((s) => s.key === key).map((s) => s.id)).toEqual(rows.filter((r) => r.key === key).map((r) => r.id));
    expect(await unpublished(schema)).toBe(0);
  });

  it('leaves the rows of a publication the broker refused unpublished, and publishes them once it accepts', async () => {
    const schema = await outbox('late');
    const rows = await append(schema, topicOf('late'), [randomUUID(), randomUUID()], 5);
    const r = relay(schema);
    r.start();
    r.notify();
    // The topic does not exist yet and is not created on demand: every attempt is refused.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await unpublished(schema)).toBe(rows.length);

    await admin.createTopics({ topics: [{ topic: topicOf('late'), numPartitions: 1 }], waitForLeaders: true });
    const seen = await read(topicOf('late'), rows.length);
    expect(seen.map((s) => s.id)).toEqual(rows.map((row) => row.id));
    await eventually(async () => expect(await unpublished(schema)).toBe(0));
  });
});

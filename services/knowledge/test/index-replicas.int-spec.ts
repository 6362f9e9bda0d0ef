import { randomUUID } from 'node:crypto';
import { Partitioners } from 'kafkajs';
import { deadLetterTopic, TOPICS } from '@helpdesk/contracts';
import { createTenantKey, expectEventually } from '@helpdesk/testing';
import { call, ids, kafka, startKnowledge, type RunningKnowledge } from './knowledge-test-kit';

/**
 * Two replicas, each with its own in-memory index: what one writes, the other searches after the
 * article.changed / synonyms.changed / article.feedback-recorded events reach it; a replica started
 * later rebuilds its index from Postgres before it reports ready.
 */
jest.setTimeout(60_000);

const tenant = `kb-replicas-${randomUUID().slice(0, 8)}`;
let key: string;
let a: RunningKnowledge;
let b: RunningKnowledge | undefined;

const search = (replica: RunningKnowledge, q: string) => call(replica.baseUrl, `/v1/search?q=${encodeURIComponent(q)}`, { key });

beforeAll(async () => {
  key = await createTenantKey(tenant);
  a = await startKnowledge(4630);
}, 120_000);

afterAll(async () => {
  await Promise.all([a.close(), b?.close()]);
}, 60_000);

it('a replica started later has every published article searchable as soon as it is ready', async () => {
  const created = await call(a.baseUrl, '/v1/articles:bulk', {
    method: 'POST',
    key,
    json: {
      articles: [
        { title: '快递多久能到', body: '一般下单后48小时内发货，3到5天送达。', language: 'zh', status: 'published' },
        { title: 'Change your delivery address', body: 'Before shipping, edit the address on the order page.', language: 'en', status: 'published' },
        { title: '草稿：退货流程', body: '还在编写中。', language: 'zh', status: 'draft' },
      ],
    },
  });
  expect(created.status).toBe(201);
  const [parcel, address, draft] = (created.body.items as Array<{ id: string }>).map((i) => i.id);
  b = await startKnowledge(4631);
  expect(ids(await search(b, '快递几天到'))[0]).toBe(parcel);
  expect(ids(await search(b, 'delivery address change'))[0]).toBe(address);
  expect(ids(await search(b, '退货流程'))).not.toContain(draft);
});

it("each replica applies the other's edits, publications and unpublications", async () => {
  const replicaB = b as RunningKnowledge;
  const created = await call(replicaB.baseUrl, '/v1/articles', {
    method: 'POST',
    key,
    json: { title: '发票抬头写错了怎么办', body: '在订单页重新申请一次发票即可。', language: 'zh', status: 'published' },
  });
  const id = created.body.id as string;
  await expectEventually(async () => expect(ids(await search(a, '发票抬头写错'))[0]).toBe(id));

  await call(a.baseUrl, `/v1/articles/${id}`, { method: 'PUT', key, json: { title: '增值税发票抬头写错了怎么办' } });
  await expectEventually(async () => expect(ids(await search(replicaB, '增值税'))).toEqual([id]));

  await call(replicaB.baseUrl, `/v1/articles/${id}`, { method: 'PUT', key, json: { status: 'draft' } });
  await expectEventually(async () => expect(ids(await search(a, '增值税'))).toEqual([]));
});

it('synonyms and votes written on one replica reach the other', async () => {
  const replicaB = b as RunningKnowledge;
  const twins = await call(a.baseUrl, '/v1/articles:bulk', {
    method: 'POST',
    key,
    json: {
      articles: [1, 2].map(() => ({ title: 'Track your parcel', body: 'Use the tracking number from the shipping e-mail.', language: 'en', status: 'published' })),
    },
  });
  const [first, second] = (twins.body.items as Array<{ id: string }>).map((i) => i.id);
  await expectEventually(async () => expect(ids(await search(replicaB, 'track parcel')).sort()).toEqual([first, second].sort()));
  expect(ids(await search(replicaB, 'where is my package'))).toEqual([]);

  const put = await call(a.baseUrl, '/v1/synonyms', { method: 'PUT', key, json: { groups: [['parcel', 'package']] } });
  expect(put.status).toBe(200);
  await expectEventually(async () => expect(ids(await search(replicaB, 'where is my package')).sort()).toEqual([first, second].sort()));

  // Identical articles tie on text: votes on replica A reorder them on replica B.
  const loser = ids(await search(replicaB, 'track parcel'))[0];
  const winner = loser === first ? second : first;
  for (let i = 0; i < 3; i++) await call(a.baseUrl, `/v1/articles/${winner}/feedback`, { method: 'POST', key, json: { helpful: true } });
  await expectEventually(async () => expect(ids(await search(replicaB, 'track parcel'))[0]).toBe(winner));
});

it('sets an unreadable change aside on knowledge.articles.v1.dlq with its reason and keeps following', async () => {
  const client = kafka();
  const marker = `poison-${randomUUID()}`;
  const dead: Array<{ reason: string; consumer: string }> = [];
  const consumer = client.consumer({ groupId: `test.kb-dlq-reader.${randomUUID()}` });
  await consumer.connect();
  await consumer.subscribe({ topics: [deadLetterTopic(TOPICS.knowledgeArticles)], fromBeginning: true });
  await consumer.run({
    eachMessage: ({ message }) => {
      if (message.value?.toString('utf8').includes(marker)) {
        dead.push({ reason: String(message.headers?.['dlq-reason'] ?? ''), consumer: String(message.headers?.['dlq-consumer'] ?? '') });
      }
      return Promise.resolve();
    },
  });
  const producer = client.producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false });
  await producer.connect();
  try {
    await producer.send({ topic: TOPICS.knowledgeArticles, acks: -1, messages: [{ key: marker, value: `{"not an event": "${marker}"` }] });
    await expectEventually(() => expect(dead.length).toBeGreaterThan(0), { timeoutMs: 30_000 });
    expect(dead[0]).toMatchObject({ consumer: expect.stringMatching(/^knowledge\.index-sync\./) as string, reason: expect.stringContaining('invalid event') as string });

    // The replica still applies what comes after the poison.
    const title = `after-poison ${randomUUID().slice(0, 8)}`;
    const other = b ?? a;
    const created = await call(a.baseUrl, '/v1/articles', {
      method: 'POST',
      key,
      json: { title, body: '毒消息之后的文章 article written after the poison', language: 'en', status: 'published', tags: [], category: 'general' },
    });
    expect(created.status).toBe(201);
    await expectEventually(async () => expect(ids(await search(other, title))).toContain(String(created.body.id)), { timeoutMs: 30_000 });
  } finally {
    await producer.disconnect();
    await consumer.disconnect();
  }
});

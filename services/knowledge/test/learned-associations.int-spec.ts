import { randomUUID } from 'node:crypto';
import { createTenantKey, expectEventually } from '@helpdesk/testing';
import {
  call,
  ids,
  startKnowledge,
  TriageEvents,
  type Json,
  type RunningKnowledge,
} from './knowledge-test-kit';

/**
 * Two replicas learn a tenant's term associations from its answered questions while they run: a helpful
 * vote tying a ticket's question to an article, recorded on one replica, reaches both tables through
 * the index-sync events; an automatic answer settled as deflected reaches them through the sweep.
 * GET /v1/search/stats shows what each replica's table was learned from.
 */
jest.setTimeout(90_000);

const tenant = `kb-learn-${randomUUID().slice(0, 8)}`;
const triage = new TriageEvents(tenant);
let key: string;
let a: RunningKnowledge;
let b: RunningKnowledge;

// Quick relearns and sweeps, so "eventually" is seconds.
const FAST = { ASSOCIATION_RELEARN_MIN_INTERVAL_MS: '500', ASSOCIATION_SWEEP_SECONDS: '1' };

const stats = async (
  replica: RunningKnowledge,
): Promise<{
  articles: number;
  associations: { answeredQuestions: number; terms: number; learnedAt: string | null };
}> => {
  const res = await call(replica.baseUrl, '/v1/search/stats', { key });
  expect(res.status).toBe(200);
  return res.body as never;
};
const rankOf = async (replica: RunningKnowledge, q: string, articleId: string): Promise<number> => {
  const res = await call(replica.baseUrl, `/v1/search?q=${encodeURIComponent(q)}&limit=10`, { key });
  expect(res.status).toBe(200);
  const rank = ids(res).indexOf(articleId);
  return rank < 0 ? Infinity : rank;
};

async function createArticle(json: Json): Promise<string> {
  const res = await call(a.baseUrl, '/v1/articles', { method: 'POST', key, json });
  expect(res.status).toBe(201);
  return res.body.id as string;
}

/** A ticket question as triage announces it; resolves once knowledge has recorded it. */
async function ticket(body: string, over: Json = {}): Promise<string> {
  const ticketId = await triage.ticketCreated({
    subject: null,
    body,
    language: 'en',
    priority: 'P3',
    category: 'general',
    status: 'new',
    ...over,
  });
  await expectEventually(async () =>
    expect((await call(a.baseUrl, `/v1/tickets/${ticketId}/suggestions`, { key })).status).toBe(200),
  );
  return ticketId;
}

beforeAll(async () => {
  key = await createTenantKey(tenant);
  [a, b] = await Promise.all([startKnowledge(4640, FAST), startKnowledge(4641, FAST)]);
  await triage.connect();
}, 120_000);

afterAll(async () => {
  await triage.disconnect();
  await Promise.all([a?.close(), b?.close()]);
}, 60_000);

it('a helpful vote tying customer questions to an article is learned on every replica without a restart', async () => {
  const refund = await createArticle({
    title: 'Refund policy',
    body: 'Returned items are refunded to the original payment method.',
    language: 'en',
    status: 'published',
  });
  const transfer = await createArticle({
    title: 'Money transfer limits',
    body: 'Transfers above the daily limit need a second confirmation.',
    language: 'en',
    status: 'published',
  });
  await expectEventually(async () => expect((await stats(b)).articles).toBe(2));
  for (const replica of [a, b])
    expect((await stats(replica)).associations).toEqual({ answeredQuestions: 0, terms: 0, learnedAt: null });

  // Customers ask in words the article does not use: before learning, the words find the other article.
  const query = 'I want my money back for the jacket';
  const before = await rankOf(b, query, refund);
  expect(await rankOf(b, query, transfer)).toBe(0);
  expect(before).toBeGreaterThan(0);

  // Three pairs are the least a learned association needs; the votes all go to replica a.
  for (const thing of ['shoes', 'order', 'parcel']) {
    const ticketId = await ticket(`Can I get my money back for my ${thing}?`);
    const vote = await call(a.baseUrl, `/v1/articles/${refund}/feedback`, {
      method: 'POST',
      key,
      json: { helpful: true, ticketId },
    });
    expect(vote.status).toBe(201);
  }
  // A vote without a ticket has no question to learn from.
  await call(a.baseUrl, `/v1/articles/${transfer}/feedback`, {
    method: 'POST',
    key,
    json: { helpful: true },
  });

  for (const replica of [a, b]) {
    await expectEventually(async () => {
      const learned = (await stats(replica)).associations;
      expect(learned.answeredQuestions).toBe(3);
      expect(learned.terms).toBeGreaterThan(0);
      expect(learned.learnedAt).toEqual(expect.any(String));
    });
  }
  expect(await rankOf(b, query, refund)).toBeLessThan(before);
  expect(await rankOf(a, query, refund)).toBeLessThan(before);
});

it("a helpful vote carrying the customer's own question, with no ticket, is learned too", async () => {
  const cancel = await createArticle({
    title: 'Cancel a subscription',
    body: 'Open the billing page and choose cancel.',
    language: 'en',
    status: 'published',
  });
  const learnedBefore = (await stats(b)).associations.answeredQuestions;
  const vote = await call(a.baseUrl, `/v1/articles/${cancel}/feedback`, {
    method: 'POST',
    key,
    json: { helpful: true, question: 'stop charging me every month' },
  });
  expect(vote.status).toBe(201);
  expect(vote.body).toMatchObject({
    helpful: true,
    ticketId: null,
    question: 'stop charging me every month',
  });
  // Not helpful: nothing answered.
  await call(a.baseUrl, `/v1/articles/${cancel}/feedback`, {
    method: 'POST',
    key,
    json: { helpful: false, question: 'delete my account' },
  });
  for (const replica of [a, b]) {
    await expectEventually(async () =>
      expect((await stats(replica)).associations.answeredQuestions).toBe(learnedBefore + 1),
    );
  }
  const tooLong = await call(a.baseUrl, `/v1/articles/${cancel}/feedback`, {
    method: 'POST',
    key,
    json: { helpful: true, question: 'x'.repeat(1001) },
  });
  expect(tooLong.status).toBe(400);
});

it('an automatic answer that deflected its ticket is learned on every replica by the sweep', async () => {
  await createArticle({
    title: '如何开发票',
    body: '在订单详情页点击“申请发票”，填写抬头后提交即可。',
    language: 'zh',
    category: 'billing',
    status: 'published',
  });
  const learnedBefore = (await stats(b)).associations.answeredQuestions;
  const ticketId = await ticket('请问怎么开发票？', {
    subject: '开发票',
    language: 'zh',
    priority: 'P4',
    category: 'billing',
  });
  await expectEventually(async () => {
    const answer = (await call(a.baseUrl, `/v1/tickets/${ticketId}/suggestions`, { key })).body
      .autoAnswer as Json | null;
    expect(answer?.outcome).toBe('awaiting');
  });
  await triage.send('ticket.replied', ticketId, {
    ticketId,
    replyId: randomUUID(),
    agentId: null,
    internal: false,
    firstResponse: false,
    automated: true,
    at: new Date().toISOString(),
  });
  await triage.send('ticket.resolved', ticketId, {
    ticketId,
    at: new Date().toISOString(),
    resolutionCode: 'auto-answer',
  });
  await expectEventually(async () => {
    const answer = (await call(b.baseUrl, `/v1/tickets/${ticketId}/suggestions`, { key })).body
      .autoAnswer as Json | null;
    expect(answer?.outcome).toBe('deflected');
  });
  for (const replica of [a, b]) {
    await expectEventually(async () =>
      expect((await stats(replica)).associations.answeredQuestions).toBe(learnedBefore + 1),
    );
  }
});

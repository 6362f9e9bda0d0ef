import { randomUUID } from 'node:crypto';
import { TOPICS } from '@helpdesk/contracts';
import { createTenantKey, expectEventually } from '@helpdesk/testing';
import { call, items, startKnowledge, TopicRecorder, TriageEvents, type Json, type RunningKnowledge } from './knowledge-test-kit';

/**
 * The ticket side of knowledge over real Kafka: fixture-shaped ticket.created events from "triage"
 * get suggestions.ready; simple questions with a confident article get auto-answer.proposed; the later
 * ticket events decide whether the answer deflected the ticket; unanswered questions become gaps.
 */
jest.setTimeout(60_000);

const tenant = `kb-tickets-${randomUUID().slice(0, 8)}`;
let key: string;
let kb: RunningKnowledge;
const triage = new TriageEvents(tenant);
const suggestionsTopic = new TopicRecorder(TOPICS.knowledgeSuggestions, tenant);
const article: Record<string, string> = {};

const ARTICLES = {
  invoice: { title: '如何开发票', body: '在订单详情页点击“申请发票”，填写抬头后提交即可，电子发票会发到你的邮箱。', language: 'zh', category: 'billing', status: 'published' },
  repay: { title: '花呗怎么还款', body: '打开支付宝，进入“我的花呗”，点击“立即还款”即可。', language: 'zh', category: 'billing', status: 'published' },
  refund: { title: 'How to request a refund', body: 'Open your orders, choose the item and ask for a refund. Refunds arrive within 3 business days.', language: 'en', category: 'billing', status: 'published' },
};

beforeAll(async () => {
  key = await createTenantKey(tenant);
  kb = await startKnowledge(4620);
  for (const [name, body] of Object.entries(ARTICLES)) {
    const res = await call(kb.baseUrl, '/v1/articles', { method: 'POST', key, json: body });
    expect(res.status).toBe(201);
    article[name] = res.body.id as string;
  }
  await Promise.all([triage.connect(), suggestionsTopic.start()]);
}, 120_000);

afterAll(async () => {
  await Promise.all([triage.disconnect(), suggestionsTopic.stop()]);
  await kb.close();
}, 60_000);

const suggestionsOf = (ticketId: string) => call(kb.baseUrl, `/v1/tickets/${ticketId}/suggestions`, { key });

async function settled(ticketId: string, outcome: string): Promise<Json> {
  return expectEventually(async () => {
    const res = await suggestionsOf(ticketId);
    expect((res.body.autoAnswer as Json | null)?.outcome).toBe(outcome);
    return res.body.autoAnswer as Json;
  });
}

/** A simple billing question, automatically answered; resolves once the proposal is on the topic. */
async function answeredQuestion(): Promise<string> {
  const ticketId = await triage.ticketCreated({ subject: '开发票', body: '请问怎么开发票？', language: 'zh', priority: 'P4', category: 'billing', status: 'new' });
  await expectEventually(() => expect(suggestionsTopic.of('auto-answer.proposed', ticketId)).toHaveLength(1));
  await triage.send('ticket.replied', ticketId, { ticketId, replyId: randomUUID(), agentId: null, internal: false, firstResponse: false, automated: true, at: new Date().toISOString() });
  await triage.send('ticket.pending', ticketId, { ticketId, at: new Date().toISOString() });
  return ticketId;
}

describe('suggestions', () => {
  it('suggests the best articles for a new ticket: suggestions.ready and GET /v1/tickets/{id}/suggestions', async () => {
    const ticketId = await triage.ticketCreated({ subject: null, body: '我想开发票，应该怎么操作？', language: 'zh', priority: 'P2', category: 'general', status: 'new' });
    const ready = await expectEventually(() => {
      const events = suggestionsTopic.of('suggestions.ready', ticketId);
      expect(events).toHaveLength(1);
      return events[0];
    });
    expect(ready).toMatchObject({ producer: 'knowledge', tenantId: tenant, aggregateId: ticketId });
    const suggested = ready.payload.suggestions as Json[];
    expect(suggested[0]).toMatchObject({ articleId: article.invoice, title: '如何开发票' });
    expect(Number(suggested[0].score)).toBeGreaterThan(0);

    const res = await suggestionsOf(ticketId);
    expect(res.status).toBe(200);
    expect(items(res)[0]).toMatchObject({ articleId: article.invoice, title: '如何开发票' });
    expect(String(items(res)[0].snippet)).toContain('<em>');
    // P2 is not a simple question: no automatic answer.
    expect(res.body).toMatchObject({ simpleQuestion: false, autoAnswer: null });
    expect(suggestionsTopic.of('auto-answer.proposed', ticketId)).toEqual([]);
  });

  it('suggests English articles for an English ticket', async () => {
    const ticketId = await triage.ticketCreated({ subject: 'Refund', body: 'How can I get a refund for my last order?', language: 'en', priority: 'P3', category: 'technical', status: 'new' });
    const res = await expectEventually(async () => {
      const r = await suggestionsOf(ticketId);
      expect(r.status).toBe(200);
      return r;
    });
    expect(items(res)[0]).toMatchObject({ articleId: article.refund });
  });

  it('suggests once for each ticket of a burst read in one chunk, nothing again for a ticket announced a second time', async () => {
    // P2: suggested, never answered automatically (the stats below count every automatic answer of this file).
    const [seen] = await triage.ticketsCreated([{ subject: null, body: '花呗怎么还款？', language: 'zh', priority: 'P2', category: 'general', status: 'new' }]);
    await expectEventually(() => expect(suggestionsTopic.of('suggestions.ready', seen)).toHaveLength(1));
    const burst = await triage.ticketsCreated([
      { ticketId: seen, subject: null, body: '花呗怎么还款？', language: 'zh', priority: 'P2', category: 'general', status: 'new' },
      ...['开发票怎么操作', '发票抬头怎么填', '花呗还款日是哪天', '怎么申请电子发票'].map((body) => ({ subject: null, body, language: 'zh' as const, priority: 'P2' as const, category: 'general', status: 'new' as const })),
    ]);
    const fresh = burst.slice(1);
    await expectEventually(() => {
      for (const ticketId of fresh) expect(suggestionsTopic.of('suggestions.ready', ticketId)).toHaveLength(1);
    });
    for (const ticketId of fresh) expect((await suggestionsOf(ticketId)).status).toBe(200);
    // The repeat was handled (its event sits in the chunk before the others) and suggested nothing more.
    expect(suggestionsTopic.of('suggestions.ready', seen)).toHaveLength(1);
  });

  it('answers 404 for a ticket it never saw', async () => {
    expect((await suggestionsOf(randomUUID())).status).toBe(404);
    expect((await call(kb.baseUrl, '/v1/tickets/not-a-ticket/suggestions', { key })).status).toBe(404);
  });
});

describe('self-service answers', () => {
  it('proposes the article as an answer to a simple question with a confident match', async () => {
    const ticketId = await triage.ticketCreated({ subject: '开发票', body: '请问怎么开发票？', language: 'zh', priority: 'P4', category: 'billing', status: 'new' });
    const proposed = await expectEventually(() => {
      const events = suggestionsTopic.of('auto-answer.proposed', ticketId);
      expect(events).toHaveLength(1);
      return events[0];
    });
    expect(proposed.payload).toMatchObject({ ticketId, articleId: article.invoice, title: '如何开发票', answer: ARTICLES.invoice.body });
    expect(Number(proposed.payload.confidence)).toBeGreaterThanOrEqual(0.45);
    const res = await suggestionsOf(ticketId);
    expect(res.body).toMatchObject({ simpleQuestion: true, autoAnswer: { articleId: article.invoice, outcome: 'awaiting', articleVersion: 1 } });
  });

  it('does not answer an urgent ticket, a category outside the allow-list or a question no article answers', async () => {
    const urgent = await triage.ticketCreated({ body: '请问怎么开发票？', language: 'zh', priority: 'P1', category: 'billing', status: 'new' });
    const security = await triage.ticketCreated({ body: '请问怎么开发票？', language: 'zh', priority: 'P4', category: 'security', status: 'new' });
    const unknown = await triage.ticketCreated({ body: '你们的客服电话是多少', language: 'zh', priority: 'P4', category: 'general', status: 'new' });
    await expectEventually(() => {
      for (const t of [urgent, security, unknown]) expect(suggestionsTopic.of('suggestions.ready', t)).toHaveLength(1);
    });
    for (const t of [urgent, security, unknown]) {
      expect(suggestionsTopic.of('auto-answer.proposed', t)).toEqual([]);
      expect((await suggestionsOf(t)).body.autoAnswer).toBeNull();
    }
  });

  it('follows a tenant threshold: above every confidence nothing is answered automatically', async () => {
    const put = await call(kb.baseUrl, '/v1/self-service/settings', { method: 'PUT', key, json: { autoAnswerThreshold: 1 } });
    expect(put.body).toMatchObject({ autoAnswerThreshold: 1, autoAnswerPriorities: ['P3', 'P4'], autoAnswerCategories: ['general', 'billing'] });
    try {
      const ticketId = await triage.ticketCreated({ body: '请问怎么开发票？', language: 'zh', priority: 'P4', category: 'billing', status: 'new' });
      await expectEventually(() => expect(suggestionsTopic.of('suggestions.ready', ticketId)).toHaveLength(1));
      expect(suggestionsTopic.of('auto-answer.proposed', ticketId)).toEqual([]);
    } finally {
      await call(kb.baseUrl, '/v1/self-service/settings', { method: 'PUT', key, json: { autoAnswerThreshold: 0.45 } });
    }
    const bad = await call(kb.baseUrl, '/v1/self-service/settings', { method: 'PUT', key, json: { autoAnswerThreshold: 2, autoAnswerPriorities: ['P9'] } });
    expect(bad.status).toBe(400);
    expect((bad.body.errors as Json[]).map((e) => e.field).sort()).toEqual(['autoAnswerPriorities', 'autoAnswerThreshold']);
  });

  it('the customer writing again after the answer means it was not deflected', async () => {
    const ticketId = await answeredQuestion();
    const at = new Date().toISOString();
    await triage.send('ticket.message-added', ticketId, { ticketId, messageId: randomUUID(), conversationId: randomUUID(), at });
    await triage.send('ticket.resumed', ticketId, { ticketId, at, status: 'new', reason: 'customer wrote again after the automatic answer: routed to a person' });
    const answer = await settled(ticketId, 'escalated');
    expect(answer.outcomeReason).toBe('the customer wrote again');
    expect(answer.answerSentAt).toEqual(expect.any(String));
    // Resolved later by the agent: still not a deflection.
    await triage.send('ticket.resolved', ticketId, { ticketId, at: new Date().toISOString(), resolutionCode: 'solved' });
    await triage.send('ticket.reopened', ticketId, { ticketId, at: new Date().toISOString(), reason: 'customer wrote again' });
    await settled(ticketId, 'escalated');
  });

  it('a ticket resolved after the answer without a person counts as deflected; a reopen takes that back', async () => {
    const deflected = await answeredQuestion();
    await triage.send('ticket.resolved', deflected, { ticketId: deflected, at: new Date().toISOString(), resolutionCode: 'auto-answer' });
    expect(await settled(deflected, 'deflected')).toMatchObject({ outcomeReason: 'resolved without a person' });

    const reopened = await answeredQuestion();
    await triage.send('ticket.resolved', reopened, { ticketId: reopened, at: new Date().toISOString() });
    await settled(reopened, 'deflected');
    await triage.send('ticket.reopened', reopened, { ticketId: reopened, at: new Date().toISOString(), reason: 'customer wrote again' });
    expect(await settled(reopened, 'escalated')).toMatchObject({ outcomeReason: 'reopened: customer wrote again' });
  });

  it('a customer saying the answer did not help, or an agent replying, means it was not deflected', async () => {
    const notHelpful = await answeredQuestion();
    const vote = await call(kb.baseUrl, `/v1/articles/${article.invoice}/feedback`, { method: 'POST', key, json: { helpful: false, ticketId: notHelpful } });
    expect(vote.status).toBe(201);
    await settled(notHelpful, 'escalated');

    const agent = await answeredQuestion();
    await triage.send('ticket.replied', agent, { ticketId: agent, replyId: randomUUID(), agentId: 'agent-7', internal: false, firstResponse: true, automated: false, at: new Date().toISOString() });
    expect(await settled(agent, 'escalated')).toMatchObject({ outcomeReason: 'an agent replied' });
    await triage.send('ticket.resolved', agent, { ticketId: agent, at: new Date().toISOString() });
    await settled(agent, 'escalated');
  });

  it('counts questions, proposals and deflections in GET /v1/self-service/stats', async () => {
    // Proposed in this file: one awaiting, one escalated (wrote again), one deflected, one reopened,
    // one not helpful, one answered by an agent.
    const stats = await expectEventually(async () => {
      const res = await call(kb.baseUrl, '/v1/self-service/stats', { key });
      expect(res.body).toMatchObject({ proposed: 6, awaiting: 1, deflected: 1, escalated: 4 });
      return res.body;
    });
    expect(Number(stats.simpleQuestions)).toBeGreaterThanOrEqual(7);
    expect(stats.deflectionRate).toBeCloseTo(1 / Number(stats.simpleQuestions), 4);
    expect(stats.answerSuccessRate).toBeCloseTo(1 / 5, 4);
    const empty = await call(kb.baseUrl, `/v1/self-service/stats?to=${encodeURIComponent(new Date(Date.now() - 86_400_000).toISOString())}`, { key });
    expect(empty.body).toMatchObject({ proposed: 0, deflected: 0 });
    const bad = await call(kb.baseUrl, '/v1/self-service/stats?from=2026-12-01T00:00:00Z&to=2026-11-01T00:00:00Z', { key });
    expect(bad.status).toBe(400);
  });
});

describe('gaps', () => {
  it('groups frequent questions that found no good article, with examples and counts', async () => {
    const questions = ['怎么修改收货地址', '怎么修改收货地址？', '如何修改收货地址', '我要修改收货地址', '发错货了怎么办', '花呗怎么还款', '花呗怎么还款'];
    const ticketIds: string[] = [];
    // P2: suggested, never answered automatically, so the article's score alone decides what is a gap.
    for (const body of questions) ticketIds.push(await triage.ticketCreated({ body, language: 'zh', priority: 'P2', category: 'general', status: 'new' }));
    await expectEventually(async () => {
      for (const t of ticketIds) expect((await suggestionsOf(t)).status).toBe(200);
    });
    const gaps = await call(kb.baseUrl, '/v1/gaps', { key });
    expect(gaps.status).toBe(200);
    const address = items(gaps).find((g) => String(g.label).includes('收货地址'));
    expect(address).toMatchObject({ label: '怎么修改收货地址', count: 4 });
    expect(address?.examples).toEqual(expect.arrayContaining(['如何修改收货地址', '我要修改收货地址']));
    // Asked once: not frequent. Answered by an article: not a gap.
    expect(items(gaps).map((g) => g.label)).not.toContain('发错货了怎么办');
    expect(JSON.stringify(items(gaps))).not.toContain('花呗怎么还款');
    const strict = await call(kb.baseUrl, '/v1/gaps?similarity=1&minCount=2', { key });
    expect(items(strict).find((g) => String(g.label).includes('收货地址'))).toMatchObject({ count: 2 });
  });
});

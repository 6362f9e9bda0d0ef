import { randomUUID } from 'node:crypto';
import {
  ServiceProcess,
  createTenantKey,
  expectEventually,
  callJson as call,
  type Json,
} from '@helpdesk/testing';

/**
 * The self-service loop end to end over real processes, Kafka, PostgreSQL and Redis: a customer asks a
 * simple question through ingestion; triage opens the ticket; knowledge finds the published article
 * confident enough and proposes it; triage sends it, marks the ticket pending and frees the agent; the
 * customer answers "没解决" in the same conversation; triage hands the ticket to the online agent and
 * knowledge counts the attempt as escalated, not deflected.
 */
jest.setTimeout(120_000);

const ingestion = new ServiceProcess('ingestion', 4931);
const triage = new ServiceProcess('triage', 4932, {
  SLA_POLL_INTERVAL_MS: '200',
  DISPATCH_SWEEP_INTERVAL_MS: '1000',
});
const knowledge = new ServiceProcess('knowledge', 4933);
const all = [ingestion, triage, knowledge];

const tenant = `e2e-self-${randomUUID().slice(0, 8)}`;
const agentId = `agent-${randomUUID().slice(0, 8)}`;
let key: string;

interface TimelineEntry {
  type: string;
  actor: string | null;
  data: Json;
}
interface TicketMessage {
  messageId: string;
  direction: 'inbound' | 'outbound';
  author: string | null;
  body: string;
  internal: boolean;
}

async function ok(
  base: string,
  path: string,
  init: { method?: string; json?: unknown } = {},
  expected = [200, 201, 202],
): Promise<Json> {
  const res = await call(base, path, { ...init, key });
  if (!expected.includes(res.status))
    throw new Error(`${init.method ?? 'GET'} ${base}${path} → ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

const timelineTypes = (ticket: Json): string[] => (ticket.events as TimelineEntry[]).map((e) => e.type);
const timeline = (ticket: Json, type: string): TimelineEntry[] =>
  (ticket.events as TimelineEntry[]).filter((e) => e.type === type);
const messagesOf = (ticket: Json): TicketMessage[] => ticket.messages as TicketMessage[];

const ARTICLE = {
  title: '如何开发票',
  body: '在订单详情页点击“申请发票”，填写抬头后提交即可，电子发票会发到你的邮箱。',
  language: 'zh',
  category: 'billing',
  tags: ['发票'],
  status: 'published',
};
// Another published article, so the answer is picked out of more than one.
const OTHER_ARTICLE = {
  title: '怎么修改登录密码',
  body: '进入“设置”→“账号与安全”→“登录密码”，验证手机号后输入新密码。',
  language: 'zh',
  category: 'general',
  status: 'published',
};

// A customer's plain phrasing of the article's title.
const QUESTION = '请问如何开发票？';

let articleId: string;

beforeAll(async () => {
  key = await createTenantKey(tenant);
  await Promise.all(all.map((s) => s.start()));

  articleId = (await ok(knowledge.baseUrl, '/v1/articles', { method: 'POST', json: ARTICLE }, [201]))
    .id as string;
  await ok(knowledge.baseUrl, '/v1/articles', { method: 'POST', json: OTHER_ARTICLE }, [201]);
  // The article is searchable before the customer asks.
  await expectEventually(async () => {
    const found = await ok(knowledge.baseUrl, `/v1/search?q=${encodeURIComponent(QUESTION)}&language=zh`);
    expect((found.items as Json[])[0]?.articleId).toBe(articleId);
  });

  // Self-service on for simple questions (the defaults, spelled out so the test does not rest on them).
  const settings = await ok(knowledge.baseUrl, '/v1/self-service/settings', {
    method: 'PUT',
    json: {
      autoAnswerEnabled: true,
      autoAnswerThreshold: 0.45,
      autoAnswerPriorities: ['P3', 'P4'],
      autoAnswerCategories: ['general', 'billing'],
    },
  });
  expect(settings).toMatchObject({ autoAnswerEnabled: true, autoAnswerThreshold: 0.45 });

  await ok(triage.baseUrl, `/v1/agents/${agentId}`, {
    method: 'PUT',
    json: {
      name: `Agent ${agentId}`,
      skills: [
        { skill: 'general', level: 3 },
        { skill: 'billing', level: 3 },
      ],
      languages: ['zh', 'en'],
      channels: ['web', 'app', 'email', 'wechat', 'phone', 'social', 'api'],
      maxConcurrent: 3,
      status: 'online',
    },
  });
}, 180_000);

afterAll(async () => {
  const exits = await Promise.all(all.map((s) => s.stop()));
  expect(exits.map((e) => e.killed)).toEqual([false, false, false]);
}, 60_000);

describe('self-service loop', () => {
  it('answers a simple question automatically, and hands it to an agent when the customer says it did not help', async () => {
    const email = `self-${randomUUID().slice(0, 8)}@example.com`;
    const asked = await ok(ingestion.baseUrl, '/v1/messages', {
      method: 'POST',
      json: { channel: 'web', customer: { email }, body: QUESTION },
    });
    expect(asked.status).toBe('accepted');
    const ticketId = await expectEventually(async () => {
      const m = await ok(ingestion.baseUrl, `/v1/messages/${asked.messageId as string}`);
      expect(typeof m.ticketId).toBe('string');
      return m.ticketId as string;
    });

    // Answered: knowledge proposed the article, triage sent it and waits on the customer with nobody assigned.
    const answered = await expectEventually(
      async () => {
        const t = await ok(triage.baseUrl, `/v1/tickets/${ticketId}`);
        expect(timelineTypes(t)).toContain('ticket.auto-answered');
        expect(t).toMatchObject({ status: 'pending', assigneeId: null });
        return t;
      },
      { timeoutMs: 60_000 },
    );
    expect(answered).toMatchObject({
      conversationId: asked.conversationId,
      customerId: asked.customerId,
      language: 'zh',
      sla: { paused: true },
    });
    expect(['P3', 'P4']).toContain(answered.priority);
    expect(timeline(answered, 'ticket.auto-answered')[0]).toMatchObject({
      actor: 'knowledge',
      data: { articleId, title: ARTICLE.title },
    });
    const reply = messagesOf(answered).find((m) => m.direction === 'outbound' && m.author === 'auto-answer');
    expect(reply).toBeDefined();
    expect(reply?.internal).toBe(false);
    expect(reply?.body.startsWith(ARTICLE.body)).toBe(true);
    expect(reply?.body).toContain('这个回答解决您的问题了吗');

    const proposal = await ok(knowledge.baseUrl, `/v1/tickets/${ticketId}/suggestions`);
    expect(proposal).toMatchObject({ simpleQuestion: true, autoAnswer: { articleId, outcome: 'awaiting' } });
    expect(Number((proposal.autoAnswer as Json).confidence)).toBeGreaterThanOrEqual(0.45);
    // knowledge saw triage's automated reply: the answer is recorded as sent.
    await expectEventually(async () => {
      const s = await ok(knowledge.baseUrl, `/v1/tickets/${ticketId}/suggestions`);
      expect((s.autoAnswer as Json).answerSentAt).toEqual(expect.any(String));
    });

    // Not solved: the customer answers in the same conversation and the ticket goes to the agent.
    const notSolved = await ok(ingestion.baseUrl, '/v1/messages', {
      method: 'POST',
      json: { channel: 'web', customer: { email }, conversationId: asked.conversationId, body: '没解决' },
    });
    expect(notSolved).toMatchObject({ conversationId: asked.conversationId, customerId: asked.customerId });
    await expectEventually(async () => {
      const m = await ok(ingestion.baseUrl, `/v1/messages/${notSolved.messageId as string}`);
      expect(m.ticketId).toBe(ticketId);
    });
    const assigned = await expectEventually(
      async () => {
        const t = await ok(triage.baseUrl, `/v1/tickets/${ticketId}`);
        expect(t).toMatchObject({ status: 'open', assigneeId: agentId, sla: { paused: false } });
        return t;
      },
      { timeoutMs: 60_000 },
    );
    expect(timeline(assigned, 'ticket.resumed')[0]?.data.reason).toBe(
      'customer wrote again after the automatic answer: routed to a person',
    );
    expect(timelineTypes(assigned)).toContain('ticket.assigned');
    // The agent gets the whole history: the question, the automatic answer and the customer's reply.
    expect(messagesOf(assigned).map((m) => m.body)).toEqual(
      expect.arrayContaining([QUESTION, reply?.body, '没解决']),
    );
    const onlyTicket = await ok(triage.baseUrl, `/v1/tickets?customerId=${asked.customerId as string}`);
    expect((onlyTicket.items as Json[]).map((t) => t.id)).toEqual([ticketId]);

    // knowledge counts the attempt as escalated, not deflected.
    const settled = await expectEventually(async () => {
      const s = await ok(knowledge.baseUrl, `/v1/tickets/${ticketId}/suggestions`);
      expect((s.autoAnswer as Json).outcome).toBe('escalated');
      return s.autoAnswer as Json;
    });
    expect(settled.outcomeReason).toBe('the customer wrote again');
    const stats = await expectEventually(async () => {
      const s = await ok(knowledge.baseUrl, '/v1/self-service/stats');
      expect(s).toMatchObject({ proposed: 1, awaiting: 0, deflected: 0, escalated: 1 });
      return s;
    });
    expect(stats).toMatchObject({ simpleQuestions: 1, deflectionRate: 0, answerSuccessRate: 0 });
  });
});

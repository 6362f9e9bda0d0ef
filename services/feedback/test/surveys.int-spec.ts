import { createHmac, randomUUID } from 'node:crypto';
import { TOPICS } from '@helpdesk/contracts';
import { createTenantKey, expectEventually } from '@helpdesk/testing';
import { issueSurveyToken } from '../src/domain';
import {
  call,
  EventProducer,
  EventRecorder,
  fixtureEvent,
  processed,
  sql,
  startFeedback,
  DEV_SURVEY_KEY,
  type RunningFeedback,
} from './feedback-test-kit';

/**
 * Surveys end to end over real Kafka, PostgreSQL and Redis: triage's ticket events go in, the
 * survey goes out as reply.requested for ingestion, the customer answers by link or by typing a
 * score into WeChat, and a bad answer comes back out as follow-up.requested.
 */
jest.setTimeout(60_000);

const tenant = `fb-surveys-${randomUUID().slice(0, 8)}`;
let key: string;
let feedback: RunningFeedback;
const producer = new EventProducer();
const recorder = new EventRecorder(tenant, [TOPICS.triageReplies, TOPICS.feedbackResponses]);

interface TicketRefs {
  ticketId: string;
  customerId: string;
  conversationId: string;
}

function newTicket(): TicketRefs {
  return { ticketId: randomUUID(), customerId: randomUUID(), conversationId: randomUUID() };
}

/** Triage opened and then resolved a WeChat ticket; returns the ticket.resolved event id. */
async function resolveTicket(
  t: TicketRefs,
  channel: 'wechat' | 'email' = 'wechat',
  language: 'zh' | 'en' = 'zh',
): Promise<string> {
  const now = new Date();
  const created = fixtureEvent('ticket.created', tenant, {
    ticketId: t.ticketId,
    customerId: t.customerId,
    conversationId: t.conversationId,
    messageId: randomUUID(),
    channel,
    language,
    createdAt: new Date(now.getTime() - 3600_000).toISOString(),
  });
  const resolved = fixtureEvent('ticket.resolved', tenant, { ticketId: t.ticketId, at: now.toISOString() });
  await producer.publish([created, resolved]);
  return resolved.id;
}

async function surveyReplyFor(ticketId: string): Promise<{ body: string; token: string }> {
  const reply = await recorder.waitFor(
    'reply.requested',
    (e) => e.payload.ticketId === ticketId && e.payload.kind === 'survey',
  );
  const token = /\/v1\/surveys\/([A-Za-z0-9._-]+)/u.exec(reply.payload.body)?.[1];
  if (token === undefined) throw new Error(`no survey link in ${reply.payload.body}`);
  return { body: reply.payload.body, token };
}

async function outboxCount(type: string, ticketId: string): Promise<number> {
  const rows = await sql<{ n: string }>(
    `SELECT count(*) AS n FROM "feedback"."outbox" WHERE "tenant_id" = $1 AND "event_type" = $2 AND "envelope"->'payload'->>'ticketId' = $3`,
    [tenant, type, ticketId],
  );
  return Number(rows[0]?.n ?? 0);
}

beforeAll(async () => {
  key = await createTenantKey(tenant, ['admin']);
  await recorder.start();
  feedback = await startFeedback(4400);
  // Surveys go out as soon as the ticket is resolved, unless a test says otherwise.
  const settings = await call(feedback.baseUrl, '/v1/survey-settings', {
    method: 'PUT',
    key,
    json: { enabled: true, delaySeconds: 0, validityHours: 168 },
  });
  expect(settings.status).toBe(200);
}, 120_000);

afterAll(async () => {
  await feedback?.process.stop();
  await recorder.stop();
  await producer.close();
}, 60_000);

describe('a resolved ticket gets one survey over its own channel', () => {
  const ticket = newTicket();
  let token: string;

  it('sends a signed link and the WeChat "reply 1–5" prompt through triage.replies.v1, and announces survey.requested', async () => {
    await resolveTicket(ticket);
    const reply = await recorder.waitFor('reply.requested', (e) => e.payload.ticketId === ticket.ticketId);
    expect(reply.aggregateId).toBe(ticket.conversationId);
    expect(reply.producer).toBe('feedback');
    expect(reply.payload).toMatchObject({
      kind: 'survey',
      channel: 'wechat',
      conversationId: ticket.conversationId,
      customerId: ticket.customerId,
    });
    expect(reply.payload.body).toMatch(
      /https?:\/\/[^\s]+\/v1\/surveys\/v1\.dev\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}/u,
    );
    expect(reply.payload.body).toContain('回复 1-5 评价本次服务');
    expect(reply.payload.body).toContain('reply 1–5');
    ({ token } = await surveyReplyFor(ticket.ticketId));
    const requested = await recorder.waitFor(
      'survey.requested',
      (e) => e.payload.ticketId === ticket.ticketId,
    );
    expect(requested.payload).toMatchObject({
      customerId: ticket.customerId,
      conversationId: ticket.conversationId,
      channel: 'wechat',
    });
    expect(Date.parse(requested.payload.expiresAt) - Date.now()).toBeGreaterThan(6 * 24 * 3600_000);
  });

  it('shows the open survey behind the link', async () => {
    const view = await call(feedback.baseUrl, `/v1/surveys/${token}`);
    expect(view.status).toBe(200);
    expect(view.body).toMatchObject({ ticketId: ticket.ticketId, status: 'open', answer: null });
  });

  it('shows a browser the survey page, which posts to the responses route', async () => {
    const page = await call(feedback.baseUrl, `/v1/surveys/${token}`, {
      headers: { accept: 'text/html,application/xhtml+xml' },
    });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(page.text).toContain('name="csat" value="5"');
    expect(page.text).toContain("+ '/responses'");
  });

  it('takes the answer 1 once, publishes survey.completed and a P2 follow-up on the original ticket', async () => {
    const answered = await call(feedback.baseUrl, `/v1/surveys/${token}/responses`, {
      method: 'POST',
      json: { csat: 1, comment: '太慢了' },
    });
    expect(answered.status).toBe(201);
    expect(answered.body).toMatchObject({
      ticketId: ticket.ticketId,
      csat: 1,
      nps: null,
      comment: '太慢了',
      answeredVia: 'link',
    });
    const completed = await recorder.waitFor(
      'survey.completed',
      (e) => e.payload.ticketId === ticket.ticketId,
    );
    expect(completed.payload).toMatchObject({ csat: 1, comment: '太慢了' });
    const followUp = await recorder.waitFor(
      'follow-up.requested',
      (e) => e.payload.ticketId === ticket.ticketId,
    );
    expect(followUp.aggregateId).toBe(ticket.ticketId);
    expect(followUp.payload).toMatchObject({
      followUpId: answered.body.followUpId,
      customerId: ticket.customerId,
      conversationId: ticket.conversationId,
      channel: 'wechat',
      priority: 'P2',
      legal: false,
      sourceKind: 'survey',
      sourceId: completed.payload.surveyId,
      summary: '太慢了',
    });
    expect(followUp.payload.reasons).toContain('low-csat');
  });

  it('answers the same answer again with the stored answer and changes nothing', async () => {
    const again = await call(feedback.baseUrl, `/v1/surveys/${token}/responses`, {
      method: 'POST',
      json: { comment: '太慢了', csat: 1 },
    });
    expect(again.status).toBe(200);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toMatchObject({ csat: 1, comment: '太慢了', answeredVia: 'link' });
    expect(await outboxCount('survey.completed', ticket.ticketId)).toBe(1);
    expect(await outboxCount('follow-up.requested', ticket.ticketId)).toBe(1);
  });

  it('refuses a different second answer with 409 and keeps the first', async () => {
    const different = await call(feedback.baseUrl, `/v1/surveys/${token}/responses`, {
      method: 'POST',
      json: { csat: 5 },
    });
    expect(different.status).toBe(409);
    expect(different.headers.get('content-type')).toContain('application/problem+json');
    expect(different.body).toMatchObject({
      status: 409,
      type: expect.stringContaining('survey_already_answered') as string,
    });
    const view = await call(feedback.baseUrl, `/v1/surveys/${token}`);
    expect(view.body).toMatchObject({ status: 'answered', answer: { csat: 1 } });
    expect(await outboxCount('survey.completed', ticket.ticketId)).toBe(1);
  });

  it('surveys a ticket only once, however often it is resolved', async () => {
    const again = fixtureEvent('ticket.resolved', tenant, {
      ticketId: ticket.ticketId,
      at: new Date().toISOString(),
    });
    await producer.publish([again]);
    await processed('feedback.ticket-lifecycle', again.id);
    expect(await outboxCount('reply.requested', ticket.ticketId)).toBe(1);
  });
});

describe('bad input on the survey link', () => {
  const ticket = newTicket();
  let token: string;

  beforeAll(async () => {
    await resolveTicket(ticket, 'email', 'en');
    ({ token } = await surveyReplyFor(ticket.ticketId));
  }, 60_000);

  it('sends an e-mail survey with a subject and without the chat prompt', async () => {
    const reply = await recorder.waitFor('reply.requested', (e) => e.payload.ticketId === ticket.ticketId);
    expect(reply.payload.subject).toBe('How did we do?');
    expect(reply.payload.body).not.toContain('reply 1–5');
  });

  it('answers out-of-range scores with 400 naming each field', async () => {
    const cases: Array<[unknown, string[]]> = [
      [{ csat: 9 }, ['csat']],
      [{ csat: 0 }, ['csat']],
      [{ nps: 11, csat: 2.5 }, ['csat', 'nps']],
      [{ comment: 'no score' }, ['csat']],
      [{ csat: 3, rating: 3 }, ['rating']],
      [{ csat: 3, comment: 'x'.repeat(2001) }, ['comment']],
      [{ csat: 3, comment: 'nul\u0000' }, ['comment']],
    ];
    for (const [json, fields] of cases) {
      const res = await call(feedback.baseUrl, `/v1/surveys/${token}/responses`, { method: 'POST', json });
      expect({ json, status: res.status }).toEqual({ json, status: 400 });
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect((res.body.errors as Array<{ field: string }>).map((e) => e.field)).toEqual(fields);
    }
    expect(await outboxCount('survey.completed', ticket.ticketId)).toBe(0);
  });

  it('answers an expired, forged or malformed token with 401 problem+json', async () => {
    const completed = await recorder.waitFor(
      'survey.requested',
      (e) => e.payload.ticketId === ticket.ticketId,
    );
    const payload = { surveyId: completed.payload.surveyId, tenantId: tenant, ticketId: ticket.ticketId };
    const expired = issueSurveyToken(
      { ...payload, expiresAt: new Date(Date.now() - 60_000) },
      DEV_SURVEY_KEY,
    );
    const forged = issueSurveyToken(
      { ...payload, expiresAt: new Date(Date.now() + 3600_000) },
      {
        id: DEV_SURVEY_KEY.id,
        secret: 'an-attacker-guessing-the-secret-0123456789',
      },
    );
    const [version, keyId, body] = token.split('.');
    const otherTicket = Buffer.from(
      JSON.stringify({ sid: payload.surveyId, tid: tenant, tkt: randomUUID(), exp: 4102444800 }),
    ).toString('base64url');
    const relabelled = `${version}.${keyId}.${otherTicket}.${createHmac('sha256', 'x'.repeat(40)).update('x').digest('base64url')}`;
    expect(body).toBeDefined();
    for (const [label, bad, code] of [
      ['expired', expired, 'survey_token_expired'],
      ['forged', forged, 'survey_token_forged'],
      ['tampered', relabelled, 'survey_token_forged'],
      ['malformed', 'not-a-token', 'survey_token_malformed'],
    ] as const) {
      const res = await call(feedback.baseUrl, `/v1/surveys/${bad}/responses`, {
        method: 'POST',
        json: { csat: 4 },
      });
      expect({ label, status: res.status }).toEqual({ label, status: 401 });
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(res.body.type).toContain(code);
    }
    expect(await outboxCount('survey.completed', ticket.ticketId)).toBe(0);
  });

  it('takes a good answer after all that, without a follow-up', async () => {
    const res = await call(feedback.baseUrl, `/v1/surveys/${token}/responses`, {
      method: 'POST',
      json: { csat: 5, nps: 10, comment: 'quick and friendly' },
    });
    expect(res.status).toBe(201);
    expect(res.body.followUpId).toBeNull();
    await recorder.waitFor('survey.completed', (e) => e.payload.ticketId === ticket.ticketId);
    expect(await outboxCount('follow-up.requested', ticket.ticketId)).toBe(0);
  });
});

describe('answering by typing a score into WeChat', () => {
  const ticket = newTicket();

  it('takes "1" in the conversation as the survey answer and requests a follow-up on the original ticket', async () => {
    await resolveTicket(ticket);
    const { token } = await surveyReplyFor(ticket.ticketId);
    const message = fixtureEvent('message.received', tenant, {
      messageId: randomUUID(),
      conversationId: ticket.conversationId,
      customer: { customerId: ticket.customerId, tier: 'standard', name: null },
      channel: 'wechat',
      body: '1',
      attachments: [],
      receivedAt: new Date().toISOString(),
    });
    await producer.publish([message]);
    const followUp = await recorder.waitFor(
      'follow-up.requested',
      (e) => e.payload.ticketId === ticket.ticketId,
    );
    expect(followUp.payload).toMatchObject({
      priority: 'P2',
      sourceKind: 'survey',
      customerId: ticket.customerId,
    });
    const completed = await recorder.waitFor(
      'survey.completed',
      (e) => e.payload.ticketId === ticket.ticketId,
    );
    expect(completed.payload.csat).toBe(1);
    const view = await call(feedback.baseUrl, `/v1/surveys/${token}`);
    expect(view.body).toMatchObject({
      status: 'answered',
      answer: { csat: 1, answeredVia: 'chat', followUpId: followUp.payload.followUpId },
    });
    // The link then behaves as if the customer had answered there: the same answer is fine, another is a conflict.
    expect(
      (await call(feedback.baseUrl, `/v1/surveys/${token}/responses`, { method: 'POST', json: { csat: 1 } }))
        .status,
    ).toBe(200);
    expect(
      (await call(feedback.baseUrl, `/v1/surveys/${token}/responses`, { method: 'POST', json: { csat: 4 } }))
        .status,
    ).toBe(409);
  });

  it('leaves an ordinary message with a number in it alone', async () => {
    const other = newTicket();
    await resolveTicket(other);
    await surveyReplyFor(other.ticketId);
    const message = fixtureEvent('message.received', tenant, {
      messageId: randomUUID(),
      conversationId: other.conversationId,
      customer: { customerId: other.customerId, tier: 'standard', name: null },
      channel: 'wechat',
      body: '订单 3 还没到',
      attachments: [],
      receivedAt: new Date().toISOString(),
    });
    await producer.publish([message]);
    await processed('feedback.customer-messages', message.id);
    expect(await outboxCount('survey.completed', other.ticketId)).toBe(0);
  });
});

describe('who gets a survey, and when', () => {
  it('never surveys a customer who opted out', async () => {
    const ticket = newTicket();
    const optOut = await call(feedback.baseUrl, `/v1/customers/${ticket.customerId}/survey-opt-out`, {
      method: 'POST',
      key,
      json: { reason: 'asked on the phone' },
    });
    expect(optOut.status).toBe(200);
    expect(optOut.body).toMatchObject({ customerId: ticket.customerId, reason: 'asked on the phone' });
    const resolvedId = await resolveTicket(ticket);
    await processed('feedback.ticket-lifecycle', resolvedId);
    expect(await outboxCount('reply.requested', ticket.ticketId)).toBe(0);
    const rows = await sql<{ status: string; suppressed_reason: string }>(
      `SELECT "status", "suppressed_reason" FROM "feedback"."surveys" WHERE "tenant_id" = $1 AND "ticket_id" = $2`,
      [tenant, ticket.ticketId],
    );
    expect(rows).toEqual([{ status: 'suppressed', suppressed_reason: 'opted-out' }]);
  });

  it('waits for the tenant delay, then the poller sends it', async () => {
    const settings = await call(feedback.baseUrl, '/v1/survey-settings', {
      method: 'PUT',
      key,
      json: { enabled: true, delaySeconds: 2, validityHours: 48 },
    });
    expect(settings.status).toBe(200);
    const ticket = newTicket();
    const resolvedId = await resolveTicket(ticket);
    await processed('feedback.ticket-lifecycle', resolvedId);
    const [scheduled] = await sql<{ status: string; due_at: Date }>(
      `SELECT "status", "due_at" FROM "feedback"."surveys" WHERE "tenant_id" = $1 AND "ticket_id" = $2`,
      [tenant, ticket.ticketId],
    );
    expect(scheduled?.status).toBe('scheduled');
    const requested = await recorder.waitFor(
      'survey.requested',
      (e) => e.payload.ticketId === ticket.ticketId,
    );
    expect(Date.parse(requested.occurredAt)).toBeGreaterThanOrEqual(
      scheduled?.due_at.getTime() ?? Number.NaN,
    );
    // 48 hours of validity, as the tenant set.
    expect(Date.parse(requested.payload.expiresAt) - Date.parse(requested.occurredAt)).toBeLessThanOrEqual(
      48 * 3600_000,
    );
    expect(Date.parse(requested.payload.expiresAt) - Date.parse(requested.occurredAt)).toBeGreaterThan(
      47 * 3600_000,
    );
  });

  it('calls off a waiting survey when the ticket is reopened', async () => {
    await call(feedback.baseUrl, '/v1/survey-settings', {
      method: 'PUT',
      key,
      json: { enabled: true, delaySeconds: 3600, validityHours: 168 },
    });
    const ticket = newTicket();
    await resolveTicket(ticket);
    const reopened = fixtureEvent('ticket.reopened', tenant, {
      ticketId: ticket.ticketId,
      at: new Date().toISOString(),
    });
    await producer.publish([reopened]);
    await processed('feedback.ticket-lifecycle', reopened.id);
    const rows = await sql<{ status: string }>(
      `SELECT "status" FROM "feedback"."surveys" WHERE "tenant_id" = $1 AND "ticket_id" = $2`,
      [tenant, ticket.ticketId],
    );
    expect(rows).toEqual([{ status: 'cancelled' }]);
  });

  it('lists the survey, opt-out and settings routes in the OpenAPI document', async () => {
    const doc = await call(feedback.baseUrl, '/openapi.json');
    expect(Object.keys(doc.body.paths as Record<string, unknown>)).toEqual(
      expect.arrayContaining([
        '/v1/surveys/{token}',
        '/v1/surveys/{token}/responses',
        '/v1/survey-settings',
        '/v1/customers/{customerId}/survey-opt-out',
        '/v1/complaints',
        '/v1/complaints/{id}',
        '/v1/metrics',
        '/v1/metrics/weekly',
        '/v1/metrics/rebuild',
      ]),
    );
  });

  it('guards the settings and opt-out endpoints with keys and validation', async () => {
    const limited = await createTenantKey(tenant, ['metrics:read']);
    const cases: Array<[string, RequestInit & { key?: string; json?: unknown }, number]> = [
      [
        '/v1/survey-settings',
        { method: 'PUT', key, json: { enabled: true, delaySeconds: -5, validityHours: 0 } },
        400,
      ],
      [
        '/v1/survey-settings',
        { method: 'PUT', json: { enabled: true, delaySeconds: 5, validityHours: 1 } },
        401,
      ],
      ['/v1/survey-settings', { method: 'GET', key: limited }, 403],
      [`/v1/customers/${randomUUID()}/survey-opt-out`, { method: 'POST', key: limited, json: {} }, 403],
      ['/v1/customers/not-a-uuid/survey-opt-out', { method: 'POST', key, json: {} }, 400],
    ];
    for (const [path, init, status] of cases) {
      const res = await call(feedback.baseUrl, path, init);
      expect({ path, status: res.status }).toEqual({ path, status });
      expect(res.headers.get('content-type')).toContain('application/problem+json');
    }
    await expectEventually(async () => {
      const current = await call(feedback.baseUrl, '/v1/survey-settings', { key });
      expect(current.body).toEqual({ enabled: true, delaySeconds: 3600, validityHours: 168 });
    });
  });
});

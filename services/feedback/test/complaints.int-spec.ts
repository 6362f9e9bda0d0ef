import { randomUUID } from 'node:crypto';
import { TOPICS } from '@helpdesk/contracts';
import { createTenantKey, expectEventually } from '@helpdesk/testing';
import {
  call,
  EventProducer,
  EventRecorder,
  fixtureEvent,
  processed,
  sql,
  startFeedback,
  type RunningFeedback,
} from './feedback-test-kit';

/**
 * Complaints and the closed loop over real Kafka, PostgreSQL and Redis: a complaint (filed or
 * written in a message) is stored and announced, a follow-up is requested from triage, and when
 * triage's follow-up ticket is resolved the customer is told over their conversation.
 */
jest.setTimeout(60_000);

const tenant = `fb-complaints-${randomUUID().slice(0, 8)}`;
let key: string;
let feedback: RunningFeedback;
const producer = new EventProducer();
const recorder = new EventRecorder(tenant, [TOPICS.triageReplies, TOPICS.feedbackResponses]);

interface TicketRefs {
  ticketId: string;
  customerId: string;
  conversationId: string;
}

async function openTicket(channel: 'wechat' | 'email' = 'wechat'): Promise<TicketRefs> {
  const refs = { ticketId: randomUUID(), customerId: randomUUID(), conversationId: randomUUID() };
  const created = fixtureEvent('ticket.created', tenant, {
    ...refs,
    messageId: randomUUID(),
    channel,
    language: 'zh',
  });
  await producer.publish([created]);
  await processed('feedback.ticket-lifecycle', created.id);
  return refs;
}

/**
 * What triage does with a follow-up.requested: opens a linked ticket while handling that event. An
 * older triage named the request only as the event's cause; `naming` adds the payload's `followUpId`.
 */
async function triageOpensFollowUpTicket(
  followUpEventId: string,
  on: TicketRefs,
  naming: { followUpId?: string | null } = {},
): Promise<string> {
  const followUpTicketId = randomUUID();
  const created = fixtureEvent(
    'ticket.created',
    tenant,
    {
      ticketId: followUpTicketId,
      messageId: randomUUID(),
      customerId: on.customerId,
      conversationId: on.conversationId,
      channel: 'wechat',
      language: 'zh',
      queue: 'complaints',
      priority: 'P2',
      ...naming,
    },
    { causationId: followUpEventId },
  );
  await producer.publish([created]);
  await processed('feedback.ticket-lifecycle', created.id);
  return followUpTicketId;
}

beforeAll(async () => {
  key = await createTenantKey(tenant, ['admin']);
  await recorder.start();
  feedback = await startFeedback(4401);
}, 120_000);

afterAll(async () => {
  await feedback?.process.stop();
  await recorder.stop();
  await producer.close();
}, 60_000);

describe('POST /v1/complaints', () => {
  it('stores the complaint, announces it and requests a P2 follow-up on the ticket', async () => {
    const ticket = await openTicket();
    const filed = await call(feedback.baseUrl, '/v1/complaints', {
      method: 'POST',
      key,
      json: { ticketId: ticket.ticketId, channel: 'phone', body: '我要投诉，处理太慢' },
    });
    expect(filed.status).toBe(201);
    expect(filed.body).toMatchObject({
      ticketId: ticket.ticketId,
      customerId: ticket.customerId,
      priority: 'P2',
      status: 'received',
    });
    const received = await recorder.waitFor(
      'complaint.received',
      (e) => e.payload.complaintId === filed.body.complaintId,
    );
    expect(received.aggregateId).toBe(ticket.ticketId);
    expect(received.payload).toMatchObject({
      ticketId: ticket.ticketId,
      customerId: ticket.customerId,
      channel: 'phone',
      body: '我要投诉，处理太慢',
    });
    const followUp = await recorder.waitFor(
      'follow-up.requested',
      (e) => e.payload.followUpId === filed.body.followUpId,
    );
    expect(followUp.payload).toMatchObject({
      ticketId: ticket.ticketId,
      customerId: ticket.customerId,
      conversationId: ticket.conversationId,
      priority: 'P2',
      legal: false,
      sourceKind: 'complaint',
      sourceId: filed.body.complaintId,
      reasons: ['complaint'],
      summary: '我要投诉，处理太慢',
    });
  });

  it('raises a complaint threatening lawyers or the press to P1', async () => {
    const filed = await call(feedback.baseUrl, '/v1/complaints', {
      method: 'POST',
      key,
      json: {
        customerId: randomUUID(),
        channel: 'email',
        body: 'This is unacceptable. My lawyer will contact you and I am going to the press.',
      },
    });
    expect(filed.status).toBe(201);
    expect(filed.body.priority).toBe('P1');
    const followUp = await recorder.waitFor(
      'follow-up.requested',
      (e) => e.payload.followUpId === filed.body.followUpId,
    );
    expect(followUp.payload).toMatchObject({ priority: 'P1', legal: true, ticketId: null });
    expect(followUp.payload.reason).toMatch(/legal\/media/u);
  });

  it('answers a repeated Idempotency-Key with the first response and creates nothing new; another body is a 409', async () => {
    const idempotencyKey = randomUUID();
    const json = { customerId: randomUUID(), channel: 'web', body: '客服态度差，我要投诉' };
    const first = await call(feedback.baseUrl, '/v1/complaints', {
      method: 'POST',
      key,
      json,
      headers: { 'idempotency-key': idempotencyKey },
    });
    const again = await call(feedback.baseUrl, '/v1/complaints', {
      method: 'POST',
      key,
      json,
      headers: { 'idempotency-key': idempotencyKey },
    });
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(first.body);
    const stored = await sql<{ n: string }>(
      `SELECT count(*) AS n FROM "feedback"."complaints" WHERE "tenant_id" = $1 AND "customer_id" = $2`,
      [tenant, json.customerId],
    );
    expect(Number(stored[0]?.n)).toBe(1);
    const conflict = await call(feedback.baseUrl, '/v1/complaints', {
      method: 'POST',
      key,
      json: { ...json, body: 'something else' },
      headers: { 'idempotency-key': idempotencyKey },
    });
    expect(conflict.status).toBe(409);
    expect(conflict.headers.get('content-type')).toContain('application/problem+json');
  });

  it('answers bad input with problem+json 4xx', async () => {
    const writer = await createTenantKey(tenant, ['metrics:read']);
    const cases: Array<[RequestInit & { key?: string; json?: unknown }, number, string | null]> = [
      [{ method: 'POST', key, json: { channel: 'fax', body: '投诉' } }, 400, 'channel'],
      [{ method: 'POST', key, json: { channel: 'web' } }, 400, 'body'],
      [{ method: 'POST', key, json: { channel: 'web', body: '' } }, 400, 'body'],
      [{ method: 'POST', key, json: { channel: 'web', body: '投诉', ticketId: 'T-1' } }, 400, 'ticketId'],
      [{ method: 'POST', key, json: { channel: 'web', body: '投诉', extra: 1 } }, 400, 'extra'],
      [{ method: 'POST', key, json: { channel: 'web', body: '我要投诉\u0000' } }, 400, 'body'],
      [
        { method: 'POST', key, body: '{"channel":', headers: { 'content-type': 'application/json' } },
        400,
        null,
      ],
      [{ method: 'POST', json: { channel: 'web', body: '投诉' } }, 401, null],
      [{ method: 'POST', key: writer, json: { channel: 'web', body: '投诉' } }, 403, null],
    ];
    for (const [init, status, field] of cases) {
      const res = await call(feedback.baseUrl, '/v1/complaints', init);
      expect({ init: init.json ?? init.body, status: res.status }).toEqual({
        init: init.json ?? init.body,
        status,
      });
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      if (field !== null)
        expect((res.body.errors as Array<{ field: string }>).map((e) => e.field)).toContain(field);
    }
    expect((await call(feedback.baseUrl, `/v1/complaints/${randomUUID()}`, { key })).status).toBe(404);
    expect((await call(feedback.baseUrl, '/v1/complaints/nope', { key })).status).toBe(400);
  });
});

describe('the closed loop', () => {
  it('links the follow-up ticket triage opens and tells the customer when it is resolved', async () => {
    const ticket = await openTicket();
    const filed = await call(feedback.baseUrl, '/v1/complaints', {
      method: 'POST',
      key,
      json: { ticketId: ticket.ticketId, channel: 'wechat', body: '你们的快递员太差劲了，我要投诉' },
    });
    const requested = await recorder.waitFor(
      'follow-up.requested',
      (e) => e.payload.followUpId === filed.body.followUpId,
    );
    const followUpTicketId = await triageOpensFollowUpTicket(requested.id, ticket);
    const opened = await call(feedback.baseUrl, `/v1/complaints/${filed.body.complaintId as string}`, {
      key,
    });
    expect(opened.status).toBe(200);
    expect(opened.body.followUp).toMatchObject({
      status: 'ticket-opened',
      followUpTicketId,
      notifiedAt: null,
    });

    const resolved = fixtureEvent('ticket.resolved', tenant, {
      ticketId: followUpTicketId,
      at: new Date().toISOString(),
    });
    await producer.publish([resolved]);
    const notice = await recorder.waitFor('reply.requested', (e) => e.payload.ticketId === followUpTicketId);
    expect(notice.aggregateId).toBe(ticket.conversationId);
    expect(notice.payload).toMatchObject({
      kind: 'notification',
      conversationId: ticket.conversationId,
      customerId: ticket.customerId,
      channel: 'wechat',
      replyId: filed.body.followUpId,
    });
    expect(notice.payload.body).toContain('已专门跟进并处理');
    await expectEventually(async () => {
      const closed = await call(feedback.baseUrl, `/v1/complaints/${filed.body.complaintId as string}`, {
        key,
      });
      expect(closed.body.followUp).toMatchObject({ status: 'customer-notified', followUpTicketId });
    });

    // The follow-up ticket is not surveyed, and a second resolution does not tell the customer twice.
    const again = fixtureEvent('ticket.resolved', tenant, {
      ticketId: followUpTicketId,
      at: new Date().toISOString(),
    });
    await producer.publish([again]);
    await processed('feedback.ticket-lifecycle', again.id);
    const replies = await sql<{ kind: string }>(
      `SELECT "envelope"->'payload'->>'kind' AS kind FROM "feedback"."outbox" WHERE "tenant_id" = $1 AND "event_type" = 'reply.requested'
         AND "envelope"->'payload'->>'ticketId' = $2`,
      [tenant, followUpTicketId],
    );
    expect(replies).toEqual([{ kind: 'notification' }]);
  });
});

describe('which ticket answers a follow-up request', () => {
  async function requestFollowUp(): Promise<{ ticket: TicketRefs; complaintId: string; followUpId: string; eventId: string }> {
    const ticket = await openTicket();
    const filed = await call(feedback.baseUrl, '/v1/complaints', {
      method: 'POST',
      key,
      json: { ticketId: ticket.ticketId, channel: 'wechat', body: '退款一直不到账，我要投诉' },
    });
    expect(filed.status).toBe(201);
    const followUpId = filed.body.followUpId as string;
    const requested = await recorder.waitFor('follow-up.requested', (e) => e.payload.followUpId === followUpId);
    return { ticket, complaintId: filed.body.complaintId as string, followUpId, eventId: requested.id };
  }

  const followUpOf = async (complaintId: string): Promise<Record<string, unknown>> =>
    (await call(feedback.baseUrl, `/v1/complaints/${complaintId}`, { key })).body.followUp as Record<string, unknown>;

  it('is the one whose ticket.created names the request by followUpId', async () => {
    const r = await requestFollowUp();
    const followUpTicketId = await triageOpensFollowUpTicket(r.eventId, r.ticket, { followUpId: r.followUpId });
    expect(await followUpOf(r.complaintId)).toMatchObject({ status: 'ticket-opened', followUpTicketId });
  });

  it('is not a ticket whose ticket.created says followUpId null, even when that request caused it', async () => {
    const r = await requestFollowUp();
    await triageOpensFollowUpTicket(r.eventId, r.ticket, { followUpId: null });
    expect(await followUpOf(r.complaintId)).toMatchObject({ status: 'requested', followUpTicketId: null });
  });
});

describe('complaints written in messages', () => {
  function message(conversationId: string, customerId: string, body: string) {
    return fixtureEvent('message.received', tenant, {
      messageId: randomUUID(),
      conversationId,
      customer: { customerId, tier: 'standard', name: null },
      channel: 'wechat',
      body,
      attachments: [],
      receivedAt: new Date().toISOString(),
    });
  }

  it('recognises a complaint in a message, and a second one in the conversation joins the open follow-up', async () => {
    const ticket = await openTicket();
    const first = message(ticket.conversationId, ticket.customerId, '我要投诉你们的售后，三次都没解决');
    await producer.publish([first]);
    const received = await recorder.waitFor(
      'complaint.received',
      (e) => e.payload.customerId === ticket.customerId,
    );
    expect(received.payload).toMatchObject({ ticketId: ticket.ticketId, channel: 'wechat' });
    const followUp = await recorder.waitFor(
      'follow-up.requested',
      (e) => e.payload.customerId === ticket.customerId,
    );
    expect(followUp.payload).toMatchObject({
      ticketId: ticket.ticketId,
      conversationId: ticket.conversationId,
      sourceKind: 'complaint',
      priority: 'P2',
    });

    const second = message(ticket.conversationId, ticket.customerId, '再说一遍，我要投诉！');
    await producer.publish([second]);
    await processed('feedback.customer-messages', second.id);
    const complaints = await sql<{ follow_up_id: string }>(
      `SELECT "follow_up_id" FROM "feedback"."complaints" WHERE "tenant_id" = $1 AND "conversation_id" = $2`,
      [tenant, ticket.conversationId],
    );
    expect(complaints).toEqual([
      { follow_up_id: followUp.payload.followUpId },
      { follow_up_id: followUp.payload.followUpId },
    ]);
    const followUps = await sql(
      `SELECT 1 FROM "feedback"."follow_ups" WHERE "tenant_id" = $1 AND "conversation_id" = $2`,
      [tenant, ticket.conversationId],
    );
    expect(followUps).toHaveLength(1);
  });

  it('does not take a message that denies complaining as a complaint', async () => {
    const ticket = await openTicket();
    const denial = message(ticket.conversationId, ticket.customerId, '不是投诉哈，就是想问一下发票怎么开');
    await producer.publish([denial]);
    await processed('feedback.customer-messages', denial.id);
    const complaints = await sql(
      `SELECT 1 FROM "feedback"."complaints" WHERE "tenant_id" = $1 AND "conversation_id" = $2`,
      [tenant, ticket.conversationId],
    );
    expect(complaints).toHaveLength(0);
  });
});

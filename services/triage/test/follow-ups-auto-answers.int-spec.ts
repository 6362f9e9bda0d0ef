import { randomUUID } from 'node:crypto';
import { loadFixture } from '@helpdesk/contracts';
import { expectEventually } from '@helpdesk/testing';
import {
  EventTap,
  TriageApi,
  disconnectProducer,
  messageReceived,
  newTenant,
  publish,
  sendMessage,
  startTriage,
  timeline,
  timelineTypes,
  type RunningTriage,
} from './support/triage-harness';

/**
 * What other services ask of triage, fed as their fixture-shaped events on the real topics: feedback's
 * follow-up requests open linked complaint tickets; knowledge's confident answers go to the customer and
 * the ticket waits on them, back to a person if they write again.
 */
jest.setTimeout(60_000);

let triage: RunningTriage;
let api: TriageApi;
let tenantId: string;
let tap: EventTap;

beforeAll(async () => {
  const tenant = await newTenant('loop');
  tenantId = tenant.tenantId;
  triage = await startTriage(4341);
  api = new TriageApi(triage.baseUrl, tenant.key);
  tap = await new EventTap(['triage.tickets.v1', 'triage.replies.v1'], tenantId).start();
  await api.putAgent('carer', { skills: [{ skill: 'general', level: 4 }], maxConcurrent: 20 });
}, 120_000);

afterAll(async () => {
  await tap.stop();
  await triage.close();
  await disconnectProducer();
}, 60_000);

function followUpRequested(
  payload: Partial<ReturnType<typeof loadFixture<'follow-up.requested'>>['payload']>,
) {
  const fixture = loadFixture('follow-up.requested');
  const p = { ...fixture.payload, followUpId: randomUUID(), sourceId: randomUUID(), ...payload };
  return {
    ...fixture,
    id: randomUUID(),
    tenantId,
    aggregateId: p.ticketId ?? p.followUpId,
    occurredAt: new Date().toISOString(),
    payload: p,
  };
}

describe('follow-up requests from feedback', () => {
  it('a legal threat opens a P1 follow-up in the complaints queue, linked both ways with the original ticket', async () => {
    const m = await sendMessage({ tenantId, body: '快递三天了还没到', channel: 'wechat' });
    const original = await api.awaitTicketOf(m.customerId, (t) => t.assigneeId === 'carer');
    await api.ok('POST', `/v1/tickets/${original.id as string}/resolve`, {});
    // A bare score typed after the resolution answers the survey: it stays on the ticket without reopening it.
    const score = await sendMessage({
      tenantId,
      body: '1',
      customerId: m.customerId,
      conversationId: m.conversationId,
      channel: 'wechat',
    });
    await expectEventually(async () => {
      const t = await api.ticket(original.id as string);
      expect((t.messages as Array<{ messageId: string }>).map((x) => x.messageId)).toContain(score.messageId);
      expect(t.status).toBe('resolved');
    });

    const request = followUpRequested({
      ticketId: original.id as string,
      customerId: m.customerId,
      conversationId: m.conversationId,
      channel: 'wechat',
      reason: 'CSAT 1',
      priority: 'P3',
      legal: true,
      summary: '客服态度太差，我要投诉到12315',
      evidence: ['太差', '12315'],
    });
    await publish('feedback.responses.v1', request);
    const followUp = await api.awaitTicketOf(m.customerId, (t) => t.followUpOf === original.id);
    expect(followUp).toMatchObject({
      priority: 'P1',
      prioritySource: 'follow-up',
      queue: 'complaints',
      category: 'complaint',
      conversationId: m.conversationId,
      channel: 'wechat',
      assigneeId: 'carer',
    });
    expect(
      (followUp.classification as { reasons: Array<{ evidence: string }> }).reasons.map((r) => r.evidence),
    ).toEqual(expect.arrayContaining(['CSAT 1', '12315', 'legal threat reported by feedback']));
    const originalNow = await api.ticket(original.id as string);
    expect(originalNow.linkedTicketId).toBe(followUp.id);
    expect(timeline(originalNow, 'follow-up.opened')[0]?.data).toMatchObject({
      ticketId: followUp.id,
      followUpId: request.payload.followUpId,
      legal: true,
    });
    const followUpDetail = await api.ticket(followUp.id as string);
    expect(timeline(followUpDetail, 'ticket.created')[0]?.data).toMatchObject({
      followUpOf: original.id,
      reason: 'CSAT 1',
    });
    expect((followUpDetail.messages as Array<{ body: string; internal: boolean }>)[0]).toMatchObject({
      internal: true,
      body: 'CSAT 1\n\n客服态度太差，我要投诉到12315',
    });
    const created = await tap.waitFor('ticket.created', (e) => e.payload.ticketId === followUp.id);
    expect(created.payload).toMatchObject({
      followUpOf: original.id,
      followUpId: request.payload.followUpId,
      queue: 'complaints',
      priority: 'P1',
      body: '客服态度太差，我要投诉到12315',
    });
    expect(created.causationId).toBe(request.id);

    // The same request delivered again under another event id opens nothing more: a later request on the
    // same partition (same ticket) is processed after it, so once that one has its ticket the repeat was seen.
    await publish('feedback.responses.v1', { ...request, id: randomUUID() });
    await publish(
      'feedback.responses.v1',
      followUpRequested({
        ticketId: original.id as string,
        customerId: m.customerId,
        reason: 'second survey',
        legal: false,
      }),
    );
    await expectEventually(async () => {
      const followUps = (await api.ticketsOf(m.customerId)).filter((t) => t.followUpOf === original.id);
      expect(followUps.map((t) => t.subject).sort()).toEqual(
        ['Follow-up: CSAT 1', 'Follow-up: second survey'].sort(),
      );
    });
  });

  it('a follow-up without a legal threat is at least P2', async () => {
    const m = await sendMessage({ tenantId, body: '退货流程太慢', channel: 'web' });
    const original = await api.awaitTicketOf(m.customerId);
    await publish(
      'feedback.responses.v1',
      followUpRequested({
        ticketId: original.id as string,
        customerId: m.customerId,
        priority: 'P4',
        legal: false,
        reason: 'NPS 2',
      }),
    );
    const followUp = await api.awaitTicketOf(m.customerId, (t) => t.followUpOf === original.id);
    expect(followUp).toMatchObject({ priority: 'P2', queue: 'complaints' });
    // The original is still open: a follow-up shares its conversation without taking its messages.
    const again = await sendMessage({
      tenantId,
      body: '还有一个问题',
      customerId: m.customerId,
      conversationId: m.conversationId,
      channel: 'web',
    });
    await expectEventually(async () => {
      const messages = (await api.ticket(original.id as string)).messages as Array<{ messageId: string }>;
      expect(messages.map((x) => x.messageId)).toContain(again.messageId);
    });
  });
});

describe('a follow-up that reaches triage before its conversation has a ticket', () => {
  it('stands beside the conversation: the message that follows opens the conversation’s own ticket', async () => {
    // feedback reads complaints from the messages themselves, so its request can arrive before the intake.
    const message = messageReceived({ tenantId, body: '你们的服务太差了，我要投诉', channel: 'web' });
    const customerId = message.payload.customer.customerId;
    const conversationId = message.payload.conversationId;
    await publish(
      'feedback.responses.v1',
      followUpRequested({ ticketId: null, customerId, conversationId, channel: 'web', reason: 'complaint', priority: 'P3', legal: false }),
    );
    const followUp = await api.awaitTicketOf(customerId, (t) => t.category === 'complaint');
    expect(followUp).toMatchObject({ followUpOf: null, conversationId, queue: 'complaints' });

    await publish('ingestion.messages.v1', message);
    const own = await api.awaitTicketOf(customerId, (t) => t.id !== followUp.id);
    expect(own).toMatchObject({ conversationId, followUpOf: null });
    expect(((await api.ticket(own.id as string)).messages as Array<{ messageId: string }>).map((m) => m.messageId)).toEqual([
      message.payload.messageId,
    ]);
    const followUpMessages = (await api.ticket(followUp.id as string)).messages as Array<{ messageId: string }>;
    expect(followUpMessages.map((m) => m.messageId)).not.toContain(message.payload.messageId);
  });
});

describe('repeated contacts', () => {
  it("a customer's first ticket counts one contact, a message in its conversation joins it, a second conversation's ticket counts two", async () => {
    const m = await sendMessage({ tenantId, body: '快递一直没到', channel: 'web' });
    const first = await api.awaitTicketOf(m.customerId);
    expect(timeline(await api.ticket(first.id as string), 'ticket.created')[0]?.data).toMatchObject({ contactCount: 1 });
    const again = await sendMessage({ tenantId, body: '请尽快处理', customerId: m.customerId, conversationId: m.conversationId, channel: 'web' });
    await expectEventually(async () => {
      const messages = (await api.ticket(first.id as string)).messages as Array<{ messageId: string }>;
      expect(messages.map((x) => x.messageId)).toEqual([m.messageId, again.messageId]);
    });
    await sendMessage({ tenantId, body: '另一个问题：发票抬头错了', customerId: m.customerId, channel: 'web' });
    const second = await api.awaitTicketOf(m.customerId, (t) => t.id !== first.id);
    expect(timeline(await api.ticket(second.id as string), 'ticket.created')[0]?.data).toMatchObject({ contactCount: 2 });
  });
});

describe('a burst of messages read in one chunk', () => {
  it('gives each its ticket and contact count: a follow-up joins its ticket, one conversation twice is one ticket, one customer twice counts two', async () => {
    const known = await sendMessage({ tenantId, body: '退款还没到账', channel: 'web' });
    const knownTicket = await api.awaitTicketOf(known.customerId);
    const followUp = messageReceived({ tenantId, body: '请问退款进度如何', customerId: known.customerId, conversationId: known.conversationId, channel: 'web' });
    const alone = [1, 2, 3].map((i) => messageReceived({ tenantId, body: `订单${i}的地址需要修改`, channel: 'app' }));
    const twiceOpened = messageReceived({ tenantId, body: '会员卡无法使用', channel: 'wechat' });
    // A ticket lists its messages by time: the second one a second later, not within the same millisecond.
    const twiceAgain = messageReceived({
      tenantId,
      receivedAt: new Date(Date.parse(twiceOpened.payload.receivedAt) + 1000).toISOString(),
      body: '补充：提示卡号无效',
      customerId: twiceOpened.payload.customer.customerId,
      conversationId: twiceOpened.payload.conversationId,
      channel: 'wechat',
    });
    const sameCustomerFirst = messageReceived({ tenantId, body: '发票抬头写错了', channel: 'web' });
    const sameCustomerSecond = messageReceived({ tenantId, body: '另外快递也没到', customerId: sameCustomerFirst.payload.customer.customerId, channel: 'web' });
    await publish('ingestion.messages.v1', followUp, ...alone, twiceOpened, twiceAgain, sameCustomerFirst, sameCustomerSecond);

    await expectEventually(async () => {
      const messages = (await api.ticket(knownTicket.id as string)).messages as Array<{ messageId: string }>;
      expect(messages.map((x) => x.messageId)).toEqual([known.messageId, followUp.payload.messageId]);
    });
    expect(await api.ticketsOf(known.customerId)).toHaveLength(1);
    for (const event of alone) {
      const ticket = await api.awaitTicketOf(event.payload.customer.customerId);
      expect(timeline(await api.ticket(ticket.id as string), 'ticket.created')[0]?.data).toMatchObject({ contactCount: 1 });
    }
    const twice = await api.awaitTicketOf(twiceOpened.payload.customer.customerId);
    await expectEventually(async () => {
      const messages = (await api.ticket(twice.id as string)).messages as Array<{ messageId: string }>;
      expect(messages.map((x) => x.messageId)).toEqual([twiceOpened.payload.messageId, twiceAgain.payload.messageId]);
    });
    expect(await api.ticketsOf(twiceOpened.payload.customer.customerId)).toHaveLength(1);
    const customer = sameCustomerFirst.payload.customer.customerId;
    await expectEventually(async () => expect(await api.ticketsOf(customer)).toHaveLength(2));
    const counts = await Promise.all(
      (await api.ticketsOf(customer)).map(async (t) => (timeline(await api.ticket(t.id as string), 'ticket.created')[0]?.data as { contactCount: number }).contactCount),
    );
    expect(counts.sort()).toEqual([1, 2]);
  });
});

describe('automatic answers from knowledge', () => {
  it('sends the answer, waits on the customer with the agent freed, and routes to a person when the customer writes again', async () => {
    const m = await sendMessage({ tenantId, body: '请问发票怎么开？', channel: 'wechat' });
    const ticket = await api.awaitTicketOf(m.customerId, (t) => t.assigneeId === 'carer');
    const id = ticket.id as string;
    const loadBefore = (await api.ok('GET', '/v1/agents/carer')).activeCount as number;
    const fixture = loadFixture('auto-answer.proposed');
    await publish('knowledge.suggestions.v1', {
      ...fixture,
      id: randomUUID(),
      tenantId,
      aggregateId: id,
      occurredAt: new Date().toISOString(),
      payload: { ...fixture.payload, ticketId: id },
    });
    const answered = await tap.waitFor('reply.requested', (e) => e.payload.ticketId === id);
    expect(answered.payload).toMatchObject({
      kind: 'auto-answer',
      conversationId: m.conversationId,
      customerId: m.customerId,
      channel: 'wechat',
      agentId: null,
    });
    // The answer, then the question whether it helped (any reply hands the ticket to a person).
    expect(answered.payload.body.startsWith(fixture.payload.answer)).toBe(true);
    expect(answered.payload.body).toContain('解决您的问题了吗');
    const replied = await tap.waitFor('ticket.replied', (e) => e.payload.ticketId === id);
    expect(replied.payload).toMatchObject({ automated: true, firstResponse: false, internal: false });
    await tap.waitFor('ticket.pending', (e) => e.payload.ticketId === id);
    const waiting = await api.ticket(id);
    expect(waiting).toMatchObject({ status: 'pending', assigneeId: null, sla: { paused: true } });
    expect(waiting.autoAnsweredAt).toEqual(expect.any(String));
    expect(timelineTypes(waiting)).toEqual(
      expect.arrayContaining(['ticket.auto-answered', 'ticket.pending', 'ticket.unassigned']),
    );
    expect((await api.ok('GET', '/v1/agents/carer')).activeCount).toBe(loadBefore - 1);

    await sendMessage({
      tenantId,
      body: '还是不行，找不到申请发票的按钮',
      customerId: m.customerId,
      conversationId: m.conversationId,
      channel: 'wechat',
    });
    const back = await expectEventually(async () => {
      const t = await api.ticket(id);
      expect(t).toMatchObject({
        status: 'open',
        assigneeId: 'carer',
        autoAnsweredAt: null,
        sla: { paused: false },
      });
      return t;
    });
    expect(timeline(back, 'ticket.resumed')[0]?.data.reason).toBe(
      'customer wrote again after the automatic answer: routed to a person',
    );
    await tap.waitFor('ticket.resumed', (e) => e.payload.ticketId === id);
  });

  it('is not sent once an agent has answered', async () => {
    const m = await sendMessage({ tenantId, body: '怎么修改密码', channel: 'web' });
    const ticket = await api.awaitTicketOf(m.customerId, (t) => t.assigneeId === 'carer');
    const id = ticket.id as string;
    await api.ok('POST', `/v1/tickets/${id}/replies`, { body: '在设置页面修改即可', agentId: 'carer' });
    const fixture = loadFixture('auto-answer.proposed');
    await publish('knowledge.suggestions.v1', {
      ...fixture,
      id: randomUUID(),
      tenantId,
      aggregateId: id,
      occurredAt: new Date().toISOString(),
      payload: { ...fixture.payload, ticketId: id },
    });
    const skipped = await expectEventually(async () => {
      const t = await api.ticket(id);
      expect(timelineTypes(t)).toContain('auto-answer.skipped');
      return t;
    });
    expect(timeline(skipped, 'auto-answer.skipped')[0]?.data.reason).toBe('an agent already answered');
    expect(skipped).toMatchObject({ status: 'open', assigneeId: 'carer' });
  });
});

import { expectEventually } from '@helpdesk/testing';
import {
  EventTap,
  TriageApi,
  disconnectProducer,
  newTenant,
  sendMessage,
  startTriage,
  timeline,
  timelineTypes,
  withDatabase,
  type Json,
  type RunningTriage,
} from './support/triage-harness';

jest.setTimeout(60_000);
/**
 * A customer's message becomes a classified, routed ticket with running SLA clocks; replies, corrections
 * and state changes are events and timeline entries.
 */
let triage: RunningTriage;
let api: TriageApi;
let tenantId: string;
let tap: EventTap;

beforeAll(async () => {
  const tenant = await newTenant('route');
  tenantId = tenant.tenantId;
  triage = await startTriage(4301);
  api = new TriageApi(triage.baseUrl, tenant.key);
  tap = await new EventTap(['triage.tickets.v1', 'triage.replies.v1'], tenantId).start();
  await api.ok('PUT', '/v1/queues/vip', { name: 'VIP', skills: ['vip'], vip: true });
  const channels = ['wechat', 'web', 'email'];
  // Only one agent is online, senior and has the security skill; each other one lacks exactly one of those.
  await api.putAgent('senior-security', {
    skills: [
      { skill: 'vip', level: 5 },
      { skill: 'security', level: 4 },
    ],
    languages: ['zh'],
    channels,
    maxConcurrent: 3,
  });
  await api.putAgent('junior-security', {
    skills: [
      { skill: 'vip', level: 2 },
      { skill: 'security', level: 2 },
    ],
    languages: ['zh'],
    channels,
    maxConcurrent: 3,
  });
  await api.putAgent('senior-no-security', {
    skills: [{ skill: 'vip', level: 5 }],
    languages: ['zh'],
    channels,
    maxConcurrent: 3,
  });
  await api.putAgent('senior-offline', {
    skills: [
      { skill: 'vip', level: 5 },
      { skill: 'security', level: 5 },
    ],
    languages: ['zh'],
    channels,
    status: 'offline',
  });
  await api.putAgent('generalist', {
    skills: [{ skill: 'general', level: 3 }],
    languages: ['zh', 'en'],
    channels,
    maxConcurrent: 5,
  });
}, 60_000);

afterAll(async () => {
  await tap.stop();
  await triage.close();
  await disconnectProducer();
}, 60_000);

describe('classification and routing of a new ticket', () => {
  let vipTicket: Json;

  it("a VIP's '账号被盗，钱被转走了，马上处理！' is P1, explained, routed to the online senior agent with the skill, first response due in 30 minutes", async () => {
    const { customerId, messageId } = await sendMessage({
      tenantId,
      body: '账号被盗，钱被转走了，马上处理！',
      tier: 'vip',
      channel: 'wechat',
    });
    const listed = await api.awaitTicketOf(customerId, (t) => t.assigneeId !== null);
    vipTicket = await api.ticket(listed.id as string);
    expect(vipTicket).toMatchObject({
      priority: 'P1',
      status: 'open',
      queue: 'vip',
      assigneeId: 'senior-security',
      category: 'security',
      customerTier: 'vip',
    });
    const classification = vipTicket.classification as {
      urgent: boolean;
      important: boolean;
      reasons: Array<{ signal: string; evidence: string }>;
    };
    expect(classification).toMatchObject({ urgent: true, important: true });
    expect(classification.reasons).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ signal: 'security', evidence: '账号被盗' }),
        expect.objectContaining({ signal: 'time-pressure', evidence: '马上' }),
        expect.objectContaining({ signal: 'money', evidence: '钱被转走' }),
        expect.objectContaining({ signal: 'customer-tier' }),
      ]),
    );
    const sla = vipTicket.sla as { firstResponseDueAt: string; resolutionDueAt: string; paused: boolean };
    expect(Date.parse(sla.firstResponseDueAt) - Date.parse(vipTicket.createdAt as string)).toBe(30 * 60_000);
    expect(Date.parse(sla.resolutionDueAt) - Date.parse(vipTicket.createdAt as string)).toBe(4 * 3600_000);
    expect(sla.paused).toBe(false);
    // Every decision is on the timeline with its reason.
    expect(timelineTypes(vipTicket)).toEqual([
      'ticket.created',
      'ticket.classified',
      'sla.started',
      'ticket.routed',
      'ticket.assigned',
    ]);
    expect(timeline(vipTicket, 'ticket.assigned')[0]?.data.reason).toMatch(
      /senior agent.*Agent senior-security \(senior-security\): vip\+security ≥ level 4/s,
    );
    // The events, valid against the contracts, in order on the ticket's partition.
    const id = vipTicket.id as string;
    await expectEventually(() =>
      expect(tap.events.filter((e) => e.event.aggregateId === id).map((e) => e.event.type)).toEqual([
        'ticket.created',
        'ticket.classified',
        'ticket.routed',
        'ticket.assigned',
      ]),
    );
    expect(tap.of('ticket.created', id)[0]?.payload).toMatchObject({
      messageId,
      priority: 'P1',
      queue: 'vip',
      sla: { firstResponseDueAt: sla.firstResponseDueAt },
    });
    expect(
      tap.of('ticket.classified', id)[0]?.payload.classification.reasons.map((r) => r.evidence),
    ).toContain('账号被盗');
    expect(tap.of('ticket.assigned', id)[0]?.payload).toMatchObject({
      agentId: 'senior-security',
      queue: 'vip',
    });
    expect(tap.invalid).toEqual([]);
  });

  it("'请问发票怎么开？不急' is P4 and goes to the default queue", async () => {
    const { customerId } = await sendMessage({ tenantId, body: '请问发票怎么开？不急', channel: 'web' });
    const ticket = await api.awaitTicketOf(customerId, (t) => t.assigneeId !== null);
    expect(ticket).toMatchObject({
      priority: 'P4',
      queue: 'general',
      assigneeId: 'generalist',
      classification: { urgent: false, important: false },
    });
    const sla = ticket.sla as { firstResponseDueAt: string };
    // P4 counts business hours: its due time is later than 24 wall hours only if a non-working period intervenes, never earlier.
    expect(
      Date.parse(sla.firstResponseDueAt) - Date.parse(ticket.createdAt as string),
    ).toBeGreaterThanOrEqual(24 * 3600_000);
  });

  it('POST /v1/classify explains without creating anything', async () => {
    const before = await withDatabase(
      async (db) =>
        (await db.query(`SELECT count(*)::int AS n FROM triage.tickets WHERE tenant_id = $1`, [tenantId]))
          .rows[0] as { n: number },
    );
    const res = await api.call('POST', '/v1/classify', {
      body: '网站宕机了，所有用户都无法登录，尽快处理',
      channel: 'phone',
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ priority: 'P1', urgent: true, important: true, category: 'technical' });
    expect((res.body.reasons as Json[]).map((r) => r.signal)).toEqual(
      expect.arrayContaining(['service-failure', 'scope', 'channel']),
    );
    const hedged = await api.ok('POST', '/v1/classify', {
      body: 'not urgent, just wondering how to export my invoices',
      language: 'en',
    });
    expect(hedged).toMatchObject({ priority: 'P4' });
    const after = await withDatabase(
      async (db) =>
        (await db.query(`SELECT count(*)::int AS n FROM triage.tickets WHERE tenant_id = $1`, [tenantId]))
          .rows[0] as { n: number },
    );
    expect(after.n).toBe(before.n);
  });

  it("a tenant's own lexicon terms count from the next classification", async () => {
    const before = await api.ok('POST', '/v1/classify', { body: '火烧眉毛了，帮我看看合同' });
    expect(before.urgent).toBe(false);
    const saved = await api.call('PUT', '/v1/classifier/lexicon', {
      terms: [{ term: '火烧眉毛', signal: 'time-pressure', weight: 1 }],
      hedges: [{ term: '顺便问下', suppresses: ['time-pressure'] }],
    });
    expect(saved.status).toBe(200);
    expect(await api.ok('GET', '/v1/classifier/lexicon')).toMatchObject({
      version: 'lexicon-1+tenant',
      override: { terms: [{ term: '火烧眉毛' }] },
    });
    const after = await expectEventually(async () => {
      const c = await api.ok('POST', '/v1/classify', { body: '火烧眉毛了，帮我看看合同' });
      expect(c.urgent).toBe(true);
      return c;
    });
    expect(after.reasons).toEqual(
      expect.arrayContaining([expect.objectContaining({ signal: 'time-pressure', evidence: '火烧眉毛' })]),
    );
    const hedged = await api.ok('POST', '/v1/classify', { body: '顺便问下，火烧眉毛是什么意思' });
    expect(hedged.urgent).toBe(false);
  });

  it('a public reply goes to the customer over the conversation and stops the first-response clock; a note stays internal', async () => {
    const id = vipTicket.id as string;
    const note = await api.call('POST', `/v1/tickets/${id}/replies`, {
      body: '先冻结账户',
      agentId: 'senior-security',
      internal: true,
    });
    expect(note.status).toBe(201);
    expect(note.body).toMatchObject({ firstResponse: false, ticket: { sla: { firstRespondedAt: null } } });
    const reply = await api.call('POST', `/v1/tickets/${id}/replies`, {
      body: '您好，已为您冻结账户并追回款项。',
      agentId: 'senior-security',
    });
    expect(reply.status).toBe(201);
    const replyId = reply.body.replyId as string;
    expect(reply.body).toMatchObject({
      firstResponse: true,
      ticket: { sla: { breached: { firstResponse: false } } },
    });
    expect(
      (reply.body.ticket as { sla: { firstRespondedAt: string | null } }).sla.firstRespondedAt,
    ).not.toBeNull();
    const requested = await tap.waitFor('reply.requested', (e) => e.payload.replyId === replyId);
    expect(requested.payload).toMatchObject({
      ticketId: id,
      conversationId: vipTicket.conversationId,
      customerId: vipTicket.customerId,
      channel: 'wechat',
      kind: 'agent',
      agentId: 'senior-security',
      body: '您好，已为您冻结账户并追回款项。',
    });
    const replied = await tap.waitFor('ticket.replied', (e) => e.payload.replyId === replyId);
    expect(replied.payload).toMatchObject({ firstResponse: true, internal: false });
    expect(replied.payload.wallMinutesSinceCreated).toBeGreaterThanOrEqual(0);
    expect(typeof replied.payload.businessMinutesSinceCreated).toBe('number');
    // The internal note never reached the customer.
    expect(tap.of('reply.requested').filter((e) => e.payload.ticketId === id)).toHaveLength(1);
    const ticket = await api.ticket(id);
    expect((ticket.messages as Json[]).map((m) => [m.direction, m.internal])).toEqual([
      ['inbound', false],
      ['outbound', true],
      ['outbound', false],
    ]);
  });

  it('a correction by a person recomputes the clocks, is kept as a labelled example and published', async () => {
    const { customerId } = await sendMessage({ tenantId, body: '订单什么时候发货？', channel: 'web' });
    const ticket = await api.awaitTicketOf(customerId, (t) => t.assigneeId !== null);
    expect(ticket.priority).toBe('P4');
    const id = ticket.id as string;
    const corrected = await api.call('PATCH', `/v1/tickets/${id}`, {
      priority: 'P2',
      queue: 'vip',
      reason: 'wedding dress, event tomorrow',
    });
    expect(corrected.status).toBe(200);
    expect(corrected.body).toMatchObject({ priority: 'P2', prioritySource: 'override', queue: 'vip' });
    const sla = corrected.body.sla as { firstResponseDueAt: string };
    // P2: 2 h around the clock from creation.
    expect(Date.parse(sla.firstResponseDueAt) - Date.parse(ticket.createdAt as string)).toBe(2 * 3600_000);
    const event = await tap.waitFor('ticket.priority-corrected', (e) => e.payload.ticketId === id);
    expect(event.payload).toMatchObject({
      from: 'P4',
      to: 'P2',
      queueFrom: 'general',
      queueTo: 'vip',
      reason: 'wedding dress, event tomorrow',
    });
    // Moved queue: released by the generalist, routed in the VIP queue.
    await tap.waitFor(
      'ticket.unassigned',
      (e) => e.payload.ticketId === id && e.payload.agentId === 'generalist',
    );
    const routed = await api.ticket(id);
    expect(routed.assigneeId).not.toBe('generalist');
    const examples = await withDatabase(
      async (db) =>
        (
          await db.query(
            `SELECT body, priority, queue, source FROM triage.training_examples WHERE tenant_id = $1`,
            [tenantId],
          )
        ).rows as Json[],
    );
    expect(examples).toEqual([
      { body: '订单什么时候发货？', priority: 'P2', queue: 'vip', source: 'correction' },
    ]);
    const classifier = await api.ok('GET', '/v1/classifier');
    expect(classifier).toMatchObject({ version: null, corrections: { total: 1 } });
  });

  it('state changes are events and timeline entries; resolving a closed ticket is a 409', async () => {
    const id = vipTicket.id as string;
    const pending = await api.call('POST', `/v1/tickets/${id}/pending`);
    expect(pending.status).toBe(200);
    expect(pending.body).toMatchObject({ status: 'pending', sla: { paused: true } });
    expect((await api.call('POST', `/v1/tickets/${id}/pending`)).status).toBe(409);
    const resumed = await api.call('POST', `/v1/tickets/${id}/reopen`);
    expect(resumed.body).toMatchObject({ status: 'open', sla: { paused: false } });
    const resolved = await api.call('POST', `/v1/tickets/${id}/resolve`, {
      resolutionCode: 'account-recovered',
    });
    expect(resolved.body).toMatchObject({ status: 'resolved', resolutionCode: 'account-recovered' });
    const resolvedEvent = await tap.waitFor('ticket.resolved', (e) => e.payload.ticketId === id);
    expect(resolvedEvent.payload).toMatchObject({
      resolutionCode: 'account-recovered',
      pausedMinutes: expect.any(Number) as number,
    });
    expect(resolvedEvent.payload.wallMinutesSinceCreated).toBeGreaterThanOrEqual(0);
    const reopened = await api.call('POST', `/v1/tickets/${id}/reopen`);
    // The agent who resolved it takes it back.
    expect(reopened.body).toMatchObject({ status: 'open', assigneeId: 'senior-security' });
    await api.ok('POST', `/v1/tickets/${id}/resolve`, {});
    expect((await api.call('POST', `/v1/tickets/${id}/close`)).body).toMatchObject({ status: 'closed' });

    const conflict = await api.call('POST', `/v1/tickets/${id}/resolve`, {});
    expect(conflict.status).toBe(409);
    expect(conflict.headers.get('content-type')).toContain('application/problem+json');
    expect(conflict.body).toMatchObject({
      status: 409,
      type: 'https://errors.helpdesk.local/invalid-transition',
      detail: 'cannot resolve a closed ticket (allowed from: new, open, pending)',
    });
    const replyToClosed = await api.call('POST', `/v1/tickets/${id}/replies`, {
      body: 'hello?',
      agentId: 'senior-security',
    });
    expect(replyToClosed.status).toBe(409);

    await expectEventually(() =>
      expect(tap.events.filter((e) => e.event.aggregateId === id).map((e) => e.event.type)).toEqual(
        expect.arrayContaining([
          'ticket.pending',
          'ticket.resumed',
          'ticket.resolved',
          'ticket.reopened',
          'ticket.assigned',
          'ticket.closed',
        ]),
      ),
    );
    const ticket = await api.ticket(id);
    expect(timelineTypes(ticket)).toEqual(
      expect.arrayContaining([
        'note.added',
        'ticket.replied',
        'ticket.pending',
        'ticket.resumed',
        'ticket.resolved',
        'ticket.reopened',
        'ticket.closed',
      ]),
    );
    const agent = await api.ok('GET', '/v1/agents/senior-security');
    expect(agent.activeCount).toBe(0);
  });
});

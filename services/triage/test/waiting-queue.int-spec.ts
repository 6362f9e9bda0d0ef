import { expectEventually } from '@helpdesk/testing';
import {
  EventTap,
  TriageApi,
  disconnectProducer,
  newTenant,
  sendMessage,
  startTriage,
  timeline,
  withDatabase,
  type RunningTriage,
} from './support/triage-harness';

jest.setTimeout(60_000);
/**
 * The waiting queue and capacity across two triage replicas (two processes, one consumer group, one
 * database): nobody available → the ticket waits; capacity freed → the best waiting ticket is assigned at
 * once; racing replicas never assign a ticket twice nor give an agent more than its capacity.
 */
let a: RunningTriage;
let b: RunningTriage;

beforeAll(async () => {
  [a, b] = await Promise.all([startTriage(4311), startTriage(4312)]);
}, 120_000);

afterAll(async () => {
  await Promise.all([a.close(), b.close()]);
  await disconnectProducer();
}, 60_000);

describe('the waiting queue', () => {
  let api: TriageApi;
  let tenantId: string;
  let tap: EventTap;

  beforeAll(async () => {
    const tenant = await newTenant('wait');
    tenantId = tenant.tenantId;
    api = new TriageApi(a.baseUrl, tenant.key);
    tap = await new EventTap(['triage.tickets.v1'], tenantId).start();
    await api.putAgent('solo', { maxConcurrent: 1 });
  }, 60_000);

  afterAll(async () => {
    await tap.stop();
  }, 30_000);

  it('with every agent at capacity a ticket waits, and is assigned the moment capacity frees: priority first, then age', async () => {
    const first = await sendMessage({ tenantId, body: '请问积分怎么兑换？', channel: 'web' });
    const t1 = await api.awaitTicketOf(first.customerId, (t) => t.assigneeId === 'solo');

    const older = await sendMessage({ tenantId, body: '请问怎么修改收货地址？', channel: 'web' });
    const t2 = await api.awaitTicketOf(older.customerId);
    const urgent = await sendMessage({ tenantId, body: '系统一直报错，今天之内必须解决', channel: 'web' });
    const t3 = await api.awaitTicketOf(urgent.customerId);
    expect([t2.priority, t3.priority]).toEqual(['P4', 'P2']);
    for (const waiting of [t2, t3]) {
      expect(waiting).toMatchObject({ status: 'new', assigneeId: null, queue: 'general' });
      expect(waiting.waitingSince).toEqual(expect.any(String));
      const detail = await api.ticket(waiting.id as string);
      expect(timeline(detail, 'ticket.waiting')[0]?.data.reason).toContain('1 are at capacity');
    }

    // Resolved on the other replica: its capacity goes to the P2 ticket, although the P4 one waited longer.
    await api.on(b.baseUrl).ok('POST', `/v1/tickets/${t1.id as string}/resolve`, {});
    const assigned3 = await api.ticket(t3.id as string);
    expect(assigned3).toMatchObject({ status: 'open', assigneeId: 'solo', waitingSince: null });
    expect(timeline(assigned3, 'ticket.assigned')[0]?.data.reason).toMatch(
      /freed capacity → P2 ticket waiting since/,
    );
    expect((await api.ticket(t2.id as string)).assigneeId).toBeNull();

    await api.ok('POST', `/v1/tickets/${t3.id as string}/resolve`, {});
    expect(await api.ticket(t2.id as string)).toMatchObject({ status: 'open', assigneeId: 'solo' });
    await tap.waitFor('ticket.assigned', (e) => e.payload.ticketId === t2.id);
  });

  it('an agent coming online takes a waiting ticket at once', async () => {
    await api.putAgent('late', { maxConcurrent: 2, status: 'offline' });
    const m = await sendMessage({ tenantId, body: '发票抬头写错了，可以重开吗', channel: 'web' });
    const waiting = await api.awaitTicketOf(m.customerId);
    expect(waiting).toMatchObject({ status: 'new', assigneeId: null });
    const agent = await api.putAgent('late', { maxConcurrent: 2, status: 'online' });
    expect(agent.activeCount).toBe(1);
    expect(await api.ticket(waiting.id as string)).toMatchObject({ status: 'open', assigneeId: 'late' });
  });

  it('an agent at capacity refuses a manual assignment with 409; reassignment frees the previous agent', async () => {
    const m = await sendMessage({ tenantId, body: '能开增值税专用发票吗', channel: 'web' });
    const ticket = await api.awaitTicketOf(m.customerId, (t) => t.assigneeId === 'late');
    const full = await api.call('POST', `/v1/tickets/${ticket.id as string}/assign`, { agentId: 'solo' });
    expect(full.status).toBe(409);
    expect(full.body).toMatchObject({ type: 'https://errors.helpdesk.local/agent-at-capacity' });
    await api.putAgent('spare', { maxConcurrent: 1, status: 'away' });
    const moved = await api.call('POST', `/v1/tickets/${ticket.id as string}/assign`, { agentId: 'spare' });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ assigneeId: 'spare' });
    await tap.waitFor(
      'ticket.unassigned',
      (e) => e.payload.ticketId === ticket.id && e.payload.agentId === 'late',
    );
    expect((await api.ok('GET', '/v1/agents/late')).activeCount).toBe(1);
    expect((await api.ok('GET', '/v1/agents/spare')).activeCount).toBe(1);
  });
});

describe('two triage replicas competing', () => {
  it('never assign a ticket twice nor exceed an agent’s capacity', async () => {
    const tenant = await newTenant('race');
    const api = new TriageApi(a.baseUrl, tenant.key);
    const apis = [api, api.on(b.baseUrl)];
    const tap = await new EventTap(['triage.tickets.v1'], tenant.tenantId).start();
    const capacity = 2;
    await api.putAgent('x', { maxConcurrent: capacity, status: 'offline' });
    await api.putAgent('y', { maxConcurrent: capacity, status: 'offline' });

    const customers = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        sendMessage({ tenantId: tenant.tenantId, body: `请问第${i}号订单的物流信息`, channel: 'web' }),
      ),
    );
    const tickets = await Promise.all(customers.map((c) => api.awaitTicketOf(c.customerId)));
    expect(tickets.every((t) => t.status === 'new' && t.assigneeId === null)).toBe(true);

    // Samples the database truth while the replicas race: never more active tickets than capacity.
    let sampling = true;
    let worst = 0;
    let samples = 0;
    const sampler = withDatabase(async (db) => {
      while (sampling) {
        const rows = (
          await db.query(
            `SELECT a.id, a.active_count, (SELECT count(*)::int FROM triage.tickets t WHERE t.tenant_id = a.tenant_id AND t.assignee_id = a.id AND t.status IN ('new', 'open', 'pending')) AS assigned
             FROM triage.agents a WHERE a.tenant_id = $1`,
            [tenant.tenantId],
          )
        ).rows as Array<{ id: string; active_count: number; assigned: number }>;
        for (const r of rows) worst = Math.max(worst, r.active_count, r.assigned);
        samples++;
        await new Promise((r) => setTimeout(r, 10));
      }
    });

    // Both agents come online through both replicas at once: four transactions fill capacity from one queue.
    await Promise.all(
      apis.flatMap((x) =>
        ['x', 'y'].map((id) => x.putAgent(id, { maxConcurrent: capacity, status: 'online' })),
      ),
    );
    const resolved = new Set<string>();
    for (let round = 0; round < 3; round++) {
      const active = await expectEventually(async () => {
        const mine = (await Promise.all(customers.map((c) => api.ticketsOf(c.customerId)))).flat();
        const open = mine.filter((t) => t.status === 'open');
        expect(open.length).toBe(2 * capacity);
        return open;
      });
      // Each replica resolves half: every resolution frees capacity the two then race to fill.
      await Promise.all(
        active.map((t, i) => apis[i % 2]?.ok('POST', `/v1/tickets/${t.id as string}/resolve`, {})),
      );
      for (const t of active) resolved.add(t.id as string);
    }
    sampling = false;
    await sampler;
    expect(resolved.size).toBe(12);
    expect(samples).toBeGreaterThan(10);
    expect(worst).toBeLessThanOrEqual(capacity);

    for (const t of tickets) {
      const detail = await api.ticket(t.id as string);
      expect({ id: t.id, assignments: timeline(detail, 'ticket.assigned').length }).toEqual({
        id: t.id,
        assignments: 1,
      });
      expect(detail.status).toBe('resolved');
    }
    await expectEventually(() => expect(tap.of('ticket.resolved').length).toBe(12));
    const assignedEvents = tap.of('ticket.assigned');
    expect(assignedEvents.length).toBe(12);
    expect(new Set(assignedEvents.map((e) => e.payload.ticketId)).size).toBe(12);
    for (const id of ['x', 'y'])
      expect(await api.ok('GET', `/v1/agents/${id}`)).toMatchObject({ activeCount: 0 });
    expect(tap.invalid).toEqual([]);
    await tap.stop();
  }, 120_000);
});

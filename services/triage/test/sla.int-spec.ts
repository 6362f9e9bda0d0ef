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
  type Json,
  type RunningTriage,
} from './support/triage-harness';

jest.setTimeout(60_000);
/**
 * SLA clocks on a tenant's policy and business calendar: exact due times across a lunch break, a
 * holiday and a weekend, pauses, recomputation on a priority change, and a breach emitted exactly once
 * by a scheduler that was killed and restarted before the deadline.
 */
const OFFICE_CALENDAR = {
  name: 'Shanghai office',
  timezone: 'Asia/Shanghai',
  weekly: Object.fromEntries(
    ['mon', 'tue', 'wed', 'thu', 'fri'].map((d) => [
      d,
      [
        { start: '09:00', end: '12:00' },
        { start: '13:00', end: '18:00' },
      ],
    ]),
  ),
  // New Year: Thursday 31 December 2026 and Friday 1 January 2027.
  holidays: ['2026-12-31..2027-01-01'],
};

const OFFICE_POLICY = {
  name: 'Office hours',
  calendarId: 'cn-office',
  isDefault: true,
  warningFraction: 0.8,
  targets: {
    P1: { firstResponseMinutes: 30, resolutionMinutes: 240, businessHours: false },
    P2: { firstResponseMinutes: 120, resolutionMinutes: 1440, businessHours: false },
    P3: { firstResponseMinutes: 240, resolutionMinutes: 960, businessHours: true },
    P4: { firstResponseMinutes: 600, resolutionMinutes: 1800, businessHours: true },
  },
};

const sla = (
  ticket: Json,
): { firstResponseDueAt: string; resolutionDueAt: string; paused: boolean; policyId: string } =>
  ticket.sla as { firstResponseDueAt: string; resolutionDueAt: string; paused: boolean; policyId: string };

describe('SLA clocks on a business calendar', () => {
  let triage: RunningTriage;
  let api: TriageApi;
  let tenantId: string;

  beforeAll(async () => {
    const tenant = await newTenant('sla');
    tenantId = tenant.tenantId;
    triage = await startTriage(4321);
    api = new TriageApi(triage.baseUrl, tenant.key);
    expect((await api.call('PUT', '/v1/calendars/cn-office', OFFICE_CALENDAR)).status).toBe(200);
    expect((await api.call('PUT', '/v1/sla-policies/office', OFFICE_POLICY)).status).toBe(200);
  }, 120_000);

  afterAll(async () => {
    await triage.close();
  }, 60_000);

  it('stores the policy and calendar and lists them beside the built-in defaults', async () => {
    expect(await api.ok('GET', '/v1/calendars/cn-office')).toMatchObject({
      id: 'cn-office',
      definition: { timezone: 'Asia/Shanghai', holidays: ['2026-12-31..2027-01-01'] },
    });
    const policies = (await api.ok('GET', '/v1/sla-policies')).items as Json[];
    expect(policies.map((p) => [p.id, p.isDefault, p.builtIn])).toEqual([
      ['default', false, true],
      ['office', true, false],
    ]);
    const builtIn = await api.ok('GET', '/v1/sla-policies/default');
    expect(builtIn).toMatchObject({
      targets: {
        P1: { firstResponseMinutes: 30, businessHours: false },
        P4: { firstResponseMinutes: 1440, businessHours: true },
      },
    });
    const calendars = (await api.ok('GET', '/v1/calendars')).items as Json[];
    expect(calendars.map((c) => c.id)).toEqual(['default', 'cn-office']);
    expect(calendars[0]).toMatchObject({ builtIn: true, definition: { timezone: 'Asia/Shanghai' } });
  });

  it('counts business time across the lunch break, a holiday and the weekend to the exact instant', async () => {
    // Wednesday 30 December 2026, 11:00 in Shanghai.
    const p4 = await sendMessage({
      tenantId,
      body: '请问怎么修改发票抬头？',
      channel: 'web',
      receivedAt: '2026-12-30T03:00:00.000Z',
    });
    const ticket = await api.awaitTicketOf(p4.customerId);
    expect(ticket.priority).toBe('P4');
    expect(sla(ticket)).toMatchObject({
      policyId: 'office',
      // 600 business minutes: Wed 11:00–12:00 and 13:00–18:00 (360), holidays Thu–Fri, weekend, Mon 09:00–12:00 and 13:00–14:00.
      firstResponseDueAt: '2027-01-04T06:00:00.000Z',
      // 1800 business minutes: Wed 360 + Mon 480 + Tue 480 + Wed 480, ending at 18:00 sharp.
      resolutionDueAt: '2027-01-06T10:00:00.000Z',
    });
    const detail = await api.ticket(ticket.id as string);
    expect(timeline(detail, 'sla.started')[0]?.data).toMatchObject({
      calendarId: 'cn-office',
      policyId: 'office',
    });

    // Wednesday 10:30: 240 business minutes skip the 12:00–13:00 lunch break.
    const p3 = await sendMessage({
      tenantId,
      body: '我要退款，订单号 20261230',
      channel: 'web',
      receivedAt: '2026-12-30T02:30:00.000Z',
    });
    const refund = await api.awaitTicketOf(p3.customerId);
    expect(refund.priority).toBe('P3');
    expect(sla(refund)).toMatchObject({
      firstResponseDueAt: '2026-12-30T07:30:00.000Z',
      resolutionDueAt: '2027-01-05T02:30:00.000Z',
    });

    // P1 runs around the clock, holiday or not.
    const p1 = await sendMessage({
      tenantId,
      body: '账号被盗，钱被转走了，马上处理！',
      tier: 'vip',
      receivedAt: '2026-12-31T02:00:00.000Z',
    });
    const hacked = await api.awaitTicketOf(p1.customerId);
    expect(hacked.priority).toBe('P1');
    expect(sla(hacked)).toMatchObject({
      firstResponseDueAt: '2026-12-31T02:30:00.000Z',
      resolutionDueAt: '2026-12-31T06:00:00.000Z',
    });

    // A person raises P4 → P3: both clocks recomputed from the original start under the P3 targets.
    const corrected = await api.ok('PATCH', `/v1/tickets/${ticket.id as string}`, {
      priority: 'P3',
      reason: 'paying customer',
    });
    expect(sla(corrected)).toMatchObject({
      firstResponseDueAt: '2026-12-30T08:00:00.000Z',
      resolutionDueAt: '2027-01-05T03:00:00.000Z',
    });
  });

  it('pending pauses both clocks; resuming moves the due times by exactly the paused time', async () => {
    const m = await sendMessage({ tenantId, body: '系统一直报错，今天之内必须解决', channel: 'web' });
    const ticket = await api.awaitTicketOf(m.customerId);
    expect(ticket.priority).toBe('P2');
    const before = sla(ticket);
    const paused = await api.ok('POST', `/v1/tickets/${ticket.id as string}/pending`);
    expect(sla(paused).paused).toBe(true);
    const resumed = await api.ok('POST', `/v1/tickets/${ticket.id as string}/reopen`);
    expect(resumed.status).toBe('new');
    const detail = await api.ticket(ticket.id as string);
    const pausedAt = Date.parse(timeline(detail, 'ticket.pending')[0]?.at ?? '');
    const resumedAt = Date.parse(timeline(detail, 'ticket.resumed')[0]?.at ?? '');
    expect(resumedAt).toBeGreaterThan(pausedAt);
    const after = sla(resumed);
    expect(after.paused).toBe(false);
    expect(Date.parse(after.firstResponseDueAt) - Date.parse(before.firstResponseDueAt)).toBe(
      resumedAt - pausedAt,
    );
    expect(Date.parse(after.resolutionDueAt) - Date.parse(before.resolutionDueAt)).toBe(resumedAt - pausedAt);
  });
});

describe('SLA breach across a crash of triage', () => {
  let tap: EventTap;
  let survivor: RunningTriage | undefined;
  let crashed: RunningTriage | undefined;

  afterAll(async () => {
    await tap.stop();
    await survivor?.close();
    await crashed?.close();
    await disconnectProducer();
  }, 60_000);

  it('triage killed and restarted before the deadline still emits exactly one breach, and escalates', async () => {
    const tenant = await newTenant('crash');
    tap = await new EventTap(['triage.tickets.v1'], tenant.tenantId).start();
    crashed = await startTriage(4323);
    const api = new TriageApi(crashed.baseUrl, tenant.key);
    const oneMinute = { firstResponseMinutes: 1, resolutionMinutes: 120, businessHours: false };
    await api.ok('PUT', '/v1/sla-policies/fast', {
      name: 'Fast',
      isDefault: true,
      warningFraction: 0.5,
      targets: { P1: oneMinute, P2: oneMinute, P3: oneMinute, P4: oneMinute },
    });

    const m = await sendMessage({ tenantId: tenant.tenantId, body: '我要退款，重复扣费了', channel: 'web' });
    const ticket = await api.awaitTicketOf(m.customerId);
    const id = ticket.id as string;
    expect(ticket.priority).toBe('P3');
    const dueAt = sla(ticket).firstResponseDueAt;
    expect(Date.parse(dueAt) - Date.parse(ticket.createdAt as string)).toBe(60_000);

    await crashed.close('SIGKILL');
    survivor = await startTriage(4324);
    api.baseUrl = survivor.baseUrl;
    // Back before the deadline: the breach must come from the restarted scheduler, not be lost with the old one.
    expect(Date.now()).toBeLessThan(Date.parse(dueAt));

    const breach = await tap.waitFor('ticket.sla-breached', (e) => e.payload.ticketId === id, 120_000);
    expect(breach.payload).toMatchObject({ clock: 'firstResponse', dueAt, escalatedTo: 'P2' });
    expect(Date.parse(breach.payload.breachedAt)).toBeGreaterThanOrEqual(Date.parse(dueAt));
    const escalated = await api.ticket(id);
    expect(escalated).toMatchObject({
      priority: 'P2',
      prioritySource: 'escalation',
      queue: 'supervisor',
      sla: { breached: { firstResponse: true, resolution: false } },
    });
    expect(timeline(escalated, 'ticket.escalated')[0]?.data).toMatchObject({ from: 'P3', to: 'P2' });

    // Events of one ticket are ordered on its partition: once the resolution is seen, any second breach would have been too.
    await api.ok('POST', `/v1/tickets/${id}/resolve`, {});
    await tap.waitFor('ticket.resolved', (e) => e.payload.ticketId === id);
    expect(new Set(tap.of('ticket.sla-breached', id).map((e) => e.id)).size).toBe(1);
    expect(new Set(tap.of('ticket.sla-warning', id).map((e) => e.id)).size).toBe(1);
    expect(timeline(await api.ticket(id), 'sla.breached')).toHaveLength(1);
    const outbox = await withDatabase(
      async (db) =>
        (
          await db.query(
            `SELECT count(*)::int AS n FROM triage.outbox WHERE message_key = $1 AND event_type = 'ticket.sla-breached'`,
            [id],
          )
        ).rows[0] as { n: number },
    );
    expect(outbox.n).toBe(1);
    await expectEventually(() => expect(tap.invalid).toEqual([]));
  }, 240_000);
});

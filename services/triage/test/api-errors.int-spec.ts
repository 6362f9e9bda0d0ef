import { randomUUID } from 'node:crypto';
import { createTenantKey } from '@helpdesk/testing';
import {
  TriageApi,
  disconnectProducer,
  newTenant,
  sendMessage,
  startTriage,
  type RunningTriage,
} from './support/triage-harness';

jest.setTimeout(60_000);
/** Bad input to every endpoint is a problem+json 4xx naming what is wrong, never a 5xx. */
let triage: RunningTriage;
let api: TriageApi;
let ticketId: string;
let readOnly: TriageApi;

beforeAll(async () => {
  const tenant = await newTenant('errors');
  triage = await startTriage(4351);
  api = new TriageApi(triage.baseUrl, tenant.key);
  readOnly = new TriageApi(triage.baseUrl, await createTenantKey(tenant.tenantId, ['tickets:read']));
  const m = await sendMessage({ tenantId: tenant.tenantId, body: '请问营业时间？', channel: 'web' });
  ticketId = (await api.awaitTicketOf(m.customerId)).id as string;
}, 120_000);

afterAll(async () => {
  await triage.close();
  await disconnectProducer();
}, 60_000);

type Case = [method: string, path: () => string, body: unknown, status: number, field?: string];
type Row = [method: string, path: () => string, body: unknown, status: number, field: string | null];

const unknownTicket = randomUUID();
const week = { mon: [{ start: '09:00', end: '18:00' }] };
const target = { firstResponseMinutes: 30, resolutionMinutes: 240, businessHours: false };
const targets = { P1: target, P2: target, P3: target, P4: target };

const cases: Case[] = [
  ['GET', () => '/v1/tickets?status=bogus', undefined, 400, 'status'],
  ['GET', () => '/v1/tickets?limit=0', undefined, 400, 'limit'],
  ['GET', () => '/v1/tickets?limit=201', undefined, 400, 'limit'],
  ['GET', () => '/v1/tickets?customerId=nope', undefined, 400, 'customerId'],
  ['GET', () => '/v1/tickets?cursor=not-a-cursor', undefined, 400, 'cursor'],
  ['GET', () => '/v1/tickets?unknown=1', undefined, 400],
  ['GET', () => '/v1/tickets/not-a-uuid', undefined, 400, 'id'],
  ['GET', () => `/v1/tickets/${unknownTicket}`, undefined, 404],
  ['POST', () => `/v1/tickets/${ticketId}/replies`, {}, 400, 'body'],
  ['POST', () => `/v1/tickets/${ticketId}/replies`, { body: '', agentId: 'a' }, 400, 'body'],
  ['POST', () => `/v1/tickets/${ticketId}/replies`, { body: 'x'.repeat(20001), agentId: 'a' }, 400, 'body'],
  ['POST', () => `/v1/tickets/${ticketId}/replies`, { body: 'hi', agentId: 'has space' }, 400, 'agentId'],
  [
    'POST',
    () => `/v1/tickets/${ticketId}/replies`,
    { body: 'hi', agentId: 'a', internal: 'yes' },
    400,
    'internal',
  ],
  ['POST', () => `/v1/tickets/${ticketId}/replies`, '{"body":', 400],
  ['POST', () => `/v1/tickets/${unknownTicket}/replies`, { body: 'hi', agentId: 'a' }, 404],
  ['POST', () => `/v1/tickets/${ticketId}/assign`, {}, 400, 'agentId'],
  ['POST', () => `/v1/tickets/${ticketId}/assign`, { agentId: 'nobody' }, 422],
  ['POST', () => `/v1/tickets/${ticketId}/resolve`, { resolutionCode: 5 }, 400, 'resolutionCode'],
  ['POST', () => `/v1/tickets/${ticketId}/resolve`, { extra: true }, 400, 'extra'],
  ['POST', () => `/v1/tickets/${ticketId}/reopen`, undefined, 409],
  ['POST', () => `/v1/tickets/${ticketId}/close`, undefined, 409],
  ['POST', () => `/v1/tickets/not-a-uuid/pending`, undefined, 400, 'id'],
  ['PATCH', () => `/v1/tickets/${ticketId}`, { priority: 'P2' }, 400, 'reason'],
  ['PATCH', () => `/v1/tickets/${ticketId}`, { priority: 'P9', reason: 'x' }, 400, 'priority'],
  ['PATCH', () => `/v1/tickets/${ticketId}`, { reason: 'nothing else' }, 400],
  ['PATCH', () => `/v1/tickets/${ticketId}`, { queue: 'no-such-queue', reason: 'x' }, 422],
  ['POST', () => '/v1/classify', {}, 400, 'body'],
  ['POST', () => '/v1/classify', { body: 42 }, 400, 'body'],
  ['POST', () => '/v1/classify', { body: 'hi', channel: 'fax' }, 400, 'channel'],
  ['POST', () => '/v1/classifier/training', { examples: [{ body: '' }] }, 400, 'examples.0.body'],
  [
    'POST',
    () => '/v1/classifier/training',
    { examples: [{ body: 'a', priority: 'P7' }] },
    400,
    'examples.0.priority',
  ],
  ['POST', () => '/v1/classifier/training', { examples: 'all of them' }, 400, 'examples'],
  ['POST', () => '/v1/classifier/training', { examples: [{ body: 'only one', priority: 'P1' }] }, 422],
  [
    'POST',
    () => '/v1/classifier/training',
    {
      examples: [
        { body: 'a', priority: 'P1' },
        { body: 'b', priority: 'P1' },
        { body: 'c', priority: 'P1' },
        { body: 'd', priority: 'P1' },
      ],
    },
    422,
  ],
  ['POST', () => '/v1/classifier/training', {}, 422],
  [
    'PUT',
    () => '/v1/classifier/lexicon',
    { terms: [{ term: '着火', signal: 'fire', weight: 1 }] },
    400,
    'terms.0.signal',
  ],
  ['PUT', () => '/v1/classifier/lexicon', { negators: [''] }, 400, 'negators'],
  ['PUT', () => '/v1/agents/has%20space', { name: 'x' }, 400, 'id'],
  ['PUT', () => '/v1/agents/a1', { name: 'A' }, 400, 'skills'],
  [
    'PUT',
    () => '/v1/agents/a1',
    {
      name: 'A',
      skills: [{ skill: 'vip', level: 9 }],
      languages: [],
      channels: [],
      maxConcurrent: 1,
      status: 'online',
    },
    400,
    'skills.0.level',
  ],
  [
    'PUT',
    () => '/v1/agents/a1',
    { name: 'A', skills: [], languages: [], channels: ['fax'], maxConcurrent: 1, status: 'online' },
    400,
    'channels',
  ],
  [
    'PUT',
    () => '/v1/agents/a1',
    { name: 'A', skills: [], languages: [], channels: [], maxConcurrent: -1, status: 'busy' },
    400,
    'status',
  ],
  ['GET', () => '/v1/agents/nobody', undefined, 404],
  ['GET', () => '/v1/agents?limit=500', undefined, 400, 'limit'],
  ['PUT', () => '/v1/queues/q1', { skills: [] }, 400, 'name'],
  ['PUT', () => '/v1/queues/q1', { name: 'Q', skills: [''] }, 400, 'skills'],
  ['GET', () => '/v1/queues/nope', undefined, 404],
  ['PUT', () => '/v1/sla-policies/p1', { name: 'P' }, 400, 'targets'],
  [
    'PUT',
    () => '/v1/sla-policies/p1',
    { name: 'P', targets: { ...targets, P4: { ...target, firstResponseMinutes: -5 } } },
    400,
    'targets.P4.firstResponseMinutes',
  ],
  ['PUT', () => '/v1/sla-policies/p1', { name: 'P', targets, warningFraction: 1.5 }, 400, 'warningFraction'],
  ['PUT', () => '/v1/sla-policies/p1', { name: 'P', targets, calendarId: 'missing' }, 422],
  ['GET', () => '/v1/sla-policies/nope', undefined, 404],
  ['PUT', () => '/v1/calendars/c1', { name: 'C', timezone: 'Mars/Olympus', weekly: week }, 400],
  [
    'PUT',
    () => '/v1/calendars/c1',
    {
      name: 'C',
      timezone: 'Asia/Shanghai',
      weekly: {
        mon: [
          { start: '09:00', end: '12:00' },
          { start: '11:00', end: '13:00' },
        ],
      },
    },
    400,
  ],
  [
    'PUT',
    () => '/v1/calendars/c1',
    { name: 'C', timezone: 'Asia/Shanghai', weekly: { mon: [{ start: '18:00', end: '09:00' }] } },
    400,
  ],
  [
    'PUT',
    () => '/v1/calendars/c1',
    { name: 'C', timezone: 'Asia/Shanghai', weekly: { mon: [{ start: '9am', end: '18:00' }] } },
    400,
    'weekly.mon.0.start',
  ],
  [
    'PUT',
    () => '/v1/calendars/c1',
    { name: 'C', timezone: 'Asia/Shanghai', weekly: { funday: [] } },
    400,
    'weekly.funday',
  ],
  [
    'PUT',
    () => '/v1/calendars/c1',
    { name: 'C', timezone: 'Asia/Shanghai', weekly: week, holidays: ['2026-02-30'] },
    400,
  ],
  [
    'PUT',
    () => '/v1/calendars/c1',
    { name: 'C', timezone: 'Asia/Shanghai', weekly: week, holidays: ['next tuesday'] },
    400,
    'holidays',
  ],
  ['GET', () => '/v1/calendars/nope', undefined, 404],
];

describe('bad input', () => {
  // Every row gets all five values: a shorter one would hand the test a `done` callback instead of the field.
  const rows: Row[] = cases.map(([method, path, body, status, field]) => [
    method,
    path,
    body,
    status,
    field ?? null,
  ]);
  it.each(rows)(
    '%s %p %p → %p (%p)',
    async (method, path, body, status, field) => {
      const res = await api.call(method, path(), body);
      expect({ status: res.status, body: res.body }).toMatchObject({ status, body: { status } });
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(res.body).toMatchObject({
        type: expect.stringMatching(/^https:\/\/errors\.helpdesk\.local\//) as string,
        title: expect.any(String) as string,
      });
      if (field)
        expect((res.body.errors as Array<{ field: string }> | undefined)?.map((e) => e.field)).toContain(
          field,
        );
    },
    30_000,
  );

  it('without a key → 401; without the scope → 403', async () => {
    const anonymous = new TriageApi(triage.baseUrl, '');
    for (const [method, path] of [
      ['GET', '/v1/tickets'],
      ['POST', '/v1/classify'],
      ['GET', '/v1/agents'],
      ['GET', '/v1/classifier'],
    ] as const) {
      const res = await anonymous.call(method, path, method === 'POST' ? { body: 'x' } : undefined);
      expect({ path, status: res.status }).toEqual({ path, status: 401 });
    }
    for (const [method, path, body] of [
      ['PUT', '/v1/queues/q1', { name: 'Q', skills: [] }],
      [
        'PUT',
        '/v1/agents/a1',
        { name: 'A', skills: [], languages: [], channels: [], maxConcurrent: 1, status: 'online' },
      ],
      ['POST', `/v1/tickets/${ticketId}/resolve`, {}],
      ['POST', '/v1/classifier/training', {}],
      ['PUT', '/v1/sla-policies/p1', { name: 'P', targets }],
    ] as const) {
      const res = await readOnly.call(method, path, body);
      expect({ path, status: res.status }).toEqual({ path, status: 403 });
      expect(res.headers.get('content-type')).toContain('application/problem+json');
    }
  });
});

import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { Kafka, logLevel, Partitioners, type Producer } from 'kafkajs';
import { EVENTS, loadFixture, type EventType } from '@helpdesk/contracts';
import { createTenantKey, expectEventually, testInfrastructure } from '@helpdesk/testing';
import { verifyWebhookSignature } from '../src/domain/channels/webhook/webhook-signature';
import { IngestionTestApp, query, tenantName, writeServiceLog, type Json } from './support/ingestion-test-app';

/**
 * CRM webhooks end to end: subscriptions over the API, events published to Kafka in their
 * fixture shape, and a local receiver that checks every signature, fails on purpose, and records
 * the order in which events arrive.
 */
jest.setTimeout(60_000);

const HTTP_PORT = 4804;
const SECOND_REPLICA_PORT = 4806;
const RECEIVER_PORT = 4860;
const MAX_ATTEMPTS = 4;
const RECEIVER = `http://127.0.0.1:${RECEIVER_PORT}`;

let svc: IngestionTestApp;
let key: string;
let nonAdminKey: string;
const tenant = tenantName('hooks');

// ---------------------------------------------------------------- the CRM's receiver

interface Hit {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  eventId: string;
  answered: number;
}
const hits: Hit[] = [];
/** The receiver's answer per path, given how often it has already seen this event there. */
const answers = new Map<string, (event: { id: string; type: string }, seenBefore: number) => number>();
/** The secret each path's subscription signs with. */
const secrets = new Map<string, string>();

function startReceiver(): Promise<Server> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = new URL(req.url ?? '/', RECEIVER).pathname;
      const body = Buffer.concat(chunks).toString('utf8');
      // A delivery still being retried for an earlier run's tenant is taken, not counted.
      if (!body.includes(`"tenantId":"${tenant}"`)) {
        res.writeHead(200).end();
        return;
      }
      const eventId = String(req.headers['x-helpdesk-event-id']);
      const seenBefore = hits.filter((h) => h.path === path && h.eventId === eventId).length;
      const type = String(req.headers['x-helpdesk-event-type']);
      const answered = answers.get(path)?.({ id: eventId, type }, seenBefore) ?? 200;
      hits.push({ path, headers: req.headers, body, eventId, answered });
      res.writeHead(answered, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: answered < 300 }));
    });
  });
  return new Promise((resolve) => server.listen(RECEIVER_PORT, '127.0.0.1', () => resolve(server)));
}

const hitsAt = (path: string): Hit[] => hits.filter((h) => h.path === path);

function expectSigned(hit: Hit): void {
  const secret = secrets.get(hit.path);
  const check = verifyWebhookSignature(secret ?? '', hit.body, hit.headers['x-helpdesk-signature'], Date.now() / 1000);
  expect({ path: hit.path, eventId: hit.eventId, check }).toEqual({
    path: hit.path,
    eventId: hit.eventId,
    check: { valid: true, timestamp: expect.any(Number) },
  });
}

// ---------------------------------------------------------------- events as their producers publish them

let producer: Producer | undefined;

interface Published {
  id: string;
  type: EventType;
  aggregateId: string;
  occurredAt: string;
  payload: Json;
}

async function publish(
  type: EventType,
  aggregateId: string,
  payload: Json,
  options: { id?: string; occurredAt?: string; tenantId?: string } = {},
): Promise<Published> {
  if (!producer) {
    const kafka = new Kafka({ brokers: testInfrastructure().kafkaBrokers, clientId: 'ingestion-webhook-tests', logLevel: logLevel.NOTHING });
    producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false });
    await producer.connect();
  }
  const fixture = loadFixture(type);
  const body: Json = { ...fixture.payload, ...payload };
  const envelope = {
    ...fixture,
    id: options.id ?? randomUUID(),
    tenantId: options.tenantId ?? tenant,
    aggregateId,
    correlationId: randomUUID(),
    occurredAt: options.occurredAt ?? new Date().toISOString(),
    payload: body,
  };
  // One event at a time, keyed like the producer: the partition's order is the publishing order.
  // With the headers the outbox relay sets.
  const headers = { 'event-type': envelope.type, 'tenant-id': envelope.tenantId, 'correlation-id': envelope.correlationId };
  await producer.send({ topic: EVENTS[type].topic, acks: -1, messages: [{ key: aggregateId, value: JSON.stringify(envelope), headers }] });
  return { id: envelope.id, type, aggregateId, occurredAt: envelope.occurredAt, payload: envelope.payload };
}

/** The ticket lifecycle in order, as triage emits it. */
async function publishTicketLifecycle(ticketId: string, startAt: number): Promise<Published[]> {
  const steps: EventType[] = ['ticket.created', 'ticket.classified', 'ticket.assigned', 'ticket.pending', 'ticket.resolved'];
  const out: Published[] = [];
  for (const [i, type] of steps.entries())
    out.push(await publish(type, ticketId, { ticketId }, { occurredAt: new Date(startAt + i * 1000).toISOString() }));
  return out;
}

// ---------------------------------------------------------------- API helpers

async function subscribe(path: string, eventTypes: string[], extra: Json = {}): Promise<Json> {
  const res = await svc.call('/v1/webhooks', { method: 'POST', key, json: { url: `${RECEIVER}${path}`, eventTypes, ...extra } });
  expect(res.status).toBe(201);
  secrets.set(path, String(res.body.secret));
  return res.body;
}

async function deliveries(subscriptionId: string, params = ''): Promise<Json[]> {
  const res = await svc.call(`/v1/webhooks/${subscriptionId}/deliveries?limit=200${params}`, { key });
  expect(res.status).toBe(200);
  return res.body.items as Json[];
}

let receiver: Server;
const SERVICE_ENV = {
  WEBHOOK_POLL_MS: '100',
  WEBHOOK_RETRY_BASE_MS: '100',
  WEBHOOK_RETRY_MAX_MS: '400',
  WEBHOOK_MAX_ATTEMPTS: String(MAX_ATTEMPTS),
  WEBHOOK_TIMEOUT_MS: '3000',
};

beforeAll(async () => {
  key = await createTenantKey(tenant, ['admin']);
  nonAdminKey = await createTenantKey(tenant, ['tickets:read', 'customers:read']);
  receiver = await startReceiver();
  svc = await IngestionTestApp.start(HTTP_PORT, SERVICE_ENV);
}, 120_000);

afterAll(async () => {
  await producer?.disconnect();
  await svc?.stop();
  if (svc) writeServiceLog('crm-webhooks', svc.logs());
  await new Promise((resolve) => receiver?.close(resolve));
}, 30_000);

describe('subscriptions', () => {
  it('refuse bad URLs and unknown event types, naming each field', async () => {
    const res = await svc.call('/v1/webhooks', {
      method: 'POST',
      key,
      json: { url: 'ftp://crm.example.com/in', eventTypes: ['ticket.*', 'ticket.exploded', 'message.received'] },
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect((res.body.errors as Json[]).map((e) => e.field)).toEqual(['url', 'eventTypes.1', 'eventTypes.2']);
    const empty = await svc.call('/v1/webhooks', { method: 'POST', key, json: { url: `${RECEIVER}/x`, eventTypes: [] } });
    expect(empty.status).toBe(400);
    const notJson = await svc.call('/v1/webhooks', { method: 'POST', key, json: { url: 42, eventTypes: 'ticket.*' } });
    expect(notJson.status).toBe(400);
  });

  it('are admin-only', async () => {
    const res = await svc.call('/v1/webhooks', { key: nonAdminKey });
    expect(res.status).toBe(403);
    const none = await svc.call('/v1/webhooks');
    expect(none.status).toBe(401);
  });

  it('show the secret once, keep it encrypted, and answer a repeated create with the first answer', async () => {
    const idempotencyKey = `hook-${randomUUID()}`;
    const create = (): Promise<Awaited<ReturnType<typeof svc.call>>> =>
      svc.call('/v1/webhooks', {
        method: 'POST',
        key,
        headers: { 'idempotency-key': idempotencyKey },
        json: { url: `${RECEIVER}/crud`, eventTypes: ['complaint.received', 'ticket.resolved', 'complaint.received'], description: 'CRUD' },
      });
    const first = await create();
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      id: expect.any(String),
      url: `${RECEIVER}/crud`,
      eventTypes: ['complaint.received', 'ticket.resolved'],
      description: 'CRUD',
      active: true,
      secret: expect.stringMatching(/^whsec_[A-Za-z0-9_-]{43}$/),
    });
    expect(first.headers.get('location')).toBe(`/v1/webhooks/${String(first.body.id)}`);
    const again = await create();
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);

    const id = String(first.body.id);
    const secret = String(first.body.secret);
    const read = await svc.call(`/v1/webhooks/${id}`, { key });
    expect(read.status).toBe(200);
    expect(read.body).not.toHaveProperty('secret');
    expect(read.text).not.toContain(secret);
    const rows = await query<{ secret: string; n: string }>(
      `SELECT "secret", count(*) OVER () AS "n" FROM "ingestion"."webhook_subscriptions" WHERE "tenant_id" = $1 AND "url" = $2`,
      [tenant, `${RECEIVER}/crud`],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0].secret).not.toContain(secret.slice(6));
  });

  it('are listed, replaced, rotated and deleted', async () => {
    const created = await subscribe('/crud2', ['complaint.received']);
    const id = String(created.id);
    const list = await svc.call('/v1/webhooks?limit=200', { key });
    expect(list.status).toBe(200);
    expect((list.body.items as Json[]).map((s) => s.id)).toContain(id);
    expect(list.text).not.toContain(String(created.secret));

    const replaced = await svc.call(`/v1/webhooks/${id}`, {
      method: 'PUT',
      key,
      json: { url: `${RECEIVER}/crud2`, eventTypes: ['follow-up.*'], active: false },
    });
    expect(replaced.status).toBe(200);
    expect(replaced.body).toMatchObject({ id, eventTypes: ['follow-up.*'], active: false, description: null });
    expect(replaced.body).not.toHaveProperty('secret');

    const rotated = await svc.call(`/v1/webhooks/${id}`, {
      method: 'PUT',
      key,
      json: { url: `${RECEIVER}/crud2`, eventTypes: ['follow-up.*'], rotateSecret: true },
    });
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).toEqual(expect.stringMatching(/^whsec_/));
    expect(rotated.body.secret).not.toBe(created.secret);

    const missing = await svc.call(`/v1/webhooks/${randomUUID()}`, { method: 'PUT', key, json: { url: `${RECEIVER}/x`, eventTypes: ['*'] } });
    expect(missing.status).toBe(404);
    expect((await svc.call('/v1/webhooks/not-a-uuid', { key })).status).toBe(400);

    expect((await svc.call(`/v1/webhooks/${id}`, { method: 'DELETE', key })).status).toBe(204);
    expect((await svc.call(`/v1/webhooks/${id}`, { key })).status).toBe(404);
    expect((await svc.call(`/v1/webhooks/${id}`, { method: 'DELETE', key })).status).toBe(404);
  });

  it('are documented in /openapi.json', async () => {
    const doc = await svc.call('/openapi.json');
    const paths = doc.body.paths as Record<string, Json>;
    expect(Object.keys(paths)).toEqual(
      expect.arrayContaining([
        '/v1/webhooks',
        '/v1/webhooks/{id}',
        '/v1/webhooks/{id}/deliveries',
        '/v1/webhooks/{id}/deliveries/{deliveryId}',
        '/v1/webhooks/{id}/deliveries/{deliveryId}/replay',
        '/v1/webhooks/{id}/replay',
      ]),
    );
    expect(Object.keys(paths['/v1/webhooks/{id}'])).toEqual(expect.arrayContaining(['get', 'put', 'delete']));
  });
});

describe('deliveries', () => {
  it('are signed, and retried after failures until the CRM accepts them', async () => {
    // The CRM answers 500 twice for every event, then 200.
    answers.set('/crm/flaky', (_event, seenBefore) => (seenBefore < 2 ? 500 : 200));
    const subscription = await subscribe('/crm/flaky', ['customer.*']);
    const customerId = randomUUID();
    const event = await publish('customer.updated', customerId, { customerId, name: '赵敏' });

    const received = await expectEventually(() => {
      const got = hitsAt('/crm/flaky').filter((h) => h.eventId === event.id);
      expect(got.map((h) => h.answered)).toEqual([500, 500, 200]);
      return got;
      // The first run of the consumer group reads the topics from their beginning.
    }, { timeoutMs: 50_000 });
    for (const hit of received) {
      expectSigned(hit);
      expect(hit.headers['x-helpdesk-event-type']).toBe('customer.updated');
      expect(hit.headers['content-type']).toContain('application/json');
      expect(JSON.parse(hit.body)).toEqual({
        id: event.id,
        type: 'customer.updated',
        occurredAt: event.occurredAt,
        tenantId: tenant,
        data: event.payload,
      });
    }

    const [delivery] = await expectEventually(async () => {
      const items = await deliveries(String(subscription.id), '&status=delivered');
      expect(items).toHaveLength(1);
      return items;
    });
    expect(delivery).toMatchObject({
      eventId: event.id,
      eventType: 'customer.updated',
      aggregateId: customerId,
      status: 'delivered',
      attempts: 3,
      lastStatusCode: 200,
      lastError: expect.stringContaining('500'),
      replayOf: null,
    });
    const detail = await svc.call(`/v1/webhooks/${String(subscription.id)}/deliveries/${String(delivery.id)}`, { key });
    expect(detail.status).toBe(200);
    expect((detail.body.attemptLog as Json[]).map((a) => [a.outcome, a.statusCode])).toEqual([
      ['retry', 500],
      ['retry', 500],
      ['delivered', 200],
    ]);
    expect(detail.body.data).toEqual(event.payload);
    expect((await deliveries(String(subscription.id), '&status=failed'))).toEqual([]);
  });

  it('reach only the subscriptions that select the event, once per event', async () => {
    const everything = await subscribe('/crm/all', ['*']);
    const customersOnly = await subscribe('/crm/customers', ['customer.merged']);
    const paused = await subscribe('/crm/paused', ['*'], { active: false });
    const ticketId = randomUUID();
    const survey = await publish('survey.completed', ticketId, { ticketId });
    // The same event handed over twice (a producer retry): still one delivery.
    await publish('survey.completed', ticketId, { ticketId }, { id: survey.id, occurredAt: survey.occurredAt });
    // Same key, same partition: once this one arrives, the two before it were consumed.
    const last = await publish('complaint.received', ticketId, { ticketId });
    await expectEventually(() => expect(hitsAt('/crm/all').map((h) => h.eventId)).toEqual([survey.id, last.id]));

    const rows = await query<{ subscription_id: string; event_id: string }>(
      `SELECT "subscription_id", "event_id" FROM "ingestion"."webhook_deliveries" WHERE "tenant_id" = $1 AND "aggregate_id" = $2`,
      [tenant, ticketId],
    );
    expect(rows.filter((r) => r.subscription_id === everything.id)).toHaveLength(2);
    expect(rows.filter((r) => r.subscription_id === customersOnly.id || r.subscription_id === paused.id)).toEqual([]);
    expect(hitsAt('/crm/customers')).toEqual([]);
    expect(hitsAt('/crm/paused')).toEqual([]);
    hitsAt('/crm/all').forEach(expectSigned);
    for (const s of [everything, customersOnly, paused])
      expect((await svc.call(`/v1/webhooks/${String(s.id)}`, { method: 'DELETE', key })).status).toBe(204);
  });

  it('pass over the events of tenants without a subscription: no inbox row, nothing queued', async () => {
    const everything = await subscribe('/crm/all-again', ['*']);
    const ticketId = randomUUID();
    const unsubscribed = `${tenant}-none`;
    const passed = await publish('survey.completed', ticketId, { ticketId }, { tenantId: unsubscribed });
    // Same key, same partition: once this one is delivered, the one before it was consumed.
    const last = await publish('complaint.received', ticketId, { ticketId });
    await expectEventually(() => expect(hitsAt('/crm/all-again').map((h) => h.eventId)).toEqual([last.id]));

    const inbox = await query<{ event_id: string }>(
      `SELECT "event_id" FROM "ingestion"."inbox" WHERE "consumer" LIKE '%ingestion.crm-webhooks' AND "event_id" = ANY($1::uuid[])`,
      [[passed.id, last.id]],
    );
    expect(inbox.map((r) => r.event_id)).toEqual([last.id]);
    const queued = await query<{ n: number }>(`SELECT count(*)::int AS "n" FROM "ingestion"."webhook_deliveries" WHERE "tenant_id" = $1`, [unsubscribed]);
    expect(queued[0].n).toBe(0);
    expect((await svc.call(`/v1/webhooks/${String(everything.id)}`, { method: 'DELETE', key })).status).toBe(204);
  });
});

describe('ordering per ticket', () => {
  let ordered: Json;
  let first: Published[];
  let second: Published[];
  const ticketA = randomUUID();
  const ticketB = randomUUID();
  const startAt = Date.parse('2026-01-05T08:00:00.000Z');

  it('holds later events of a ticket back until the first one, failed at first, is delivered', async () => {
    // The CRM fails the first delivery of ticket A's first event once. Tickets A and B are on different
    // partitions, so which ticket's first delivery comes first is not ordered: the failure names its event.
    answers.set('/crm/ordered', (event, seenBefore) => (event.id === first?.[0]?.id && seenBefore === 0 ? 500 : 200));
    ordered = await subscribe('/crm/ordered', ['ticket.*']);
    first = await publishTicketLifecycle(ticketA, startAt);
    second = await publishTicketLifecycle(ticketB, startAt + 60_000);

    await expectEventually(() => expect(hitsAt('/crm/ordered').filter((h) => h.answered === 200)).toHaveLength(10));
    const ofA = hitsAt('/crm/ordered').filter((h) => first.some((e) => e.id === h.eventId));
    expect(ofA.map((h) => [h.eventId, h.answered])).toEqual([
      [first[0].id, 500],
      [first[0].id, 200],
      ...first.slice(1).map((e) => [e.id, 200]),
    ]);
    const ofB = hitsAt('/crm/ordered').filter((h) => second.some((e) => e.id === h.eventId));
    expect(ofB.map((h) => h.eventId)).toEqual(second.map((e) => e.id));
    expect(ofA.map((h) => (JSON.parse(h.body) as Json).type)).toEqual([
      'ticket.created',
      'ticket.created',
      'ticket.classified',
      'ticket.assigned',
      'ticket.pending',
      'ticket.resolved',
    ]);
    hitsAt('/crm/ordered').forEach(expectSigned);

    const queueA = (await deliveries(String(ordered.id))).filter((d) => d.aggregateId === ticketA);
    // Queued in one transaction, deliveries can share a creation millisecond: the queue's order is the sequence.
    const bySequence = [...queueA].sort((a, b) => Number(a.sequence) - Number(b.sequence));
    expect(bySequence.map((d) => [d.sequence, d.eventId, d.status])).toEqual(first.map((e, i) => [i + 1, e.id, 'delivered']));
  });

  it('replays a time range in the original order of each ticket', async () => {
    const before = hitsAt('/crm/ordered').length;
    // Ticket A's last three events and ticket B's first two.
    const from = first[2].occurredAt;
    const to = second[2].occurredAt;
    const res = await svc.call(`/v1/webhooks/${String(ordered.id)}/replay`, { method: 'POST', key, json: { from, to } });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ replayed: 5, from, to });
    await expectEventually(() => expect(hitsAt('/crm/ordered').length - before).toBe(5));
    const replayed = hitsAt('/crm/ordered').slice(before);
    expect(replayed.filter((h) => h.eventId !== second[0].id && h.eventId !== second[1].id).map((h) => h.eventId)).toEqual(
      first.slice(2).map((e) => e.id),
    );
    expect(replayed.filter((h) => h.eventId === second[0].id || h.eventId === second[1].id).map((h) => h.eventId)).toEqual([
      second[0].id,
      second[1].id,
    ]);
    replayed.forEach(expectSigned);
    const copies = await deliveries(String(ordered.id), `&eventId=${first[4].id}`);
    expect(copies.map((d) => d.replayOf === null)).toEqual([false, true]);
    // Ticket A's queue held 5 deliveries; its three replays took 6, 7 and 8.
    expect(copies[0]).toMatchObject({ status: 'delivered', replayOf: copies[1].id, sequence: 8 });
  });

  it('refuses an empty or inverted range and bad times', async () => {
    const path = `/v1/webhooks/${String(ordered.id)}/replay`;
    const inverted = await svc.call(path, { method: 'POST', key, json: { from: second[0].occurredAt, to: first[0].occurredAt } });
    expect(inverted.status).toBe(400);
    const garbage = await svc.call(path, { method: 'POST', key, json: { from: 'yesterday', to: 'now' } });
    expect(garbage.status).toBe(400);
    expect((garbage.body.errors as Json[]).map((e) => e.field).sort()).toEqual(['from', 'to']);
    const unknown = await svc.call(`/v1/webhooks/${randomUUID()}/replay`, { method: 'POST', key, json: { from: first[0].occurredAt, to: second[0].occurredAt } });
    expect(unknown.status).toBe(404);
  });
});

describe('dead letters', () => {
  it('give up after the last attempt, let the next event of the ticket through, and can be replayed', async () => {
    let down = true;
    answers.set('/crm/down', () => (down ? 503 : 200));
    const subscription = await subscribe('/crm/down', ['survey.*']);
    const ticketId = randomUUID();
    const requested = await publish('survey.requested', ticketId, { ticketId });
    const completed = await publish('survey.completed', ticketId, { ticketId });

    const failed = await expectEventually(async () => {
      const items = await deliveries(String(subscription.id), '&status=failed');
      expect(items).toHaveLength(2);
      return items;
    });
    for (const d of failed) expect(d).toMatchObject({ attempts: MAX_ATTEMPTS, lastStatusCode: 503, lastError: expect.stringContaining('503') });
    // Every attempt of the first event came before any of the second.
    expect(hitsAt('/crm/down').map((h) => h.eventId)).toEqual([
      ...Array.from({ length: MAX_ATTEMPTS }, () => requested.id),
      ...Array.from({ length: MAX_ATTEMPTS }, () => completed.id),
    ]);
    hitsAt('/crm/down').forEach(expectSigned);

    down = false;
    const original = failed.find((d) => d.eventId === requested.id);
    const replay = await svc.call(`/v1/webhooks/${String(subscription.id)}/deliveries/${String(original?.id)}/replay`, {
      method: 'POST',
      key,
      headers: { 'idempotency-key': `replay-${randomUUID()}` },
    });
    expect(replay.status).toBe(202);
    expect(replay.body).toMatchObject({ eventId: requested.id, replayOf: original?.id, status: 'pending', sequence: 3 });
    await expectEventually(() => expect(hitsAt('/crm/down').filter((h) => h.answered === 200).map((h) => h.eventId)).toEqual([requested.id]));
    expectSigned(hitsAt('/crm/down').at(-1) as Hit);
    await expectEventually(async () =>
      expect(await deliveries(String(subscription.id), '&status=delivered')).toEqual([
        expect.objectContaining({ id: replay.body.id, attempts: 1, lastStatusCode: 200 }),
      ]),
    );

    const notFound = await svc.call(`/v1/webhooks/${String(subscription.id)}/deliveries/${randomUUID()}/replay`, { method: 'POST', key });
    expect(notFound.status).toBe(404);
  });
});

describe('two replicas', () => {
  let second: IngestionTestApp | undefined;

  beforeAll(async () => {
    second = await IngestionTestApp.start(SECOND_REPLICA_PORT, SERVICE_ENV);
  }, 120_000);

  afterAll(async () => {
    await second?.stop();
    if (second) writeServiceLog('crm-webhooks-replica', second.logs());
  }, 30_000);

  it('keep every ticket in order while both consume and send', async () => {
    // Every ticket's first event fails once, so each queue has to wait on its head.
    answers.set('/crm/replicas', (event, seenBefore) => (event.type === 'ticket.created' && seenBefore === 0 ? 500 : 200));
    await subscribe('/crm/replicas', ['ticket.*']);
    const tickets = Array.from({ length: 6 }, () => randomUUID());
    const published = new Map<string, Published[]>();
    for (const [i, ticketId] of tickets.entries()) published.set(ticketId, await publishTicketLifecycle(ticketId, Date.now() + i * 10_000));

    await expectEventually(() => expect(hitsAt('/crm/replicas').filter((h) => h.answered === 200)).toHaveLength(tickets.length * 5), {
      timeoutMs: 40_000,
    });
    for (const ticketId of tickets) {
      const events = published.get(ticketId) ?? [];
      const ofTicket = hitsAt('/crm/replicas').filter((h) => events.some((e) => e.id === h.eventId));
      expect(ofTicket.map((h) => [h.eventId, h.answered])).toEqual([
        [events[0].id, 500],
        [events[0].id, 200],
        ...events.slice(1).map((e) => [e.id, 200]),
      ]);
    }
    hitsAt('/crm/replicas').forEach(expectSigned);
  });
});

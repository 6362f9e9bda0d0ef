import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { REPO_ROOT, ServiceProcess, callJson as call, createTenantKey, expectEventually, type Json } from '@helpdesk/testing';

// Each test waits for its effects up to expectEventually's 20 s: the test itself may take as long.
jest.setTimeout(60_000);

/**
 * End to end over real processes, Kafka, PostgreSQL and Redis: a message accepted by ingestion
 * becomes a ticket in triage and the ticket id flows back to the message.
 */
// Info logs so the shutdown report ("outbox flushed") can be checked.
const env = { LOG_LEVEL: 'info' };
const ingestion = new ServiceProcess('ingestion', 4101, env);
const triage = new ServiceProcess('triage', 4102, env);
const knowledge = new ServiceProcess('knowledge', 4103, env);
const feedback = new ServiceProcess('feedback', 4104, env);
const all = [ingestion, triage, knowledge, feedback];

let keyA: string;
let keyB: string;
const tenantA = `e2e-a-${randomUUID().slice(0, 8)}`;
const tenantB = `e2e-b-${randomUUID().slice(0, 8)}`;


function postRaw(url: string, key: string, body: string): Promise<{ status: number; contentType: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      res.resume();
      resolve({ status: res.statusCode ?? 0, contentType: String(res.headers['content-type'] ?? '') });
    });
    req.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE' && err.code !== 'ECONNRESET') reject(err);
    });
    // If the connection closed before any response, this rejects (after a resolve it is a no-op).
    req.on('close', () => reject(new Error('connection closed without a response')));
    // The server refuses by the declared Content-Length alone. Sending the headers first and the
    // body only if no answer came avoids a reset racing the 413 (a reset discards unread data).
    let answered = false;
    req.once('response', () => (answered = true));
    req.flushHeaders();
    setTimeout(() => (answered ? req.destroy() : req.end(body)), 1000);
  });
}

const message = (over: Json = {}): string =>
  JSON.stringify({ channel: 'web', customer: { email: `c-${randomUUID().slice(0, 8)}@example.com` }, body: '我的订单一直没有发货，请帮忙查一下', ...over });

async function ticketOf(messageId: string, key: string, timeoutMs = 30_000): Promise<string> {
  return expectEventually(
    async () => {
      const res = await call(ingestion.baseUrl, `/v1/messages/${messageId}`, { key });
      expect(res.status).toBe(200);
      expect(typeof res.body.ticketId).toBe('string');
      return res.body.ticketId as string;
    },
    { timeoutMs },
  );
}

beforeAll(async () => {
  [keyA, keyB] = await Promise.all([createTenantKey(tenantA), createTenantKey(tenantB)]);
  await Promise.all(all.map((s) => s.start()));
}, 180_000);

afterAll(async () => {
  // A service that died on its own before the stop is named with how it ended, not just missing a log line.
  expect(all.map((s) => ({ service: s.service, exited: s.exited }))).toEqual(all.map((s) => ({ service: s.service, exited: undefined })));
  const exits = await Promise.all(all.map((s) => s.stop()));
  mkdirSync(join(REPO_ROOT, 'reports'), { recursive: true });
  for (const s of all) writeFileSync(join(REPO_ROOT, 'reports', `e2e-${s.service}.log`), s.logs());
  // Graceful shutdown: on SIGTERM each service left its consumer groups and flushed its outbox.
  expect(exits.map((e) => e.killed)).toEqual([false, false, false, false]);
  for (const [i, s] of all.entries()) {
    const flushed = s.logs().includes('outbox flushed');
    expect({ service: s.service, flushed, ...(flushed ? {} : { exit: exits[i] }) }).toEqual({ service: s.service, flushed: true });
  }
}, 60_000);

describe('walking skeleton', () => {
  it('every service is healthy and serves its OpenAPI document', async () => {
    for (const s of all) {
      const ready = await call(s.baseUrl, '/health/ready');
      expect(ready.status).toBe(200);
      const doc = await call(s.baseUrl, '/openapi.json');
      expect(doc.status).toBe(200);
      expect(doc.body.openapi).toMatch(/^3\./);
      const metrics = await fetch(`${s.baseUrl}/metrics`);
      expect(await metrics.text()).toContain('outbox_backlog');
    }
  });

  it('a message becomes a ticket readable on triage, and the message shows its ticket', async () => {
    const accepted = await call(ingestion.baseUrl, '/v1/messages', { method: 'POST', key: keyA, body: message({ subject: '订单未发货' }) });
    expect(accepted.status).toBe(202);
    expect(accepted.body.status).toBe('accepted');
    const ticketId = await ticketOf(accepted.body.messageId as string, keyA);
    const ticket = await call(triage.baseUrl, `/v1/tickets/${ticketId}`, { key: keyA });
    expect(ticket.status).toBe(200);
    expect(ticket.body).toMatchObject({
      id: ticketId,
      customerId: accepted.body.customerId,
      conversationId: accepted.body.conversationId,
      channel: 'web',
      subject: '订单未发货',
      language: 'zh',
      status: 'new',
    });
    expect(['P1', 'P2', 'P3', 'P4']).toContain(ticket.body.priority);
    expect((ticket.body.messages as unknown[]).length).toBe(1);
    const listed = await call(triage.baseUrl, `/v1/tickets?customerId=${accepted.body.customerId as string}`, { key: keyA });
    expect((listed.body.items as Json[]).map((t) => t.id)).toEqual([ticketId]);
  });

  it('a repeated Idempotency-Key creates nothing new; the same key with another body is a 409', async () => {
    const key = randomUUID();
    const body = message();
    const first = await call(ingestion.baseUrl, '/v1/messages', { method: 'POST', key: keyA, body, headers: { 'idempotency-key': key } });
    const again = await call(ingestion.baseUrl, '/v1/messages', { method: 'POST', key: keyA, body, headers: { 'idempotency-key': key } });
    expect(first.status).toBe(202);
    expect(again.status).toBe(202);
    expect(again.body.messageId).toBe(first.body.messageId);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    await ticketOf(first.body.messageId as string, keyA);
    const tickets = await call(triage.baseUrl, `/v1/tickets?customerId=${first.body.customerId as string}`, { key: keyA });
    expect((tickets.body.items as unknown[]).length).toBe(1);
    const conflict = await call(ingestion.baseUrl, '/v1/messages', { method: 'POST', key: keyA, body: message({ body: 'different' }), headers: { 'idempotency-key': key } });
    expect(conflict.status).toBe(409);
    expect(conflict.headers.get('content-type')).toContain('application/problem+json');
  });

  it('a follow-up in the same conversation joins its open ticket', async () => {
    const email = `follow-${randomUUID().slice(0, 8)}@example.com`;
    const first = await call(ingestion.baseUrl, '/v1/messages', { method: 'POST', key: keyA, body: message({ customer: { email } }) });
    const t1 = await ticketOf(first.body.messageId as string, keyA);
    const second = await call(ingestion.baseUrl, '/v1/messages', { method: 'POST', key: keyA, body: message({ customer: { email }, channel: 'app', body: '还有，快递单号是多少？' }) });
    expect(second.body.conversationId).toBe(first.body.conversationId);
    expect(await ticketOf(second.body.messageId as string, keyA)).toBe(t1);
  });

  it('bad input gets problem+json 4xx, never a 5xx', async () => {
    const cases: Array<[string, RequestInit & { key?: string }, number]> = [
      ['/v1/messages', { method: 'POST', key: keyA, body: '{"channel":"web",' }, 400],
      ['/v1/messages', { method: 'POST', key: keyA, body: JSON.stringify({ channel: 'web', body: 'hi' }) }, 400],
      ['/v1/messages', { method: 'POST', key: keyA, body: JSON.stringify({ channel: 'fax', customer: { email: 'a@b.cn' }, body: 'hi' }) }, 400],
      ['/v1/messages', { method: 'POST', key: keyA, body: message({ customer: { phone: 'not a phone' } }) }, 400],
      ['/v1/messages', { method: 'POST', body: message() }, 401],
      ['/v1/messages', { method: 'POST', key: 'wrong-key-123', body: message() }, 401],
      ['/v1/messages/not-a-uuid', { key: keyA }, 400],
      // Deep nesting once exhausted the stack in validation and answered 500.
      ['/v1/messages', { method: 'POST', key: keyA, body: `{"channel":"web","metadata":${'['.repeat(20_000)}${']'.repeat(20_000)}}` }, 400],
      ['/v1/messages', { method: 'POST', key: keyA, body: `${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}` }, 400],
    ];
    for (const [path, init, status] of cases) {
      const res = await call(ingestion.baseUrl, path, init);
      expect({ path, status: res.status }).toEqual({ path, status });
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(res.body).toMatchObject({ status, title: expect.any(String) as string, type: expect.any(String) as string });
    }
    // 5 MB: the server answers 413 and closes while the client may still be sending, so read the
    // response with node:http, which reports it even when the rest of the upload is refused.
    const oversize = await postRaw(`${ingestion.baseUrl}/v1/messages`, keyA, message({ body: 'x'.repeat(5 * 1024 * 1024) }));
    expect(oversize.status).toBe(413);
    expect(oversize.contentType).toContain('application/problem+json');
    const missing = await call(ingestion.baseUrl, '/v1/messages', { method: 'POST', key: keyA, body: JSON.stringify({ channel: 'web', body: 'hi' }) });
    expect((missing.body.errors as Json[]).map((e) => e.field)).toContain('customer');
  });

  it("a key of tenant B cannot read tenant A's ticket or message", async () => {
    const accepted = await call(ingestion.baseUrl, '/v1/messages', { method: 'POST', key: keyA, body: message() });
    const ticketId = await ticketOf(accepted.body.messageId as string, keyA);
    expect((await call(triage.baseUrl, `/v1/tickets/${ticketId}`, { key: keyB })).status).toBe(404);
    expect((await call(ingestion.baseUrl, `/v1/messages/${accepted.body.messageId as string}`, { key: keyB })).status).toBe(404);
    const list = await call(triage.baseUrl, '/v1/tickets', { key: keyB });
    expect((list.body.items as Json[]).some((t) => t.id === ticketId)).toBe(false);
  });

  it('messages accepted while Kafka is down each become exactly one ticket after it returns', async () => {
    const infra = join(REPO_ROOT, 'deploy', 'local', 'infra.sh');
    execFileSync('bash', [infra, 'kafka-stop'], { stdio: 'inherit' });
    // The drill only means something if the broker really went away (it must be the one this checkout started).
    const down = await fetch(`${ingestion.baseUrl}/health/ready`).then((r) => r.json() as Promise<{ checks: { kafka: { status: string } } }>);
    if (down.checks.kafka.status !== 'down') {
      execFileSync('bash', [infra, 'kafka-start'], { stdio: 'inherit' });
      throw new Error('Kafka is still up after kafka-stop: it was not started by deploy/local/infra.sh of this checkout');
    }
    const accepted: Json[] = [];
    try {
      for (let i = 0; i < 10; i++) {
        const res = await call(ingestion.baseUrl, '/v1/messages', { method: 'POST', key: keyA, body: message({ body: `outage message ${i}` }) });
        expect(res.status).toBe(202);
        accepted.push(res.body);
      }
    } finally {
      execFileSync('bash', [infra, 'kafka-start'], { stdio: 'inherit' });
    }
    const ticketIds = await Promise.all(accepted.map((a) => ticketOf(a.messageId as string, keyA, 90_000)));
    expect(new Set(ticketIds).size).toBe(10);
    for (const a of accepted) {
      const list = await call(triage.baseUrl, `/v1/tickets?customerId=${a.customerId as string}`, { key: keyA });
      expect((list.body.items as unknown[]).length).toBe(1);
    }
    for (const s of all) {
      await expectEventually(async () => expect((await call(s.baseUrl, '/health/ready')).status).toBe(200), { timeoutMs: 60_000 });
    }
  }, 180_000);
});

import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { PROTO_DIR } from '@helpdesk/contracts';
import { createTenantKey } from '@helpdesk/testing';
import { IngestionTestApp, query, tenantName, writeServiceLog, type Json } from './support/ingestion-test-app';

/**
 * `ingestion.v1.Ingestion/SubmitMessage` called with a real gRPC client, loading the same proto,
 * against the running service: same validation, auth, idempotency and stored result as POST /v1/messages.
 */
jest.setTimeout(30_000);

const HTTP_PORT = 4803;
const GRPC_PORT = 4850;

let svc: IngestionTestApp;
let key: string;
let readOnlyKey: string;
const tenant = tenantName('grpc');
/** A fresh tenant with a tiny per-minute limit (RATE_LIMIT_OVERRIDES); every other tenant keeps the defaults. */
const limitedTenant = tenantName('grpc-rl');
const TENANT_LIMIT = 4;
let limitedKey: string;

type IngestionClient = grpc.Client;
let client: IngestionClient;
let method: grpc.MethodDefinition<object, Json>;

type Outcome = { ok: true; response: Json; headers?: grpc.Metadata } | { ok: false; error: grpc.ServiceError };

function submit(request: object, apiKey?: string): Promise<Outcome> {
  const metadata = new grpc.Metadata();
  if (apiKey) metadata.set('authorization', `Bearer ${apiKey}`);
  return new Promise((resolve) => {
    let headers: grpc.Metadata | undefined;
    const call = client.makeUnaryRequest(
      method.path,
      method.requestSerialize,
      method.responseDeserialize,
      request,
      metadata,
      { deadline: Date.now() + 10_000 },
      (error, response) => resolve(error ? { ok: false, error } : { ok: true, response: response ?? {}, headers }),
    );
    call.on('metadata', (m: grpc.Metadata) => (headers = m));
  });
}

function problemOf(error: grpc.ServiceError): Json {
  const raw = error.metadata.get('problem-json')[0];
  return typeof raw === 'string' ? (JSON.parse(raw) as Json) : {};
}

async function expectOk(outcome: Promise<Outcome>): Promise<Json> {
  const result = await outcome;
  if (!result.ok) throw new Error(`expected success, got ${result.error.code}: ${result.error.details}`);
  return result.response;
}

async function expectError(outcome: Promise<Outcome>): Promise<grpc.ServiceError> {
  const result = await outcome;
  if (result.ok) throw new Error(`expected an error, got ${JSON.stringify(result.response)}`);
  return result.error;
}

const message = (overrides: Json = {}): Json => ({
  channel: 'api',
  customer: { externalId: `CRM-${randomUUID().slice(0, 8)}`, name: '王芳', tier: 'vip' },
  subject: '发票开错了',
  body: '上个月的发票抬头写错了，请帮忙重开。',
  language: 'zh',
  attachments: [{ filename: 'invoice.pdf', contentType: 'application/pdf', size: '20480', url: 'https://files.example.com/i.pdf' }],
  metadata: { source: 'partner-portal' },
  ...overrides,
});

beforeAll(async () => {
  key = await createTenantKey(tenant, ['messages:write', 'customers:read']);
  readOnlyKey = await createTenantKey(tenant, ['customers:read']);
  limitedKey = await createTenantKey(limitedTenant, ['messages:write', 'customers:read']);
  svc = await IngestionTestApp.start(HTTP_PORT, {
    GRPC_PORT: String(GRPC_PORT),
    RATE_LIMIT_OVERRIDES: JSON.stringify({ [limitedTenant]: TENANT_LIMIT }),
  });
  const definition = protoLoader.loadSync(join(PROTO_DIR, 'helpdesk', 'ingestion.proto'), {
    keepCase: false,
    longs: String,
    enums: String,
    defaults: true,
    oneofs: true,
  });
  const service = definition['ingestion.v1.Ingestion'] as grpc.ServiceDefinition;
  method = service.SubmitMessage as grpc.MethodDefinition<object, Json>;
  client = new grpc.Client(`127.0.0.1:${GRPC_PORT}`, grpc.credentials.createInsecure());
}, 120_000);

afterAll(async () => {
  client?.close();
  await svc?.stop();
  if (svc) writeServiceLog('grpc-submit', svc.logs());
}, 30_000);

it('accepts a message and stores it as POST /v1/messages would', async () => {
  const sent = message();
  const res = await expectOk(submit(sent, key));
  expect(res).toEqual({
    messageId: expect.stringMatching(/^[0-9a-f-]{36}$/),
    conversationId: expect.stringMatching(/^[0-9a-f-]{36}$/),
    customerId: expect.stringMatching(/^[0-9a-f-]{36}$/),
    status: 'accepted',
  });
  const stored = await svc.call(`/v1/messages/${String(res.messageId)}`, { key });
  expect(stored.status).toBe(200);
  expect(stored.body).toMatchObject({
    id: res.messageId,
    conversationId: res.conversationId,
    customerId: res.customerId,
    channel: 'api',
    subject: '发票开错了',
    body: '上个月的发票抬头写错了，请帮忙重开。',
    language: 'zh',
    attachments: [expect.objectContaining({ filename: 'invoice.pdf', size: 20480 })],
    metadata: expect.objectContaining({ source: 'partner-portal' }),
  });
  const customer = await svc.call(`/v1/customers/${String(res.customerId)}`, { key });
  expect(customer.body).toMatchObject({ name: '王芳', tier: 'vip' });
});

it('answers the same idempotency key with the same ids and stores one message', async () => {
  const idempotencyKey = `grpc-${randomUUID()}`;
  const body = `重复提交测试 ${randomUUID()}`;
  const sent = message({ body, idempotencyKey });
  const first = await expectOk(submit(sent, key));
  const again = await expectOk(submit(sent, key));
  expect(again.messageId).toBe(first.messageId);
  expect(again.conversationId).toBe(first.conversationId);
  const rows = await query(`SELECT "id" FROM "ingestion"."messages" WHERE "tenant_id" = $1 AND "body" = $2`, [tenant, body]);
  expect(rows).toHaveLength(1);
});

it('replays a REST request and the gRPC request carrying the same key and content alike', async () => {
  const idempotencyKey = `both-${randomUUID()}`;
  const sent = {
    channel: 'web',
    customer: { email: `zhao.${randomUUID().slice(0, 6)}@example.com` },
    body: '网页上提交的问题，再从网关转发一次',
  };
  const rest = await svc.call('/v1/messages', { method: 'POST', key, json: sent, headers: { 'idempotency-key': idempotencyKey } });
  expect(rest.status).toBe(202);
  const viaGrpc = await expectOk(submit({ ...sent, idempotencyKey }, key));
  expect(viaGrpc.messageId).toBe(rest.body.messageId);
});

it('refuses an idempotency key reused with a different message', async () => {
  const idempotencyKey = `reuse-${randomUUID()}`;
  await expectOk(submit(message({ idempotencyKey }), key));
  const error = await expectError(submit(message({ idempotencyKey, body: '另一条完全不同的消息' }), key));
  expect(error.code).toBe(grpc.status.FAILED_PRECONDITION);
  expect(problemOf(error)).toMatchObject({ status: 409 });
});

it('answers invalid input with INVALID_ARGUMENT and the field errors of the REST API', async () => {
  const error = await expectError(
    submit(message({ channel: 'fax', body: '', conversationId: 'not-a-uuid', occurredAt: 'yesterday' }), key),
  );
  expect(error.code).toBe(grpc.status.INVALID_ARGUMENT);
  const problem = problemOf(error);
  expect(problem).toMatchObject({ status: 400 });
  const fields = (problem.errors as Json[]).map((e) => e.field);
  expect(fields).toEqual(expect.arrayContaining(['channel', 'body', 'conversationId', 'occurredAt']));
  const rest = await svc.call('/v1/messages', {
    method: 'POST',
    key,
    json: { ...message({ channel: 'fax', body: '', conversationId: 'not-a-uuid', occurredAt: 'yesterday' }), attachments: undefined },
  });
  expect(rest.status).toBe(400);
  expect(new Set((rest.body.errors as Json[]).map((e) => e.field))).toEqual(new Set(fields));
});

it('refuses a message without a customer or without any identifier', async () => {
  const noCustomer = await expectError(submit(message({ customer: undefined }), key));
  expect(noCustomer.code).toBe(grpc.status.INVALID_ARGUMENT);
  expect((problemOf(noCustomer).errors as Json[]).map((e) => e.field)).toContain('customer');
  const noIdentifier = await expectError(submit(message({ customer: { name: '无名' } }), key));
  expect(noIdentifier.code).toBe(grpc.status.INVALID_ARGUMENT);
});

it('answers UNAUTHENTICATED without a key or with an unknown one', async () => {
  const none = await expectError(submit(message()));
  expect(none.code).toBe(grpc.status.UNAUTHENTICATED);
  expect(problemOf(none)).toMatchObject({ status: 401 });
  const unknown = await expectError(submit(message(), 'test_not-a-real-key'));
  expect(unknown.code).toBe(grpc.status.UNAUTHENTICATED);
});

it('answers PERMISSION_DENIED to a key without messages:write and stores nothing', async () => {
  const body = `无权限 ${randomUUID()}`;
  const error = await expectError(submit(message({ body }), readOnlyKey));
  expect(error.code).toBe(grpc.status.PERMISSION_DENIED);
  expect(problemOf(error)).toMatchObject({ status: 403 });
  const rows = await query(`SELECT "id" FROM "ingestion"."messages" WHERE "tenant_id" = $1 AND "body" = $2`, [tenant, body]);
  expect(rows).toHaveLength(0);
});

it('refuses a tenant past its limit with RESOURCE_EXHAUSTED and retry-after, stores nothing, and leaves other tenants alone', async () => {
  const started = Date.now();
  for (let i = 0; i < TENANT_LIMIT; i++) {
    const result = await submit(message(), limitedKey);
    if (!result.ok) throw new Error(`call ${i + 1} of ${TENANT_LIMIT} refused: ${result.error.code}: ${result.error.details}`);
    expect(result.headers?.get('ratelimit-limit')).toEqual([String(TENANT_LIMIT)]);
    expect(result.headers?.get('ratelimit-remaining')).toEqual([String(TENANT_LIMIT - 1 - i)]);
  }
  const body = `超出限额 ${randomUUID()}`;
  const error = await expectError(submit(message({ body }), limitedKey));
  const elapsedSeconds = (Date.now() - started) / 1000;
  expect(error.code).toBe(grpc.status.RESOURCE_EXHAUSTED);
  expect(problemOf(error)).toMatchObject({ status: 429, type: 'https://errors.helpdesk.local/rate-limited' });
  // 4 per minute refills one request every 15 s, less what refilled while the four calls ran.
  const retryAfter = Number(error.metadata.get('retry-after')[0]);
  expect(Number.isInteger(retryAfter)).toBe(true);
  expect(retryAfter).toBeGreaterThanOrEqual(Math.floor(60 / TENANT_LIMIT - elapsedSeconds));
  expect(retryAfter).toBeLessThanOrEqual(60 / TENANT_LIMIT);
  expect(error.metadata.get('ratelimit-limit')).toEqual([String(TENANT_LIMIT)]);
  expect(error.metadata.get('ratelimit-remaining')).toEqual(['0']);
  const reset = Number(error.metadata.get('ratelimit-reset')[0]);
  expect(reset).toBeGreaterThanOrEqual(retryAfter);
  expect(reset).toBeLessThanOrEqual(60);
  const rows = await query(`SELECT "id" FROM "ingestion"."messages" WHERE "tenant_id" = $1 AND "body" = $2`, [limitedTenant, body]);
  expect(rows).toHaveLength(0);

  // The same buckets as the REST API: the tenant is refused there too.
  const rest = await svc.call(`/v1/customers/${randomUUID()}`, { key: limitedKey });
  expect(rest.status).toBe(429);

  const other = await submit(message(), key);
  if (!other.ok) throw new Error(`other tenant refused: ${other.error.code}: ${other.error.details}`);
  expect(Number(other.headers?.get('ratelimit-remaining')[0])).toBeGreaterThan(100);
});

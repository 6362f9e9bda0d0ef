import { randomUUID } from 'node:crypto';
import { ServiceProcess, createTenantKey, expectEventually } from '@helpdesk/testing';

/** Keys issued on one service work on every service (replicated over Kafka), and revocation too. */
const tenant = `keys-${randomUUID().slice(0, 8)}`;
const ingestion = new ServiceProcess('ingestion', 4120);
const triage = new ServiceProcess('triage', 4121);
let adminKey: string;

type Json = Record<string, unknown>;
async function call(base: string, path: string, key: string, init: RequestInit = {}): Promise<{ status: number; body: Json }> {
  const res = await fetch(`${base}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${key}`, ...(init.body ? { 'content-type': 'application/json' } : {}) },
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Json) : {} };
}

beforeAll(async () => {
  adminKey = await createTenantKey(tenant, ['admin']);
  await Promise.all([ingestion.start(), triage.start()]);
}, 120_000);

afterAll(async () => {
  await Promise.all([ingestion.stop(), triage.stop()]);
});

it('issues a scoped key shown once, replicates it, attributes its use, rotates and revokes it everywhere', async () => {
  const created = await call(ingestion.baseUrl, '/v1/api-keys', adminKey, { method: 'POST', body: JSON.stringify({ name: 'crm', scopes: ['tickets:read'] }) });
  expect(created.status).toBe(201);
  const key = created.body.key as string;
  expect(key).toMatch(/^hk_/);

  // Usable on another service once the key event has been consumed there.
  await expectEventually(async () => expect((await call(triage.baseUrl, '/v1/tickets', key)).status).toBe(200));
  // Scopes hold: this key may not write messages.
  expect((await call(ingestion.baseUrl, '/v1/messages', key, { method: 'POST', body: '{}' })).status).toBe(403);

  const listed = await call(ingestion.baseUrl, '/v1/api-keys', adminKey);
  const entry = (listed.body.items as Json[]).find((k) => k.id === created.body.id);
  expect(entry).toMatchObject({ name: 'crm', scopes: ['tickets:read'], revokedAt: null });
  expect(entry).not.toHaveProperty('key');
  expect(entry).not.toHaveProperty('hash');
  expect(typeof entry?.lastUsedAt).toBe('string');

  const rotated = await call(ingestion.baseUrl, `/v1/api-keys/${created.body.id as string}/rotate`, adminKey, { method: 'POST', body: '{}' });
  expect(rotated.status).toBe(201);
  const newKey = rotated.body.key as string;
  await expectEventually(async () => {
    expect((await call(triage.baseUrl, '/v1/tickets', newKey)).status).toBe(200);
    expect((await call(triage.baseUrl, '/v1/tickets', key)).status).toBe(401);
  }, { timeoutMs: 60_000 });

  const revoked = await call(ingestion.baseUrl, `/v1/api-keys/${rotated.body.id as string}`, adminKey, { method: 'DELETE' });
  expect(revoked.status).toBe(204);
  await expectEventually(async () => expect((await call(triage.baseUrl, '/v1/tickets', newKey)).status).toBe(401), { timeoutMs: 60_000 });

  expect((await call(ingestion.baseUrl, '/v1/api-keys', adminKey, { method: 'POST', body: JSON.stringify({ name: 'x', scopes: ['root'] }) })).status).toBe(400);
  expect((await call(ingestion.baseUrl, '/v1/api-keys/nope/rotate', adminKey, { method: 'POST', body: '{}' })).status).toBe(404);
}, 120_000);

import { randomUUID } from 'node:crypto';
import { ServiceProcess, createTenantKey } from '@helpdesk/testing';

/** Per-tenant token buckets in Redis: a tenant over its limit gets 429, others are unaffected. */
const limitedTenant = `rl-a-${randomUUID().slice(0, 8)}`;
const otherTenant = `rl-b-${randomUUID().slice(0, 8)}`;
const ingestion = new ServiceProcess('ingestion', 4110, { RATE_LIMIT_OVERRIDES: JSON.stringify({ [limitedTenant]: 6 }) });
let limitedKey: string;
let otherKey: string;

beforeAll(async () => {
  [limitedKey, otherKey] = await Promise.all([createTenantKey(limitedTenant), createTenantKey(otherTenant)]);
  await ingestion.start();
}, 120_000);

afterAll(async () => {
  await ingestion.stop();
});

const get = (key: string): Promise<Response> =>
  fetch(`${ingestion.baseUrl}/v1/messages/${randomUUID()}`, { headers: { authorization: `Bearer ${key}` } });

it('answers 429 with Retry-After and RateLimit headers past the tenant limit, and leaves other tenants alone', async () => {
  const statuses: number[] = [];
  let limited: Response | undefined;
  for (let i = 0; i < 8; i++) {
    const res = await get(limitedKey);
    statuses.push(res.status);
    if (res.status === 429) {
      limited = res;
      break;
    }
    expect(res.headers.get('ratelimit-limit')).toBe('6');
  }
  // Six requests fit the bucket (404: no such message), the seventh is refused.
  expect(statuses).toEqual([404, 404, 404, 404, 404, 404, 429]);
  expect(limited?.headers.get('content-type')).toContain('application/problem+json');
  // 6 per minute refills one request every 10 s.
  const retryAfter = Number(limited?.headers.get('retry-after'));
  expect(retryAfter).toBeGreaterThanOrEqual(9);
  expect(retryAfter).toBeLessThanOrEqual(10);
  expect(limited?.headers.get('ratelimit-remaining')).toBe('0');

  const other = await get(otherKey);
  expect(other.status).toBe(404);
  expect(Number(other.headers.get('ratelimit-remaining'))).toBeGreaterThan(100);
});

it('still accepts channel traffic (e-mail, phone) from a tenant over its limit: queued, never lost', async () => {
  const throttled = await get(limitedKey);
  expect(throttled.status).toBe(429);
  const email = [
    'From: Wang Fang <wang.fang@example.com>',
    'To: support@example.com',
    `Message-ID: <${randomUUID()}@example.com>`,
    'Subject: order 88231',
    'Content-Type: text/plain; charset=utf-8',
    '',
    '我的订单还没到。',
  ].join('\r\n');
  const accepted = await fetch(`${ingestion.baseUrl}/v1/channels/email/inbound`, {
    method: 'POST',
    headers: { authorization: `Bearer ${limitedKey}`, 'content-type': 'message/rfc822' },
    body: email,
  });
  expect(accepted.status).toBe(202);
  const call = await fetch(`${ingestion.baseUrl}/v1/channels/phone/events`, {
    method: 'POST',
    headers: { authorization: `Bearer ${limitedKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ callId: randomUUID(), event: 'call.started', from: '+8613800138000', to: '+864001234567', at: new Date().toISOString() }),
  });
  expect(call.status).toBeLessThan(300);
});

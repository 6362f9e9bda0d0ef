import { ProblemException } from './problem';
import { RateLimiter, rateLimitExceeded, rateLimitVerdict, type BucketResult, type ScriptRunner } from './rate-limit';

const bucket = (overrides: Partial<BucketResult> = {}): BucketResult => ({ allowed: true, limit: 600, remaining: 500, retryAfterMs: 0, resetMs: 10_000, ...overrides });

describe('rateLimitVerdict', () => {
  it('reports the bucket with fewer requests left while both allow', () => {
    const verdict = rateLimitVerdict([bucket({ limit: 600, remaining: 590 }), bucket({ limit: 10, remaining: 3, resetMs: 42_001 })]);
    expect(verdict).toEqual({
      allowed: true,
      limit: 10,
      headers: { 'RateLimit-Limit': '10', 'RateLimit-Remaining': '3', 'RateLimit-Reset': '43' },
    });
  });

  it('refuses when any bucket refused, with Retry-After in whole seconds rounded up', () => {
    const verdict = rateLimitVerdict([bucket({ remaining: 590 }), bucket({ allowed: false, limit: 6, remaining: 0, retryAfterMs: 9_001, resetMs: 59_001 })]);
    expect(verdict).toEqual({
      allowed: false,
      limit: 6,
      headers: { 'RateLimit-Limit': '6', 'RateLimit-Remaining': '0', 'RateLimit-Reset': '60' },
      retryAfterSeconds: 10,
    });
  });

  it('waits for the slower bucket when both refused, and never says retry after 0 s', () => {
    const both = rateLimitVerdict([bucket({ allowed: false, limit: 60, remaining: 0, retryAfterMs: 500 }), bucket({ allowed: false, limit: 4, remaining: 0, retryAfterMs: 14_200 })]);
    expect(both).toMatchObject({ allowed: false, limit: 4, retryAfterSeconds: 15 });
    expect(rateLimitVerdict([bucket({ allowed: false, remaining: 0, retryAfterMs: 1 })]).retryAfterSeconds).toBe(1);
    expect(rateLimitVerdict([bucket({ allowed: false, remaining: -1, retryAfterMs: 0 })])).toMatchObject({ retryAfterSeconds: 1, headers: { 'RateLimit-Remaining': '0' } });
  });
});

describe('rateLimitExceeded', () => {
  it('is a 429 problem carrying Retry-After and the RateLimit headers', () => {
    const error = rateLimitExceeded(rateLimitVerdict([bucket({ allowed: false, limit: 6, remaining: 0, retryAfterMs: 9_500, resetMs: 60_000 })]));
    expect(error).toBeInstanceOf(ProblemException);
    expect(error.status).toBe(429);
    expect(error.toProblem()).toMatchObject({ status: 429, type: 'https://errors.helpdesk.local/rate-limited' });
    expect(error.headers).toEqual({ 'RateLimit-Limit': '6', 'RateLimit-Remaining': '0', 'RateLimit-Reset': '60', 'Retry-After': '10' });
  });
});

describe('RateLimiter.admit', () => {
  const settings = { perKeyPerMinute: 600, perTenantPerMinute: 3000, overrides: { small: 5 } };

  it("takes a token from the key's and the tenant's bucket in one call, with per-tenant overrides", async () => {
    const calls: Array<{ numkeys: number; args: string[] }> = [];
    const redis: ScriptRunner = {
      eval: (_script, numkeys, ...args) => {
        calls.push({ numkeys, args });
        return Promise.resolve([1, 598, 0, 200, 0, 0, 11_000, 60_000]);
      },
    };
    const verdict = await new RateLimiter(redis, settings, () => 1_000).admit({ keyId: 'k-1', tenantId: 'small' });
    expect(calls).toEqual([{ numkeys: 2, args: ['rl:key:k-1', 'rl:tenant:small', '600', '5', '1000'] }]);
    expect(verdict).toEqual({
      allowed: false,
      limit: 5,
      headers: { 'RateLimit-Limit': '5', 'RateLimit-Remaining': '0', 'RateLimit-Reset': '60' },
      retryAfterSeconds: 11,
    });
  });

  it('lets the request pass (null) when Redis is unreachable', async () => {
    const redis: ScriptRunner = { eval: () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:6379')) };
    await expect(new RateLimiter(redis, settings).admit({ keyId: 'k-1', tenantId: 't' })).resolves.toBeNull();
  });
});

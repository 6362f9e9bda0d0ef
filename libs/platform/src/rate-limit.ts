import { SetMetadata, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Reflector } from '@nestjs/core';
import type { FastifyReply } from 'fastify';
import type { AuthContext, AuthenticatedRequest } from './auth';
import { ProblemException } from './problem';

const SKIP_RATE_LIMIT = 'helpdesk:skip-rate-limit';

/** Channel webhooks are accepted and queued, never throttled into data loss. */
export const SkipRateLimit = (): MethodDecorator & ClassDecorator => SetMetadata(SKIP_RATE_LIMIT, true);

export interface RateLimitSettings {
  perKeyPerMinute: number;
  perTenantPerMinute: number;
  /** Per-tenant (or per-key id) overrides of the per-minute limits. */
  overrides: Record<string, number>;
}

export interface BucketResult {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Milliseconds until one more request is allowed (0 when allowed). */
  retryAfterMs: number;
  /** Milliseconds until the bucket is full again. */
  resetMs: number;
}

// Token buckets refilled continuously at limit/60 s; each bucket's state is [tokens, updatedAtMs]. KEYS are
// the buckets, ARGV their capacities and then the time: every bucket of a request in one atomic round trip.
const TOKEN_BUCKETS = `
local now = tonumber(ARGV[#KEYS + 1])
local out = {}
for i, key in ipairs(KEYS) do
  local capacity = tonumber(ARGV[i])
  local rate = capacity / 60000
  local state = redis.call('HMGET', key, 'tokens', 'at')
  local tokens = tonumber(state[1]) or capacity
  local at = tonumber(state[2]) or now
  tokens = math.min(capacity, tokens + math.max(0, now - at) * rate)
  local allowed = 0
  if tokens >= 1 then
    tokens = tokens - 1
    allowed = 1
  end
  redis.call('HSET', key, 'tokens', tokens, 'at', now)
  redis.call('PEXPIRE', key, 120000)
  local retry = 0
  if allowed == 0 then retry = math.ceil((1 - tokens) / rate) end
  local reset = math.ceil((capacity - tokens) / rate)
  table.insert(out, allowed)
  table.insert(out, math.floor(tokens))
  table.insert(out, retry)
  table.insert(out, reset)
end
return out
`;

/** What one request is told: the binding bucket's RateLimit-* headers, and Retry-After when refused. */
export interface RateLimitVerdict {
  allowed: boolean;
  /** Requests per minute of the binding bucket. */
  limit: number;
  headers: { 'RateLimit-Limit': string; 'RateLimit-Remaining': string; 'RateLimit-Reset': string };
  /** Whole seconds (rounded up, at least 1) until a retry can pass; only when refused. */
  retryAfterSeconds?: number;
}

/**
 * The tighter bucket decides: when one refused, the refusing bucket that frees up last (a retry has to pass
 * both); otherwise the one with fewer requests left.
 */
export function rateLimitVerdict(results: readonly BucketResult[]): RateLimitVerdict {
  if (results.length === 0) throw new Error('rateLimitVerdict needs at least one bucket');
  const denied = results.filter((r) => !r.allowed);
  const binding =
    denied.length > 0
      ? denied.reduce((a, b) => (b.retryAfterMs > a.retryAfterMs ? b : a))
      : results.reduce((a, b) => (b.remaining < a.remaining ? b : a));
  const headers = {
    'RateLimit-Limit': String(binding.limit),
    'RateLimit-Remaining': String(Math.max(0, binding.remaining)),
    'RateLimit-Reset': String(Math.ceil(binding.resetMs / 1000)),
  };
  if (denied.length === 0) return { allowed: true, limit: binding.limit, headers };
  return { allowed: false, limit: binding.limit, headers, retryAfterSeconds: Math.max(1, Math.ceil(binding.retryAfterMs / 1000)) };
}

/** The refusal, as HTTP 429 (and, through the gRPC host, RESOURCE_EXHAUSTED) with Retry-After and RateLimit-*. */
export function rateLimitExceeded(verdict: RateLimitVerdict): ProblemException {
  return new ProblemException(
    429,
    `rate limit of ${verdict.limit} requests per minute exceeded`,
    undefined,
    { ...verdict.headers, 'Retry-After': String(verdict.retryAfterSeconds ?? 1) },
    'rate-limited',
  );
}

/** The one Redis command the limiter runs; ioredis' `Redis` is one. */
export interface ScriptRunner {
  eval(script: string, numkeys: number, ...args: string[]): Promise<unknown>;
}

export class RateLimiter {
  constructor(
    private readonly redis: ScriptRunner,
    private readonly settings: RateLimitSettings,
    private readonly now: () => number = Date.now,
  ) {}

  limitFor(scope: 'key' | 'tenant', id: string): number {
    return this.settings.overrides[id] ?? (scope === 'key' ? this.settings.perKeyPerMinute : this.settings.perTenantPerMinute);
  }

  /** A token from each bucket, in one round trip. */
  async take(buckets: ReadonlyArray<{ scope: 'key' | 'tenant'; id: string }>): Promise<BucketResult[]> {
    const limits = buckets.map((b) => this.limitFor(b.scope, b.id));
    const raw = (await this.redis.eval(
      TOKEN_BUCKETS,
      buckets.length,
      ...buckets.map((b) => `rl:${b.scope}:${b.id}`),
      ...limits.map(String),
      String(this.now()),
    )) as number[];
    return limits.map((limit, i) => ({
      allowed: raw[4 * i] === 1,
      limit,
      remaining: raw[4 * i + 1],
      retryAfterMs: raw[4 * i + 2],
      resetMs: raw[4 * i + 3],
    }));
  }

  /**
   * One request of an authenticated caller: a token from its key's and its tenant's bucket. Null when Redis
   * is unreachable: the request then passes (availability first). Shared by the HTTP guard and the gRPC host.
   */
  async admit(auth: Pick<AuthContext, 'keyId' | 'tenantId'>): Promise<RateLimitVerdict | null> {
    let results: BucketResult[];
    try {
      results = await this.take([
        { scope: 'key', id: auth.keyId },
        { scope: 'tenant', id: auth.tenantId },
      ]);
    } catch {
      return null;
    }
    return rateLimitVerdict(results);
  }
}

/**
 * Per-key and per-tenant token buckets in Redis, shared by every replica. Answers 429 with
 * Retry-After and RateLimit-* headers; if Redis is unreachable requests pass (availability first).
 * gRPC calls are limited by the same RateLimiter in GrpcHost, right after their authentication.
 */
export class RateLimitGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly limiter: RateLimiter,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    if (this.reflector.getAllAndOverride<boolean>(SKIP_RATE_LIMIT, [context.getHandler(), context.getClass()])) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const auth = request.auth;
    if (!auth) return true;
    const verdict = await this.limiter.admit(auth);
    if (!verdict) return true;
    if (!verdict.allowed) throw rateLimitExceeded(verdict);
    void context.switchToHttp().getResponse<FastifyReply>().headers(verdict.headers);
    return true;
  }
}

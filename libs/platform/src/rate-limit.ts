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

// Token bucket refilled continuously at limit/60 s; state is [tokens, updatedAtMs]. One round trip, atomic.
const TOKEN_BUCKET = `
local capacity = tonumber(ARGV[1])
local now = tonumber(ARGV[2])
local rate = capacity / 60000
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1]) or capacity
local at = tonumber(state[2]) or now
tokens = math.min(capacity, tokens + math.max(0, now - at) * rate)
local allowed = 0
if tokens >= 1 then
  tokens = tokens - 1
  allowed = 1
end
redis.call('HSET', KEYS[1], 'tokens', tokens, 'at', now)
redis.call('PEXPIRE', KEYS[1], 120000)
local retry = 0
if allowed == 0 then retry = math.ceil((1 - tokens) / rate) end
local reset = math.ceil((capacity - tokens) / rate)
return { allowed, math.floor(tokens), retry, reset }
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

  async take(scope: 'key' | 'tenant', id: string): Promise<BucketResult> {
    const limit = this.limitFor(scope, id);
    const raw = (await this.redis.eval(TOKEN_BUCKET, 1, `rl:${scope}:${id}`, String(limit), String(this.now()))) as [number, number, number, number];
    return { allowed: raw[0] === 1, limit, remaining: raw[1], retryAfterMs: raw[2], resetMs: raw[3] };
  }

  /**
   * One request of an authenticated caller: a token from its key's and its tenant's bucket. Null when Redis
   * is unreachable: the request then passes (availability first). Shared by the HTTP guard and the gRPC host.
   */
  async admit(auth: Pick<AuthContext, 'keyId' | 'tenantId'>): Promise<RateLimitVerdict | null> {
    let results: BucketResult[];
    try {
      results = await Promise.all([this.take('key', auth.keyId), this.take('tenant', auth.tenantId)]);
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

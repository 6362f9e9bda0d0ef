import { SetMetadata, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Reflector } from '@nestjs/core';
import type { FastifyReply } from 'fastify';
import type { Redis } from 'ioredis';
import type { AuthenticatedRequest } from './auth';
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

export class RateLimiter {
  constructor(
    private readonly redis: Redis,
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
}

/**
 * Per-key and per-tenant token buckets in Redis, shared by every replica. Answers 429 with
 * Retry-After and RateLimit-* headers; if Redis is unreachable requests pass (availability first).
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
    let results: BucketResult[];
    try {
      results = await Promise.all([this.limiter.take('key', auth.keyId), this.limiter.take('tenant', auth.tenantId)]);
    } catch {
      return true;
    }
    // Report the tighter of the two buckets.
    const binding = results.reduce((a, b) => (!b.allowed && a.allowed ? b : b.remaining < a.remaining ? b : a));
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    const headers = {
      'RateLimit-Limit': String(binding.limit),
      'RateLimit-Remaining': String(Math.max(0, binding.remaining)),
      'RateLimit-Reset': String(Math.ceil(binding.resetMs / 1000)),
    };
    const denied = results.find((r) => !r.allowed);
    if (denied) {
      const retryAfter = String(Math.max(1, Math.ceil(denied.retryAfterMs / 1000)));
      throw new ProblemException(429, `rate limit of ${denied.limit} requests per minute exceeded`, undefined, { ...headers, 'Retry-After': retryAfter }, 'rate-limited');
    }
    void reply.headers(headers);
    return true;
  }
}

import type { Redis } from 'ioredis';
import type { RebuildStatus, RebuildStatusStore } from '../application/rebuild-metrics.usecase';

/** Rebuild statuses in Redis: short-lived state any replica can answer from. */
export class RedisRebuildStatusStore implements RebuildStatusStore {
  constructor(private readonly redis: Redis) {}

  private key(tenantId: string, rebuildId: string): string {
    return `feedback:metrics-rebuild:${tenantId}:${rebuildId}`;
  }

  async save(status: RebuildStatus, ttlSeconds: number): Promise<void> {
    await this.redis.set(
      this.key(status.tenantId, status.rebuildId),
      JSON.stringify(status),
      'EX',
      ttlSeconds,
    );
  }

  async find(tenantId: string, rebuildId: string): Promise<RebuildStatus | null> {
    const raw = await this.redis.get(this.key(tenantId, rebuildId));
    return raw === null ? null : (JSON.parse(raw) as RebuildStatus);
  }
}

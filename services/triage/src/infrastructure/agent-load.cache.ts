import { Injectable } from '@nestjs/common';
import { ServiceInfrastructure } from '@helpdesk/platform';

const TTL_SECONDS = 24 * 3600;

/**
 * Agents' load in Redis, shared by replicas: a fast hint for ordering candidates (it sees loads other
 * replicas just took) — never the arbiter. The conditional update on the agents table decides.
 */
@Injectable()
export class AgentLoadCache {
  constructor(private readonly infra: ServiceInfrastructure) {}

  private key(tenantId: string): string {
    return `triage:agent-load:${tenantId}`;
  }

  /** Loads the hint holds for these agents; an unreachable Redis means no hints, not an error. */
  async loads(tenantId: string, agentIds: readonly string[]): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    if (agentIds.length === 0) return out;
    try {
      const values = await this.infra.redis.hmget(this.key(tenantId), ...agentIds);
      agentIds.forEach((id, i) => {
        const n = Number(values[i]);
        if (values[i] !== null && Number.isFinite(n)) out.set(id, n);
      });
    } catch {
      // Redis down: route on the database alone.
    }
    return out;
  }

  /** Records the load the database just returned for an agent. */
  set(tenantId: string, agentId: string, load: number): void {
    const key = this.key(tenantId);
    void this.infra.redis
      .multi()
      .hset(key, agentId, String(load))
      .expire(key, TTL_SECONDS)
      .exec()
      .catch(() => undefined);
  }
}

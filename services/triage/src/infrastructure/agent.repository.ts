import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { decodeCursor, encodeCursor, forgetInTransaction, memoInTransaction, updateReturning } from '@helpdesk/persistence';
import type { Agent, AgentSkill, AgentStatus } from '../domain/routing';

interface AgentRow {
  tenant_id: string;
  id: string;
  name: string;
  skills: AgentSkill[];
  languages: string[];
  channels: string[];
  max_concurrent: number;
  status: AgentStatus;
  active_count: number;
  status_changed_at: Date;
  created_at: Date;
  updated_at: Date;
}

/** An agent as stored: the routing view plus bookkeeping times. */
export interface StoredAgent extends Agent {
  statusChangedAt: string;
  createdAt: string;
  updatedAt: string;
}

export interface AgentSettings {
  name: string;
  skills: readonly AgentSkill[];
  languages: readonly string[];
  channels: readonly string[];
  maxConcurrent: number;
  status: AgentStatus;
}

const toAgent = (r: AgentRow): StoredAgent => ({
  id: r.id,
  name: r.name,
  skills: r.skills,
  languages: r.languages,
  channels: r.channels,
  maxConcurrent: r.max_concurrent,
  status: r.status,
  activeCount: r.active_count,
  statusChangedAt: r.status_changed_at.toISOString(),
  createdAt: r.created_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
});

/**
 * Agents and their capacity. `active_count` is the truth about load: it only moves through the
 * conditional updates below, inside the transaction that assigns or releases the ticket.
 */
@Injectable()
export class AgentRepository {
  constructor(private readonly dataSource: DataSource) {}

  async find(
    tenantId: string,
    id: string,
    manager: EntityManager = this.dataSource.manager,
    forUpdate = false,
  ): Promise<StoredAgent | null> {
    const rows: AgentRow[] = await manager.query(
      `SELECT * FROM "triage"."agents" WHERE "tenant_id" = $1 AND "id" = $2${forUpdate ? ' FOR UPDATE' : ''}`,
      [tenantId, id],
    );
    return rows[0] ? toAgent(rows[0]) : null;
  }

  /** Creates or replaces an agent's settings; the load counter is left alone. Returns the previous status. */
  async upsert(
    manager: EntityManager,
    tenantId: string,
    id: string,
    s: AgentSettings,
  ): Promise<{ agent: StoredAgent; previousStatus: AgentStatus | null }> {
    forgetInTransaction(manager, `triage.skills:${tenantId}`);
    forgetInTransaction(manager, `triage.roster:${tenantId}`);
    const before: Array<{ status: AgentStatus }> = await manager.query(
      `SELECT "status" FROM "triage"."agents" WHERE "tenant_id" = $1 AND "id" = $2 FOR UPDATE`,
      [tenantId, id],
    );
    const rows: AgentRow[] = await manager.query(
      `INSERT INTO "triage"."agents" ("tenant_id", "id", "name", "skills", "languages", "channels", "max_concurrent", "status")
       VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7, $8)
       ON CONFLICT ("tenant_id", "id") DO UPDATE SET "name" = EXCLUDED."name", "skills" = EXCLUDED."skills", "languages" = EXCLUDED."languages",
         "channels" = EXCLUDED."channels", "max_concurrent" = EXCLUDED."max_concurrent", "status" = EXCLUDED."status",
         "status_changed_at" = CASE WHEN "agents"."status" = EXCLUDED."status" THEN "agents"."status_changed_at" ELSE now() END,
         "updated_at" = now()
       RETURNING *`,
      [
        tenantId,
        id,
        s.name,
        JSON.stringify(s.skills),
        [...s.languages],
        [...s.channels],
        s.maxConcurrent,
        s.status,
      ],
    );
    const row = rows[0];
    if (!row) throw new Error('agent upsert returned nothing');
    return { agent: toAgent(row), previousStatus: before[0]?.status ?? null };
  }

  async list(
    tenantId: string,
    limit: number,
    cursor?: string,
  ): Promise<{ items: StoredAgent[]; nextCursor: string | null }> {
    const values: unknown[] = [tenantId];
    let after = '';
    if (cursor) {
      values.push(decodeCursor(cursor).id);
      after = ` AND "id" > $${values.length}`;
    }
    values.push(limit + 1);
    const rows: AgentRow[] = await this.dataSource.query(
      `SELECT * FROM "triage"."agents" WHERE "tenant_id" = $1${after} ORDER BY "id" LIMIT $${values.length}`,
      values,
    );
    const items = rows.slice(0, limit).map(toAgent);
    const last = items[items.length - 1];
    return {
      items,
      nextCursor: rows.length > limit && last ? encodeCursor({ at: last.createdAt, id: last.id }) : null,
    };
  }

  /** Every agent of the tenant, for routing decisions (read without locks; the updates below arbitrate). */
  async roster(manager: EntityManager, tenantId: string): Promise<StoredAgent[]> {
    // Once per transaction until it changes an agent: a load changed meanwhile by another replica only
    // makes reserve() refuse that agent, and the dispatcher hands waiting tickets to capacity freed later.
    return memoInTransaction(manager, `triage.roster:${tenantId}`, async () => {
      const rows: AgentRow[] = await manager.query(
        `SELECT * FROM "triage"."agents" WHERE "tenant_id" = $1 ORDER BY "id"`,
        [tenantId],
      );
      return rows.map(toAgent);
    });
  }

  /** Distinct skills of the tenant's agents, lower-cased: a category's specialist is only sought when one exists. */
  async knownSkills(manager: EntityManager, tenantId: string): Promise<ReadonlySet<string>> {
    // Once per transaction: skills change only when an agent is saved (which forgets it).
    return memoInTransaction(manager, `triage.skills:${tenantId}`, async () => {
      const rows: Array<{ skill: string }> = await manager.query(
        `SELECT DISTINCT lower(s->>'skill') AS "skill" FROM "triage"."agents", jsonb_array_elements("skills") s WHERE "tenant_id" = $1`,
        [tenantId],
      );
      return new Set(rows.map((r) => r.skill));
    });
  }

  /**
   * Takes one unit of the agent's capacity if there is one left: the arbiter between replicas. Returns the
   * new load, or null when the agent is full (or not online, when required) or unknown.
   */
  async reserve(
    manager: EntityManager,
    tenantId: string,
    agentId: string,
    requireOnline: boolean,
  ): Promise<number | null> {
    forgetInTransaction(manager, `triage.roster:${tenantId}`);
    const rows = await updateReturning<{ active_count: number }>(
      manager,
      `UPDATE "triage"."agents" SET "active_count" = "active_count" + 1, "updated_at" = now()
       WHERE "tenant_id" = $1 AND "id" = $2 AND "active_count" < "max_concurrent"${requireOnline ? ` AND "status" = 'online'` : ''}
       RETURNING "active_count"`,
      [tenantId, agentId],
    );
    return rows[0]?.active_count ?? null;
  }

  /** Gives back one unit of capacity (ticket resolved, reassigned, released). Returns the new load. */
  async release(manager: EntityManager, tenantId: string, agentId: string): Promise<number | null> {
    forgetInTransaction(manager, `triage.roster:${tenantId}`);
    const rows = await updateReturning<{ active_count: number }>(
      manager,
      `UPDATE "triage"."agents" SET "active_count" = GREATEST("active_count" - 1, 0), "updated_at" = now()
       WHERE "tenant_id" = $1 AND "id" = $2 RETURNING "active_count"`,
      [tenantId, agentId],
    );
    return rows[0]?.active_count ?? null;
  }

  /** Tenants with an online agent who has room and at least one ticket waiting: the dispatcher's work list. */
  async tenantsWithWork(limit: number): Promise<string[]> {
    const rows: Array<{ tenant_id: string }> = await this.dataSource.query(
      `SELECT DISTINCT a."tenant_id" FROM "triage"."agents" a
       WHERE a."status" = 'online' AND a."active_count" < a."max_concurrent"
         AND EXISTS (SELECT 1 FROM "triage"."tickets" t WHERE t."tenant_id" = a."tenant_id" AND t."status" = 'new' AND t."assignee_id" IS NULL)
       LIMIT $1`,
      [limit],
    );
    return rows.map((r) => r.tenant_id);
  }
}

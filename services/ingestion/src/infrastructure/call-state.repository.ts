import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { CallState } from '../domain/channels/phone/call-aggregator';

/** CTI call state between events; Postgres is the truth, rows are locked while an event is applied. */
@Injectable()
export class CallStateRepository {
  /** Locks the call's row (creating an empty one first), so concurrent events of one call apply in turn. */
  async lock(manager: EntityManager, tenantId: string, callId: string): Promise<CallState | null> {
    await manager.query(
      `INSERT INTO "ingestion"."call_states" ("tenant_id", "call_id") VALUES ($1, $2) ON CONFLICT ("tenant_id", "call_id") DO NOTHING`,
      [tenantId, callId],
    );
    const rows: Array<{ state: CallState | null }> = await manager.query(
      `SELECT "state" FROM "ingestion"."call_states" WHERE "tenant_id" = $1 AND "call_id" = $2 FOR UPDATE`,
      [tenantId, callId],
    );
    return rows[0]?.state ?? null;
  }

  async save(
    manager: EntityManager,
    tenantId: string,
    state: CallState,
    nextDueAt: string | null,
  ): Promise<void> {
    await manager.query(
      `UPDATE "ingestion"."call_states" SET "state" = $3::jsonb, "next_due_at" = $4, "updated_at" = now() WHERE "tenant_id" = $1 AND "call_id" = $2`,
      [tenantId, state.callId, JSON.stringify(state), nextDueAt],
    );
  }

  /** Calls waiting for their settle time to pass, locked for this worker. */
  async lockDue(
    manager: EntityManager,
    limit: number,
  ): Promise<Array<{ tenantId: string; state: CallState }>> {
    const rows: Array<{ tenant_id: string; state: CallState }> = await manager.query(
      `SELECT "tenant_id", "state" FROM "ingestion"."call_states" WHERE "next_due_at" IS NOT NULL AND "next_due_at" <= now() AND "state" IS NOT NULL
       ORDER BY "next_due_at" LIMIT $1 FOR UPDATE SKIP LOCKED`,
      [limit],
    );
    return rows.map((r) => ({ tenantId: r.tenant_id, state: r.state }));
  }
}

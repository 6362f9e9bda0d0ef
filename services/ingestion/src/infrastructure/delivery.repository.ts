import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { DeliveryAttempt, StoredMessage } from '../domain/message';
import { toMessage, type MessageRow } from './ingestion.repository';
import { updateReturning } from '@helpdesk/persistence';

/**
 * Outbound delivery state, driven from Postgres: due replies are claimed with a lease (a crashed
 * worker's claim expires and the reply is picked up again), each attempt is logged.
 */
@Injectable()
export class DeliveryRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Claims due replies of every tenant for this worker until `leaseMs` from now. */
  async claimDue(limit: number, leaseMs: number): Promise<StoredMessage[]> {
    const rows = await updateReturning<MessageRow>(
      this.dataSource.manager,
      `UPDATE "ingestion"."messages" SET "delivery_status" = 'sending', "next_attempt_at" = now() + ($2::int * interval '1 millisecond')
       WHERE "id" IN (
         SELECT "id" FROM "ingestion"."messages"
         WHERE "delivery_status" IN ('queued', 'sending', 'retrying') AND "next_attempt_at" <= now()
         ORDER BY "next_attempt_at" LIMIT $1 FOR UPDATE SKIP LOCKED)
       RETURNING *`,
      [limit, leaseMs],
    );
    return rows.map(toMessage);
  }

  /**
   * Records an attempt's result if the claim is still ours (same attempt count, still sending);
   * false when another worker took over after the lease ran out.
   */
  async recordResult(
    manager: EntityManager,
    message: Pick<StoredMessage, 'tenantId' | 'id' | 'deliveryAttempts'>,
    result:
      | { outcome: 'delivered' }
      | { outcome: 'retry'; at: Date; errorCode: string; error: string }
      | { outcome: 'failed'; errorCode: string; error: string },
  ): Promise<boolean> {
    const attempt = message.deliveryAttempts + 1;
    const error =
      result.outcome === 'delivered' ? null : `${result.errorCode}: ${result.error}`.slice(0, 2000);
    const updated = await updateReturning<{ id: string }>(
      manager,
      `UPDATE "ingestion"."messages" SET "delivery_attempts" = $3, "last_attempt_at" = now(), "delivery_status" = $4::varchar,
         "delivery_error" = $5, "next_attempt_at" = $6, "delivered_at" = CASE WHEN $4::varchar = 'delivered' THEN now() ELSE NULL END
       WHERE "tenant_id" = $1 AND "id" = $2 AND "delivery_status" = 'sending' AND "delivery_attempts" = $3 - 1 RETURNING "id"`,
      [
        message.tenantId,
        message.id,
        attempt,
        result.outcome === 'delivered' ? 'delivered' : result.outcome === 'retry' ? 'retrying' : 'failed',
        error,
        result.outcome === 'retry' ? result.at : null,
      ],
    );
    if (updated.length === 0) return false;
    await manager.query(
      `INSERT INTO "ingestion"."delivery_attempts" ("id", "tenant_id", "message_id", "attempt", "outcome", "error_code", "error")
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [
        randomUUID(),
        message.tenantId,
        message.id,
        attempt,
        result.outcome,
        result.outcome === 'delivered' ? null : result.errorCode.slice(0, 100),
        error,
      ],
    );
    return true;
  }

  async attempts(tenantId: string, messageId: string): Promise<DeliveryAttempt[]> {
    const rows: Array<{
      attempt: number;
      outcome: DeliveryAttempt['outcome'];
      error_code: string | null;
      error: string | null;
      attempted_at: Date;
    }> = await this.dataSource.query(
      `SELECT "attempt", "outcome", "error_code", "error", "attempted_at" FROM "ingestion"."delivery_attempts"
         WHERE "tenant_id" = $1 AND "message_id" = $2 ORDER BY "attempt"`,
      [tenantId, messageId],
    );
    return rows.map((r) => ({
      attempt: r.attempt,
      outcome: r.outcome,
      errorCode: r.error_code,
      error: r.error,
      attemptedAt: r.attempted_at.toISOString(),
    }));
  }
}

import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { updateReturning, writeBeforeCommit, type CursorPosition, type Queryable } from '@helpdesk/persistence';
import type { WebhookDelivery, WebhookDeliveryStatus } from '../../domain/webhooks/webhook-subscription';

interface DeliveryRow {
  id: string;
  tenant_id: string;
  subscription_id: string;
  event_id: string;
  event_type: string;
  occurred_at: Date;
  aggregate_id: string;
  sequence: string;
  payload: unknown;
  replay_of: string | null;
  status: WebhookDeliveryStatus;
  attempts: number;
  next_attempt_at: Date;
  last_attempt_at: Date | null;
  last_status_code: number | null;
  last_error: string | null;
  delivered_at: Date | null;
  created_at: Date;
}

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

const toDelivery = (r: DeliveryRow): WebhookDelivery => ({
  id: r.id,
  tenantId: r.tenant_id,
  subscriptionId: r.subscription_id,
  eventId: r.event_id,
  eventType: r.event_type,
  occurredAt: r.occurred_at.toISOString(),
  aggregateId: r.aggregate_id,
  sequence: Number(r.sequence),
  payload: r.payload,
  replayOf: r.replay_of,
  status: r.status,
  attempts: r.attempts,
  nextAttemptAt: r.status === 'delivered' || r.status === 'failed' ? null : r.next_attempt_at.toISOString(),
  lastAttemptAt: iso(r.last_attempt_at),
  lastStatusCode: r.last_status_code,
  lastError: r.last_error,
  deliveredAt: iso(r.delivered_at),
  createdAt: r.created_at.toISOString(),
});

export interface WebhookAttempt {
  attempt: number;
  outcome: 'delivered' | 'retry' | 'failed';
  statusCode: number | null;
  error: string | null;
  durationMs: number;
  attemptedAt: string;
}

export interface QueuedEvent {
  tenantId: string;
  eventId: string;
  eventType: string;
  occurredAt: string;
  aggregateId: string;
  payload: unknown;
}

export type AttemptResult =
  | { outcome: 'delivered'; statusCode: number; durationMs: number }
  | { outcome: 'retry'; at: Date; statusCode: number | null; error: string; durationMs: number }
  | { outcome: 'failed'; statusCode: number | null; error: string; durationMs: number };

const D = '"ingestion"."webhook_deliveries"';
const OPEN = `('pending', 'sending', 'retrying')`;

/**
 * The delivery queues. Each (subscription, aggregate) pair is one ordered queue: a delivery is
 * only claimed while no earlier delivery of its queue is still open, so a CRM never sees a later
 * event of a ticket before an earlier one was delivered or dead-lettered.
 */
@Injectable()
export class WebhookDeliveryRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Queues the event for every active subscription of the tenant that lists one of `patterns`, at the
   * end of each subscription's queue for the aggregate. Inside a transaction the events are queued
   * together in one statement just before it commits; `onQueued` then hears how many deliveries were
   * queued (0 for a tenant without a matching subscription).
   */
  async enqueue(manager: EntityManager, event: QueuedEvent, patterns: string[], onQueued: (count: number) => void = () => undefined): Promise<void> {
    await writeBeforeCommit(manager, 'ingestion.webhook-deliveries', [{ event, patterns }], async (db, items: readonly PendingDelivery[]) =>
      onQueued(await enqueueAll(db, items)),
    );
  }

  /**
   * Claims due deliveries that head their queue, of every tenant, until `leaseMs` from now (a
   * crashed worker's claim runs out and the delivery is picked up again). SKIP LOCKED lets
   * replicas claim side by side; a queue whose head another worker holds is skipped whole.
   */
  async claimDue(limit: number, leaseMs: number): Promise<WebhookDelivery[]> {
    const rows = await updateReturning<DeliveryRow>(
      this.dataSource.manager,
      `UPDATE ${D} SET "status" = 'sending', "next_attempt_at" = now() + ($2::int * interval '1 millisecond')
       WHERE "id" IN (
         SELECT "d"."id" FROM ${D} "d"
         JOIN "ingestion"."webhook_subscriptions" "s" ON "s"."id" = "d"."subscription_id" AND "s"."active"
         WHERE "d"."status" IN ${OPEN} AND "d"."next_attempt_at" <= now()
           AND NOT EXISTS (
             SELECT 1 FROM ${D} "e"
             WHERE "e"."subscription_id" = "d"."subscription_id" AND "e"."aggregate_id" = "d"."aggregate_id"
               AND "e"."sequence" < "d"."sequence" AND "e"."status" IN ${OPEN})
         ORDER BY "d"."next_attempt_at" LIMIT $1 FOR UPDATE OF "d" SKIP LOCKED)
       RETURNING *`,
      [limit, leaseMs],
    );
    return rows.map(toDelivery);
  }

  /**
   * Records an attempt if the claim is still ours (still sending, same attempt count); false when
   * another worker took the delivery over after the lease ran out, or it was deleted.
   */
  async recordResult(
    manager: EntityManager,
    delivery: Pick<WebhookDelivery, 'tenantId' | 'id' | 'attempts'>,
    result: AttemptResult,
  ): Promise<boolean> {
    const attempt = delivery.attempts + 1;
    const status: WebhookDeliveryStatus =
      result.outcome === 'delivered' ? 'delivered' : result.outcome === 'retry' ? 'retrying' : 'failed';
    const error = result.outcome === 'delivered' ? null : result.error.slice(0, 2000);
    const updated = await updateReturning<{ id: string }>(
      manager,
      `UPDATE ${D} SET "attempts" = $3, "status" = $4::varchar, "last_attempt_at" = now(), "last_status_code" = $5,
         "last_error" = COALESCE($6, "last_error"), "next_attempt_at" = COALESCE($7, "next_attempt_at"),
         "delivered_at" = CASE WHEN $4::varchar = 'delivered' THEN now() ELSE NULL END
       WHERE "tenant_id" = $1 AND "id" = $2 AND "status" = 'sending' AND "attempts" = $3 - 1 RETURNING "id"`,
      [
        delivery.tenantId,
        delivery.id,
        attempt,
        status,
        result.statusCode,
        error,
        result.outcome === 'retry' ? result.at : null,
      ],
    );
    if (updated.length === 0) return false;
    await manager.query(
      `INSERT INTO "ingestion"."webhook_delivery_attempts" ("delivery_id", "attempt", "tenant_id", "outcome", "status_code", "error", "duration_ms")
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [delivery.id, attempt, delivery.tenantId, result.outcome, result.statusCode, error, Math.round(result.durationMs)],
    );
    return true;
  }

  /** Newest first, keyset-paged by (created_at, id). */
  async list(
    tenantId: string,
    subscriptionId: string,
    filter: { status?: WebhookDeliveryStatus; eventId?: string },
    limit: number,
    after: CursorPosition | null,
  ): Promise<WebhookDelivery[]> {
    const rows: DeliveryRow[] = await this.dataSource.query(
      `SELECT * FROM ${D} WHERE "tenant_id" = $1 AND "subscription_id" = $2
         AND ($3::varchar IS NULL OR "status" = $3::varchar)
         AND ($4::uuid IS NULL OR "event_id" = $4::uuid)
         AND ($5::timestamptz IS NULL OR ("created_at", "id") < ($5::timestamptz, $6::uuid))
       ORDER BY "created_at" DESC, "id" DESC LIMIT $7`,
      [tenantId, subscriptionId, filter.status ?? null, filter.eventId ?? null, after?.at ?? null, after?.id ?? null, limit],
    );
    return rows.map(toDelivery);
  }

  async find(
    tenantId: string,
    subscriptionId: string,
    id: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<WebhookDelivery | null> {
    const rows: DeliveryRow[] = await manager.query(
      `SELECT * FROM ${D} WHERE "tenant_id" = $1 AND "subscription_id" = $2 AND "id" = $3`,
      [tenantId, subscriptionId, id],
    );
    return rows[0] ? toDelivery(rows[0]) : null;
  }

  async attempts(tenantId: string, deliveryId: string): Promise<WebhookAttempt[]> {
    const rows: Array<{
      attempt: number;
      outcome: WebhookAttempt['outcome'];
      status_code: number | null;
      error: string | null;
      duration_ms: number;
      attempted_at: Date;
    }> = await this.dataSource.query(
      `SELECT "attempt", "outcome", "status_code", "error", "duration_ms", "attempted_at"
       FROM "ingestion"."webhook_delivery_attempts" WHERE "tenant_id" = $1 AND "delivery_id" = $2 ORDER BY "attempt"`,
      [tenantId, deliveryId],
    );
    return rows.map((r) => ({
      attempt: r.attempt,
      outcome: r.outcome,
      statusCode: r.status_code,
      error: r.error,
      durationMs: r.duration_ms,
      attemptedAt: r.attempted_at.toISOString(),
    }));
  }

  /** How many original deliveries of the subscription, finished either way, occurred in [from, to). */
  async countFinishedBetween(manager: EntityManager, tenantId: string, subscriptionId: string, from: Date, to: Date): Promise<number> {
    const rows: Array<{ n: string }> = await manager.query(
      `SELECT count(*) AS "n" FROM ${D} WHERE "tenant_id" = $1 AND "subscription_id" = $2 AND "replay_of" IS NULL
         AND "status" IN ('delivered', 'failed') AND "occurred_at" >= $3 AND "occurred_at" < $4`,
      [tenantId, subscriptionId, from, to],
    );
    return Number(rows[0]?.n ?? 0);
  }

  /**
   * Queues copies of finished deliveries to be sent again: each at the end of its aggregate's
   * queue, in the order the originals had, pointing at its original. `ids` selects single
   * deliveries; a range selects the originals whose event occurred in [from, to).
   */
  async replay(
    manager: EntityManager,
    tenantId: string,
    subscriptionId: string,
    selection: { ids: string[] } | { from: Date; to: Date },
  ): Promise<WebhookDelivery[]> {
    const byIds = 'ids' in selection;
    const rows: DeliveryRow[] = await manager.query(
      `WITH "src" AS (
         SELECT * FROM ${D}
         WHERE "tenant_id" = $1 AND "subscription_id" = $2 AND "status" IN ('delivered', 'failed')
           AND (CASE WHEN $3::boolean THEN "id" = ANY($4::uuid[])
                ELSE "replay_of" IS NULL AND "occurred_at" >= $5::timestamptz AND "occurred_at" < $6::timestamptz END)
       ), "counts" AS (
         SELECT "aggregate_id", count(*) AS "n" FROM "src" GROUP BY "aggregate_id"
       ), "bumped" AS (
         UPDATE "ingestion"."webhook_sequences" "q" SET "last_sequence" = "q"."last_sequence" + "c"."n"
         FROM "counts" "c" WHERE "q"."subscription_id" = $2 AND "q"."aggregate_id" = "c"."aggregate_id"
         RETURNING "q"."aggregate_id", "q"."last_sequence" - "c"."n" AS "base"
       )
       INSERT INTO ${D} ("id", "tenant_id", "subscription_id", "event_id", "event_type", "occurred_at", "aggregate_id", "sequence", "payload", "replay_of")
       SELECT gen_random_uuid(), "src"."tenant_id", "src"."subscription_id", "src"."event_id", "src"."event_type", "src"."occurred_at",
         "src"."aggregate_id", "b"."base" + row_number() OVER (PARTITION BY "src"."aggregate_id" ORDER BY "src"."sequence"),
         "src"."payload", COALESCE("src"."replay_of", "src"."id")
       FROM "src" JOIN "bumped" "b" ON "b"."aggregate_id" = "src"."aggregate_id"
       RETURNING *`,
      [
        tenantId,
        subscriptionId,
        byIds,
        byIds ? selection.ids : [],
        byIds ? null : selection.from,
        byIds ? null : selection.to,
      ],
    );
    return rows.map(toDelivery);
  }
}

interface PendingDelivery {
  event: QueuedEvent;
  patterns: string[];
}

/**
 * One statement for many events: each (subscription, aggregate) queue's sequence is advanced once by
 * the number of its new deliveries, which take the numbers in event order.
 */
async function enqueueAll(db: Queryable, items: readonly PendingDelivery[]): Promise<number> {
  if (items.length === 0) return 0;
  const rows = (await db.query(
    `WITH "ev" AS (
       SELECT * FROM unnest($1::varchar[], $2::uuid[], $3::varchar[], $4::timestamptz[], $5::text[], $6::jsonb[], $7::text[])
         WITH ORDINALITY AS e("tenant_id", "event_id", "event_type", "occurred_at", "aggregate_id", "payload", "patterns", "n")
     ), "matched" AS (
       SELECT e.*, s."id" AS "subscription_id",
              row_number() OVER (PARTITION BY s."id", e."aggregate_id" ORDER BY e."n") AS "k",
              count(*) OVER (PARTITION BY s."id", e."aggregate_id") AS "total"
         FROM "ev" e JOIN "ingestion"."webhook_subscriptions" s
           ON s."tenant_id" = e."tenant_id" AND s."active" AND s."event_types" && string_to_array(e."patterns", ',')
     ), "seq" AS (
       INSERT INTO "ingestion"."webhook_sequences" ("subscription_id", "aggregate_id", "tenant_id", "last_sequence")
       SELECT DISTINCT ON ("subscription_id", "aggregate_id") "subscription_id", "aggregate_id", "tenant_id", "total"
         FROM "matched" ORDER BY "subscription_id", "aggregate_id"
       ON CONFLICT ("subscription_id", "aggregate_id")
         DO UPDATE SET "last_sequence" = "webhook_sequences"."last_sequence" + EXCLUDED."last_sequence"
       RETURNING "subscription_id", "aggregate_id", "last_sequence"
     )
     INSERT INTO ${D} ("id", "tenant_id", "subscription_id", "event_id", "event_type", "occurred_at", "aggregate_id", "sequence", "payload")
     SELECT gen_random_uuid(), m."tenant_id", m."subscription_id", m."event_id", m."event_type", m."occurred_at", m."aggregate_id",
            q."last_sequence" - m."total" + m."k", m."payload"
       FROM "matched" m JOIN "seq" q ON q."subscription_id" = m."subscription_id" AND q."aggregate_id" = m."aggregate_id"
      ORDER BY m."subscription_id", m."aggregate_id", m."k"
     ON CONFLICT ("subscription_id", "event_id") WHERE "replay_of" IS NULL DO NOTHING
     RETURNING "id"`,
    [
      items.map((i) => i.event.tenantId),
      items.map((i) => i.event.eventId),
      items.map((i) => i.event.eventType),
      items.map((i) => i.event.occurredAt),
      items.map((i) => i.event.aggregateId),
      items.map((i) => JSON.stringify(i.event.payload)),
      items.map((i) => i.patterns.join(',')),
    ],
  )) as Array<{ id: string }>;
  return rows.length;
}

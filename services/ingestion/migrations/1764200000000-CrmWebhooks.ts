import type { MigrationInterface, QueryRunner } from 'typeorm';

const S = 'ingestion';

/**
 * CRM webhook subscriptions and their deliveries. Deliveries of one subscription form one ordered
 * queue per aggregate (ticket, customer, conversation): `sequence` comes from a per-queue counter
 * row whose lock serialises concurrent writers, so commit order equals sequence order.
 */
export class CrmWebhooks1764200000000 implements MigrationInterface {
  name = 'CrmWebhooks1764200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "${S}"."webhook_subscriptions" (
      "id" uuid PRIMARY KEY,
      "tenant_id" varchar(64) NOT NULL,
      "url" varchar(2000) NOT NULL,
      "event_types" text[] NOT NULL,
      "description" varchar(500) NULL,
      "secret" text NOT NULL,
      "active" boolean NOT NULL DEFAULT true,
      "created_at" timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
      "updated_at" timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
      CONSTRAINT "ck_webhook_subscriptions_event_types" CHECK (cardinality("event_types") BETWEEN 1 AND 100)
    )`);
    await q.query(
      `CREATE INDEX "ix_webhook_subscriptions_tenant" ON "${S}"."webhook_subscriptions" ("tenant_id", "created_at", "id")`,
    );
    await q.query(
      `CREATE INDEX "ix_webhook_subscriptions_active" ON "${S}"."webhook_subscriptions" ("tenant_id") WHERE "active"`,
    );

    await q.query(`CREATE TABLE "${S}"."webhook_sequences" (
      "subscription_id" uuid NOT NULL REFERENCES "${S}"."webhook_subscriptions" ("id") ON DELETE CASCADE,
      "aggregate_id" text NOT NULL,
      "tenant_id" varchar(64) NOT NULL,
      "last_sequence" bigint NOT NULL,
      CONSTRAINT "pk_webhook_sequences" PRIMARY KEY ("subscription_id", "aggregate_id")
    )`);

    await q.query(`CREATE TABLE "${S}"."webhook_deliveries" (
      "id" uuid PRIMARY KEY,
      "tenant_id" varchar(64) NOT NULL,
      "subscription_id" uuid NOT NULL REFERENCES "${S}"."webhook_subscriptions" ("id") ON DELETE CASCADE,
      "event_id" uuid NOT NULL,
      "event_type" varchar(100) NOT NULL,
      "occurred_at" timestamptz NOT NULL,
      "aggregate_id" text NOT NULL,
      "sequence" bigint NOT NULL,
      "payload" jsonb NOT NULL,
      "replay_of" uuid NULL,
      "status" varchar(20) NOT NULL DEFAULT 'pending',
      "attempts" integer NOT NULL DEFAULT 0,
      "next_attempt_at" timestamptz NOT NULL DEFAULT now(),
      "last_attempt_at" timestamptz NULL,
      "last_status_code" integer NULL,
      "last_error" text NULL,
      "delivered_at" timestamptz NULL,
      "created_at" timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
      CONSTRAINT "uq_webhook_deliveries_sequence" UNIQUE ("subscription_id", "aggregate_id", "sequence"),
      CONSTRAINT "ck_webhook_deliveries_status" CHECK ("status" IN ('pending', 'sending', 'retrying', 'delivered', 'failed'))
    )`);
    // Exactly one delivery of an event per subscription; replays are further rows pointing at the original.
    await q.query(
      `CREATE UNIQUE INDEX "uq_webhook_deliveries_event" ON "${S}"."webhook_deliveries" ("subscription_id", "event_id") WHERE "replay_of" IS NULL`,
    );
    await q.query(
      `CREATE INDEX "ix_webhook_deliveries_due" ON "${S}"."webhook_deliveries" ("next_attempt_at") WHERE "status" IN ('pending', 'sending', 'retrying')`,
    );
    await q.query(
      `CREATE INDEX "ix_webhook_deliveries_open_queue" ON "${S}"."webhook_deliveries" ("subscription_id", "aggregate_id", "sequence") WHERE "status" IN ('pending', 'sending', 'retrying')`,
    );
    await q.query(
      `CREATE INDEX "ix_webhook_deliveries_list" ON "${S}"."webhook_deliveries" ("tenant_id", "subscription_id", "created_at" DESC, "id" DESC)`,
    );
    await q.query(
      `CREATE INDEX "ix_webhook_deliveries_occurred" ON "${S}"."webhook_deliveries" ("subscription_id", "occurred_at") WHERE "replay_of" IS NULL`,
    );

    await q.query(`CREATE TABLE "${S}"."webhook_delivery_attempts" (
      "delivery_id" uuid NOT NULL REFERENCES "${S}"."webhook_deliveries" ("id") ON DELETE CASCADE,
      "attempt" integer NOT NULL,
      "tenant_id" varchar(64) NOT NULL,
      "outcome" varchar(20) NOT NULL,
      "status_code" integer NULL,
      "error" text NULL,
      "duration_ms" integer NOT NULL,
      "attempted_at" timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT "pk_webhook_delivery_attempts" PRIMARY KEY ("delivery_id", "attempt"),
      CONSTRAINT "ck_webhook_delivery_attempts_outcome" CHECK ("outcome" IN ('delivered', 'retry', 'failed'))
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "${S}"."webhook_delivery_attempts"`);
    await q.query(`DROP TABLE "${S}"."webhook_deliveries"`);
    await q.query(`DROP TABLE "${S}"."webhook_sequences"`);
    await q.query(`DROP TABLE "${S}"."webhook_subscriptions"`);
  }
}

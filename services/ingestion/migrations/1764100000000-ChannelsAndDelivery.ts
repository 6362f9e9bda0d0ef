import type { MigrationInterface, QueryRunner } from 'typeorm';

const S = 'ingestion';

/**
 * Channel accounts, the WeChat push inbox, CTI call state, channel events, the per-tenant
 * conversation rule, e-mail threading references and outbound delivery state.
 */
export class ChannelsAndDelivery1764100000000 implements MigrationInterface {
  name = 'ChannelsAndDelivery1764100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "${S}"."channel_accounts" (
      "id" uuid PRIMARY KEY,
      "tenant_id" varchar(64) NOT NULL,
      "channel" varchar(20) NOT NULL,
      "name" varchar(100) NOT NULL,
      "settings" jsonb NOT NULL DEFAULT '{}',
      "secrets" jsonb NOT NULL DEFAULT '{}',
      "enabled" boolean NOT NULL DEFAULT true,
      "created_at" timestamptz NOT NULL DEFAULT now(),
      "updated_at" timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT "uq_channel_accounts_name" UNIQUE ("tenant_id", "channel", "name"),
      CONSTRAINT "ck_channel_accounts_channel" CHECK ("channel" IN ('email', 'wechat', 'phone', 'webhook'))
    )`);
    await q.query(
      `CREATE INDEX "ix_channel_accounts_enabled" ON "${S}"."channel_accounts" ("tenant_id", "channel", "created_at") WHERE "enabled"`,
    );

    await q.query(`CREATE TABLE "${S}"."tenant_settings" (
      "tenant_id" varchar(64) PRIMARY KEY,
      "conversation_continuity_hours" integer NOT NULL DEFAULT 72,
      "continue_across_channels" boolean NOT NULL DEFAULT true,
      "updated_at" timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT "ck_tenant_settings_continuity" CHECK ("conversation_continuity_hours" BETWEEN 0 AND 2160)
    )`);

    await q.query(`ALTER TABLE "${S}"."messages"
      ADD COLUMN "email_references" text[] NULL,
      ADD COLUMN "reply_id" uuid NULL,
      ADD COLUMN "next_attempt_at" timestamptz NULL,
      ADD COLUMN "last_attempt_at" timestamptz NULL,
      ADD COLUMN "delivered_at" timestamptz NULL,
      ADD CONSTRAINT "ck_messages_delivery_status" CHECK ("delivery_status" IS NULL OR "delivery_status" IN ('queued', 'sending', 'retrying', 'delivered', 'failed'))`);
    await q.query(
      `CREATE UNIQUE INDEX "uq_messages_reply" ON "${S}"."messages" ("tenant_id", "reply_id") WHERE "reply_id" IS NOT NULL`,
    );
    await q.query(
      `CREATE INDEX "ix_messages_delivery_due" ON "${S}"."messages" ("next_attempt_at") WHERE "delivery_status" IN ('queued', 'sending', 'retrying')`,
    );
    await q.query(
      `CREATE INDEX "ix_messages_email_references" ON "${S}"."messages" USING gin ("email_references") WHERE "email_references" IS NOT NULL`,
    );
    await q.query(
      `CREATE INDEX "ix_messages_ticket_reference" ON "${S}"."messages" ("tenant_id", ("ticket_id"::text) text_pattern_ops) WHERE "ticket_id" IS NOT NULL`,
    );
    await q.query(`CREATE INDEX "ix_messages_customer" ON "${S}"."messages" ("tenant_id", "customer_id")`);
    await q.query(
      `CREATE INDEX "ix_conversations_customer" ON "${S}"."conversations" ("tenant_id", "customer_id", "last_message_at" DESC)`,
    );

    await q.query(`CREATE TABLE "${S}"."delivery_attempts" (
      "id" uuid PRIMARY KEY,
      "tenant_id" varchar(64) NOT NULL,
      "message_id" uuid NOT NULL REFERENCES "${S}"."messages" ("id"),
      "attempt" integer NOT NULL,
      "outcome" varchar(20) NOT NULL,
      "error_code" varchar(100) NULL,
      "error" text NULL,
      "attempted_at" timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT "uq_delivery_attempts_attempt" UNIQUE ("message_id", "attempt"),
      CONSTRAINT "ck_delivery_attempts_outcome" CHECK ("outcome" IN ('delivered', 'retry', 'failed'))
    )`);
    await q.query(
      `CREATE INDEX "ix_delivery_attempts_message" ON "${S}"."delivery_attempts" ("tenant_id", "message_id")`,
    );

    await q.query(`CREATE TABLE "${S}"."wechat_inbox" (
      "id" uuid PRIMARY KEY,
      "tenant_id" varchar(64) NOT NULL,
      "account_id" uuid NOT NULL REFERENCES "${S}"."channel_accounts" ("id"),
      "dedup_key" varchar(300) NOT NULL,
      "msg_type" varchar(40) NOT NULL,
      "xml" text NOT NULL,
      "encrypted" boolean NOT NULL,
      "status" varchar(20) NOT NULL DEFAULT 'pending',
      "attempts" integer NOT NULL DEFAULT 0,
      "next_attempt_at" timestamptz NOT NULL DEFAULT now(),
      "last_error" text NULL,
      "received_at" timestamptz NOT NULL DEFAULT now(),
      "processed_at" timestamptz NULL,
      CONSTRAINT "uq_wechat_inbox_dedup" UNIQUE ("tenant_id", "account_id", "dedup_key"),
      CONSTRAINT "ck_wechat_inbox_status" CHECK ("status" IN ('pending', 'processed', 'failed'))
    )`);
    await q.query(
      `CREATE INDEX "ix_wechat_inbox_pending" ON "${S}"."wechat_inbox" ("next_attempt_at") WHERE "status" = 'pending'`,
    );

    await q.query(`CREATE TABLE "${S}"."channel_events" (
      "id" uuid PRIMARY KEY,
      "tenant_id" varchar(64) NOT NULL,
      "channel" varchar(20) NOT NULL,
      "account_id" uuid NULL REFERENCES "${S}"."channel_accounts" ("id"),
      "customer_id" uuid NULL REFERENCES "${S}"."customers" ("id"),
      "event" varchar(60) NOT NULL,
      "event_key" varchar(500) NULL,
      "dedup_key" varchar(300) NOT NULL,
      "payload" jsonb NOT NULL DEFAULT '{}',
      "occurred_at" timestamptz NOT NULL,
      "created_at" timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT "uq_channel_events_dedup" UNIQUE ("tenant_id", "channel", "dedup_key")
    )`);
    await q.query(
      `CREATE INDEX "ix_channel_events_customer" ON "${S}"."channel_events" ("tenant_id", "customer_id", "occurred_at" DESC)`,
    );

    await q.query(`CREATE TABLE "${S}"."call_states" (
      "tenant_id" varchar(64) NOT NULL,
      "call_id" varchar(128) NOT NULL,
      "state" jsonb NULL,
      "next_due_at" timestamptz NULL,
      "created_at" timestamptz NOT NULL DEFAULT now(),
      "updated_at" timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT "pk_call_states" PRIMARY KEY ("tenant_id", "call_id")
    )`);
    await q.query(
      `CREATE INDEX "ix_call_states_due" ON "${S}"."call_states" ("next_due_at") WHERE "next_due_at" IS NOT NULL`,
    );

    await q.query(
      `CREATE INDEX "ix_customer_merges_tenant" ON "${S}"."customer_merges" ("tenant_id", "target_customer_id")`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "${S}"."ix_customer_merges_tenant"`);
    for (const t of ['call_states', 'channel_events', 'wechat_inbox', 'delivery_attempts'])
      await q.query(`DROP TABLE "${S}"."${t}"`);
    await q.query(`DROP INDEX "${S}"."ix_conversations_customer"`);
    for (const ix of [
      'ix_messages_customer',
      'ix_messages_ticket_reference',
      'ix_messages_email_references',
      'ix_messages_delivery_due',
      'uq_messages_reply',
    ]) {
      await q.query(`DROP INDEX "${S}"."${ix}"`);
    }
    await q.query(`ALTER TABLE "${S}"."messages" DROP CONSTRAINT "ck_messages_delivery_status",
      DROP COLUMN "delivered_at", DROP COLUMN "last_attempt_at", DROP COLUMN "next_attempt_at", DROP COLUMN "reply_id", DROP COLUMN "email_references"`);
    await q.query(`DROP TABLE "${S}"."tenant_settings"`);
    await q.query(`DROP TABLE "${S}"."channel_accounts"`);
  }
}

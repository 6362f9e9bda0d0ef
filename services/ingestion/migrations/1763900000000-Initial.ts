import type { MigrationInterface, QueryRunner } from 'typeorm';
import { messagingTablesDown, messagingTablesUp } from '@helpdesk/messaging';
import { apiKeysTableDown, apiKeysTableUp, idempotencyTableDown, idempotencyTableUp } from '@helpdesk/platform';

const S = 'ingestion';

export class Initial1763900000000 implements MigrationInterface {
  name = 'Initial1763900000000';

  async up(q: QueryRunner): Promise<void> {
    for (const sql of [...messagingTablesUp(S), ...apiKeysTableUp(S), ...idempotencyTableUp(S)]) await q.query(sql);
    await q.query(`CREATE TABLE "${S}"."customers" (
      "id" uuid PRIMARY KEY,
      "tenant_id" varchar(64) NOT NULL,
      "name" varchar(200) NULL,
      "tier" varchar(20) NOT NULL DEFAULT 'standard',
      "external_id" varchar(200) NULL,
      "merged_into" uuid NULL REFERENCES "${S}"."customers" ("id"),
      "created_at" timestamptz NOT NULL DEFAULT now(),
      "updated_at" timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT "ck_customers_tier" CHECK ("tier" IN ('standard', 'vip', 'enterprise'))
    )`);
    await q.query(`CREATE UNIQUE INDEX "uq_customers_external" ON "${S}"."customers" ("tenant_id", "external_id") WHERE "external_id" IS NOT NULL AND "merged_into" IS NULL`);
    await q.query(`CREATE TABLE "${S}"."customer_identities" (
      "tenant_id" varchar(64) NOT NULL,
      "type" varchar(20) NOT NULL,
      "value" varchar(320) NOT NULL,
      "customer_id" uuid NOT NULL REFERENCES "${S}"."customers" ("id"),
      "created_at" timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT "pk_customer_identities" PRIMARY KEY ("tenant_id", "type", "value"),
      CONSTRAINT "ck_customer_identities_type" CHECK ("type" IN ('email', 'phone', 'wechat', 'external'))
    )`);
    await q.query(`CREATE INDEX "ix_customer_identities_customer" ON "${S}"."customer_identities" ("customer_id")`);
    await q.query(`CREATE TABLE "${S}"."customer_merges" (
      "id" uuid PRIMARY KEY,
      "tenant_id" varchar(64) NOT NULL,
      "target_customer_id" uuid NOT NULL,
      "source_customer_id" uuid NOT NULL,
      "moved_identities" jsonb NOT NULL,
      "merged_by" varchar(100) NULL,
      "merged_at" timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(`CREATE TABLE "${S}"."conversations" (
      "id" uuid PRIMARY KEY,
      "tenant_id" varchar(64) NOT NULL,
      "customer_id" uuid NOT NULL REFERENCES "${S}"."customers" ("id"),
      "channel" varchar(20) NOT NULL,
      "subject" varchar(1000) NULL,
      "status" varchar(20) NOT NULL DEFAULT 'open',
      "last_message_at" timestamptz NOT NULL,
      "created_at" timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT "ck_conversations_status" CHECK ("status" IN ('open', 'closed'))
    )`);
    await q.query(`CREATE INDEX "ix_conversations_customer_open" ON "${S}"."conversations" ("tenant_id", "customer_id", "last_message_at" DESC) WHERE "status" = 'open'`);
    await q.query(`CREATE TABLE "${S}"."messages" (
      "id" uuid PRIMARY KEY,
      "tenant_id" varchar(64) NOT NULL,
      "conversation_id" uuid NOT NULL REFERENCES "${S}"."conversations" ("id"),
      "customer_id" uuid NOT NULL REFERENCES "${S}"."customers" ("id"),
      "direction" varchar(10) NOT NULL,
      "channel" varchar(20) NOT NULL,
      "kind" varchar(30) NOT NULL DEFAULT 'message',
      "subject" varchar(1000) NULL,
      "body" text NOT NULL,
      "quoted" text NULL,
      "signature" text NULL,
      "language" varchar(10) NOT NULL,
      "attachments" jsonb NOT NULL DEFAULT '[]',
      "external_message_id" varchar(500) NULL,
      "metadata" jsonb NOT NULL DEFAULT '{}',
      "ticket_id" uuid NULL,
      "delivery_status" varchar(20) NULL,
      "delivery_attempts" integer NOT NULL DEFAULT 0,
      "delivery_error" text NULL,
      "occurred_at" timestamptz NOT NULL,
      "created_at" timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT "ck_messages_direction" CHECK ("direction" IN ('inbound', 'outbound'))
    )`);
    await q.query(`CREATE UNIQUE INDEX "uq_messages_external" ON "${S}"."messages" ("tenant_id", "channel", "external_message_id") WHERE "external_message_id" IS NOT NULL`);
    await q.query(`CREATE INDEX "ix_messages_conversation" ON "${S}"."messages" ("conversation_id", "occurred_at")`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['messages', 'conversations', 'customer_merges', 'customer_identities', 'customers']) await q.query(`DROP TABLE "${S}"."${t}"`);
    for (const sql of [...idempotencyTableDown(S), ...apiKeysTableDown(S), ...messagingTablesDown(S)]) await q.query(sql);
  }
}

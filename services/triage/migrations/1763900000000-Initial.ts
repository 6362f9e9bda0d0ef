import type { MigrationInterface, QueryRunner } from 'typeorm';
import { messagingTablesDown, messagingTablesUp } from '@helpdesk/messaging';
import { apiKeysTableDown, apiKeysTableUp, idempotencyTableDown, idempotencyTableUp } from '@helpdesk/platform';

const S = 'triage';

export class Initial1763900000000 implements MigrationInterface {
  name = 'Initial1763900000000';

  async up(q: QueryRunner): Promise<void> {
    for (const sql of [...messagingTablesUp(S), ...apiKeysTableUp(S), ...idempotencyTableUp(S)]) await q.query(sql);
    await q.query(`CREATE TABLE "${S}"."tickets" (
      "id" uuid PRIMARY KEY,
      "tenant_id" varchar(64) NOT NULL,
      "customer_id" uuid NOT NULL,
      "customer_tier" varchar(20) NOT NULL DEFAULT 'standard',
      "conversation_id" uuid NOT NULL,
      "channel" varchar(20) NOT NULL,
      "subject" varchar(1000) NULL,
      "language" varchar(10) NOT NULL,
      "status" varchar(20) NOT NULL,
      "priority" varchar(2) NOT NULL,
      "category" varchar(100) NULL,
      "queue" varchar(100) NULL,
      "assignee_id" varchar(100) NULL,
      "classification" jsonb NULL,
      "sla" jsonb NULL,
      "created_at" timestamptz NOT NULL DEFAULT now(),
      "updated_at" timestamptz NOT NULL DEFAULT now(),
      "resolved_at" timestamptz NULL,
      CONSTRAINT "ck_tickets_status" CHECK ("status" IN ('new', 'open', 'pending', 'resolved', 'closed')),
      CONSTRAINT "ck_tickets_priority" CHECK ("priority" IN ('P1', 'P2', 'P3', 'P4'))
    )`);
    // A conversation has at most one ticket in progress: follow-ups join it.
    await q.query(`CREATE UNIQUE INDEX "uq_tickets_open_conversation" ON "${S}"."tickets" ("tenant_id", "conversation_id") WHERE "status" IN ('new', 'open', 'pending')`);
    await q.query(`CREATE INDEX "ix_tickets_tenant_created" ON "${S}"."tickets" ("tenant_id", "created_at" DESC, "id" DESC)`);
    await q.query(`CREATE INDEX "ix_tickets_conversation" ON "${S}"."tickets" ("tenant_id", "conversation_id", "created_at" DESC)`);
    await q.query(`CREATE TABLE "${S}"."ticket_messages" (
      "tenant_id" varchar(64) NOT NULL,
      "ticket_id" uuid NOT NULL REFERENCES "${S}"."tickets" ("id"),
      "message_id" uuid NOT NULL,
      "direction" varchar(10) NOT NULL,
      "channel" varchar(20) NOT NULL,
      "author" varchar(100) NULL,
      "subject" varchar(1000) NULL,
      "body" text NOT NULL,
      "internal" boolean NOT NULL DEFAULT false,
      "at" timestamptz NOT NULL,
      CONSTRAINT "pk_ticket_messages" PRIMARY KEY ("tenant_id", "message_id")
    )`);
    await q.query(`CREATE INDEX "ix_ticket_messages_ticket" ON "${S}"."ticket_messages" ("ticket_id", "at")`);
    await q.query(`CREATE TABLE "${S}"."ticket_events" (
      "id" bigserial PRIMARY KEY,
      "tenant_id" varchar(64) NOT NULL,
      "ticket_id" uuid NOT NULL REFERENCES "${S}"."tickets" ("id"),
      "type" varchar(100) NOT NULL,
      "actor" varchar(100) NULL,
      "data" jsonb NOT NULL DEFAULT '{}',
      "at" timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(`CREATE INDEX "ix_ticket_events_ticket" ON "${S}"."ticket_events" ("ticket_id", "id")`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['ticket_events', 'ticket_messages', 'tickets']) await q.query(`DROP TABLE "${S}"."${t}"`);
    for (const sql of [...idempotencyTableDown(S), ...apiKeysTableDown(S), ...messagingTablesDown(S)]) await q.query(sql);
  }
}

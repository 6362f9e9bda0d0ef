import type { MigrationInterface, QueryRunner } from 'typeorm';

const S = 'triage';

/**
 * Routing (queues, agents with capacity), SLA (policies, calendars, clocks on the ticket with an indexed
 * next-event instant), the tenant-trainable classifier (models, labelled examples, lexicon) and linked
 * follow-up tickets.
 */
export class TicketWorkflow1764000000000 implements MigrationInterface {
  name = 'TicketWorkflow1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "${S}"."tickets"
      ADD COLUMN "next_sla_event_at" timestamptz NULL,
      ADD COLUMN "sla_calendar_id" varchar(100) NULL,
      ADD COLUMN "waiting_since" timestamptz NULL,
      ADD COLUMN "routing" jsonb NULL,
      ADD COLUMN "priority_source" varchar(20) NOT NULL DEFAULT 'classifier',
      ADD COLUMN "follow_up_of" uuid NULL,
      ADD COLUMN "follow_up_id" uuid NULL,
      ADD COLUMN "linked_ticket_id" uuid NULL,
      ADD COLUMN "auto_answered_at" timestamptz NULL,
      ADD COLUMN "closed_at" timestamptz NULL,
      ADD COLUMN "resolution_code" varchar(100) NULL,
      ADD CONSTRAINT "ck_tickets_priority_source" CHECK ("priority_source" IN ('classifier', 'override', 'escalation', 'follow-up'))`);
    // The SLA scheduler claims due tickets in next-event order.
    await q.query(
      `CREATE INDEX "ix_tickets_next_sla_event" ON "${S}"."tickets" ("next_sla_event_at") WHERE "next_sla_event_at" IS NOT NULL`,
    );
    // The waiting queue: unassigned new tickets by priority, then age.
    await q.query(
      `CREATE INDEX "ix_tickets_waiting" ON "${S}"."tickets" ("tenant_id", "priority", "waiting_since", "id") WHERE "status" = 'new' AND "assignee_id" IS NULL`,
    );
    await q.query(
      `CREATE INDEX "ix_tickets_assignee_active" ON "${S}"."tickets" ("tenant_id", "assignee_id") WHERE "status" IN ('new', 'open', 'pending')`,
    );
    await q.query(
      `CREATE INDEX "ix_tickets_resolved_at" ON "${S}"."tickets" ("resolved_at") WHERE "status" = 'resolved'`,
    );
    await q.query(
      `CREATE INDEX "ix_tickets_customer_created" ON "${S}"."tickets" ("tenant_id", "customer_id", "created_at" DESC)`,
    );
    await q.query(
      `CREATE UNIQUE INDEX "uq_tickets_follow_up" ON "${S}"."tickets" ("tenant_id", "follow_up_id") WHERE "follow_up_id" IS NOT NULL`,
    );
    // A follow-up ticket shares its conversation (replies reach the customer there) without blocking it.
    await q.query(`DROP INDEX "${S}"."uq_tickets_open_conversation"`);
    await q.query(
      `CREATE UNIQUE INDEX "uq_tickets_open_conversation" ON "${S}"."tickets" ("tenant_id", "conversation_id") WHERE "status" IN ('new', 'open', 'pending') AND "follow_up_of" IS NULL`,
    );

    await q.query(`CREATE TABLE "${S}"."queues" (
      "tenant_id" varchar(64) NOT NULL,
      "id" varchar(100) NOT NULL,
      "name" varchar(200) NOT NULL,
      "skills" text[] NOT NULL DEFAULT '{}',
      "vip" boolean NOT NULL DEFAULT false,
      "supervisor" boolean NOT NULL DEFAULT false,
      "is_default" boolean NOT NULL DEFAULT false,
      "created_at" timestamptz NOT NULL DEFAULT now(),
      "updated_at" timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT "pk_queues" PRIMARY KEY ("tenant_id", "id")
    )`);

    await q.query(`CREATE TABLE "${S}"."agents" (
      "tenant_id" varchar(64) NOT NULL,
      "id" varchar(100) NOT NULL,
      "name" varchar(200) NOT NULL,
      "skills" jsonb NOT NULL DEFAULT '[]',
      "languages" text[] NOT NULL DEFAULT '{}',
      "channels" text[] NOT NULL DEFAULT '{}',
      "max_concurrent" integer NOT NULL,
      "status" varchar(10) NOT NULL,
      "active_count" integer NOT NULL DEFAULT 0,
      "status_changed_at" timestamptz NOT NULL DEFAULT now(),
      "created_at" timestamptz NOT NULL DEFAULT now(),
      "updated_at" timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT "pk_agents" PRIMARY KEY ("tenant_id", "id"),
      CONSTRAINT "ck_agents_status" CHECK ("status" IN ('online', 'away', 'offline')),
      CONSTRAINT "ck_agents_max_concurrent" CHECK ("max_concurrent" >= 0),
      CONSTRAINT "ck_agents_active_count" CHECK ("active_count" >= 0)
    )`);
    await q.query(
      `CREATE INDEX "ix_agents_available" ON "${S}"."agents" ("tenant_id") WHERE "status" = 'online' AND "active_count" < "max_concurrent"`,
    );

    await q.query(`CREATE TABLE "${S}"."sla_policies" (
      "tenant_id" varchar(64) NOT NULL,
      "id" varchar(100) NOT NULL,
      "name" varchar(200) NOT NULL,
      "targets" jsonb NOT NULL,
      "warning_fraction" double precision NOT NULL,
      "calendar_id" varchar(100) NULL,
      "is_default" boolean NOT NULL DEFAULT false,
      "created_at" timestamptz NOT NULL DEFAULT now(),
      "updated_at" timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT "pk_sla_policies" PRIMARY KEY ("tenant_id", "id")
    )`);
    await q.query(
      `CREATE UNIQUE INDEX "uq_sla_policies_default" ON "${S}"."sla_policies" ("tenant_id") WHERE "is_default"`,
    );

    await q.query(`CREATE TABLE "${S}"."business_calendars" (
      "tenant_id" varchar(64) NOT NULL,
      "id" varchar(100) NOT NULL,
      "name" varchar(200) NOT NULL,
      "definition" jsonb NOT NULL,
      "created_at" timestamptz NOT NULL DEFAULT now(),
      "updated_at" timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT "pk_business_calendars" PRIMARY KEY ("tenant_id", "id")
    )`);

    await q.query(`CREATE TABLE "${S}"."classifier_models" (
      "tenant_id" varchar(64) NOT NULL,
      "version" integer NOT NULL,
      "priority_model" jsonb NULL,
      "queue_model" jsonb NULL,
      "figures" jsonb NOT NULL,
      "examples" integer NOT NULL,
      "corrections" integer NOT NULL,
      "created_at" timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT "pk_classifier_models" PRIMARY KEY ("tenant_id", "version"),
      CONSTRAINT "ck_classifier_models_version" CHECK ("version" >= 1)
    )`);

    await q.query(`CREATE TABLE "${S}"."training_examples" (
      "id" bigserial PRIMARY KEY,
      "tenant_id" varchar(64) NOT NULL,
      "ticket_id" uuid NULL,
      "subject" varchar(1000) NULL,
      "body" text NOT NULL,
      "priority" varchar(2) NULL,
      "queue" varchar(100) NULL,
      "source" varchar(20) NOT NULL,
      "reason" varchar(1000) NULL,
      "created_by" varchar(100) NULL,
      "created_at" timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT "ck_training_examples_source" CHECK ("source" IN ('correction', 'api'))
    )`);
    await q.query(
      `CREATE INDEX "ix_training_examples_tenant" ON "${S}"."training_examples" ("tenant_id", "id")`,
    );

    await q.query(`CREATE TABLE "${S}"."classifier_settings" (
      "tenant_id" varchar(64) NOT NULL,
      "lexicon" jsonb NULL,
      "updated_at" timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT "pk_classifier_settings" PRIMARY KEY ("tenant_id")
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of [
      'classifier_settings',
      'training_examples',
      'classifier_models',
      'business_calendars',
      'sla_policies',
      'agents',
      'queues',
    ]) {
      await q.query(`DROP TABLE "${S}"."${t}"`);
    }
    await q.query(`DROP INDEX "${S}"."uq_tickets_open_conversation"`);
    await q.query(
      `CREATE UNIQUE INDEX "uq_tickets_open_conversation" ON "${S}"."tickets" ("tenant_id", "conversation_id") WHERE "status" IN ('new', 'open', 'pending')`,
    );
    for (const ix of [
      'uq_tickets_follow_up',
      'ix_tickets_customer_created',
      'ix_tickets_resolved_at',
      'ix_tickets_assignee_active',
      'ix_tickets_waiting',
      'ix_tickets_next_sla_event',
    ]) {
      await q.query(`DROP INDEX "${S}"."${ix}"`);
    }
    await q.query(`ALTER TABLE "${S}"."tickets"
      DROP CONSTRAINT "ck_tickets_priority_source",
      DROP COLUMN "next_sla_event_at", DROP COLUMN "sla_calendar_id", DROP COLUMN "waiting_since", DROP COLUMN "routing",
      DROP COLUMN "priority_source", DROP COLUMN "follow_up_of", DROP COLUMN "follow_up_id", DROP COLUMN "linked_ticket_id",
      DROP COLUMN "auto_answered_at", DROP COLUMN "closed_at", DROP COLUMN "resolution_code"`);
  }
}

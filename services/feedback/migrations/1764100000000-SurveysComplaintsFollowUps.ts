import type { MigrationInterface, QueryRunner } from 'typeorm';

const S = 'feedback';

/** Surveys, opt-outs, complaints, follow-ups, the ticket context they need, and the metrics ledgers. */
export class SurveysComplaintsFollowUps1764100000000 implements MigrationInterface {
  name = 'SurveysComplaintsFollowUps1764100000000';

  async up(q: QueryRunner): Promise<void> {
    // What feedback needs to know of a ticket to reach its customer: from triage's ticket.created.
    await q.query(`CREATE TABLE "${S}"."ticket_contexts" (
      "tenant_id" varchar(64) NOT NULL,
      "ticket_id" uuid NOT NULL,
      "customer_id" uuid NOT NULL,
      "conversation_id" uuid NOT NULL,
      "channel" varchar(20) NOT NULL,
      "language" varchar(10) NOT NULL,
      "follow_up_id" uuid NULL,
      "created_at" timestamptz NOT NULL,
      CONSTRAINT "pk_ticket_contexts" PRIMARY KEY ("tenant_id", "ticket_id")
    )`);
    await q.query(
      `CREATE INDEX "ix_ticket_contexts_conversation" ON "${S}"."ticket_contexts" ("tenant_id", "conversation_id", "created_at")`,
    );

    await q.query(`CREATE TABLE "${S}"."survey_settings" (
      "tenant_id" varchar(64) NOT NULL,
      "enabled" boolean NOT NULL,
      "delay_seconds" integer NOT NULL,
      "validity_hours" integer NOT NULL,
      "updated_at" timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT "pk_survey_settings" PRIMARY KEY ("tenant_id"),
      CONSTRAINT "ck_survey_settings_delay" CHECK ("delay_seconds" BETWEEN 0 AND 2592000),
      CONSTRAINT "ck_survey_settings_validity" CHECK ("validity_hours" BETWEEN 1 AND 2160)
    )`);

    await q.query(`CREATE TABLE "${S}"."survey_opt_outs" (
      "tenant_id" varchar(64) NOT NULL,
      "customer_id" uuid NOT NULL,
      "reason" varchar(500) NULL,
      "opted_out_at" timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT "pk_survey_opt_outs" PRIMARY KEY ("tenant_id", "customer_id")
    )`);

    await q.query(`CREATE TABLE "${S}"."surveys" (
      "id" uuid NOT NULL,
      "tenant_id" varchar(64) NOT NULL,
      "ticket_id" uuid NOT NULL,
      "customer_id" uuid NOT NULL,
      "conversation_id" uuid NOT NULL,
      "channel" varchar(20) NOT NULL,
      "language" varchar(10) NOT NULL,
      "status" varchar(20) NOT NULL,
      "suppressed_reason" varchar(40) NULL,
      "due_at" timestamptz NOT NULL,
      "sent_at" timestamptz NULL,
      "expires_at" timestamptz NULL,
      "csat" smallint NULL,
      "nps" smallint NULL,
      "comment" text NULL,
      "answered_at" timestamptz NULL,
      "answered_via" varchar(10) NULL,
      "follow_up_id" uuid NULL,
      "created_at" timestamptz NOT NULL DEFAULT now(),
      "updated_at" timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT "pk_surveys" PRIMARY KEY ("id"),
      CONSTRAINT "uq_surveys_ticket" UNIQUE ("tenant_id", "ticket_id"),
      CONSTRAINT "ck_surveys_status" CHECK ("status" IN ('scheduled', 'sent', 'answered', 'suppressed', 'cancelled')),
      CONSTRAINT "ck_surveys_csat" CHECK ("csat" BETWEEN 1 AND 5),
      CONSTRAINT "ck_surveys_nps" CHECK ("nps" BETWEEN 0 AND 10),
      CONSTRAINT "ck_surveys_answered_via" CHECK ("answered_via" IN ('link', 'chat'))
    )`);
    await q.query(
      `CREATE INDEX "ix_surveys_due" ON "${S}"."surveys" ("due_at") WHERE "status" = 'scheduled'`,
    );
    await q.query(
      `CREATE INDEX "ix_surveys_open_conversation" ON "${S}"."surveys" ("tenant_id", "conversation_id", "sent_at") WHERE "status" = 'sent'`,
    );

    await q.query(`CREATE TABLE "${S}"."follow_ups" (
      "id" uuid NOT NULL,
      "tenant_id" varchar(64) NOT NULL,
      "source_kind" varchar(20) NOT NULL,
      "source_id" uuid NOT NULL,
      "ticket_id" uuid NULL,
      "customer_id" uuid NULL,
      "conversation_id" uuid NULL,
      "channel" varchar(20) NULL,
      "language" varchar(10) NULL,
      "priority" varchar(2) NOT NULL,
      "reason" text NOT NULL,
      "reasons" text[] NOT NULL,
      "legal" boolean NOT NULL,
      "request_event_id" uuid NOT NULL,
      "status" varchar(20) NOT NULL,
      "follow_up_ticket_id" uuid NULL,
      "ticket_opened_at" timestamptz NULL,
      "resolved_at" timestamptz NULL,
      "notified_at" timestamptz NULL,
      "created_at" timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT "pk_follow_ups" PRIMARY KEY ("id"),
      CONSTRAINT "uq_follow_ups_request_event" UNIQUE ("request_event_id"),
      CONSTRAINT "uq_follow_ups_source" UNIQUE ("tenant_id", "source_kind", "source_id"),
      CONSTRAINT "ck_follow_ups_source_kind" CHECK ("source_kind" IN ('survey', 'complaint')),
      CONSTRAINT "ck_follow_ups_status" CHECK ("status" IN ('requested', 'ticket-opened', 'customer-notified'))
    )`);
    await q.query(
      `CREATE UNIQUE INDEX "uq_follow_ups_ticket" ON "${S}"."follow_ups" ("tenant_id", "follow_up_ticket_id") WHERE "follow_up_ticket_id" IS NOT NULL`,
    );
    await q.query(
      `CREATE INDEX "ix_follow_ups_open_conversation" ON "${S}"."follow_ups" ("tenant_id", "conversation_id") WHERE "status" <> 'customer-notified'`,
    );

    await q.query(`CREATE TABLE "${S}"."complaints" (
      "id" uuid NOT NULL,
      "tenant_id" varchar(64) NOT NULL,
      "customer_id" uuid NULL,
      "ticket_id" uuid NULL,
      "conversation_id" uuid NULL,
      "channel" varchar(20) NOT NULL,
      "body" text NOT NULL,
      "source" varchar(10) NOT NULL,
      "source_message_id" uuid NULL,
      "evidence" text[] NOT NULL,
      "escalation" text[] NOT NULL,
      "follow_up_id" uuid NOT NULL,
      "created_at" timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT "pk_complaints" PRIMARY KEY ("id"),
      CONSTRAINT "uq_complaints_message" UNIQUE ("tenant_id", "source_message_id"),
      CONSTRAINT "ck_complaints_source" CHECK ("source" IN ('api', 'message'))
    )`);
    await q.query(
      `CREATE INDEX "ix_complaints_tenant_time" ON "${S}"."complaints" ("tenant_id", "created_at")`,
    );

    // The metrics read model: per ticket, every metrics event reduced to a ledger entry, keyed by event id.
    // span_start/span_end bound the times the ticket can count in, so a range query reads only its tickets.
    await q.query(`CREATE TABLE "${S}"."metrics_ticket_ledgers" (
      "tenant_id" varchar(64) NOT NULL,
      "ticket_id" uuid NOT NULL,
      "entries" jsonb NOT NULL,
      "span_start" timestamptz NOT NULL,
      "span_end" timestamptz NOT NULL,
      "updated_at" timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT "pk_metrics_ticket_ledgers" PRIMARY KEY ("tenant_id", "ticket_id")
    )`);
    await q.query(
      `CREATE INDEX "ix_metrics_ticket_ledgers_span" ON "${S}"."metrics_ticket_ledgers" ("tenant_id", "span_end", "span_start")`,
    );
    await q.query(
      `CREATE INDEX "ix_ticket_event_log_tenant_ticket" ON "${S}"."ticket_event_log" ("tenant_id", "ticket_id")`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "${S}"."ix_ticket_event_log_tenant_ticket"`);
    for (const table of [
      'metrics_ticket_ledgers',
      'complaints',
      'follow_ups',
      'surveys',
      'survey_opt_outs',
      'survey_settings',
      'ticket_contexts',
    ]) {
      await q.query(`DROP TABLE "${S}"."${table}"`);
    }
  }
}

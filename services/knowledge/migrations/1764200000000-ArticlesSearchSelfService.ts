import type { MigrationInterface, QueryRunner } from 'typeorm';

const S = 'knowledge';

/**
 * Articles (the current head and every version), per-tenant synonyms and self-service settings, article
 * feedback, the suggestion log (also the question log that gaps are grouped from) and auto-answer
 * proposals with their outcome.
 */
export class ArticlesSearchSelfService1764200000000 implements MigrationInterface {
  name = 'ArticlesSearchSelfService1764200000000';

  async up(q: QueryRunner): Promise<void> {
    // The head row repeats the latest version's content: lists, filters and the index rebuild read one table.
    await q.query(`CREATE TABLE "${S}"."articles" (
      "tenant_id" varchar(64) NOT NULL,
      "id" uuid NOT NULL,
      "version" integer NOT NULL,
      "title" varchar(500) NOT NULL,
      "body" text NOT NULL,
      "language" varchar(35) NOT NULL,
      "tags" text[] NOT NULL DEFAULT '{}',
      "category" varchar(100) NULL,
      "status" varchar(10) NOT NULL,
      "helpful_count" integer NOT NULL DEFAULT 0,
      "not_helpful_count" integer NOT NULL DEFAULT 0,
      "created_at" timestamptz NOT NULL,
      "updated_at" timestamptz NOT NULL,
      CONSTRAINT "pk_articles" PRIMARY KEY ("tenant_id", "id"),
      CONSTRAINT "ck_articles_status" CHECK ("status" IN ('draft', 'published')),
      CONSTRAINT "ck_articles_version" CHECK ("version" >= 1)
    )`);
    await q.query(`CREATE INDEX "ix_articles_tenant_updated" ON "${S}"."articles" ("tenant_id", "updated_at" DESC, "id" DESC)`);
    await q.query(`CREATE INDEX "ix_articles_tags" ON "${S}"."articles" USING gin ("tags")`);
    await q.query(`CREATE TABLE "${S}"."article_versions" (
      "tenant_id" varchar(64) NOT NULL,
      "article_id" uuid NOT NULL,
      "version" integer NOT NULL,
      "title" varchar(500) NOT NULL,
      "body" text NOT NULL,
      "language" varchar(35) NOT NULL,
      "tags" text[] NOT NULL DEFAULT '{}',
      "category" varchar(100) NULL,
      "status" varchar(10) NOT NULL,
      "created_by" varchar(64) NULL,
      "created_at" timestamptz NOT NULL,
      CONSTRAINT "pk_article_versions" PRIMARY KEY ("tenant_id", "article_id", "version"),
      CONSTRAINT "fk_article_versions_article" FOREIGN KEY ("tenant_id", "article_id") REFERENCES "${S}"."articles" ("tenant_id", "id") ON DELETE CASCADE,
      CONSTRAINT "ck_article_versions_status" CHECK ("status" IN ('draft', 'published'))
    )`);

    await q.query(`CREATE TABLE "${S}"."synonym_groups" (
      "tenant_id" varchar(64) NOT NULL,
      "position" integer NOT NULL,
      "terms" text[] NOT NULL,
      "updated_at" timestamptz NOT NULL,
      CONSTRAINT "pk_synonym_groups" PRIMARY KEY ("tenant_id", "position")
    )`);

    await q.query(`CREATE TABLE "${S}"."tenant_settings" (
      "tenant_id" varchar(64) NOT NULL,
      "auto_answer_enabled" boolean NOT NULL,
      "auto_answer_threshold" double precision NOT NULL,
      "auto_answer_priorities" text[] NOT NULL,
      "auto_answer_categories" text[] NOT NULL,
      "gap_max_score" double precision NOT NULL,
      "updated_at" timestamptz NOT NULL,
      CONSTRAINT "pk_tenant_settings" PRIMARY KEY ("tenant_id"),
      CONSTRAINT "ck_tenant_settings_threshold" CHECK ("auto_answer_threshold" >= 0 AND "auto_answer_threshold" <= 1),
      CONSTRAINT "ck_tenant_settings_gap_max_score" CHECK ("gap_max_score" > 0 AND "gap_max_score" <= 1)
    )`);

    await q.query(`CREATE TABLE "${S}"."article_feedback" (
      "id" uuid NOT NULL,
      "tenant_id" varchar(64) NOT NULL,
      "article_id" uuid NOT NULL,
      "helpful" boolean NOT NULL,
      "ticket_id" uuid NULL,
      "api_key_id" varchar(64) NULL,
      "created_at" timestamptz NOT NULL,
      CONSTRAINT "pk_article_feedback" PRIMARY KEY ("id"),
      CONSTRAINT "fk_article_feedback_article" FOREIGN KEY ("tenant_id", "article_id") REFERENCES "${S}"."articles" ("tenant_id", "id") ON DELETE CASCADE
    )`);
    await q.query(`CREATE INDEX "ix_article_feedback_article" ON "${S}"."article_feedback" ("tenant_id", "article_id", "created_at")`);
    // One vote per ticket and article: a changed mind replaces the vote.
    await q.query(
      `CREATE UNIQUE INDEX "uq_article_feedback_ticket" ON "${S}"."article_feedback" ("tenant_id", "article_id", "ticket_id") WHERE "ticket_id" IS NOT NULL`,
    );

    // What was suggested for each ticket, and the best score its question reached (the gap signal).
    await q.query(`CREATE TABLE "${S}"."ticket_suggestions" (
      "tenant_id" varchar(64) NOT NULL,
      "ticket_id" uuid NOT NULL,
      "question" varchar(1000) NOT NULL,
      "best_score" double precision NOT NULL,
      "confidence" double precision NOT NULL,
      "simple_question" boolean NOT NULL,
      "suggestions" jsonb NOT NULL,
      "computed_at" timestamptz NOT NULL,
      CONSTRAINT "pk_ticket_suggestions" PRIMARY KEY ("tenant_id", "ticket_id")
    )`);
    await q.query(`CREATE INDEX "ix_ticket_suggestions_computed" ON "${S}"."ticket_suggestions" ("tenant_id", "computed_at")`);

    await q.query(`CREATE TABLE "${S}"."auto_answers" (
      "tenant_id" varchar(64) NOT NULL,
      "ticket_id" uuid NOT NULL,
      "article_id" uuid NOT NULL,
      "article_version" integer NOT NULL,
      "confidence" double precision NOT NULL,
      "proposed_at" timestamptz NOT NULL,
      "outcome" varchar(10) NOT NULL DEFAULT 'awaiting',
      "outcome_at" timestamptz NULL,
      "outcome_reason" varchar(200) NULL,
      CONSTRAINT "pk_auto_answers" PRIMARY KEY ("tenant_id", "ticket_id"),
      CONSTRAINT "ck_auto_answers_outcome" CHECK ("outcome" IN ('awaiting', 'deflected', 'escalated'))
    )`);
    await q.query(`CREATE INDEX "ix_auto_answers_proposed" ON "${S}"."auto_answers" ("tenant_id", "proposed_at")`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['auto_answers', 'ticket_suggestions', 'article_feedback', 'tenant_settings', 'synonym_groups', 'article_versions', 'articles']) {
      await q.query(`DROP TABLE "${S}"."${table}"`);
    }
  }
}

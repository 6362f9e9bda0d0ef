import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { Priority } from '@helpdesk/contracts';
import type { LexiconOverride, TextModelJson, TrainingExample } from '../domain/classification';

/** Held-out figures of one trained model, as stored and shown by GET /v1/classifier. */
export interface ModelFigures {
  modelVersion: string;
  algorithm: string;
  labels: string[];
  trainedOn: number;
  trainExamples: number;
  heldOutExamples: number;
  macroF1: number;
  accuracy: number;
  perClass: Record<string, { precision: number; recall: number; f1: number; support: number }>;
  majorityLabel: string;
  majorityBaseline: { macroF1: number; accuracy: number };
}

export interface ClassifierFigures {
  priority: ModelFigures | null;
  queue: ModelFigures | null;
  /** Why a target was not trained (e.g. only one label present). */
  skipped: Record<string, string>;
}

export interface ClassifierVersionSummary {
  version: number;
  examples: number;
  corrections: number;
  figures: ClassifierFigures;
  trainedAt: string;
}

export interface StoredModels {
  version: number;
  priority: TextModelJson | null;
  queue: TextModelJson | null;
}

export interface CorrectionExample {
  ticketId: string;
  subject: string | null;
  body: string;
  priority: Priority | null;
  queue: string | null;
  reason: string;
  createdBy: string | null;
}

@Injectable()
export class ClassifierRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** What the tenant's classifier is built from: its latest model version and lexicon edit. One round trip. */
  async stamp(tenantId: string): Promise<{ version: number | null; lexiconUpdatedAt: string | null }> {
    const rows: Array<{ version: number | null; lexicon_updated_at: Date | null }> =
      await this.dataSource.query(
        `SELECT (SELECT MAX("version") FROM "triage"."classifier_models" WHERE "tenant_id" = $1) AS "version",
              (SELECT "updated_at" FROM "triage"."classifier_settings" WHERE "tenant_id" = $1) AS "lexicon_updated_at"`,
        [tenantId],
      );
    const row = rows[0];
    return {
      version: row?.version ?? null,
      lexiconUpdatedAt: row?.lexicon_updated_at?.toISOString() ?? null,
    };
  }

  async latestVersion(tenantId: string): Promise<number | null> {
    const rows: Array<{ version: number }> = await this.dataSource.query(
      `SELECT "version" FROM "triage"."classifier_models" WHERE "tenant_id" = $1 ORDER BY "version" DESC LIMIT 1`,
      [tenantId],
    );
    return rows[0]?.version ?? null;
  }

  async models(tenantId: string, version: number): Promise<StoredModels | null> {
    const rows: Array<{
      version: number;
      priority_model: TextModelJson | null;
      queue_model: TextModelJson | null;
    }> = await this.dataSource.query(
      `SELECT "version", "priority_model", "queue_model" FROM "triage"."classifier_models" WHERE "tenant_id" = $1 AND "version" = $2`,
      [tenantId, version],
    );
    const row = rows[0];
    return row ? { version: row.version, priority: row.priority_model, queue: row.queue_model } : null;
  }

  /** Stores a new version (one more than the latest; concurrent trainings of a tenant are serialised). */
  async saveVersion(
    manager: EntityManager,
    tenantId: string,
    v: {
      priority: TextModelJson | null;
      queue: TextModelJson | null;
      figures: ClassifierFigures;
      examples: number;
      corrections: number;
    },
  ): Promise<ClassifierVersionSummary> {
    await manager.query(`SELECT pg_advisory_xact_lock(hashtext('triage.classifier:' || $1))`, [tenantId]);
    const rows: Array<{ version: number; created_at: Date }> = await manager.query(
      `INSERT INTO "triage"."classifier_models" ("tenant_id", "version", "priority_model", "queue_model", "figures", "examples", "corrections")
       SELECT $1::varchar, COALESCE(MAX("version"), 0) + 1, $2::jsonb, $3::jsonb, $4::jsonb, $5::int, $6::int FROM "triage"."classifier_models"
       WHERE "tenant_id" = $1::varchar
       RETURNING "version", "created_at"`,
      [
        tenantId,
        v.priority ? JSON.stringify(v.priority) : null,
        v.queue ? JSON.stringify(v.queue) : null,
        JSON.stringify(v.figures),
        v.examples,
        v.corrections,
      ],
    );
    const row = rows[0];
    if (!row) throw new Error('model insert returned nothing');
    return {
      version: row.version,
      examples: v.examples,
      corrections: v.corrections,
      figures: v.figures,
      trainedAt: row.created_at.toISOString(),
    };
  }

  /** Newest first, without the (large) model weights. */
  async history(tenantId: string, limit = 20): Promise<ClassifierVersionSummary[]> {
    const rows: Array<{
      version: number;
      examples: number;
      corrections: number;
      figures: ClassifierFigures;
      created_at: Date;
    }> = await this.dataSource.query(
      `SELECT "version", "examples", "corrections", "figures", "created_at" FROM "triage"."classifier_models" WHERE "tenant_id" = $1
       ORDER BY "version" DESC LIMIT $2`,
      [tenantId, limit],
    );
    return rows.map((r) => ({
      version: r.version,
      examples: r.examples,
      corrections: r.corrections,
      figures: r.figures,
      trainedAt: r.created_at.toISOString(),
    }));
  }

  async addCorrection(manager: EntityManager, tenantId: string, c: CorrectionExample): Promise<void> {
    await manager.query(
      `INSERT INTO "triage"."training_examples" ("tenant_id", "ticket_id", "subject", "body", "priority", "queue", "source", "reason", "created_by")
       VALUES ($1, $2, $3, $4, $5, $6, 'correction', $7, $8)`,
      [tenantId, c.ticketId, c.subject, c.body, c.priority, c.queue, c.reason, c.createdBy],
    );
  }

  /** Recorded corrections, oldest first (later ones win over earlier ones on the same text). */
  async corrections(tenantId: string, limit = 50_000): Promise<TrainingExample[]> {
    const rows: Array<{
      subject: string | null;
      body: string;
      priority: string | null;
      queue: string | null;
    }> = await this.dataSource.query(
      `SELECT "subject", "body", "priority", "queue" FROM "triage"."training_examples" WHERE "tenant_id" = $1 AND "source" = 'correction'
       ORDER BY "id" LIMIT $2`,
      [tenantId, limit],
    );
    return rows.map((r) => ({
      ...(r.subject ? { subject: r.subject } : {}),
      body: r.body,
      ...(r.priority ? { priority: r.priority } : {}),
      ...(r.queue ? { queue: r.queue } : {}),
    }));
  }

  async countCorrections(tenantId: string): Promise<number> {
    const rows: Array<{ n: string }> = await this.dataSource.query(
      `SELECT count(*) AS n FROM "triage"."training_examples" WHERE "tenant_id" = $1 AND "source" = 'correction'`,
      [tenantId],
    );
    return Number(rows[0]?.n ?? 0);
  }

  async lexicon(tenantId: string): Promise<{ override: LexiconOverride; updatedAt: string } | null> {
    const rows: Array<{ lexicon: LexiconOverride | null; updated_at: Date }> = await this.dataSource.query(
      `SELECT "lexicon", "updated_at" FROM "triage"."classifier_settings" WHERE "tenant_id" = $1`,
      [tenantId],
    );
    const row = rows[0];
    return row?.lexicon ? { override: row.lexicon, updatedAt: row.updated_at.toISOString() } : null;
  }

  async saveLexicon(tenantId: string, override: LexiconOverride): Promise<string> {
    const rows: Array<{ updated_at: Date }> = await this.dataSource.query(
      `INSERT INTO "triage"."classifier_settings" ("tenant_id", "lexicon") VALUES ($1, $2::jsonb)
       ON CONFLICT ("tenant_id") DO UPDATE SET "lexicon" = EXCLUDED."lexicon", "updated_at" = now() RETURNING "updated_at"`,
      [tenantId, JSON.stringify(override)],
    );
    return (rows[0]?.updated_at ?? new Date()).toISOString();
  }
}

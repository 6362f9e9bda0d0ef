import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { PRIORITIES, type Priority } from '@helpdesk/contracts';
import { forgetInTransaction, memoInTransaction } from '@helpdesk/persistence';
import { DEFAULT_SELF_SERVICE_SETTINGS, type SelfServiceSettings } from '../application/self-service.policy';

const S = 'knowledge';

interface SettingsRow {
  auto_answer_enabled: boolean;
  auto_answer_threshold: number;
  auto_answer_min_score: number;
  auto_answer_priorities: string[];
  auto_answer_categories: string[];
  gap_max_score: number;
  updated_at: Date;
}

export interface SynonymSet {
  groups: string[][];
  updatedAt: Date | null;
}

const isPriority = (p: string): p is Priority => (PRIORITIES as readonly string[]).includes(p);

/** Per-tenant configuration: self-service settings and synonym groups. */
@Injectable()
export class KnowledgeSettingsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** The tenant's settings, or the defaults when it never changed them; read once per transaction (a chunk of new tickets). */
  selfService(tenantId: string, manager: EntityManager = this.dataSource.manager): Promise<SelfServiceSettings & { updatedAt: Date | null }> {
    return memoInTransaction(manager, `knowledge.self-service:${tenantId}`, () => this.readSelfService(manager, tenantId));
  }

  private async readSelfService(manager: EntityManager, tenantId: string): Promise<SelfServiceSettings & { updatedAt: Date | null }> {
    const rows: SettingsRow[] = await manager.query(
      `SELECT "auto_answer_enabled", "auto_answer_threshold", "auto_answer_min_score", "auto_answer_priorities", "auto_answer_categories", "gap_max_score", "updated_at"
       FROM "${S}"."tenant_settings" WHERE "tenant_id" = $1`,
      [tenantId],
    );
    const r = rows[0];
    if (!r) return { ...DEFAULT_SELF_SERVICE_SETTINGS, updatedAt: null };
    return {
      autoAnswerEnabled: r.auto_answer_enabled,
      autoAnswerThreshold: r.auto_answer_threshold,
      autoAnswerMinScore: r.auto_answer_min_score,
      autoAnswerPriorities: r.auto_answer_priorities.filter(isPriority),
      autoAnswerCategories: r.auto_answer_categories,
      gapMaxScore: r.gap_max_score,
      updatedAt: r.updated_at,
    };
  }

  async saveSelfService(manager: EntityManager, tenantId: string, s: SelfServiceSettings, at: Date): Promise<void> {
    forgetInTransaction(manager, `knowledge.self-service:${tenantId}`);
    await manager.query(
      `INSERT INTO "${S}"."tenant_settings" ("tenant_id", "auto_answer_enabled", "auto_answer_threshold", "auto_answer_priorities", "auto_answer_categories", "gap_max_score", "updated_at", "auto_answer_min_score")
       VALUES ($1, $2, $3, $4::text[], $5::text[], $6, $7, $8)
       ON CONFLICT ("tenant_id") DO UPDATE SET "auto_answer_enabled" = EXCLUDED."auto_answer_enabled", "auto_answer_threshold" = EXCLUDED."auto_answer_threshold",
         "auto_answer_priorities" = EXCLUDED."auto_answer_priorities", "auto_answer_categories" = EXCLUDED."auto_answer_categories",
         "gap_max_score" = EXCLUDED."gap_max_score", "updated_at" = EXCLUDED."updated_at", "auto_answer_min_score" = EXCLUDED."auto_answer_min_score"`,
      [tenantId, s.autoAnswerEnabled, s.autoAnswerThreshold, s.autoAnswerPriorities, s.autoAnswerCategories, s.gapMaxScore, at, s.autoAnswerMinScore],
    );
  }

  async synonyms(tenantId: string, manager: EntityManager = this.dataSource.manager): Promise<SynonymSet> {
    const rows: Array<{ terms: string[]; updated_at: Date }> = await manager.query(
      `SELECT "terms", "updated_at" FROM "${S}"."synonym_groups" WHERE "tenant_id" = $1 ORDER BY "position"`,
      [tenantId],
    );
    return { groups: rows.map((r) => r.terms), updatedAt: rows[0]?.updated_at ?? null };
  }

  /** Every tenant's synonym groups, for the index rebuild. */
  async allSynonyms(): Promise<Map<string, string[][]>> {
    const rows: Array<{ tenant_id: string; terms: string[] }> = await this.dataSource.query(
      `SELECT "tenant_id", "terms" FROM "${S}"."synonym_groups" ORDER BY "tenant_id", "position"`,
    );
    const out = new Map<string, string[][]>();
    for (const r of rows) {
      const groups = out.get(r.tenant_id);
      if (groups) groups.push(r.terms);
      else out.set(r.tenant_id, [r.terms]);
    }
    return out;
  }

  async replaceSynonyms(manager: EntityManager, tenantId: string, groups: readonly string[][], at: Date): Promise<void> {
    await manager.query(`DELETE FROM "${S}"."synonym_groups" WHERE "tenant_id" = $1`, [tenantId]);
    if (groups.length === 0) return;
    const values: unknown[] = [];
    const rows = groups.map((terms, i) => {
      values.push(tenantId, i, terms, at);
      const o = i * 4;
      return `($${o + 1}, $${o + 2}, $${o + 3}::text[], $${o + 4})`;
    });
    await manager.query(`INSERT INTO "${S}"."synonym_groups" ("tenant_id", "position", "terms", "updated_at") VALUES ${rows.join(', ')}`, values);
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';

const S = 'knowledge';

/** A floor on the best article's score for automatic answers, beside the confidence threshold. */
export class AutoAnswerMinScore1764200000002 implements MigrationInterface {
  name = 'AutoAnswerMinScore1764200000002';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "${S}"."tenant_settings" ADD COLUMN "auto_answer_min_score" double precision NOT NULL DEFAULT 0.3,
      ADD CONSTRAINT "ck_tenant_settings_min_score" CHECK ("auto_answer_min_score" >= 0 AND "auto_answer_min_score" <= 1)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "${S}"."tenant_settings" DROP COLUMN "auto_answer_min_score"`);
  }
}

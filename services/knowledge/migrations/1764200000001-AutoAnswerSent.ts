import type { MigrationInterface, QueryRunner } from 'typeorm';

const S = 'knowledge';

/** When triage confirmed sending an automatic answer: only a sent answer can deflect a ticket. */
export class AutoAnswerSent1764200000001 implements MigrationInterface {
  name = 'AutoAnswerSent1764200000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "${S}"."auto_answers" ADD COLUMN "answer_sent_at" timestamptz NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "${S}"."auto_answers" DROP COLUMN "answer_sent_at"`);
  }
}

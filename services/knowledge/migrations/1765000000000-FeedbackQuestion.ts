import type { MigrationInterface, QueryRunner } from 'typeorm';

const S = 'knowledge';

/**
 * A vote can carry the customer's own question (a help centre asks "did this answer help?" after a
 * search, with no ticket): with a helpful vote it is an answered question the search learns from.
 */
export class FeedbackQuestion1765000000000 implements MigrationInterface {
  name = 'FeedbackQuestion1765000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "${S}"."article_feedback" ADD COLUMN "question" varchar(1000) NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "${S}"."article_feedback" DROP COLUMN "question"`);
  }
}

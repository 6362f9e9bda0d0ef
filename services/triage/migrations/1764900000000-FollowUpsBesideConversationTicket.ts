import type { MigrationInterface, QueryRunner } from 'typeorm';

const S = 'triage';

/**
 * A follow-up ticket is never its conversation's own ticket, also when it was opened before that
 * ticket existed (feedback reads the complaint straight from the message, so its follow-up can reach
 * triage first). Such a follow-up held the conversation's "one open ticket" slot: the intake of the very
 * message then waited on it, and with both consumers' chunks waiting on each other PostgreSQL broke the
 * deadlock after a second. Follow-ups are those with a `follow_up_id`.
 */
export class FollowUpsBesideConversationTicket1764900000000 implements MigrationInterface {
  name = 'FollowUpsBesideConversationTicket1764900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "${S}"."uq_tickets_open_conversation"`);
    await q.query(
      `CREATE UNIQUE INDEX "uq_tickets_open_conversation" ON "${S}"."tickets" ("tenant_id", "conversation_id") WHERE "status" IN ('new', 'open', 'pending') AND "follow_up_id" IS NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "${S}"."uq_tickets_open_conversation"`);
    await q.query(
      `CREATE UNIQUE INDEX "uq_tickets_open_conversation" ON "${S}"."tickets" ("tenant_id", "conversation_id") WHERE "status" IN ('new', 'open', 'pending') AND "follow_up_of" IS NULL`,
    );
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';
import { messagingTablesDown, messagingTablesUp } from '@helpdesk/messaging';
import { apiKeysTableDown, apiKeysTableUp, idempotencyTableDown, idempotencyTableUp } from '@helpdesk/platform';

const S = 'knowledge';

export class Initial1763900000000 implements MigrationInterface {
  name = 'Initial1763900000000';

  async up(q: QueryRunner): Promise<void> {
    for (const sql of [...messagingTablesUp(S), ...apiKeysTableUp(S), ...idempotencyTableUp(S)]) await q.query(sql);
    // What knowledge knows of each ticket: the question to suggest articles for.
    await q.query(`CREATE TABLE "${S}"."ticket_questions" (
      "tenant_id" varchar(64) NOT NULL,
      "ticket_id" uuid NOT NULL,
      "subject" varchar(1000) NULL,
      "body" text NOT NULL,
      "language" varchar(10) NOT NULL,
      "category" varchar(100) NULL,
      "priority" varchar(2) NOT NULL,
      "created_at" timestamptz NOT NULL,
      CONSTRAINT "pk_ticket_questions" PRIMARY KEY ("tenant_id", "ticket_id")
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "${S}"."ticket_questions"`);
    for (const sql of [...idempotencyTableDown(S), ...apiKeysTableDown(S), ...messagingTablesDown(S)]) await q.query(sql);
  }
}

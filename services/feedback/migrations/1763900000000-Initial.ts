import type { MigrationInterface, QueryRunner } from 'typeorm';
import { messagingTablesDown, messagingTablesUp } from '@helpdesk/messaging';
import { apiKeysTableDown, apiKeysTableUp, idempotencyTableDown, idempotencyTableUp } from '@helpdesk/platform';

const S = 'feedback';

export class Initial1763900000000 implements MigrationInterface {
  name = 'Initial1763900000000';

  async up(q: QueryRunner): Promise<void> {
    for (const sql of [...messagingTablesUp(S), ...apiKeysTableUp(S), ...idempotencyTableUp(S)]) await q.query(sql);
    // The metrics read model's source: every ticket-lifecycle event, once, so figures can be rebuilt.
    await q.query(`CREATE TABLE "${S}"."ticket_event_log" (
      "event_id" uuid PRIMARY KEY,
      "tenant_id" varchar(64) NOT NULL,
      "ticket_id" uuid NOT NULL,
      "type" varchar(100) NOT NULL,
      "occurred_at" timestamptz NOT NULL,
      "envelope" jsonb NOT NULL
    )`);
    await q.query(`CREATE INDEX "ix_ticket_event_log_tenant_time" ON "${S}"."ticket_event_log" ("tenant_id", "occurred_at")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "${S}"."ticket_event_log"`);
    for (const sql of [...idempotencyTableDown(S), ...apiKeysTableDown(S), ...messagingTablesDown(S)]) await q.query(sql);
  }
}

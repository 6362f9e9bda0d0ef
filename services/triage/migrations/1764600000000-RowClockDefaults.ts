import type { MigrationInterface, QueryRunner } from 'typeorm';
import { rowClockDefaultsDown, rowClockDefaultsUp } from '@helpdesk/persistence';

const S = 'triage';

/** Creation times per row, not per transaction: consumers now handle several events in one transaction. */
export class RowClockDefaults1764600000000 implements MigrationInterface {
  name = 'RowClockDefaults1764600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(rowClockDefaultsUp(S));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(rowClockDefaultsDown(S));
  }
}

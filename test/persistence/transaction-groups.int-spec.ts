import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { DeferredWrites, TransactionGroups, writeBeforeCommit, type DeferredStatements } from '@helpdesk/persistence';
import { testInfrastructure } from '@helpdesk/testing';
import { openSuperuserDataSource } from './superuser-data-source';

jest.setTimeout(60_000);

interface Row {
  tenantId: string;
  label: string;
}

/**
 * Group commit on PostgreSQL: units of work of one tick share a transaction and its deferred
 * statement; a failing unit is answered with its own error while every other unit still commits.
 */
describe('transaction groups on PostgreSQL', () => {
  const infra = testInfrastructure();
  const schema = `groups_${randomUUID().slice(0, 8)}`;
  let dataSource: DataSource;

  const deferredRows: DeferredStatements<Row> = {
    statements: (rows, bind) => [
      `INSERT INTO "${schema}"."rows" ("tenant_id", "label", "tx")
       SELECT r.t, r.l, txid_current() FROM unnest(${bind(rows.map((r) => r.tenantId))}::varchar[], ${bind(rows.map((r) => r.label))}::text[]) AS r(t, l)`,
    ],
  };

  beforeAll(async () => {
    dataSource = await openSuperuserDataSource(infra, true);
    dataSource.subscribers.push(new DeferredWrites());
    await dataSource.query(`CREATE SCHEMA "${schema}"`);
    await dataSource.query(`CREATE TABLE "${schema}"."rows" ("tenant_id" varchar NOT NULL, "label" text NOT NULL, "tx" bigint NOT NULL,
      CONSTRAINT "uq_rows_label" UNIQUE ("tenant_id", "label"))`);
  });

  afterAll(async () => {
    await dataSource?.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await dataSource?.destroy();
  });

  const tenant = (): string => `t-${randomUUID().slice(0, 8)}`;
  const stored = async (tenantId: string): Promise<Array<{ label: string; tx: string }>> =>
    dataSource.query(`SELECT "label", "tx" FROM "${schema}"."rows" WHERE "tenant_id" = $1 ORDER BY "label"`, [tenantId]);

  /** Writes one row directly and one deferred to the commit; answers with its transaction's id. */
  const unit = (tenantId: string, label: string) => async (manager: EntityManager): Promise<string> => {
    const [{ tx }] = await manager.query<Array<{ tx: string }>>(
      `INSERT INTO "${schema}"."rows" ("tenant_id", "label", "tx") VALUES ($1, $2, txid_current()) RETURNING "tx"::text`,
      [tenantId, `${label}-direct`],
    );
    await writeBeforeCommit(manager, 'rows', [{ tenantId, label: `${label}-deferred` }], deferredRows);
    return tx;
  };

  it('runs the units of one tick in one transaction, each answered with its own result', async () => {
    const tenantId = tenant();
    const groups = new TransactionGroups(dataSource);
    const labels = ['a', 'b', 'c', 'd', 'e'];
    const answers = await Promise.all(labels.map((l) => groups.run(unit(tenantId, l))));

    expect(new Set(answers).size).toBe(1);
    const rows = await stored(tenantId);
    expect(rows.map((r) => r.label)).toEqual(labels.flatMap((l) => [`${l}-deferred`, `${l}-direct`]));
    expect(new Set(rows.map((r) => r.tx))).toEqual(new Set(answers));
  });

  it('answers a failing unit with its own error and commits every other unit of its group', async () => {
    const tenantId = tenant();
    const groups = new TransactionGroups(dataSource);
    const refused = new Error('refused by the unit itself');
    const outcomes = await Promise.allSettled([
      groups.run(unit(tenantId, 'a')),
      groups.run(async () => {
        throw refused;
      }),
      groups.run(unit(tenantId, 'b')),
      // Fails only at the commit: its deferred row repeats a label written earlier in the group.
      groups.run(async (manager) => {
        await writeBeforeCommit(manager, 'rows', [{ tenantId, label: 'a-direct' }], deferredRows);
        return 'late';
      }),
      groups.run(unit(tenantId, 'c')),
    ]);

    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'rejected', 'fulfilled']);
    expect((outcomes[1] as PromiseRejectedResult).reason).toBe(refused);
    expect(String((outcomes[3] as PromiseRejectedResult).reason)).toMatch(/uq_rows_label|duplicate key/);
    const rows = await stored(tenantId);
    expect(rows.map((r) => r.label)).toEqual(['a-deferred', 'a-direct', 'b-deferred', 'b-direct', 'c-deferred', 'c-direct']);
    // Run again alone after the group rolled back: one transaction each.
    expect(new Set(rows.map((r) => r.tx)).size).toBe(3);
  });

  it('gives units of separate ticks, and units past the group limit, transactions of their own', async () => {
    const tenantId = tenant();
    const groups = new TransactionGroups(dataSource, 2);
    const first = await groups.run(unit(tenantId, 'a'));
    const second = await groups.run(unit(tenantId, 'b'));
    const together = await Promise.all(['c', 'd', 'e'].map((l) => groups.run(unit(tenantId, l))));

    expect(first).not.toBe(second);
    expect(together[0]).toBe(together[1]);
    expect(together[2]).not.toBe(together[0]);
    expect(new Set((await stored(tenantId)).map((r) => r.tx)).size).toBe(4);
  });
});

import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { DeferredWrites, writeBeforeCommit, writePendingNow, type DeferredStatements } from '@helpdesk/persistence';
import { testInfrastructure } from '@helpdesk/testing';
import { openSuperuserDataSource } from './superuser-data-source';

jest.setTimeout(60_000);

interface Row {
  tenantId: string;
  id: string;
  label: string;
}

/**
 * Rows deferred under several keys reach PostgreSQL as one statement at the commit: every key's
 * rows are written, a child may name a parent written in the same statement, and a failure rolls
 * back the whole transaction with the failing constraint named.
 */
describe('deferred statements on PostgreSQL', () => {
  const infra = testInfrastructure();
  const schema = `deferred_${randomUUID().slice(0, 8)}`;
  let dataSource: DataSource;

  const parents: DeferredStatements<Row> = {
    statements: (rows, bind) => [
      `INSERT INTO "${schema}"."parents" ("tenant_id", "id", "label")
       SELECT * FROM unnest(${bind(rows.map((r) => r.tenantId))}::varchar[], ${bind(rows.map((r) => r.id))}::uuid[], ${bind(rows.map((r) => r.label))}::text[])`,
    ],
  };
  const children: DeferredStatements<Row> = {
    statements: (rows, bind) => [
      `INSERT INTO "${schema}"."children" ("tenant_id", "parent_id", "label")
       SELECT * FROM unnest(${bind(rows.map((r) => r.tenantId))}::varchar[], ${bind(rows.map((r) => r.id))}::uuid[], ${bind(rows.map((r) => r.label))}::text[])`,
      `UPDATE "${schema}"."counters" SET "n" = "n" + ${bind(rows.length)}::int WHERE "tenant_id" = ${bind(rows[0]?.tenantId ?? '')}`,
    ],
  };

  const count = async (table: string, tenantId: string): Promise<number> =>
    (await dataSource.query<Array<{ n: number }>>(`SELECT count(*)::int AS "n" FROM "${schema}"."${table}" WHERE "tenant_id" = $1`, [tenantId]))[0].n;
  const counter = async (tenantId: string): Promise<number> =>
    (await dataSource.query<Array<{ n: number }>>(`SELECT "n" FROM "${schema}"."counters" WHERE "tenant_id" = $1`, [tenantId]))[0].n;

  beforeAll(async () => {
    dataSource = await openSuperuserDataSource(infra, true);
    dataSource.subscribers.push(new DeferredWrites());
    await dataSource.query(`CREATE SCHEMA "${schema}"`);
    await dataSource.query(`CREATE TABLE "${schema}"."parents" ("tenant_id" varchar NOT NULL, "id" uuid NOT NULL, "label" text NOT NULL,
      CONSTRAINT "pk_parents" PRIMARY KEY ("tenant_id", "id"))`);
    await dataSource.query(`CREATE TABLE "${schema}"."children" ("tenant_id" varchar NOT NULL, "parent_id" uuid NOT NULL, "label" text NOT NULL,
      CONSTRAINT "fk_children_parent" FOREIGN KEY ("tenant_id", "parent_id") REFERENCES "${schema}"."parents" ("tenant_id", "id"))`);
    await dataSource.query(`CREATE TABLE "${schema}"."counters" ("tenant_id" varchar PRIMARY KEY, "n" int NOT NULL)`);
  });

  afterAll(async () => {
    await dataSource?.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await dataSource?.destroy();
  });

  const tenant = async (): Promise<string> => {
    const id = `t-${randomUUID().slice(0, 8)}`;
    await dataSource.query(`INSERT INTO "${schema}"."counters" ("tenant_id", "n") VALUES ($1, 0)`, [id]);
    return id;
  };

  it('writes every key at the commit in one statement, children naming parents of the same statement', async () => {
    const tenantId = await tenant();
    const rows = Array.from({ length: 30 }, (_, i): Row => ({ tenantId, id: randomUUID(), label: `row ${i}` }));
    const sent: string[] = [];
    await dataSource.transaction(async (manager) => {
      const runner = manager.queryRunner!;
      const query = runner.query.bind(runner);
      runner.query = ((sql: string, parameters?: unknown[]) => {
        sent.push(sql);
        return query(sql, parameters);
      }) as typeof runner.query;
      for (const row of rows) {
        // Children first: the order of the parts of one statement does not matter to the foreign key.
        await writeBeforeCommit(manager, 'children', [row], children);
        await writeBeforeCommit(manager, 'parents', [row], parents);
      }
      expect(await count('parents', tenantId)).toBe(0);
    });
    expect(sent.filter((sql) => sql.includes(`"${schema}"`))).toHaveLength(1);
    expect(await count('parents', tenantId)).toBe(30);
    expect(await count('children', tenantId)).toBe(30);
    expect(await counter(tenantId)).toBe(30);
  });

  it('rolls the whole transaction back when one part fails, and names the constraint', async () => {
    const tenantId = await tenant();
    const good: Row = { tenantId, id: randomUUID(), label: 'kept?' };
    const orphan: Row = { tenantId, id: randomUUID(), label: 'no parent' };
    const failure = await dataSource
      .transaction(async (manager) => {
        await manager.query(`UPDATE "${schema}"."counters" SET "n" = 100 WHERE "tenant_id" = $1`, [tenantId]);
        await writeBeforeCommit(manager, 'parents', [good], parents);
        await writeBeforeCommit(manager, 'children', [good, orphan], children);
      })
      .then(
        () => undefined,
        (err: unknown) => err as { constraint?: string },
      );
    expect(failure?.constraint).toBe('fk_children_parent');
    expect(await count('parents', tenantId)).toBe(0);
    expect(await count('children', tenantId)).toBe(0);
    expect(await counter(tenantId)).toBe(0);
  });

  it('writes one key at once for a read in the transaction, the others still at the commit', async () => {
    const tenantId = await tenant();
    const row: Row = { tenantId, id: randomUUID(), label: 'read back' };
    await dataSource.transaction(async (manager) => {
      await writeBeforeCommit(manager, 'parents', [row], parents);
      await writeBeforeCommit(manager, 'children', [row], children);
      await writePendingNow(manager, 'parents');
      const seen = await manager.query<Array<{ label: string }>>(`SELECT "label" FROM "${schema}"."parents" WHERE "tenant_id" = $1`, [tenantId]);
      expect(seen).toEqual([{ label: 'read back' }]);
      expect((await manager.query(`SELECT count(*)::int AS "n" FROM "${schema}"."children" WHERE "tenant_id" = $1`, [tenantId]))[0]).toEqual({ n: 0 });
    });
    expect(await count('children', tenantId)).toBe(1);
  });
});

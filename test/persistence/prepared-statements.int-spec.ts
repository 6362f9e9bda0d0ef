import type { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { preparingClientClass } from '@helpdesk/persistence';
import { openSuperuserDataSource } from './superuser-data-source';
import { superuserClient, testInfrastructure } from '@helpdesk/testing';

jest.setTimeout(60_000);

/** Frequent statements become prepared statements on the connection that sends them; results stay the same. */
describe('prepared statements', () => {
  const infra = testInfrastructure();
  const open = (prepareStatements: boolean): Promise<DataSource> => openSuperuserDataSource(infra, prepareStatements);
  const sql = 'SELECT $1::int + 1 AS "n", $2::text AS "label"';

  async function preparedAfterUses(dataSource: DataSource, uses: number): Promise<{ answers: unknown[]; prepared: number }> {
    const runner = dataSource.createQueryRunner();
    try {
      const answers: unknown[] = [];
      for (let i = 0; i < uses; i++) answers.push(...((await runner.query(sql, [i, `call ${i}`])) as unknown[]));
      const rows = (await runner.query(`SELECT count(*)::int AS "n" FROM pg_prepared_statements WHERE "statement" = $1`, [sql])) as Array<{ n: number }>;
      return { answers, prepared: rows[0]?.n ?? -1 };
    } finally {
      await runner.release();
    }
  }

  async function withDataSource(prepareStatements: boolean, use: (dataSource: DataSource) => Promise<void>): Promise<void> {
    const dataSource = await open(prepareStatements);
    try {
      await use(dataSource);
    } finally {
      await dataSource.destroy();
    }
  }

  it('prepares a statement once it has been sent a few times, and answers as before', () =>
    withDataSource(true, async (dataSource) => {
      const once = await preparedAfterUses(dataSource, 1);
      expect(once.prepared).toBe(0);
      const often = await preparedAfterUses(dataSource, 6);
      expect(often.prepared).toBe(1);
      expect(often.answers).toEqual(Array.from({ length: 6 }, (_, i) => ({ n: i + 1, label: `call ${i}` })));
    }));

  it('sends every statement unnamed when turned off', () =>
    withDataSource(false, async (dataSource) => {
      const often = await preparedAfterUses(dataSource, 6);
      expect(often.prepared).toBe(0);
      expect(often.answers).toHaveLength(6);
    }));
});

/**
 * A plan made while a table was empty can read a whole tenant for a primary-key look-up; the statement
 * is prepared again as the table grows, so its plan follows the table's size without waiting for ANALYZE.
 */
describe('prepared statements as their tables grow', () => {
  const lookup = 'SELECT * FROM "grown" WHERE "tenant_id" = $1 AND "id" = $2';
  const someId = '00000000-0000-4000-8000-000000000001';
  let client: Client;

  beforeEach(async () => {
    client = superuserClient(preparingClientClass({ firstMs: 300 }));
    await client.connect();
    // A wide row and a (tenant, time, id) index: on an empty table its cost ties with the primary key's.
    await client.query(`CREATE TEMP TABLE "grown" ("id" uuid PRIMARY KEY, "tenant_id" varchar(64) NOT NULL, "created_at" timestamptz NOT NULL DEFAULT now(), "subject" varchar(2000))`);
    await client.query(`CREATE INDEX "ix_grown_tenant_created" ON "grown" ("tenant_id", "created_at" DESC, "id" DESC)`);
  });

  afterEach(() => client.end());

  const lookUp = async (times: number): Promise<void> => {
    for (let i = 0; i < times; i++) await client.query(lookup, ['t1', someId]);
  };
  const preparedNames = async (): Promise<string[]> =>
    (await client.query<{ name: string }>(`SELECT "name" FROM pg_prepared_statements WHERE "statement" = $1 ORDER BY "name"`, [lookup])).rows.map((r) => r.name);
  const indexUsed = async (): Promise<string> => {
    const [name] = await preparedNames();
    const plan = (await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN EXECUTE "${name}"('t1', '${someId}')`)).rows.map((r) => r['QUERY PLAN']).join('\n');
    return /Index Scan using (\w+)/.exec(plan)?.[1] ?? plan;
  };

  it('is planned again after it has grown, and keeps one prepared statement per text', async () => {
    await lookUp(8);
    expect(await indexUsed()).toBe('ix_grown_tenant_created');
    await client.query(`INSERT INTO "grown" ("id", "tenant_id", "subject") SELECT gen_random_uuid(), 't1', repeat('s', 200) FROM generate_series(1, 5000)`);
    await lookUp(8);
    // Still the plan made for the empty table: nothing told PostgreSQL to plan it again.
    expect(await indexUsed()).toBe('ix_grown_tenant_created');
    const [before] = await preparedNames();

    await new Promise((resolve) => setTimeout(resolve, 350));
    await lookUp(8);
    const after = await preparedNames();
    expect(after).toHaveLength(1);
    expect(after[0]).not.toBe(before);
    expect(await indexUsed()).toBe('grown_pkey');
  });

  it('renews inside a failed transaction without a second error, and frees what it could not there at the next renewal', async () => {
    await lookUp(4);
    await new Promise((resolve) => setTimeout(resolve, 350));
    await client.query('BEGIN');
    await expect(client.query('SELECT 1/0')).rejects.toThrow(/division by zero/);
    await expect(client.query(lookup, ['t1', someId])).rejects.toThrow(/current transaction is aborted/);
    await client.query('ROLLBACK');
    await lookUp(2);
    expect((await client.query(lookup, ['t1', someId])).rows).toEqual([]);
    // The statement the failed transaction could not free is still there beside the new one…
    expect(await preparedNames()).toHaveLength(2);
    // …until the next renewal (twice the first interval later) frees both older ones.
    await new Promise((resolve) => setTimeout(resolve, 650));
    await lookUp(2);
    expect(await preparedNames()).toHaveLength(1);
  });
});

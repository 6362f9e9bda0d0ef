import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { ROW_OF_TENANT } from '@helpdesk/persistence';
import { testInfrastructure } from '@helpdesk/testing';
import { openSuperuserDataSource } from './superuser-data-source';

jest.setTimeout(60_000);

/**
 * A look-up by primary key within a tenant, on a table that has indexes starting with tenant_id and
 * no statistics yet (as every table of a fresh install): the plan must go through the key.
 */
describe('one row of a tenant by its key', () => {
  const infra = testInfrastructure();
  const schema = `row_of_tenant_${randomUUID().slice(0, 8)}`;
  const table = `"${schema}"."conversations"`;
  let dataSource: DataSource;
  const ids: string[] = [];

  beforeAll(async () => {
    dataSource = await openSuperuserDataSource(infra, true);
    await dataSource.query(`CREATE SCHEMA "${schema}"`);
    // The shape of ingestion's conversations: with wide columns and no statistics the planner costs the indexes alike.
    await dataSource.query(`CREATE TABLE ${table} ("id" uuid PRIMARY KEY, "tenant_id" varchar(64) NOT NULL, "customer_id" uuid NOT NULL,
      "channel" varchar(20) NOT NULL, "subject" varchar(1000), "status" varchar(20) NOT NULL, "last_message_at" timestamptz NOT NULL,
      "created_at" timestamptz NOT NULL DEFAULT clock_timestamp()) WITH (autovacuum_enabled = false)`);
    await dataSource.query(`CREATE INDEX ON ${table} ("tenant_id", "customer_id", "last_message_at" DESC)`);
    await dataSource.query(`CREATE INDEX ON ${table} ("tenant_id", "customer_id", "last_message_at" DESC) WHERE "status" = 'open'`);
    for (let i = 0; i < 2000; i++) ids.push(randomUUID());
    await dataSource.query(
      `INSERT INTO ${table} ("id", "tenant_id", "customer_id", "channel", "subject", "status", "last_message_at")
       SELECT id, 'acme', gen_random_uuid(), 'web', 'Order not delivered', 'open', now() FROM unnest($1::uuid[]) AS id`,
      [ids],
    );
  });

  afterAll(async () => {
    await dataSource?.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await dataSource?.destroy();
  });

  it('is found through the primary key while the table has no statistics, and the plan reads a handful of buffers', async () => {
    const statistics = await dataSource.query<{ analyzed: boolean }[]>(
      `SELECT (last_analyze IS NOT NULL OR last_autoanalyze IS NOT NULL) AS analyzed FROM pg_stat_user_tables WHERE schemaname = $1`,
      [schema],
    );
    expect(statistics).toEqual([{ analyzed: false }]);
    const runner = dataSource.createQueryRunner();
    try {
      await runner.query(`SET plan_cache_mode = force_generic_plan`);
      await runner.query(`PREPARE by_key(varchar, uuid) AS SELECT "id" FROM ${table} WHERE ${ROW_OF_TENANT}`);
      const plan = (await runner.query(`EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) EXECUTE by_key('acme', '${ids[1234]}')`)) as [
        { 'QUERY PLAN': [{ Plan: { 'Index Name'?: string; 'Shared Hit Blocks': number; 'Actual Rows': number } }] },
      ];
      const root = plan[0]['QUERY PLAN'][0].Plan;
      expect(root['Index Name']).toBe('conversations_pkey');
      expect(root['Actual Rows']).toBe(1);
      expect(root['Shared Hit Blocks']).toBeLessThan(10);
      await runner.query(`DEALLOCATE by_key`);
    } finally {
      await runner.query(`RESET plan_cache_mode`);
      await runner.release();
    }
  });

  it('finds nothing for another tenant', async () => {
    const sql = `SELECT "id" FROM ${table} WHERE ${ROW_OF_TENANT}`;
    expect(await dataSource.query(sql, ['acme', ids[7]])).toEqual([{ id: ids[7] }]);
    expect(await dataSource.query(sql, ['globex', ids[7]])).toEqual([]);
  });
});

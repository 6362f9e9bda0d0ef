import type { DataSource } from 'typeorm';
import { createServiceDataSource } from '@helpdesk/persistence';
import { testInfrastructure } from '@helpdesk/testing';

jest.setTimeout(60_000);

/** Frequent statements become prepared statements on the connection that sends them; results stay the same. */
describe('prepared statements', () => {
  const infra = testInfrastructure();
  const open = async (prepareStatements: boolean): Promise<DataSource> => {
    const dataSource = createServiceDataSource({
      service: 'public',
      db: {
        host: infra.pg.host,
        port: infra.pg.port,
        database: infra.pg.database,
        user: process.env.PG_SUPERUSER ?? 'postgres',
        password: process.env.PG_SUPERUSER_PASSWORD,
        poolSize: 2,
        prepareStatements,
      },
    });
    await dataSource.initialize();
    return dataSource;
  };
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

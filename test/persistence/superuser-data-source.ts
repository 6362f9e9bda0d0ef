import type { DataSource } from 'typeorm';
import { createServiceDataSource } from '@helpdesk/persistence';
import type { TestInfrastructure } from '@helpdesk/testing';

/** A small pool on the test database as the superuser, for specs that make tables of their own. */
export async function openSuperuserDataSource(infra: TestInfrastructure, prepareStatements: boolean): Promise<DataSource> {
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
}

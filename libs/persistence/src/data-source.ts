import { DataSource, type DataSourceOptions, type EntitySchema, type MixedList } from 'typeorm';
import { preparingClientClass } from './prepared-statements';

export interface DatabaseSettings {
  host: string;
  port: number;
  database: string;
  user: string;
  password?: string;
  poolSize: number;
  /** Frequent parameterised statements become prepared statements on each connection (default off). */
  prepareStatements?: boolean;
}

export interface ServiceDataSourceOptions {
  /** The owning service; also its schema and the prefix of its migrations table. */
  service: string;
  db: DatabaseSettings;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities?: MixedList<Function | string | EntitySchema>;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  migrations?: MixedList<Function | string>;
}

/** One DataSource per service: its own schema, its own migrations table, never synchronize. */
export function createServiceDataSource(options: ServiceDataSourceOptions): DataSource {
  const config: DataSourceOptions = {
    type: 'postgres',
    host: options.db.host,
    port: options.db.port,
    database: options.db.database,
    username: options.db.user,
    password: options.db.password,
    schema: options.service,
    synchronize: false,
    migrationsRun: false,
    migrationsTableName: `${options.service}_migrations`,
    migrationsTransactionMode: 'each',
    entities: options.entities ?? [],
    migrations: options.migrations ?? [],
    extra: {
      max: options.db.poolSize,
      application_name: `helpdesk-${options.service}`,
      // search_path keeps raw SQL inside the service's own schema.
      options: `-c search_path=${options.service}`,
      connectionTimeoutMillis: 5000,
      ...(options.db.prepareStatements ? { Client: preparingClientClass() } : {}),
    },
  };
  return new DataSource(config);
}

/**
 * Applies pending migrations; returns the names applied. A session-level advisory lock per schema
 * serialises concurrent runs (several pods or a Job starting at once): the others wait, then find
 * nothing left to apply.
 */
export async function runMigrations(dataSource: DataSource): Promise<string[]> {
  const initialised = dataSource.isInitialized;
  if (!initialised) await dataSource.initialize();
  const lock = dataSource.createQueryRunner();
  const schema = String(dataSource.driver.schema ?? 'public');
  try {
    await lock.connect();
    await lock.query('SELECT pg_advisory_lock(hashtext($1))', [`migrations:${schema}`]);
    try {
      const applied = await dataSource.runMigrations({ transaction: 'each' });
      return applied.map((m) => m.name);
    } finally {
      await lock.query('SELECT pg_advisory_unlock(hashtext($1))', [`migrations:${schema}`]);
    }
  } finally {
    await lock.release();
    if (!initialised) await dataSource.destroy();
  }
}

/** Postgres errors that mean "try again later", as opposed to bad data. */
export function isTransientDatabaseError(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (/^(08|53|57P|40001|40P01)/.test(code)) return true;
    if (['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE'].includes(code)) return true;
  }
  // A connection lost mid-transaction (a database restart) leaves its query runner released.
  const name = (err as { name?: unknown }).name;
  if (name === 'QueryRunnerProviderAlreadyReleasedError' || name === 'QueryRunnerAlreadyReleasedError') return true;
  const message = (err as { message?: unknown }).message;
  return (
    typeof message === 'string' &&
    /(Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error|terminating connection)/i.test(
      message,
    )
  );
}

/** Postgres unique-violation, by constraint name when given. */
export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const e = err as { code?: unknown; constraint?: unknown; driverError?: { code?: unknown; constraint?: unknown } };
  const code = e.code ?? e.driverError?.code;
  const name = e.constraint ?? e.driverError?.constraint;
  return code === '23505' && (constraint === undefined || name === constraint);
}

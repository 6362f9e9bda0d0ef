// Creates the databases and one login role per service, each owning only its own schema.
// Idempotent. Connects as a superuser (PG_SUPERUSER, default postgres).
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { Client } = require('pg');
const services = ['ingestion', 'triage', 'knowledge', 'feedback'];
const databases = (process.env.HELPDESK_DATABASES ?? 'helpdesk,helpdesk_test').split(',');
// Dropped and created empty first: the test database starts every `npm test` as on a fresh machine,
// with no earlier run's rows (pending deliveries, outbox backlog) leaking into this one.
const reset = new Set((process.env.HELPDESK_RESET_DATABASES ?? '').split(',').filter(Boolean));
const conn = {
  host: process.env.PG_HOST ?? '127.0.0.1',
  port: Number(process.env.PG_PORT ?? 5432),
  user: process.env.PG_SUPERUSER ?? 'postgres',
  password: process.env.PG_SUPERUSER_PASSWORD,
};
const ident = (s) => `"${s.replaceAll('"', '""')}"`;
const literal = (s) => `'${s.replaceAll("'", "''")}'`;

async function withClient(database, fn) {
  const client = new Client({ ...conn, database });
  try {
    await client.connect();
  } catch (err) {
    console.error(`[infra] cannot connect to PostgreSQL as ${conn.user}@${conn.host}:${conn.port}/${database}: ${err.message}`);
    console.error('[infra] set PG_SUPERUSER / PG_SUPERUSER_PASSWORD to a role that may create databases and roles');
    process.exit(1);
  }
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

await withClient('postgres', async (c) => {
  for (const svc of services) {
    const role = `helpdesk_${svc}`;
    const password = process.env[`${svc.toUpperCase()}_DB_PASSWORD`] ?? `${svc}-local-dev`;
    const exists = await c.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role]);
    const verb = exists.rowCount === 0 ? 'CREATE' : 'ALTER';
    await c.query(`${verb} ROLE ${ident(role)} LOGIN PASSWORD ${literal(password)}`);
  }
  for (const db of databases) {
    if (reset.has(db)) await c.query(`DROP DATABASE IF EXISTS ${ident(db)} WITH (FORCE)`);
    const exists = await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [db]);
    if (exists.rowCount === 0) await c.query(`CREATE DATABASE ${ident(db)}`);
  }
});

for (const db of databases) {
  await withClient(db, async (c) => {
    await c.query('REVOKE CREATE ON SCHEMA public FROM PUBLIC');
    for (const svc of services) {
      const role = `helpdesk_${svc}`;
      await c.query(`GRANT CONNECT ON DATABASE ${ident(db)} TO ${ident(role)}`);
      await c.query(`CREATE SCHEMA IF NOT EXISTS ${ident(svc)} AUTHORIZATION ${ident(role)}`);
      await c.query(`REVOKE ALL ON SCHEMA ${ident(svc)} FROM PUBLIC`);
    }
  });
}
console.error(`[infra] PostgreSQL ready: databases ${databases.join(', ')}; one role per service schema`);

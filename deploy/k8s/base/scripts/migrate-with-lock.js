'use strict';
// Runs `node <service entry> migrate` while holding a PostgreSQL advisory lock for the service.
// TypeORM's migration runner takes no lock of its own, and every replica's init container and
// the migration Job may start at once: the lock makes them apply migrations one after another,
// and those that come later find nothing pending. The lock belongs to this session, so it is
// released if the pod dies. Usage: node migrate-with-lock.js services/<svc>/dist/src/main.js
const { spawn } = require('node:child_process');
const { createRequire } = require('node:module');
const path = require('node:path');

const entry = process.argv[2];
if (!entry) {
  process.stderr.write('usage: migrate-with-lock.js <service main.js>\n');
  process.exit(64);
}
const entryPath = path.resolve(entry);
// pg comes from the application's node_modules, next to the entry point.
const { Client } = createRequire(entryPath)('pg');
const service = /services\/([a-z-]+)\//.exec(entryPath)?.[1] ?? entryPath;
const lockKey = `helpdesk:${service}:migrations`;

function log(msg) {
  process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), service, msg })}\n`);
}

async function main() {
  const client = new Client({
    host: process.env.DB_HOST ?? '127.0.0.1',
    port: Number(process.env.DB_PORT ?? 5432),
    database: process.env.DB_NAME ?? 'helpdesk',
    user: process.env.DB_USER,
    password: process.env.DB_PASSWORD,
    application_name: `helpdesk-${service}-migrate-lock`,
    connectionTimeoutMillis: 10000,
  });
  await client.connect();
  log(`waiting for lock ${lockKey}`);
  await client.query('SELECT pg_advisory_lock(hashtext($1))', [lockKey]);
  log('lock held, migrating');
  const code = await new Promise((resolve) => {
    const child = spawn(process.execPath, [entryPath, 'migrate'], { stdio: 'inherit' });
    const forward = (signal) => child.kill(signal);
    process.on('SIGTERM', forward);
    process.on('SIGINT', forward);
    child.on('close', (status, signal) => resolve(status ?? (signal ? 1 : 0)));
  });
  await client.query('SELECT pg_advisory_unlock(hashtext($1))', [lockKey]).catch(() => undefined);
  await client.end().catch(() => undefined);
  return code;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(
      `${service}: migration lock failed: ${err instanceof Error ? err.message : String(err)}\n`,
    );
    process.exit(1);
  },
);

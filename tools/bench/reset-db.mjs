// Drops the bench database so every bench or drill run starts from empty tables and today's migrations.
// Only ever the database named by BENCH_DATABASE (default helpdesk_bench), which nothing else uses.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { Client } = require('pg');
const database = process.env.BENCH_DATABASE ?? 'helpdesk_bench';
if (!/^helpdesk_bench[a-z0-9_]*$/.test(database)) {
  console.error(`[bench] refusing to drop ${database}: only helpdesk_bench… databases are reset`);
  process.exit(1);
}
const client = new Client({
  host: process.env.PG_HOST ?? '127.0.0.1',
  port: Number(process.env.PG_PORT ?? 5432),
  user: process.env.PG_SUPERUSER ?? 'postgres',
  password: process.env.PG_SUPERUSER_PASSWORD,
  database: 'postgres',
});
await client.connect();
try {
  await client.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
} finally {
  await client.end();
}
console.error(`[bench] database ${database} reset`);

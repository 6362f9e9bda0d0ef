// Runs the four services as local processes: migrations first, then each service with its own
// database role and port, logs prefixed by service. Ctrl-C stops them gracefully.
import { spawn, execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const colours = { ingestion: 36, triage: 35, knowledge: 32, feedback: 33 };
const services = [
  { name: 'ingestion', port: Number(process.env.INGESTION_PORT ?? 3001) },
  { name: 'triage', port: Number(process.env.TRIAGE_PORT ?? 3002) },
  { name: 'knowledge', port: Number(process.env.KNOWLEDGE_PORT ?? 3003) },
  { name: 'feedback', port: Number(process.env.FEEDBACK_PORT ?? 3004) },
];

const envFor = (s) => ({
  ...process.env,
  APP_ENV: process.env.APP_ENV ?? 'development',
  HTTP_PORT: String(s.port),
  DB_NAME: process.env.DB_NAME ?? 'helpdesk',
  DB_USER: `helpdesk_${s.name}`,
  DB_PASSWORD: process.env[`${s.name.toUpperCase()}_DB_PASSWORD`] ?? `${s.name}-local-dev`,
  KAFKAJS_NO_PARTITIONER_WARNING: '1',
});
const entry = (s) => join(root, 'services', s.name, 'dist', 'src', 'main.js');

for (const s of services) {
  execFileSync(process.execPath, ['--no-warnings', entry(s), 'migrate'], { env: envFor(s), stdio: ['ignore', 'ignore', 'inherit'] });
}
console.log('[start] migrations applied');

const children = services.map((s) => {
  const child = spawn(process.execPath, ['--no-warnings', entry(s)], { env: envFor(s), stdio: ['ignore', 'pipe', 'pipe'] });
  const prefix = `\x1b[${colours[s.name]}m[${s.name.padEnd(9)}]\x1b[0m `;
  for (const stream of [child.stdout, child.stderr]) {
    let buffered = '';
    stream.on('data', (chunk) => {
      buffered += chunk.toString('utf8');
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) process.stdout.write(prefix + line + '\n');
    });
  }
  child.on('exit', (code, signal) => {
    if (!stopping) {
      console.error(`[start] ${s.name} exited (${signal ?? code}); stopping the others`);
      void stop(1);
    }
  });
  return { ...s, child };
});

let stopping = false;
async function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  console.log('[start] stopping services (consumers leave their groups, outbox flushed)…');
  await Promise.all(
    children.map(
      ({ child }) =>
        new Promise((resolve) => {
          if (child.exitCode !== null) return resolve();
          child.once('exit', resolve);
          child.kill('SIGTERM');
          setTimeout(() => child.kill('SIGKILL'), 20_000).unref();
        }),
    ),
  );
  console.log('[start] stopped');
  process.exit(code);
}
process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));

const deadline = Date.now() + 120_000;
const pending = new Set(children.map((c) => c.name));
while (pending.size > 0 && Date.now() < deadline && !stopping) {
  for (const c of children) {
    if (!pending.has(c.name)) continue;
    try {
      const res = await fetch(`http://127.0.0.1:${c.port}/health/ready`);
      if (res.status === 200) pending.delete(c.name);
    } catch {
      // not listening yet
    }
  }
  if (pending.size > 0) await new Promise((r) => setTimeout(r, 500));
}
if (pending.size > 0) {
  console.error(`[start] not ready within 120 s: ${[...pending].join(', ')}`);
  await stop(1);
}
const key = process.env.DEMO_API_KEY ?? 'dev-demo-key';
console.log('\n[start] all four services are ready:');
for (const c of children) console.log(`  ${c.name.padEnd(9)} http://127.0.0.1:${c.port}   docs: http://127.0.0.1:${c.port}/docs`);
console.log(`\n  demo tenant "demo", API key: ${key}`);
console.log(`  try: curl -s -X POST http://127.0.0.1:3001/v1/messages -H 'Authorization: Bearer ${key}' -H 'Content-Type: application/json' \\`);
console.log(`         -d '{"channel":"web","customer":{"email":"li.lei@example.com"},"body":"账号被盗，马上处理！"}'`);
console.log('\n  Ctrl-C stops everything; `npm run infra:down` also stops Kafka/PostgreSQL/Redis started for this project.\n');

import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { superuserClient, type InfraSettings } from './stack';

export interface KafkaPerfFigures {
  records: number;
  recordsPerSecond: number;
  mbPerSecond: number;
  avgLatencyMs: number;
  maxLatencyMs: number;
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
}

/** The summary line ProducerPerformance prints last. */
export function parseProducerPerformance(output: string): KafkaPerfFigures | null {
  const re =
    /(\d+) records sent, ([\d.]+) records\/sec \(([\d.]+) MB\/sec\), ([\d.]+) ms avg latency, ([\d.]+) ms max latency(?:, (\d+) ms 50th, (\d+) ms 95th, (\d+) ms 99th)?/g;
  let last: RegExpExecArray | null = null;
  for (let m = re.exec(output); m !== null; m = re.exec(output)) last = m;
  if (!last) return null;
  const opt = (s: string | undefined): number | null => (s === undefined ? null : Number(s));
  return {
    records: Number(last[1]),
    recordsPerSecond: Number(last[2]),
    mbPerSecond: Number(last[3]),
    avgLatencyMs: Number(last[4]),
    maxLatencyMs: Number(last[5]),
    p50Ms: opt(last[6]),
    p95Ms: opt(last[7]),
    p99Ms: opt(last[8]),
  };
}

export interface PgbenchFigures {
  clients: number;
  transactions: number;
  tps: number;
  latencyAvgMs: number | null;
}

export function parsePgbench(output: string, clients: number): PgbenchFigures | null {
  const tps = /tps = ([\d.]+) \((?:without initial connection time|excluding connections establishing)\)/.exec(output);
  if (!tps) return null;
  const tx = /number of transactions actually processed: (\d+)/.exec(output);
  const lat = /latency average = ([\d.]+) ms/.exec(output);
  return { clients, transactions: tx ? Number(tx[1]) : 0, tps: Number(tps[1]), latencyAvgMs: lat ? Number(lat[1]) : null };
}

interface Run {
  code: number | null;
  output: string;
  timedOut: boolean;
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let timedOut = false;
    child.stdout.on('data', (c: Buffer) => (output = (output + c.toString('utf8')).slice(-200_000)));
    child.stderr.on('data', (c: Buffer) => (output = (output + c.toString('utf8')).slice(-200_000)));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', (err) => {
      output += `\n${err.message}`;
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output, timedOut });
    });
  });
}

/**
 * Kafka's own producer benchmark from the jars the local broker runs on, against a topic made for it
 * (same partition count as the event topics) and deleted afterwards.
 */
export async function kafkaProducerLimit(infra: InfraSettings, records: number, timeoutMs = 180_000): Promise<KafkaPerfFigures | { error: string }> {
  const libs = join(infra.cacheDir, 'kafka-3.9.1', 'libs');
  if (!existsSync(libs)) return { error: `Kafka jars not found in ${libs}` };
  const topic = `bench.raw-producer-perf.${Date.now()}`;
  const kafka = new Kafka({ clientId: 'helpdesk-bench-admin', brokers: infra.kafkaBrokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic, numPartitions: 6, replicationFactor: 1 }], waitForLeaders: true });
    const result = await run(
      'java',
      [
        '-Xmx512m',
        '-cp',
        `${libs}/*`,
        'org.apache.kafka.tools.ProducerPerformance',
        '--topic',
        topic,
        '--num-records',
        String(records),
        '--record-size',
        '1024',
        '--throughput',
        '-1',
        '--producer-props',
        `bootstrap.servers=${infra.kafkaBrokers.join(',')}`,
        'acks=all',
      ],
      process.env,
      timeoutMs,
    );
    const figures = parseProducerPerformance(result.output);
    if (figures) return figures;
    return { error: result.timedOut ? `ProducerPerformance did not finish within ${timeoutMs} ms` : `ProducerPerformance exited ${String(result.code)}: ${result.output.slice(-500)}` };
  } finally {
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  }
}

/**
 * pgbench with a custom script: one single-row INSERT per transaction (autocommit), into a scratch
 * table in the bench database that is dropped afterwards.
 */
export async function postgresInsertLimit(infra: InfraSettings, clients: number, seconds: number): Promise<PgbenchFigures | { error: string }> {
  const client = superuserClient(infra);
  await client.connect();
  const dir = mkdtempSync(join(tmpdir(), 'helpdesk-pgbench-'));
  try {
    await client.query('DROP TABLE IF EXISTS public.bench_rows');
    await client.query(
      `CREATE TABLE public.bench_rows (id bigserial PRIMARY KEY, tenant_id varchar(64) NOT NULL, body text NOT NULL, created_at timestamptz NOT NULL DEFAULT now())`,
    );
    const script = join(dir, 'insert.sql');
    writeFileSync(script, "INSERT INTO public.bench_rows (tenant_id, body) VALUES ('bench', md5(random()::text));\n");
    const env = { ...process.env, PGPASSWORD: infra.pgSuperuserPassword ?? '' };
    const result = await run(
      'pgbench',
      ['-n', '-c', String(clients), '-j', String(Math.min(clients, 2)), '-T', String(seconds), '-f', script, '-h', infra.pgHost, '-p', String(infra.pgPort), '-U', infra.pgSuperuser, infra.database],
      env,
      (seconds + 60) * 1000,
    );
    const figures = parsePgbench(result.output, clients);
    if (figures) return figures;
    return { error: `pgbench exited ${String(result.code)}: ${result.output.slice(-500)}` };
  } finally {
    await client.query('DROP TABLE IF EXISTS public.bench_rows').catch(() => undefined);
    await client.end();
    rmSync(dir, { recursive: true, force: true });
  }
}

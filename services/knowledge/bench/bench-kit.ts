import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { REPO_ROOT, serviceTestEnv } from '@helpdesk/testing';

/**
 * What the knowledge benchmarks share: a tenant with an API key in the knowledge schema, the built
 * service as its own process on the test database, and clean-up of everything the run wrote.
 */
export interface BenchTenant {
  tenantId: string;
  apiKey: string;
}

export function knowledgeDb(): Client {
  const env = serviceTestEnv('knowledge');
  return new Client({ host: env.DB_HOST, port: Number(env.DB_PORT), database: env.DB_NAME, user: env.DB_USER, password: env.DB_PASSWORD });
}

export async function createBenchTenant(db: Client, prefix: string): Promise<BenchTenant> {
  const tenantId = `${prefix}-${randomBytes(4).toString('hex')}`;
  const apiKey = `bench_${randomBytes(18).toString('base64url')}`;
  const hash = createHash('sha256').update(apiKey).digest('hex');
  await db.query(`INSERT INTO "knowledge"."api_keys" ("id", "tenant_id", "name", "prefix", "hash", "scopes") VALUES ($1, $2, 'bench', $3, $4, $5)`, [
    `k-${randomUUID()}`,
    tenantId,
    apiKey.slice(0, 8),
    hash,
    ['kb:read', 'kb:write'],
  ]);
  return { tenantId, apiKey };
}

/** Removes the tenant's articles (versions and votes cascade), synonyms, suggestions and key. */
export async function dropBenchTenant(db: Client, tenantId: string): Promise<void> {
  for (const table of ['articles', 'synonym_groups', 'tenant_settings', 'idempotency_keys', 'outbox', 'api_keys']) {
    await db.query(`DELETE FROM "knowledge"."${table}" WHERE "tenant_id" = $1`, [tenantId]);
  }
}

export interface RebuildFigures {
  articles: number;
  loadMs: number;
  buildMs: number;
}

export interface RunningService {
  baseUrl: string;
  logs(): string;
  /** Resident and peak resident memory of the process in MB (Linux /proc), when readable. */
  memory(): { rssMb: number; peakMb: number } | undefined;
  stop(): Promise<void>;
}

/**
 * The built service (`node tools/build.mjs` first) as its own process with info logs, so its index
 * rebuild report can be read. Readiness may take minutes at 100,000 articles on a busy machine.
 */
export async function startService(port: number, readyTimeoutMs = 15 * 60_000): Promise<{ service: RunningService; readyMs: number; rebuild: RebuildFigures | undefined }> {
  const env = serviceTestEnv('knowledge', {
    HTTP_PORT: String(port),
    LOG_LEVEL: 'info',
    KAFKA_GROUP_PREFIX: process.env.TEST_KAFKA_GROUP_PREFIX ?? 'kb.bench.',
    // A benchmark is one heavy client: the per-key rate limit would measure itself.
    RATE_LIMIT_PER_KEY_PER_MINUTE: '1000000',
    RATE_LIMIT_PER_TENANT_PER_MINUTE: '10000000',
  });
  const child = spawn(process.execPath, ['--no-warnings', join(REPO_ROOT, 'services', 'knowledge', 'dist', 'src', 'main.js')], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString('utf8')).slice(-1_000_000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const baseUrl = `http://127.0.0.1:${port}`;
  const service: RunningService = {
    baseUrl,
    logs: () => output,
    memory: () => {
      try {
        const status = readFileSync(`/proc/${child.pid ?? 0}/status`, 'utf8');
        const kb = (field: string): number => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? Number.NaN);
        return { rssMb: Math.round(kb('VmRSS') / 1024), peakMb: Math.round(kb('VmHWM') / 1024) };
      } catch {
        return undefined;
      }
    },
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
  const t0 = performance.now();
  for (;;) {
    if (child.exitCode !== null) throw new Error(`knowledge exited:\n${output.slice(-4000)}`);
    if (performance.now() - t0 > readyTimeoutMs) {
      await service.stop();
      throw new Error('knowledge did not become ready in time');
    }
    const ready = await fetch(`${baseUrl}/health/ready`).then((r) => r.status === 200, () => false);
    if (ready) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  const readyMs = performance.now() - t0;
  const line = output.split('\n').find((l) => l.includes('search index rebuilt from Postgres'));
  const rebuild = line ? rebuildFigures(JSON.parse(line)) : undefined;
  return { service, readyMs, rebuild };
}

function rebuildFigures(logLine: unknown): RebuildFigures | undefined {
  if (typeof logLine !== 'object' || logLine === null) return undefined;
  const { articles, loadMs, buildMs } = logLine as Record<string, unknown>;
  return typeof articles === 'number' && typeof loadMs === 'number' && typeof buildMs === 'number' ? { articles, loadMs, buildMs } : undefined;
}

/** GET with the key; `indexMs` is the service's own time in the search index (its Server-Timing header). */
export async function getJson(url: string, apiKey: string): Promise<{ status: number; body: unknown; indexMs: number | undefined }> {
  const res = await fetch(url, { headers: { authorization: `Bearer ${apiKey}` } });
  const timing = /search;dur=([\d.]+)/.exec(res.headers.get('server-timing') ?? '');
  return { status: res.status, body: await res.json(), indexMs: timing ? Number(timing[1]) : undefined };
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

export const arg = (name: string): string | undefined => {
  const args = process.argv.slice(2);
  return args.includes(name) ? args[args.indexOf(name) + 1] : undefined;
};

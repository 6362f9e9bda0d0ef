import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { livePid, REPO_ROOT, type InfraSettings } from '../../bench/lib/stack';

/** A cluster line of `pg_lsclusters --no-header`: version, name, port, status, owner, data directory, log. */
export interface PgCluster {
  version: string;
  cluster: string;
  port: number;
  status: string;
}

export function parsePgLsClusters(text: string): PgCluster[] {
  return text
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => f.length >= 4 && /^\d+(\.\d+)?$/.test(f[0] ?? '') && /^\d+$/.test(f[2] ?? ''))
    .map((f) => ({ version: f[0] ?? '', cluster: f[1] ?? '', port: Number(f[2]), status: f[3] ?? '' }));
}

export type PostgresRestartPlan =
  | { kind: 'pg_ctl'; dataDir: string; logFile: string }
  | { kind: 'pg_ctlcluster'; version: string; cluster: string }
  | { kind: 'skip'; reason: string };

/**
 * Restart only a server this checkout's scripts started, or the machine's own cluster on the port in
 * use when running as root; anything else is somebody else's server and is left alone.
 */
export function planPostgresRestart(input: { startedByUs: boolean; localDir: string; isRoot: boolean; port: number; clusters: PgCluster[] }): PostgresRestartPlan {
  if (input.startedByUs) {
    return { kind: 'pg_ctl', dataDir: join(input.localDir, 'postgres', 'data'), logFile: join(input.localDir, 'postgres', 'postgres.log') };
  }
  const inUse = input.clusters.find((c) => c.port === input.port && c.status === 'online');
  if (!inUse) return { kind: 'skip', reason: `the PostgreSQL on port ${input.port} was not started by this checkout's deploy/local/infra.sh and is not a pg_ctlcluster cluster of this machine` };
  if (!input.isRoot) return { kind: 'skip', reason: `PostgreSQL ${inUse.version}/${inUse.cluster} on port ${input.port} belongs to the machine and restarting it needs root` };
  return { kind: 'pg_ctlcluster', version: inUse.version, cluster: inUse.cluster };
}

function postgresBin(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'pg_ctl')))
    .sort((a, b) => Number(a) - Number(b));
  const v = versions[versions.length - 1];
  return v ? join(root, v, 'bin') : undefined;
}

const isRoot = (): boolean => typeof process.getuid === 'function' && process.getuid() === 0;

export function currentPostgresPlan(infra: InfraSettings): PostgresRestartPlan {
  let clusters: PgCluster[] = [];
  try {
    clusters = parsePgLsClusters(execFileSync('pg_lsclusters', ['--no-header'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
  } catch {
    // no postgresql-common here
  }
  return planPostgresRestart({
    startedByUs: existsSync(join(infra.localDir, 'postgres', 'started-by-us')),
    localDir: infra.localDir,
    isRoot: isRoot(),
    port: infra.pgPort,
    clusters,
  });
}

export function restartPostgres(plan: PostgresRestartPlan): { ok: boolean; output: string } {
  switch (plan.kind) {
    case 'skip':
      return { ok: false, output: plan.reason };
    case 'pg_ctl': {
      const bin = postgresBin();
      if (!bin) return { ok: false, output: 'pg_ctl not found under /usr/lib/postgresql' };
      const args = [join(bin, 'pg_ctl'), '-D', plan.dataDir, '-l', plan.logFile, '-m', 'fast', '-w', '-t', '120', 'restart'];
      const r = isRoot() ? spawnSync('runuser', ['-u', 'postgres', '--', ...args], { encoding: 'utf8' }) : spawnSync(args[0] ?? '', args.slice(1), { encoding: 'utf8' });
      return { ok: r.status === 0, output: `${r.stdout}${r.stderr}`.trim() };
    }
    case 'pg_ctlcluster': {
      const r = spawnSync('pg_ctlcluster', ['--skip-systemctl-redirect', plan.version, plan.cluster, 'restart'], { encoding: 'utf8' });
      return { ok: r.status === 0, output: `${r.stdout}${r.stderr}`.trim() };
    }
  }
}

/** Kafka may be stopped only when this checkout's infra script started it (its pid file names a live process). */
export function kafkaStartedByUs(infra: InfraSettings): number | undefined {
  return livePid(join(infra.localDir, 'kafka', 'kafka.pid'));
}

/** `deploy/local/infra.sh kafka-stop|kafka-start` with this run's ports and state folder. */
export function infraScript(action: 'kafka-stop' | 'kafka-start'): { ok: boolean; output: string } {
  const r = spawnSync('bash', [join(REPO_ROOT, 'deploy', 'local', 'infra.sh'), action], { encoding: 'utf8', env: process.env, timeout: 180_000 });
  return { ok: r.status === 0, output: `${r.stdout}${r.stderr}`.trim().slice(-2000) };
}

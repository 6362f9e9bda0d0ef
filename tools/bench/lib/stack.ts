import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, readFileSync, type WriteStream } from 'node:fs';
import { createConnection } from 'node:net';
import { join, resolve } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { DEAD_LETTER_PARTITIONS, TOPIC_CATALOGUE, deadLetterTopic } from '@helpdesk/contracts';
import { HttpClient, isRecord, jsonBody } from './http-client';

export const REPO_ROOT = resolve(__dirname, '..', '..', '..');
export const SERVICE_NAMES = ['ingestion', 'triage', 'knowledge', 'feedback'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

/** Where the infrastructure is: what tools/bench/run.sh exported after `deploy/local/infra.sh up`. */
export interface InfraSettings {
  kafkaBrokers: string[];
  kafkaPort: number;
  pgHost: string;
  pgPort: number;
  pgSuperuser: string;
  pgSuperuserPassword: string | undefined;
  database: string;
  redisUrl: string;
  /** deploy/local's state folder for this infrastructure (pid files, started-by-us markers). */
  localDir: string;
  cacheDir: string;
  /** Kafka and PostgreSQL of the benchmark's own, on their own ports, stopped afterwards. */
  dedicated: boolean;
}

export function infraFromEnv(env: NodeJS.ProcessEnv = process.env): InfraSettings {
  const kafkaPort = Number(env['KAFKA_PORT'] ?? 9092);
  return {
    kafkaBrokers: (env['KAFKA_BROKERS'] ?? `127.0.0.1:${kafkaPort}`).split(','),
    kafkaPort,
    pgHost: env['PG_HOST'] ?? '127.0.0.1',
    pgPort: Number(env['PG_PORT'] ?? 5432),
    pgSuperuser: env['PG_SUPERUSER'] ?? 'postgres',
    pgSuperuserPassword: env['PG_SUPERUSER_PASSWORD'],
    database: env['BENCH_DATABASE'] ?? 'helpdesk_bench',
    redisUrl: env['BENCH_REDIS_URL'] ?? `redis://${env['REDIS_HOST'] ?? '127.0.0.1'}:${env['REDIS_PORT'] ?? 6379}/0`,
    localDir: env['HELPDESK_LOCAL_DIR'] ?? join(REPO_ROOT, '.local'),
    cacheDir: env['HELPDESK_CACHE_DIR'] ?? join(REPO_ROOT, '.cache'),
    dedicated: env['BENCH_DEDICATED_INFRA'] === '1',
  };
}

export function superuserClient(infra: InfraSettings, database = infra.database): Client {
  return new Client({ host: infra.pgHost, port: infra.pgPort, user: infra.pgSuperuser, password: infra.pgSuperuserPassword, database });
}

export interface ServiceExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  at: number;
  expected: boolean;
}

/** One built service run as its own process, as `npm start` runs it; output goes to a log file. */
export class ServiceRunner {
  private child: ChildProcess | undefined;
  private log: WriteStream | undefined;
  private expectingExit = false;
  readonly exits: ServiceExit[] = [];
  readonly http: HttpClient;

  constructor(
    readonly name: ServiceName,
    readonly port: number,
    private readonly env: Record<string, string>,
    readonly logFile: string,
  ) {
    this.http = new HttpClient(this.baseUrl, 64);
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get pid(): number | undefined {
    return this.running ? this.child?.pid : undefined;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Exits nobody asked for: a crash. */
  get unexpectedExits(): ServiceExit[] {
    return this.exits.filter((e) => !e.expected);
  }

  private entry(): string {
    return join(REPO_ROOT, 'services', this.name, 'dist', 'src', 'main.js');
  }

  migrate(): void {
    execFileSync(process.execPath, ['--no-warnings', this.entry(), 'migrate'], { env: this.env, stdio: ['ignore', 'ignore', 'inherit'] });
  }

  async start(readyTimeoutMs = 120_000): Promise<number> {
    const started = Date.now();
    // A process left on the port (another run, someone's service) would answer the readiness probe for us.
    if (await portInUse(this.port)) throw new Error(`port ${this.port} for ${this.name} is already in use: stop what listens there or pick --base-port`);
    // One log per run: truncated at the first start, appended to across restarts within the run.
    this.log ??= createWriteStream(this.logFile, { flags: 'w' });
    this.log.write(`\n--- start ${new Date().toISOString()} ---\n`);
    this.expectingExit = false;
    const child = spawn(process.execPath, ['--no-warnings', this.entry()], { env: this.env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    RUNNING.add(child);
    child.once('exit', () => RUNNING.delete(child));
    const log = this.log;
    child.stdout?.on('data', (chunk: Buffer) => log.write(chunk));
    child.stderr?.on('data', (chunk: Buffer) => log.write(chunk));
    child.once('exit', (code, signal) => {
      this.exits.push({ code, signal, at: Date.now(), expected: this.expectingExit });
      log.write(`--- exited ${signal ?? String(code)} ${new Date().toISOString()} ---\n`);
    });
    while (Date.now() - started < readyTimeoutMs) {
      if (!this.running) throw new Error(`${this.name} exited while starting (${this.exits.at(-1)?.signal ?? String(this.exits.at(-1)?.code)}); see ${this.logFile}`);
      if ((await this.ready()).ok) return Date.now() - started;
      await sleep(250);
    }
    throw new Error(`${this.name} not ready within ${readyTimeoutMs} ms; see ${this.logFile}`);
  }

  async ready(): Promise<{ ok: boolean; status: number; detail: string }> {
    const res = await this.http.request('GET', '/health/ready', { timeoutMs: 5000 });
    const body = jsonBody(res);
    const checks = isRecord(body) && isRecord(body['checks']) ? body['checks'] : {};
    const down = Object.entries(checks)
      .filter(([, v]) => isRecord(v) && v['status'] !== 'up')
      .map(([k]) => k);
    return { ok: res.status === 200, status: res.status, detail: res.status === 0 ? (res.error ?? 'no answer') : down.length > 0 ? `down: ${down.join(', ')}` : 'ok' };
  }

  /** SIGKILL is a crash; SIGTERM a graceful stop (SIGKILL after 20 s). */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return;
    this.expectingExit = true;
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    await exited;
    clearTimeout(timer);
  }

  close(): void {
    this.http.close();
    this.log?.end();
  }
}

export interface StackOptions {
  /** HTTP ports basePort+1…basePort+4 for ingestion, triage, knowledge, feedback; gRPC basePort+41…basePort+44. */
  basePort: number;
  groupPrefix: string;
  logDir: string;
}

/** The four services against the bench database, with their own ports and consumer groups. */
export class BenchStack {
  readonly services: Record<ServiceName, ServiceRunner>;

  constructor(
    readonly infra: InfraSettings,
    readonly options: StackOptions,
  ) {
    mkdirSync(options.logDir, { recursive: true });
    const entries = SERVICE_NAMES.map((name, i) => {
      const port = options.basePort + i + 1;
      return [name, new ServiceRunner(name, port, this.envFor(name, port, options.basePort + 40 + i + 1), join(options.logDir, `${name}.log`))] as const;
    });
    this.services = Object.fromEntries(entries) as Record<ServiceName, ServiceRunner>;
  }

  private envFor(name: ServiceName, port: number, grpcPort: number): Record<string, string> {
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
    return {
      ...env,
      APP_ENV: 'development',
      HTTP_HOST: '127.0.0.1',
      HTTP_PORT: String(port),
      GRPC_HOST: '127.0.0.1',
      GRPC_PORT: String(grpcPort),
      DB_HOST: this.infra.pgHost,
      DB_PORT: String(this.infra.pgPort),
      DB_NAME: this.infra.database,
      DB_USER: `helpdesk_${name}`,
      DB_PASSWORD: process.env[`${name.toUpperCase()}_DB_PASSWORD`] ?? `${name}-local-dev`,
      REDIS_URL: this.infra.redisUrl,
      KAFKA_BROKERS: this.infra.kafkaBrokers.join(','),
      KAFKA_GROUP_PREFIX: this.options.groupPrefix,
      KAFKAJS_NO_PARTITIONER_WARNING: '1',
      LOG_LEVEL: process.env['BENCH_LOG_LEVEL'] ?? 'warn',
      // The load comes from one key: the default per-key limit would measure the limiter, not the system.
      RATE_LIMIT_PER_KEY_PER_MINUTE: '1000000',
      RATE_LIMIT_PER_TENANT_PER_MINUTE: '10000000',
      // Nothing may leave this machine: outbound channels point at a closed local port.
      WECHAT_API_BASE_URL: 'http://127.0.0.1:4799',
      SMTP_HOST: '127.0.0.1',
      SMTP_PORT: '4798',
      PUBLIC_BASE_URL: `http://127.0.0.1:${this.options.basePort + 4}`,
    };
  }

  list(): ServiceRunner[] {
    return SERVICE_NAMES.map((n) => this.services[n]);
  }

  migrate(): void {
    for (const s of this.list()) s.migrate();
  }

  /** Starts all four at once (they boot independently) and returns each one's time to ready. */
  async startAll(): Promise<Record<ServiceName, number>> {
    const times = await Promise.all(this.list().map((s) => s.start()));
    return Object.fromEntries(SERVICE_NAMES.map((n, i) => [n, times[i] ?? 0])) as Record<ServiceName, number>;
  }

  async stopAll(): Promise<void> {
    await Promise.all(this.list().map((s) => s.stop('SIGTERM')));
    for (const s of this.list()) s.close();
  }

  async health(): Promise<Record<ServiceName, { ok: boolean; status: number; detail: string }>> {
    const results = await Promise.all(this.list().map((s) => s.ready()));
    return Object.fromEntries(SERVICE_NAMES.map((n, i) => [n, results[i] ?? { ok: false, status: 0, detail: 'unknown' }])) as Record<
      ServiceName,
      { ok: boolean; status: number; detail: string }
    >;
  }

  /** Waits until every service answers ready; the time it took, or null when the deadline passed. */
  async waitHealthy(timeoutMs: number): Promise<number | null> {
    const started = Date.now();
    while (Date.now() - started < timeoutMs) {
      const h = await this.health();
      if (Object.values(h).every((x) => x.ok)) return Date.now() - started;
      await sleep(500);
    }
    return null;
  }

  /**
   * A fresh tenant with an all-scopes key on every service, written the way `libs/testing`'s
   * createTenantKey does: each service keeps its own hashed copy of the key registry.
   */
  async provisionTenant(tenantId: string): Promise<string> {
    const key = `bench_${randomBytes(18).toString('base64url')}`;
    const hash = createHash('sha256').update(key).digest('hex');
    const client = superuserClient(this.infra);
    await client.connect();
    try {
      for (const s of SERVICE_NAMES) {
        await client.query(
          `INSERT INTO "${s}"."api_keys" ("id", "tenant_id", "name", "prefix", "hash", "scopes") VALUES ($1, $2, 'bench', $3, $4, $5)`,
          [`k-${randomBytes(6).toString('hex')}`, tenantId, key.slice(0, 8), hash, ['admin']],
        );
      }
    } finally {
      await client.end();
    }
    return key;
  }
}

/**
 * Starts the run from empty topics, as the database starts empty: on the bench's own Kafka every topic
 * is deleted and created again; on a shared Kafka only this run's consumer groups are moved to the end,
 * so they never work through traffic of earlier runs (theirs or anyone's).
 */
export async function freshTopics(infra: InfraSettings, groupPrefix: string): Promise<string> {
  const kafka = new Kafka({ clientId: 'helpdesk-bench-admin', brokers: infra.kafkaBrokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  try {
    if (infra.dedicated) {
      const existing = (await admin.listTopics()).filter((t) => !t.startsWith('__'));
      if (existing.length > 0) await admin.deleteTopics({ topics: existing, timeout: 60_000 });
      const wanted = TOPIC_CATALOGUE.flatMap((t) => [
        { topic: t.name, numPartitions: t.partitions, replicationFactor: 1 },
        { topic: deadLetterTopic(t.name), numPartitions: DEAD_LETTER_PARTITIONS, replicationFactor: 1 },
      ]);
      // Deletion completes in the background: create again until the broker accepts the names.
      const deadline = Date.now() + 90_000;
      for (;;) {
        const present = new Set(await admin.listTopics());
        const missing = wanted.filter((t) => !present.has(t.topic));
        if (missing.length === 0) break;
        await admin.createTopics({ topics: missing, waitForLeaders: true }).catch(() => false);
        if (Date.now() > deadline) throw new Error(`topics not created again: ${missing.map((t) => t.topic).join(', ')}`);
        await sleep(1000);
      }
      return `${existing.length} topics deleted, ${wanted.length} created empty`;
    }
    const { groups } = await admin.listGroups();
    const mine = groups.map((g) => g.groupId).filter((g) => g.startsWith(groupPrefix));
    let moved = 0;
    for (const groupId of mine) {
      const [described] = (await admin.describeGroups([groupId])).groups;
      if (described && described.state !== 'Empty' && described.state !== 'Dead') continue;
      const offsets = await admin.fetchOffsets({ groupId });
      for (const { topic } of offsets) {
        const ends = await admin.fetchTopicOffsets(topic);
        await admin.setOffsets({ groupId, topic, partitions: ends.map((p) => ({ partition: p.partition, offset: p.high })) });
      }
      moved++;
    }
    return `${moved} consumer group(s) of ${groupPrefix}* moved to the end of their topics`;
  } finally {
    await admin.disconnect();
  }
}

/** Children still running when this process exits are killed, so a failed run never leaves services behind. */
const RUNNING = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of RUNNING) child.kill('SIGKILL');
});

export function portInUse(port: number): Promise<boolean> {
  return new Promise((r) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    const done = (open: boolean): void => {
      socket.destroy();
      r(open);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** The pid in a deploy/local pid file, when that process is alive. */
export function livePid(pidFile: string): number | undefined {
  if (!existsSync(pidFile)) return undefined;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]?.trim());
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  try {
    process.kill(pid, 0);
    return pid;
  } catch {
    return undefined;
  }
}

/** The postmaster of a data directory this checkout's scripts started. */
export function postmasterPid(infra: InfraSettings): number | undefined {
  return livePid(join(infra.localDir, 'postgres', 'data', 'postmaster.pid'));
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export function runId(): string {
  return `${new Date().toISOString().replace(/[-:T]/g, '').slice(0, 14)}-${randomBytes(3).toString('hex')}`;
}

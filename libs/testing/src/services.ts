import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, createHash } from 'node:crypto';
import { join } from 'node:path';
import { Client } from 'pg';
import { testInfrastructure } from './infrastructure';
import { expectEventually } from './eventually';

export const SERVICES = ['ingestion', 'triage', 'knowledge', 'feedback'] as const;
export type ServiceName = (typeof SERVICES)[number];

export const REPO_ROOT = join(__dirname, '..', '..', '..');

/** The environment a service runs with in tests: the test database, its own role, test consumer groups. */
export function serviceTestEnv(service: ServiceName, overrides: Record<string, string> = {}): Record<string, string> {
  const infra = testInfrastructure();
  return {
    APP_ENV: 'test',
    HTTP_HOST: '127.0.0.1',
    HTTP_PORT: '0',
    GRPC_PORT: '0',
    DB_HOST: infra.pg.host,
    DB_PORT: String(infra.pg.port),
    DB_NAME: infra.pg.database,
    DB_USER: `helpdesk_${service}`,
    DB_PASSWORD: process.env[`${service.toUpperCase()}_DB_PASSWORD`] ?? `${service}-local-dev`,
    DB_POOL_SIZE: '10',
    REDIS_URL: `redis://${infra.redis.host}:${infra.redis.port}/0`,
    KAFKA_BROKERS: infra.kafkaBrokers.join(','),
    KAFKA_GROUP_PREFIX: process.env.TEST_KAFKA_GROUP_PREFIX ?? 'test.',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn',
    ...overrides,
  };
}

/** A connection as the superuser; `ClientClass` for another `pg` client class (the services' preparing one). */
export function superuserClient(ClientClass: typeof Client = Client): Client {
  const infra = testInfrastructure();
  return new ClientClass({
    host: infra.pg.host,
    port: infra.pg.port,
    database: infra.pg.database,
    user: process.env.PG_SUPERUSER ?? 'postgres',
    password: process.env.PG_SUPERUSER_PASSWORD,
  });
}

/** A fresh tenant with a key valid on every service (each keeps its own hashed copy). */
export async function createTenantKey(tenantId: string, scopes: string[] = ['admin']): Promise<string> {
  const key = `test_${randomBytes(18).toString('base64url')}`;
  const hash = createHash('sha256').update(key).digest('hex');
  const client = superuserClient();
  await client.connect();
  try {
    for (const s of SERVICES) {
      await client.query(
        `INSERT INTO "${s}"."api_keys" ("id", "tenant_id", "name", "prefix", "hash", "scopes") VALUES ($1, $2, 'test', $3, $4, $5)`,
        [`k-${randomBytes(6).toString('hex')}`, tenantId, key.slice(0, 8), hash, scopes],
      );
    }
  } finally {
    await client.end();
  }
  return key;
}

/** Runs a built service as its own process, as `npm start` does; stop() sends SIGTERM and waits. */
export class ServiceProcess {
  private child: ChildProcess | undefined;
  private output = '';
  /** How and when the process ended, whether stopped by the test or not. */
  exited: { code: number | null; signal: NodeJS.Signals | null; at: string } | undefined;
  readonly baseUrl: string;

  constructor(
    readonly service: ServiceName,
    readonly port: number,
    private readonly env: Record<string, string> = {},
  ) {
    this.baseUrl = `http://127.0.0.1:${port}`;
  }

  async start(): Promise<void> {
    const entry = join(REPO_ROOT, 'services', this.service, 'dist', 'src', 'main.js');
    this.exited = undefined;
    this.child = spawn(process.execPath, ['--no-warnings', entry], {
      env: { ...process.env, ...serviceTestEnv(this.service, { HTTP_PORT: String(this.port), ...this.env }) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const keep = (chunk: Buffer): void => {
      this.output = (this.output + chunk.toString('utf8')).slice(-2_000_000);
    };
    this.child.stdout?.on('data', keep);
    this.child.stderr?.on('data', keep);
    this.child.once('exit', (code, signal) => {
      this.exited = { code, signal, at: new Date().toISOString() };
    });
    await expectEventually(
      async () => {
        if (this.child?.exitCode !== null && this.child?.exitCode !== undefined) throw new Error(`${this.service} exited: ${this.output}`);
        const res = await fetch(`${this.baseUrl}/health/ready`);
        if (res.status !== 200) throw new Error(`${this.service} not ready: ${await res.text()}`);
      },
      { timeoutMs: 90_000, intervalMs: 250 },
    ).catch((err: unknown) => {
      throw new Error(`${this.service} did not become ready: ${String(err)}\n${this.output}`);
    });
  }

  /** SIGKILL simulates a crash; SIGTERM a graceful stop. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<{ code: number | null; signal: NodeJS.Signals | null; killed: boolean }> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) {
      return { code: child?.exitCode ?? null, signal: child?.signalCode ?? null, killed: false };
    }
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.once('close', (code: number | null, sig: NodeJS.Signals | null) => resolve({ code, signal: sig })),
    );
    child.kill(signal);
    let killed = false;
    const timer = setTimeout(() => {
      killed = true;
      child.kill('SIGKILL');
    }, 20_000);
    const result = await exited;
    clearTimeout(timer);
    return { ...result, killed: killed && signal !== 'SIGKILL' };
  }

  logs(): string {
    return this.output;
  }
}

import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT, expectEventually, serviceTestEnv, superuserClient } from '@helpdesk/testing';

/**
 * The migration wrapper the Kubernetes init containers and Jobs run: while another session holds
 * the service's migration lock it waits instead of migrating alongside, and once the lock is free
 * it applies the migrations and exits 0. Several at once all succeed.
 */
const SCRIPT = join(REPO_ROOT, 'deploy', 'k8s', 'base', 'scripts', 'migrate-with-lock.js');
const SERVICE = 'knowledge';
const LOCK_KEY = `helpdesk:${SERVICE}:migrations`;

interface Run {
  exited: Promise<number | null>;
  output: () => string;
}

function runWrapper(): Run {
  const child = spawn(process.execPath, [SCRIPT, `services/${SERVICE}/dist/src/main.js`], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...serviceTestEnv(SERVICE, { LOG_LEVEL: 'info' }) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return { exited, output: () => output };
}

it('waits while the lock is held, then migrates and exits 0', async () => {
  const holder = superuserClient();
  await holder.connect();
  let run: Run | undefined;
  try {
    await holder.query('SELECT pg_advisory_lock(hashtext($1))', [LOCK_KEY]);
    run = runWrapper();
    let finished = false;
    void run.exited.then(() => (finished = true));
    const wrapper = run;
    await expectEventually(
      async () => {
        const waiting = await holder.query<{ n: string }>(
          `SELECT count(*) AS n FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
            WHERE l.locktype = 'advisory' AND NOT l.granted AND a.application_name = $1`,
          [`helpdesk-${SERVICE}-migrate-lock`],
        );
        expect({ waiting: waiting.rows[0]?.n, output: wrapper.output() }).toEqual({
          waiting: '1',
          output: expect.stringContaining('waiting for lock'),
        });
      },
      { timeoutMs: 20_000 },
    );
    expect(finished).toBe(false);
    expect(run.output()).not.toContain('migrations up to date');
  } finally {
    await holder.query('SELECT pg_advisory_unlock_all()');
    await holder.end();
  }
  expect(await run.exited).toBe(0);
  expect(run.output()).toContain('migrations up to date');
}, 60_000);

it('lets several replicas start at once: every one exits 0', async () => {
  const runs = [runWrapper(), runWrapper(), runWrapper()];
  const codes = await Promise.all(runs.map((r) => r.exited));
  expect({ codes, output: runs.map((r) => r.output()).join('') }).toEqual({
    codes: [0, 0, 0],
    output: expect.stringContaining('migrations up to date'),
  });
}, 60_000);

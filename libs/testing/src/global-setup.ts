import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ensureTestInfrastructure } from './infrastructure';
import { REPO_ROOT, SERVICES, serviceTestEnv } from './services';

/** Integration tests need real Kafka, PostgreSQL and Redis, and every service's migrations applied. */
export default async function globalSetup(): Promise<void> {
  await ensureTestInfrastructure();
  for (const service of SERVICES) {
    const entry = join(REPO_ROOT, 'services', service, 'dist', 'src', 'main.js');
    if (!existsSync(entry)) throw new Error(`${entry} missing: run 'npm run build' (npm test does) before integration tests`);
    execFileSync(process.execPath, ['--no-warnings', entry, 'migrate'], { env: { ...process.env, ...serviceTestEnv(service) }, stdio: ['ignore', 'ignore', 'inherit'] });
  }
}

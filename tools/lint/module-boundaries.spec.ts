import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');

interface LintMessage {
  ruleId: string | null;
  message: string;
}

/** Lints a throw-away file placed inside a project, as the real lint run would see it. */
function lintProbe(relativePath: string, source: string): LintMessage[] {
  const file = join(root, relativePath);
  writeFileSync(file, source);
  try {
    const run = spawnSync(process.execPath, [join(root, 'node_modules', 'eslint', 'bin', 'eslint.js'), '--format', 'json', file], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, NX_DAEMON: 'false' },
    });
    const results = JSON.parse(run.stdout) as Array<{ messages: LintMessage[] }>;
    return results.flatMap((r) => r.messages);
  } finally {
    rmSync(file, { force: true });
  }
}

describe('module boundaries', () => {
  it('a service importing another service fails the lint run', () => {
    const messages = lintProbe(
      'services/triage/src/boundary-probe.ts',
      "import { IngestionRepository } from '../../ingestion/src/infrastructure/ingestion.repository';\nexport const probe = IngestionRepository;\n",
    );
    expect(messages.some((m) => m.ruleId === '@nx/enforce-module-boundaries')).toBe(true);
  }, 60_000);

  it('the contracts library may not import a domain library', () => {
    const messages = lintProbe('libs/contracts/src/boundary-probe.ts', "import { EventPublisher } from '@helpdesk/messaging';\nexport const probe = EventPublisher;\n");
    expect(messages.some((m) => m.ruleId === '@nx/enforce-module-boundaries')).toBe(true);
  }, 60_000);

  it('a service importing the shared libraries is allowed', () => {
    const messages = lintProbe('services/triage/src/boundary-probe.ts', "import { TOPICS } from '@helpdesk/contracts';\nexport const probe = TOPICS;\n");
    expect(messages.filter((m) => m.ruleId === '@nx/enforce-module-boundaries')).toEqual([]);
  }, 60_000);
});

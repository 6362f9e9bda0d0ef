import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { isKubeObject, type KubeObject } from './kube-object';

export const REPO_ROOT = join(__dirname, '..', '..');
export const K8S_ROOT = join(REPO_ROOT, 'deploy', 'k8s');

export class KustomizeError extends Error {
  constructor(
    readonly code: 'RENDERER_MISSING' | 'RENDER_FAILED' | 'NOT_A_MANIFEST',
    message: string,
  ) {
    super(message);
    this.name = 'KustomizeError';
  }
}

/** The command that renders a kustomization directory: `kubectl kustomize` or `kustomize build`. */
export interface KustomizeCommand {
  file: string;
  args: string[];
}

function runs(file: string, args: string[]): boolean {
  const result = spawnSync(file, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return result.error === undefined && result.status === 0;
}

function detect(): KustomizeCommand | undefined {
  const override = process.env.KUBECTL;
  if (override)
    return runs(override, ['kustomize', '--help']) ? { file: override, args: ['kustomize'] } : undefined;
  if (runs('kubectl', ['kustomize', '--help'])) return { file: 'kubectl', args: ['kustomize'] };
  if (runs('kustomize', ['version'])) return { file: 'kustomize', args: ['build'] };
  return undefined;
}

/**
 * Finds a renderer; when none is installed, installs Debian's kubernetes-client (kubectl with
 * its embedded kustomize) the way deploy/local/infra.sh installs PostgreSQL: apt-get as root,
 * otherwise a failure that says what to install.
 */
export function ensureKustomize(): KustomizeCommand {
  const override = process.env.KUBECTL;
  if (override && !runs(override, ['kustomize', '--help'])) {
    throw new KustomizeError('RENDERER_MISSING', `KUBECTL=${override} does not run \`kubectl kustomize\``);
  }
  const found = detect();
  if (found) return found;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot || !runs('apt-get', ['--version'])) {
    throw new KustomizeError(
      'RENDERER_MISSING',
      'rendering deploy/k8s needs kubectl (>= 1.14, for `kubectl kustomize`) or kustomize on PATH: ' +
        "install Debian's kubernetes-client (sudo apt-get install -y kubernetes-client), or set KUBECTL to a kubectl binary",
    );
  }
  const localDir = join(REPO_ROOT, '.local');
  const marker = join(localDir, '.apt-updated');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  if (!existsSync(marker)) {
    const update = spawnSync('apt-get', ['update', '-qq'], { encoding: 'utf8', env });
    if (update.status === 0) {
      mkdirSync(localDir, { recursive: true });
      writeFileSync(marker, '');
    }
  }
  const install = spawnSync('apt-get', ['install', '-y', '-qq', 'kubernetes-client'], {
    encoding: 'utf8',
    env,
  });
  const installed = detect();
  if (install.status !== 0 || !installed) {
    throw new KustomizeError(
      'RENDERER_MISSING',
      `installing kubernetes-client failed: ${install.stderr || install.stdout || String(install.error)}`,
    );
  }
  return installed;
}

/** Renders a kustomization directory into its objects, in output order. */
export function renderKustomization(command: KustomizeCommand, dir: string): KubeObject[] {
  const result = spawnSync(command.file, [...command.args, dir], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.status !== 0) {
    throw new KustomizeError(
      'RENDER_FAILED',
      `${command.file} ${command.args.join(' ')} ${dir} failed: ${result.stderr || String(result.error)}`,
    );
  }
  return parseManifests(result.stdout);
}

/** Parses a multi-document YAML stream; every non-empty document must be a Kubernetes object. */
export function parseManifests(text: string): KubeObject[] {
  const objects: KubeObject[] = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length > 0)
      throw new KustomizeError('NOT_A_MANIFEST', doc.errors.map((e) => e.message).join('; '));
    const value: unknown = doc.toJS();
    if (value === null || value === undefined) continue;
    if (!isKubeObject(value))
      throw new KustomizeError(
        'NOT_A_MANIFEST',
        `not a Kubernetes object: ${JSON.stringify(value).slice(0, 200)}`,
      );
    objects.push(value);
  }
  return objects;
}

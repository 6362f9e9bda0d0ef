import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { KubeObject } from './kube-object';

export interface SchemaResult {
  apiVersion: string;
  kind: string;
  name: string;
  /** Absent when the object matches its schema. */
  error?: string;
}

/**
 * Validates objects against the Kubernetes OpenAPI schemas (and the Prometheus Operator CRDs)
 * through validate-manifests.mjs in a separate Node process (the model packages are ES modules
 * only). An object of a kind with no known schema is reported as an error, never skipped.
 */
export function validateAgainstSchemas(objects: KubeObject[]): SchemaResult[] {
  const run = spawnSync(process.execPath, [join(__dirname, 'validate-manifests.mjs')], {
    input: JSON.stringify(objects),
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (run.status !== 0) throw new Error(`schema validation did not run: ${run.stderr || String(run.error)}`);
  const parsed: unknown = JSON.parse(run.stdout);
  if (!Array.isArray(parsed) || parsed.length !== objects.length)
    throw new Error('schema validation returned an unexpected answer');
  return parsed as SchemaResult[];
}

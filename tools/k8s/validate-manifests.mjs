// Validates Kubernetes objects against the API's OpenAPI schemas (kubernetes-models, and the
// Prometheus Operator's CRD schemas for monitoring.coreos.com). The packages are ES modules
// only, which jest's CommonJS runtime cannot load, so the tests run this file as a child
// process: a JSON array of objects on stdin, a JSON array of results on stdout.
import { readFileSync } from 'node:fs';

const CORE_GROUPS = new Set(['', 'v1']);

/** The module that holds the model class of an apiVersion, or undefined when none is known. */
function modulePath(apiVersion) {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  if (CORE_GROUPS.has(group)) return `kubernetes-models/${version}`;
  if (group === 'monitoring.coreos.com') return `@kubernetes-models/prometheus-operator/${group}/${version}`;
  return `kubernetes-models/${group}/${version}`;
}

async function validateOne(object) {
  const id = { apiVersion: object?.apiVersion, kind: object?.kind, name: object?.metadata?.name };
  if (typeof id.apiVersion !== 'string' || typeof id.kind !== 'string')
    return { ...id, error: 'apiVersion and kind are required' };
  let models;
  try {
    models = await import(modulePath(id.apiVersion));
  } catch {
    return { ...id, error: `no schema known for ${id.apiVersion}` };
  }
  const Model = models[id.kind];
  if (typeof Model !== 'function') return { ...id, error: `no schema known for ${id.apiVersion} ${id.kind}` };
  try {
    new Model(object).validate();
    return id;
  } catch (err) {
    return { ...id, error: err instanceof Error ? err.message : String(err) };
  }
}

const input = JSON.parse(readFileSync(0, 'utf8'));
const results = [];
for (const object of input) results.push(await validateOne(object));
process.stdout.write(JSON.stringify(results));

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { dig, records, stringRecord, type KubeObject } from './kube-object';
import { ensureKustomize, K8S_ROOT, renderKustomization, type KustomizeCommand } from './kustomize.renderer';
import {
  checkNamespace,
  checkPodSecurity,
  checkService,
  findObject,
  parseCpu,
  parseMemory,
} from './manifest.policy';
import { validateAgainstSchemas } from './schema.validator';
import { SERVICE_EXPECTATIONS } from './service-expectations';

const VARIANTS = { base: 'base', dev: 'overlays/dev', prod: 'overlays/prod' } as const;
type Variant = keyof typeof VARIANTS;

let kustomize: KustomizeCommand;
const rendered = {} as Record<Variant | 'monitoring' | 'prodWithMonitoring', KubeObject[]>;

beforeAll(() => {
  kustomize = ensureKustomize();
  for (const [variant, dir] of Object.entries(VARIANTS) as [Variant, string][])
    rendered[variant] = renderKustomization(kustomize, join(K8S_ROOT, dir));
  rendered.monitoring = renderKustomization(kustomize, join(K8S_ROOT, 'components', 'monitoring'));
  // The optional component added to the prod overlay's bases, as the README tells operators to
  // do (kustomize refuses absolute paths, hence relative ones from a scratch directory).
  const scratch = mkdtempSync(join(tmpdir(), 'helpdesk-k8s-'));
  try {
    writeFileSync(
      join(scratch, 'kustomization.yaml'),
      [
        'namespace: helpdesk',
        'bases:',
        `  - ${relative(scratch, join(K8S_ROOT, 'overlays', 'prod'))}`,
        `  - ${relative(scratch, join(K8S_ROOT, 'components', 'monitoring'))}`,
        '',
      ].join('\n'),
    );
    rendered.prodWithMonitoring = renderKustomization(kustomize, scratch);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}, 300_000);

function configOf(objects: KubeObject[], prefix: string): Record<string, string> {
  const map = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith(`${prefix}-`));
  return stringRecord(map?.data);
}

function serverResources(objects: KubeObject[], service: string): { cpu: number; memory: number } {
  const deployment = findObject(objects, 'Deployment', service);
  const server = records(dig(deployment, 'spec', 'template', 'spec', 'containers')).find(
    (c) => c.name === 'server',
  );
  return {
    cpu: parseCpu(dig(server, 'resources', 'limits', 'cpu')) ?? 0,
    memory: parseMemory(dig(server, 'resources', 'limits', 'memory')) ?? 0,
  };
}

describe.each(Object.keys(VARIANTS) as Variant[])('deploy/k8s %s', (variant) => {
  it('renders objects that all validate against the Kubernetes schemas', () => {
    const objects = rendered[variant];
    const results = validateAgainstSchemas(objects);
    expect(results.filter((r) => r.error !== undefined)).toEqual([]);
    const kinds = new Set(objects.map((o) => o.kind));
    for (const kind of [
      'Deployment',
      'Service',
      'HorizontalPodAutoscaler',
      'PodDisruptionBudget',
      'ServiceAccount',
      'NetworkPolicy',
      'Job',
      'ConfigMap',
    ]) {
      expect(kinds).toContain(kind);
    }
  }, 60_000);

  it.each(SERVICE_EXPECTATIONS.map((s) => [s.name, s] as const))(
    'gives %s probes, limits, config, migrations, autoscaling and network policy',
    (_name, service) => {
      expect(checkService(rendered[variant], service)).toEqual([]);
    },
  );

  it('runs every pod non-root, read-only, without capabilities, with requests and limits', () => {
    expect(checkPodSecurity(rendered[variant])).toEqual([]);
  });

  it('denies all traffic by default and lets migrations reach PostgreSQL', () => {
    expect(checkNamespace(rendered[variant])).toEqual([]);
  });
});

describe('deploy/k8s overlays', () => {
  it('dev runs one replica per service in development mode, seeding the demo tenant', () => {
    const objects = rendered.dev;
    expect(configOf(objects, 'helpdesk-config')).toMatchObject({ APP_ENV: 'development', SEED_DEMO: 'true' });
    for (const { name } of SERVICE_EXPECTATIONS) {
      expect(dig(findObject(objects, 'HorizontalPodAutoscaler', name), 'spec', 'minReplicas')).toBe(1);
      // A single replica must stay drainable: a budget of minAvailable 1 would block node maintenance.
      expect(dig(findObject(objects, 'PodDisruptionBudget', name), 'spec')).toMatchObject({
        maxUnavailable: 1,
      });
      expect(dig(findObject(objects, 'PodDisruptionBudget', name), 'spec', 'minAvailable')).toBeUndefined();
    }
    expect(
      objects.filter((o) => o.kind !== 'Namespace').every((o) => o.metadata.namespace === 'helpdesk-dev'),
    ).toBe(true);
  });

  it('prod runs at least two replicas with a disruption budget, larger limits, production mode and no demo seed', () => {
    const objects = rendered.prod;
    expect(configOf(objects, 'helpdesk-config')).toMatchObject({ APP_ENV: 'production', SEED_DEMO: 'false' });
    for (const { name } of SERVICE_EXPECTATIONS) {
      expect(
        dig(findObject(objects, 'HorizontalPodAutoscaler', name), 'spec', 'minReplicas'),
      ).toBeGreaterThanOrEqual(2);
      expect(dig(findObject(objects, 'PodDisruptionBudget', name), 'spec', 'minAvailable')).toBe(1);
      const prod = serverResources(objects, name);
      const dev = serverResources(rendered.dev, name);
      expect(prod.cpu).toBeGreaterThan(dev.cpu);
      expect(prod.memory).toBeGreaterThan(dev.memory);
    }
    const namespace = findObject(objects, 'Namespace', 'helpdesk');
    expect(namespace?.metadata.labels?.['pod-security.kubernetes.io/enforce']).toBe('restricted');
    expect(
      objects.filter((o) => o.kind !== 'Namespace').every((o) => o.metadata.namespace === 'helpdesk'),
    ).toBe(true);
  });

  it('the optional monitoring component adds a ServiceMonitor valid against its CRD schema', () => {
    expect(rendered.monitoring.map((o) => `${o.apiVersion} ${o.kind}`)).toEqual([
      'monitoring.coreos.com/v1 ServiceMonitor',
    ]);
    expect(validateAgainstSchemas(rendered.monitoring).filter((r) => r.error !== undefined)).toEqual([]);
  }, 60_000);

  it('composed with prod, the ServiceMonitor scrapes /metrics on the http port of every service', () => {
    const objects = rendered.prodWithMonitoring;
    const monitor = objects.find((o) => o.kind === 'ServiceMonitor');
    expect(monitor?.metadata.namespace).toBe('helpdesk');
    const selector = stringRecord(dig(monitor, 'spec', 'selector', 'matchLabels'));
    const endpoints = records(dig(monitor, 'spec', 'endpoints'));
    expect(endpoints).toEqual([expect.objectContaining({ port: 'http', path: '/metrics' })]);
    const scraped = objects
      .filter(
        (o) =>
          o.kind === 'Service' && Object.entries(selector).every(([k, v]) => o.metadata.labels?.[k] === v),
      )
      .filter((o) => records(dig(o, 'spec', 'ports')).some((p) => p.name === 'http'))
      .map((o) => o.metadata.name)
      .sort();
    expect(scraped).toEqual(SERVICE_EXPECTATIONS.map((s) => s.name).sort());
  });
});

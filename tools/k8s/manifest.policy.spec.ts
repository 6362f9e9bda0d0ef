import { join } from 'node:path';
import { dig, isRecord, records, type KubeObject } from './kube-object';
import { ensureKustomize, K8S_ROOT, parseManifests, renderKustomization } from './kustomize.renderer';
import { checkNamespace, checkPodSecurity, checkService, findObject } from './manifest.policy';
import { validateAgainstSchemas } from './schema.validator';
import { SERVICE_EXPECTATIONS } from './service-expectations';

// The checks must catch the mistakes they exist for: each case breaks one property of the real
// rendered prod manifests and expects the matching complaint.
let prod: KubeObject[];

beforeAll(() => {
  prod = renderKustomization(ensureKustomize(), join(K8S_ROOT, 'overlays', 'prod'));
}, 300_000);

function service(name: string): (typeof SERVICE_EXPECTATIONS)[number] {
  const found = SERVICE_EXPECTATIONS.find((s) => s.name === name);
  if (!found) throw new Error(`unknown service ${name}`);
  return found;
}

/** A deep copy with one change applied to the object of that kind and name. */
function mutate(kind: string, name: string, change: (object: KubeObject) => void): KubeObject[] {
  const copy = structuredClone(prod);
  const target = findObject(copy, kind, name);
  if (!target) throw new Error(`${kind}/${name} not rendered`);
  change(target);
  return copy;
}

function serverOf(deployment: KubeObject): Record<string, unknown> {
  const server = records(dig(deployment, 'spec', 'template', 'spec', 'containers')).find(
    (c) => c.name === 'server',
  );
  if (!server) throw new Error('no server container');
  return server;
}

function podSpecOf(deployment: KubeObject): Record<string, unknown> {
  const spec = dig(deployment, 'spec', 'template', 'spec');
  if (!isRecord(spec)) throw new Error('no pod spec');
  return spec;
}

describe('manifest policy checks', () => {
  it('accept the rendered prod manifests', () => {
    expect(SERVICE_EXPECTATIONS.flatMap((s) => checkService(prod, s))).toEqual([]);
  });

  it('report a Deployment without a readiness probe', () => {
    const objects = mutate('Deployment', 'triage', (d) => delete serverOf(d).readinessProbe);
    expect(checkService(objects, service('triage'))).toContain(
      'triage: readinessProbe is not an HTTP GET of /health/ready',
    );
  });

  it('report a liveness probe on the wrong path', () => {
    const objects = mutate('Deployment', 'knowledge', (d) => {
      serverOf(d).livenessProbe = { httpGet: { path: '/health/ready', port: 'http' } };
    });
    expect(checkService(objects, service('knowledge'))).toContain(
      'knowledge: livenessProbe is not an HTTP GET of /health/live',
    );
  });

  it('report a grace period shorter than the preStop sleep plus shutdown', () => {
    const objects = mutate('Deployment', 'feedback', (d) => {
      podSpecOf(d).terminationGracePeriodSeconds = 30;
    });
    expect(checkService(objects, service('feedback')).join('\n')).toMatch(
      /terminationGracePeriodSeconds 30 is shorter/,
    );
  });

  it('report a Deployment whose pods start without migrating', () => {
    const objects = mutate('Deployment', 'ingestion', (d) => delete podSpecOf(d).initContainers);
    expect(checkService(objects, service('ingestion'))).toContain(
      'ingestion: no init container applies the migrations before the server starts',
    );
  });

  it('report a migration Job that lacks the secrets the server gets', () => {
    const objects = mutate('Job', 'feedback-migrate', (job) => {
      const container = records(dig(job, 'spec', 'template', 'spec', 'containers'))[0];
      if (container) container.env = records(container.env).filter((e) => e.name === 'DB_PASSWORD');
    });
    expect(checkService(objects, service('feedback'))).toContain(
      'feedback: the migration Job gets another environment than the server',
    );
  });

  it('report a service without its own NetworkPolicy', () => {
    const objects = prod.filter((o) => !(o.kind === 'NetworkPolicy' && o.metadata.name === 'triage'));
    expect(checkService(objects, service('triage'))).toEqual(
      expect.arrayContaining([
        'triage: no NetworkPolicy of its own',
        'triage: no ingress allowed at all: the ingress controller and Prometheus cannot reach it',
      ]),
    );
  });

  it('report internet egress for a service that never needs it', () => {
    const objects = structuredClone(prod);
    objects.push(
      ...parseManifests(`
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: knowledge-out }
spec:
  podSelector: { matchLabels: { app.kubernetes.io/name: knowledge } }
  policyTypes: [Egress]
  egress:
    - to: [{ ipBlock: { cidr: 0.0.0.0/0 } }]
      ports: [{ protocol: TCP, port: 443 }]
`),
    );
    expect(checkService(objects, service('knowledge'))).toContain(
      'knowledge: knowledge-out: reaches the internet, which knowledge never needs',
    );
  });

  it('report ingestion internet egress that reaches private ranges', () => {
    const objects = mutate('NetworkPolicy', 'ingestion', (np) => {
      const rule = records(dig(np, 'spec', 'egress'))[0];
      if (rule) rule.to = [{ ipBlock: { cidr: '0.0.0.0/0' } }];
    });
    expect(checkService(objects, service('ingestion')).join('\n')).toMatch(
      /internet egress also reaches private ranges 10\.0\.0\.0\/8/,
    );
  });

  it('report a ConfigMap key the service does not read and a value it rejects', () => {
    const objects = mutate('Deployment', 'triage', () => undefined);
    const config = objects.find(
      (o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith('triage-config-'),
    );
    if (!config || !isRecord(config.data)) throw new Error('triage-config not rendered');
    config.data.DB_HOSTNAME = 'db';
    config.data.HTTP_PORT = 'three thousand';
    const problems = checkService(objects, service('triage')).join('\n');
    expect(problems).toMatch(/DB_HOSTNAME is configured but the service does not read it/);
    expect(problems).toMatch(/the service rejects its configuration: HTTP_PORT/);
  });

  it('report a secret configured as a plain value', () => {
    const objects = mutate('Deployment', 'ingestion', (d) => {
      const server = serverOf(d);
      server.env = [
        ...records(server.env).filter((e) => e.name !== 'CHANNEL_SECRETS_KEY'),
        { name: 'CHANNEL_SECRETS_KEY', value: 'f'.repeat(64) },
      ];
    });
    expect(checkService(objects, service('ingestion'))).toEqual(
      expect.arrayContaining([
        'ingestion: CHANNEL_SECRETS_KEY is a literal value: secrets come from a Secret',
        'ingestion: CHANNEL_SECRETS_KEY does not come from a Secret',
      ]),
    );
  });

  it('report a writable root filesystem, a root user and missing limits', () => {
    const objects = mutate('Deployment', 'feedback', (d) => {
      const server = serverOf(d);
      server.securityContext = {
        runAsUser: 0,
        capabilities: { drop: ['ALL'] },
        allowPrivilegeEscalation: false,
      };
      server.resources = { requests: { cpu: '100m', memory: '128Mi' } };
    });
    expect(checkPodSecurity(objects)).toEqual(
      expect.arrayContaining([
        'Deployment/feedback container server: root filesystem is writable',
        'Deployment/feedback container server: runs as root (uid 0)',
        'Deployment/feedback container server: resources.limits lacks cpu or memory',
      ]),
    );
  });

  it('report a namespace without a default-deny policy', () => {
    expect(checkNamespace(prod.filter((o) => o.metadata.name !== 'default-deny-all'))).toEqual([
      'no default-deny NetworkPolicy for ingress and egress',
    ]);
  });

  it('schema validation reports an object that breaks the Kubernetes schema and a kind it does not know', () => {
    const broken = mutate('HorizontalPodAutoscaler', 'triage', (hpa) => {
      if (isRecord(hpa.spec)) hpa.spec.minReplicas = 'two';
    });
    const unknown = parseManifests('apiVersion: example.com/v1\nkind: Widget\nmetadata: { name: w }\n');
    const results = validateAgainstSchemas([
      ...broken.filter((o) => o.kind === 'HorizontalPodAutoscaler'),
      ...unknown,
    ]);
    expect(results.filter((r) => r.error !== undefined).map((r) => [r.kind, r.name, r.error])).toEqual([
      ['HorizontalPodAutoscaler', 'triage', expect.stringMatching(/minReplicas must be integer/)],
      ['Widget', 'w', 'no schema known for example.com/v1'],
    ]);
  }, 60_000);
});

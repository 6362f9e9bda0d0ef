import { dig, isRecord, records, stringRecord, strings, type KubeObject } from './kube-object';

/** What the manifests must provide for one service. */
export interface ServiceExpectation {
  name: string;
  httpPort: number;
  /** Environment variables the service's config class declares (ConfigMap keys must be among them). */
  configVariables: readonly string[];
  /** Only ingestion talks to the outside world (SMTP, WeChat, partner webhooks). */
  internetEgress: boolean;
  /** Variables that must come from a Secret, each with a well-formed sample value for the config check. */
  secrets: Readonly<Record<string, string>>;
  /** Runs the service's own config validation on the environment the pod would get; returns the problem, if any. */
  validateEnv?: (env: Record<string, string>) => string | undefined;
}

/** Time the service needs after SIGTERM: consumers leave their groups, the outbox is flushed. */
export const SHUTDOWN_SECONDS = 30;
/** Variables the runtime reads besides the service config. */
const RUNTIME_VARIABLES = ['NODE_ENV', 'NODE_OPTIONS'];
const SECRET_NAME = /PASSWORD|SECRET|TOKEN|API_KEY|PRIVATE/;
const INTERNET_PORTS = [443, 25, 465, 587];
/** A mail relay or catcher inside the cluster (1025: the usual unprivileged SMTP port). */
const MAIL_RELAY_PORTS = [25, 465, 587, 1025];
const DATASTORE_PORTS = { dns: 53, postgres: 5432, redis: 6379, kafka: 9092 };
const PRIVATE_RANGES = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '169.254.0.0/16'];

export function findObject(objects: KubeObject[], kind: string, name: string): KubeObject | undefined {
  return objects.find((o) => o.kind === kind && o.metadata.name === name);
}

/** References carry the hash suffix kustomize gave the generated ConfigMap, so names match exactly. */
function findConfigMap(objects: KubeObject[], name: string): KubeObject | undefined {
  return objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === name);
}

export function parseCpu(quantity: unknown): number | undefined {
  const text = typeof quantity === 'number' ? String(quantity) : quantity;
  if (typeof text !== 'string') return undefined;
  const m = /^(\d+(?:\.\d+)?)(m?)$/.exec(text);
  if (!m) return undefined;
  return Number(m[1]) / (m[2] === 'm' ? 1000 : 1);
}

export function parseMemory(quantity: unknown): number | undefined {
  const text = typeof quantity === 'number' ? String(quantity) : quantity;
  if (typeof text !== 'string') return undefined;
  const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|k|M|G|T)?$/.exec(text);
  if (!m) return undefined;
  const unit: Record<string, number> = {
    '': 1,
    Ki: 1024,
    Mi: 1024 ** 2,
    Gi: 1024 ** 3,
    Ti: 1024 ** 4,
    k: 1e3,
    M: 1e6,
    G: 1e9,
    T: 1e12,
  };
  return Number(m[1]) * (unit[m[2] ?? ''] ?? Number.NaN);
}

function selects(selector: Record<string, string>, labels: Record<string, string>): boolean {
  const entries = Object.entries(selector);
  return entries.every(([k, v]) => labels[k] === v);
}

/** The pod template of a Deployment or Job, with the labels its pods carry. */
interface PodTemplate {
  owner: KubeObject;
  labels: Record<string, string>;
  spec: Record<string, unknown>;
}

export function podTemplates(objects: KubeObject[]): PodTemplate[] {
  return objects
    .filter((o) => o.kind === 'Deployment' || o.kind === 'Job')
    .map((owner) => ({
      owner,
      labels: stringRecord(dig(owner, 'spec', 'template', 'metadata', 'labels')),
      spec: isRecord(dig(owner, 'spec', 'template', 'spec'))
        ? (dig(owner, 'spec', 'template', 'spec') as Record<string, unknown>)
        : {},
    }));
}

function allContainers(spec: Record<string, unknown>): Record<string, unknown>[] {
  return [...records(spec.initContainers), ...records(spec.containers)];
}

function label(template: PodTemplate, container?: Record<string, unknown>): string {
  const name = `${template.owner.kind}/${template.owner.metadata.name}`;
  return container ? `${name} container ${String(container.name)}` : name;
}

/** The restricted Pod Security Standard plus a read-only root filesystem and resource limits, for every pod. */
export function checkPodSecurity(objects: KubeObject[]): string[] {
  const problems: string[] = [];
  for (const template of podTemplates(objects)) {
    const pod = template.spec;
    if (pod.automountServiceAccountToken !== false)
      problems.push(`${label(template)}: mounts a service account token it never uses`);
    if (pod.hostNetwork === true || pod.hostPID === true || pod.hostIPC === true)
      problems.push(`${label(template)}: shares a host namespace`);
    const podRunAsNonRoot = dig(pod, 'securityContext', 'runAsNonRoot') === true;
    const podSeccomp = dig(pod, 'securityContext', 'seccompProfile', 'type');
    if (dig(pod, 'securityContext', 'runAsUser') === 0)
      problems.push(`${label(template)}: runs as root (uid 0)`);
    for (const c of allContainers(pod)) {
      const sc = c.securityContext;
      const where = label(template, c);
      if (!(podRunAsNonRoot || dig(sc, 'runAsNonRoot') === true))
        problems.push(`${where}: runAsNonRoot is not set`);
      if (dig(sc, 'runAsUser') === 0) problems.push(`${where}: runs as root (uid 0)`);
      if (dig(sc, 'allowPrivilegeEscalation') !== false)
        problems.push(`${where}: allowPrivilegeEscalation is not false`);
      if (dig(sc, 'readOnlyRootFilesystem') !== true) problems.push(`${where}: root filesystem is writable`);
      if (dig(sc, 'privileged') === true) problems.push(`${where}: privileged`);
      if (!strings(dig(sc, 'capabilities', 'drop')).includes('ALL'))
        problems.push(`${where}: capabilities are not all dropped`);
      if (strings(dig(sc, 'capabilities', 'add')).length > 0) problems.push(`${where}: adds capabilities`);
      const seccomp = dig(sc, 'seccompProfile', 'type') ?? podSeccomp;
      if (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost')
        problems.push(`${where}: no seccomp profile`);
      for (const kind of ['requests', 'limits'] as const) {
        const cpu = parseCpu(dig(c, 'resources', kind, 'cpu'));
        const memory = parseMemory(dig(c, 'resources', kind, 'memory'));
        if (cpu === undefined || memory === undefined)
          problems.push(`${where}: resources.${kind} lacks cpu or memory`);
      }
      const reqCpu = parseCpu(dig(c, 'resources', 'requests', 'cpu'));
      const limCpu = parseCpu(dig(c, 'resources', 'limits', 'cpu'));
      const reqMem = parseMemory(dig(c, 'resources', 'requests', 'memory'));
      const limMem = parseMemory(dig(c, 'resources', 'limits', 'memory'));
      if (reqCpu !== undefined && limCpu !== undefined && reqCpu > limCpu)
        problems.push(`${where}: cpu request above its limit`);
      if (reqMem !== undefined && limMem !== undefined && reqMem > limMem)
        problems.push(`${where}: memory request above its limit`);
    }
  }
  return problems;
}

/** The environment a container gets from its ConfigMaps and literal env entries (secret values are unknown here). */
export function containerEnvironment(
  objects: KubeObject[],
  container: Record<string, unknown>,
): { env: Record<string, string>; problems: string[] } {
  const env: Record<string, string> = {};
  const problems: string[] = [];
  for (const source of records(container.envFrom)) {
    const ref = source.configMapRef;
    if (isRecord(ref) && typeof ref.name === 'string') {
      const map = findConfigMap(objects, ref.name);
      if (!map) {
        if (ref.optional !== true)
          problems.push(`ConfigMap ${ref.name} is referenced but not part of the manifests`);
        continue;
      }
      Object.assign(env, stringRecord(map.data));
    }
  }
  for (const entry of records(container.env)) {
    if (typeof entry.name !== 'string') continue;
    if (typeof entry.value === 'string') {
      if (SECRET_NAME.test(entry.name))
        problems.push(`${entry.name} is a literal value: secrets come from a Secret`);
      env[entry.name] = entry.value;
    }
  }
  for (const key of Object.keys(env)) {
    if (SECRET_NAME.test(key)) problems.push(`${key} is in a ConfigMap: secrets come from a Secret`);
  }
  return { env, problems };
}

function secretKeyRefs(container: Record<string, unknown>): Map<string, { name: string; key: string }> {
  const refs = new Map<string, { name: string; key: string }>();
  for (const entry of records(container.env)) {
    const ref = dig(entry, 'valueFrom', 'secretKeyRef');
    if (
      typeof entry.name === 'string' &&
      isRecord(ref) &&
      typeof ref.name === 'string' &&
      typeof ref.key === 'string'
    ) {
      refs.set(entry.name, { name: ref.name, key: ref.key });
    }
  }
  return refs;
}

function preStopSeconds(container: Record<string, unknown>): number | undefined {
  const sleepAction = dig(container, 'lifecycle', 'preStop', 'sleep', 'seconds');
  if (typeof sleepAction === 'number') return sleepAction;
  const command = strings(dig(container, 'lifecycle', 'preStop', 'exec', 'command'));
  const at = command.indexOf('sleep');
  const seconds = at >= 0 ? Number(command[at + 1]) : Number.NaN;
  return Number.isFinite(seconds) ? seconds : undefined;
}

function httpGetPath(probe: unknown): string | undefined {
  const path = dig(probe, 'httpGet', 'path');
  return typeof path === 'string' ? path : undefined;
}

function portMatches(port: unknown, name: string, number: number): boolean {
  return port === name || port === number;
}

function runsMigration(container: Record<string, unknown>, entry: string): boolean {
  const argv = [...strings(container.command), ...strings(container.args)];
  return (
    argv.includes(entry) && (argv.includes('migrate') || argv.some((a) => a.endsWith('migrate-with-lock.js')))
  );
}

/** Everything one service needs: Deployment, Service, HPA, PDB, ServiceAccount, NetworkPolicy, migrations, config. */
export function checkService(objects: KubeObject[], svc: ServiceExpectation): string[] {
  const problems: string[] = [];
  const p = (msg: string): void => {
    problems.push(`${svc.name}: ${msg}`);
  };
  const deployment = findObject(objects, 'Deployment', svc.name);
  if (!deployment) return [`${svc.name}: no Deployment`];
  const template = podTemplates([deployment])[0];
  if (!template) return [`${svc.name}: Deployment has no pod template`];
  const pod = template.spec;
  const entry = `services/${svc.name}/dist/src/main.js`;
  const server = records(pod.containers).find((c) => c.name === 'server') ?? records(pod.containers)[0];
  if (!server) return [`${svc.name}: Deployment has no container`];

  // The image and the command.
  const image = typeof server.image === 'string' ? server.image : '';
  const tag = /^helpdesk\/([a-z-]+):([\w.-]+)$/.exec(image);
  if (!tag || tag[1] !== svc.name) p(`image ${image} is not helpdesk/${svc.name}:<tag>`);
  else if (tag[2] === 'latest') p('image tag "latest" is not reproducible');
  const command = [...strings(server.command), ...strings(server.args)];
  if (command.join(' ') !== `node ${entry}`) p(`command is "${command.join(' ')}", expected "node ${entry}"`);

  // Ports, probes, graceful shutdown.
  const httpPort = records(server.ports).find((port) => port.name === 'http');
  if (httpPort?.containerPort !== svc.httpPort) p(`container port "http" is not ${svc.httpPort}`);
  if (httpGetPath(server.readinessProbe) !== '/health/ready')
    p('readinessProbe is not an HTTP GET of /health/ready');
  if (httpGetPath(server.livenessProbe) !== '/health/live')
    p('livenessProbe is not an HTTP GET of /health/live');
  if (!httpGetPath(server.startupProbe)) p('no HTTP startupProbe');
  for (const probe of [server.readinessProbe, server.livenessProbe, server.startupProbe]) {
    if (probe !== undefined && !portMatches(dig(probe, 'httpGet', 'port'), 'http', svc.httpPort))
      p('a probe does not target the HTTP port');
  }
  const sleep = preStopSeconds(server);
  if (sleep === undefined || sleep <= 0) p('no preStop sleep: endpoints would not drain before SIGTERM');
  const grace = pod.terminationGracePeriodSeconds;
  if (typeof grace !== 'number' || grace < (sleep ?? 0) + SHUTDOWN_SECONDS) {
    p(
      `terminationGracePeriodSeconds ${String(grace)} is shorter than the preStop sleep plus ${SHUTDOWN_SECONDS} s of shutdown`,
    );
  }

  // Prometheus annotations.
  const annotations = stringRecord(dig(deployment, 'spec', 'template', 'metadata', 'annotations'));
  if (
    annotations['prometheus.io/scrape'] !== 'true' ||
    annotations['prometheus.io/port'] !== String(svc.httpPort) ||
    annotations['prometheus.io/path'] !== '/metrics'
  ) {
    p('pod template lacks prometheus.io scrape/port/path annotations for /metrics');
  }

  // Configuration: ConfigMaps exist, hold only declared variables, and pass the service's own validation.
  const { env, problems: envProblems } = containerEnvironment(objects, server);
  envProblems.forEach(p);
  for (const key of Object.keys(env)) {
    if (!svc.configVariables.includes(key) && !RUNTIME_VARIABLES.includes(key))
      p(`${key} is configured but the service does not read it`);
  }
  if (env.HTTP_PORT !== String(svc.httpPort))
    p(`HTTP_PORT is ${String(env.HTTP_PORT)}, the container port is ${svc.httpPort}`);
  if (env.HTTP_HOST !== '0.0.0.0') p('HTTP_HOST is not 0.0.0.0: the pod would not be reachable');
  const grpcPort = records(server.ports).find((port) => port.name === 'grpc');
  if (grpcPort) {
    if (env.GRPC_HOST !== '0.0.0.0') p('GRPC_HOST is not 0.0.0.0: gRPC would not be reachable');
    if (env.GRPC_PORT !== String(grpcPort.containerPort))
      p(`GRPC_PORT is ${String(env.GRPC_PORT)}, the container port is ${String(grpcPort.containerPort)}`);
  }
  const fromSecrets = secretKeyRefs(server);
  for (const name of Object.keys(svc.secrets)) {
    if (!fromSecrets.has(name)) p(`${name} does not come from a Secret`);
    if (name in env) p(`${name} also has a plain value`);
  }
  const invalid = svc.validateEnv?.({ ...env, ...svc.secrets });
  if (invalid) p(`the service rejects its configuration: ${invalid}`);

  // Migrations: an init container gates the pod, and a Job runs the same command.
  const init = records(pod.initContainers).find((c) => runsMigration(c, entry));
  if (!init) p('no init container applies the migrations before the server starts');
  const job = findObject(objects, 'Job', `${svc.name}-migrate`);
  const jobContainer = records(dig(job, 'spec', 'template', 'spec', 'containers'))[0];
  if (!job || !jobContainer || !runsMigration(jobContainer, entry))
    p(`no Job ${svc.name}-migrate running the migrations`);
  for (const [what, container] of [
    ['the migration init container', init],
    ['the migration Job', jobContainer],
  ] as const) {
    if (!container) continue;
    if (container.image !== server.image) p(`${what} runs another image than the server`);
    // `main.js migrate` validates the whole configuration first: it needs the server's environment.
    if (JSON.stringify([container.envFrom, container.env]) !== JSON.stringify([server.envFrom, server.env]))
      p(`${what} gets another environment than the server`);
    if (!strings(container.command).some((a) => a.startsWith('/'))) continue;
    const script = strings(container.command).find((a) => a.endsWith('.js') && a.startsWith('/'));
    const mounted = records(container.volumeMounts).some(
      (m) => typeof m.mountPath === 'string' && script?.startsWith(`${m.mountPath}/`),
    );
    if (!mounted) p(`${String(container.name)}: ${String(script)} is not on a mounted volume`);
  }

  // ServiceAccount.
  const account = pod.serviceAccountName;
  if (typeof account !== 'string' || !findObject(objects, 'ServiceAccount', account))
    p('its ServiceAccount is missing');

  // Service.
  const service = findObject(objects, 'Service', svc.name);
  if (!service) p('no Service');
  else {
    if (
      !selects(stringRecord(dig(service, 'spec', 'selector')), template.labels) ||
      Object.keys(stringRecord(dig(service, 'spec', 'selector'))).length === 0
    ) {
      p('the Service does not select its pods');
    }
    const port = records(dig(service, 'spec', 'ports')).find((sp) => sp.name === 'http');
    if (port?.port !== svc.httpPort || !portMatches(port.targetPort, 'http', svc.httpPort))
      p(`the Service does not expose HTTP on ${svc.httpPort}`);
  }

  // HorizontalPodAutoscaler on CPU.
  const hpa = objects.find(
    (o) => o.kind === 'HorizontalPodAutoscaler' && dig(o, 'spec', 'scaleTargetRef', 'name') === svc.name,
  );
  if (!hpa) p('no HorizontalPodAutoscaler');
  else {
    if (hpa.apiVersion !== 'autoscaling/v2') p(`HPA is ${hpa.apiVersion}, not autoscaling/v2`);
    if (
      !records(dig(hpa, 'spec', 'metrics')).some(
        (m) => m.type === 'Resource' && dig(m, 'resource', 'name') === 'cpu',
      )
    )
      p('the HPA does not scale on CPU');
    const min = dig(hpa, 'spec', 'minReplicas');
    const max = dig(hpa, 'spec', 'maxReplicas');
    if (typeof min !== 'number' || typeof max !== 'number' || min < 1 || max < min)
      p('the HPA replica range is invalid');
  }
  if (dig(deployment, 'spec', 'replicas') !== undefined && hpa)
    p('spec.replicas is set while an HPA owns the replica count');

  // PodDisruptionBudget.
  const pdb = objects.find(
    (o) =>
      o.kind === 'PodDisruptionBudget' &&
      selects(stringRecord(dig(o, 'spec', 'selector', 'matchLabels')), template.labels),
  );
  if (!pdb) p('no PodDisruptionBudget selects its pods');
  else if (dig(pdb, 'spec', 'minAvailable') === undefined && dig(pdb, 'spec', 'maxUnavailable') === undefined)
    p('the PDB sets no budget');

  problems.push(...checkNetwork(objects, svc, template.labels).map((m) => `${svc.name}: ${m}`));
  return problems;
}

interface Rule {
  policy: string;
  peers: Record<string, unknown>[];
  ports: Record<string, unknown>[];
}

function policiesFor(
  objects: KubeObject[],
  podLabels: Record<string, string>,
  direction: 'Ingress' | 'Egress',
): { policies: KubeObject[]; rules: Rule[] } {
  const policies = objects.filter(
    (o) =>
      o.kind === 'NetworkPolicy' &&
      selects(stringRecord(dig(o, 'spec', 'podSelector', 'matchLabels')), podLabels) &&
      dig(o, 'spec', 'podSelector', 'matchExpressions') === undefined &&
      strings(dig(o, 'spec', 'policyTypes')).includes(direction),
  );
  const field = direction === 'Ingress' ? 'ingress' : 'egress';
  const peerField = direction === 'Ingress' ? 'from' : 'to';
  const rules = policies.flatMap((policy) =>
    records(dig(policy, 'spec', field)).map((r) => ({
      policy: policy.metadata.name,
      peers: records(r[peerField]),
      ports: records(r.ports),
    })),
  );
  return { policies, rules };
}

function allowsPort(rules: Rule[], port: number): boolean {
  return rules.some((r) => r.ports.some((p) => p.port === port));
}

/** Ingress only from the ingress controller and Prometheus; egress only to DNS, the datastores and, for ingestion, public SMTP/HTTPS. */
export function checkNetwork(
  objects: KubeObject[],
  svc: ServiceExpectation,
  podLabels: Record<string, string>,
): string[] {
  const problems: string[] = [];
  const ownPolicy = objects.find(
    (o) =>
      o.kind === 'NetworkPolicy' &&
      stringRecord(dig(o, 'spec', 'podSelector', 'matchLabels'))['app.kubernetes.io/name'] === svc.name,
  );
  if (!ownPolicy) problems.push('no NetworkPolicy of its own');

  const ingress = policiesFor(objects, podLabels, 'Ingress');
  if (ingress.policies.length === 0) problems.push('no NetworkPolicy restricts its ingress');
  if (ingress.rules.length === 0)
    problems.push('no ingress allowed at all: the ingress controller and Prometheus cannot reach it');
  for (const rule of ingress.rules) {
    if (rule.peers.length === 0) problems.push(`${rule.policy}: an ingress rule admits every source`);
    if (rule.peers.some((peer) => peer.ipBlock !== undefined))
      problems.push(`${rule.policy}: ingress by IP block`);
    if (rule.peers.some((peer) => peer.namespaceSelector === undefined))
      problems.push(`${rule.policy}: an ingress source is not limited to a namespace`);
    if (rule.ports.length === 0) problems.push(`${rule.policy}: an ingress rule opens every port`);
    if (rule.ports.some((port) => port.port !== 'http' && port.port !== 'grpc' && port.port !== svc.httpPort))
      problems.push(`${rule.policy}: ingress to a port other than HTTP/gRPC`);
  }

  const egress = policiesFor(objects, podLabels, 'Egress');
  if (egress.policies.length === 0) problems.push('no NetworkPolicy restricts its egress');
  for (const [what, port] of Object.entries(DATASTORE_PORTS)) {
    if (!allowsPort(egress.rules, port))
      problems.push(`egress to ${what} (port ${port}) is not allowed: the service cannot work`);
  }
  let internet = false;
  for (const rule of egress.rules) {
    if (rule.peers.length === 0) problems.push(`${rule.policy}: an egress rule reaches every destination`);
    if (rule.ports.length === 0) problems.push(`${rule.policy}: an egress rule opens every port`);
    const wide = rule.peers.filter((peer) => {
      const cidr = dig(peer, 'ipBlock', 'cidr');
      return typeof cidr === 'string' && Number(cidr.split('/')[1]) < 8;
    });
    if (wide.length > 0) {
      internet = true;
      if (!svc.internetEgress)
        problems.push(`${rule.policy}: reaches the internet, which ${svc.name} never needs`);
      if (rule.ports.some((port) => typeof port.port !== 'number' || !INTERNET_PORTS.includes(port.port))) {
        problems.push(`${rule.policy}: internet egress beyond ports ${INTERNET_PORTS.join('/')}`);
      }
      for (const peer of wide) {
        const except = strings(dig(peer, 'ipBlock', 'except'));
        const open = PRIVATE_RANGES.filter((range) => !except.includes(range));
        if (open.length > 0)
          problems.push(`${rule.policy}: internet egress also reaches private ranges ${open.join(', ')}`);
      }
    } else {
      const allowed = [...Object.values(DATASTORE_PORTS), ...(svc.internetEgress ? MAIL_RELAY_PORTS : [])];
      if (rule.ports.some((port) => typeof port.port !== 'number' || !allowed.includes(port.port))) {
        problems.push(
          `${rule.policy}: egress to a port other than DNS, PostgreSQL, Redis, Kafka${svc.internetEgress ? ' or SMTP' : ''}`,
        );
      }
    }
  }
  if (svc.internetEgress && (!internet || !allowsPort(egress.rules, 443)))
    problems.push('cannot reach the internet on 443 to deliver replies');
  return problems;
}

/** Namespace-wide rules: default deny, and migration pods reach PostgreSQL and DNS. */
export function checkNamespace(objects: KubeObject[]): string[] {
  const problems: string[] = [];
  const deny = objects.find(
    (o) =>
      o.kind === 'NetworkPolicy' &&
      Object.keys(stringRecord(dig(o, 'spec', 'podSelector', 'matchLabels'))).length === 0 &&
      dig(o, 'spec', 'podSelector', 'matchExpressions') === undefined &&
      ['Ingress', 'Egress'].every((t) => strings(dig(o, 'spec', 'policyTypes')).includes(t)) &&
      dig(o, 'spec', 'ingress') === undefined &&
      dig(o, 'spec', 'egress') === undefined,
  );
  if (!deny) problems.push('no default-deny NetworkPolicy for ingress and egress');
  for (const template of podTemplates(objects).filter((t) => t.owner.kind === 'Job')) {
    const egress = policiesFor(objects, template.labels, 'Egress');
    if (
      !allowsPort(egress.rules, DATASTORE_PORTS.postgres) ||
      !allowsPort(egress.rules, DATASTORE_PORTS.dns)
    ) {
      problems.push(`${label(template)}: cannot reach PostgreSQL and DNS`);
    }
  }
  return problems;
}

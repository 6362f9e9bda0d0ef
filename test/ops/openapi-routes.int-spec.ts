import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT, ServiceProcess, type ServiceName } from '@helpdesk/testing';

/**
 * Each service's /openapi.json against the routes the service really serves, read from the
 * "Mapped {/path, METHOD} route" lines Nest logs at startup: every route documented, nothing
 * documented that is not served, security on every operation but the public ones, an error
 * response on every operation, and a 401 without a key wherever a key is documented.
 */

const PORTS: Record<ServiceName, number> = { ingestion: 4501, triage: 4502, knowledge: 4503, feedback: 4504 };

/** Operational routes every service has; they are documented in api.md, not in each OpenAPI document. */
const OPERATIONAL = [/^\/health\//, /^\/metrics$/, /^\/docs/, /^\/openapi\./];

/**
 * Routes that take no API key, each authenticated another way. Paths are normalised: every
 * parameter (`:id`, `{id}`, `*`) reads `{}`.
 */
const PUBLIC_ROUTES: { service: ServiceName; method: string; path: RegExp; why: string }[] = [
  {
    service: 'ingestion',
    method: 'GET',
    path: /^\/v1\/channels\/wechat\/\{\}$/,
    why: "WeChat's server verification, signed with the tenant's WeChat token",
  },
  {
    service: 'ingestion',
    method: 'POST',
    path: /^\/v1\/channels\/wechat\/\{\}$/,
    why: "WeChat's XML push, signed with the tenant's WeChat token",
  },
  {
    service: 'feedback',
    method: 'GET',
    path: /^\/v1\/surveys\/\{\}/,
    why: 'a survey opened from its link: the survey token is the authentication',
  },
  {
    service: 'feedback',
    method: 'POST',
    path: /^\/v1\/surveys\/\{\}/,
    why: 'survey responses: the survey token is the authentication',
  },
];

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const;

interface Operation {
  security?: Record<string, string[]>[];
  responses?: Record<string, { content?: Record<string, unknown> }>;
}

interface OpenApiDocument {
  security?: Record<string, string[]>[];
  paths: Record<string, Partial<Record<(typeof METHODS)[number], Operation>>>;
}

/** OpenAPI paths with every `{name}` parameter read `{}`. */
function normaliseDocumented(path: string): string {
  const trimmed = path.length > 1 ? path.replace(/\/+$/, '') : path;
  return trimmed.replace(/\{[^}]*\}/g, '{}');
}

/**
 * What a Nest route path matches, as a pattern over normalised OpenAPI paths: `:id` one segment,
 * `*` (or `{*name}`) any rest of the path, `::` a literal colon (`/v1/articles::bulk` serves
 * `/v1/articles:bulk`).
 */
function servedPattern(path: string): RegExp {
  const trimmed = path.length > 1 ? path.replace(/\/+$/, '') : path;
  const source = trimmed
    .split('::')
    .map((part) =>
      part
        .split(/(\{\*[A-Za-z0-9_]+\}|:[A-Za-z0-9_]+|\*)/)
        .map((piece) => {
          if (piece === '*' || piece.startsWith('{*')) return '.+';
          if (piece.startsWith(':')) return '[^/]+';
          return piece.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        })
        .join(''),
    )
    .join(':');
  return new RegExp(`^${source}$`);
}

function operational(path: string): boolean {
  return OPERATIONAL.some((re) => re.test(path));
}

function isPublic(service: ServiceName, method: string, path: string): boolean {
  return PUBLIC_ROUTES.some((r) => r.service === service && r.method === method && r.path.test(path));
}

interface ServedRoute {
  method: string;
  /** "METHOD /path/as/:mapped", for messages. */
  label: string;
  pattern: RegExp;
}

/** The routes Nest mapped, from its startup log lines. */
function servedRoutes(logs: string): ServedRoute[] {
  const routes = new Map<string, ServedRoute>();
  for (const match of logs.matchAll(/Mapped \{([^,}]+), ([A-Z]+)\}(?: \(version: [^)]*\))? route/g)) {
    const [, path = '', method = ''] = match;
    if (!operational(path))
      routes.set(`${method} ${path}`, { method, label: `${method} ${path}`, pattern: servedPattern(path) });
  }
  return [...routes.values()];
}

function serves(route: ServedRoute, op: DocumentedOperation): boolean {
  return route.method === op.method && route.pattern.test(op.path);
}

interface DocumentedOperation {
  /** "METHOD /path/{as}/documented", for messages. */
  label: string;
  method: string;
  path: string;
  rawPath: string;
  op: Operation;
}

function documentedOperations(doc: OpenApiDocument): DocumentedOperation[] {
  return Object.entries(doc.paths).flatMap(([rawPath, item]) =>
    METHODS.flatMap((m) => {
      const op = item[m];
      if (!op || operational(rawPath)) return [];
      const method = m.toUpperCase();
      const path = normaliseDocumented(rawPath);
      return [{ label: `${method} ${rawPath}`, method, path, rawPath, op }];
    }),
  );
}

function effectiveSecurity(doc: OpenApiDocument, op: Operation): Record<string, string[]>[] {
  return op.security ?? doc.security ?? [];
}

interface Booted {
  process: ServiceProcess;
  doc: OpenApiDocument;
  served: ServedRoute[];
}

const booted = new Map<ServiceName, Booted | Error>();
const processes = (Object.keys(PORTS) as ServiceName[]).map(
  (s) => new ServiceProcess(s, PORTS[s], { LOG_LEVEL: 'info' }),
);

beforeAll(async () => {
  // The services run from dist: build what is in the tree now.
  execFileSync(process.execPath, [join(REPO_ROOT, 'tools', 'build.mjs')], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  await Promise.all(
    processes.map(async (p) => {
      try {
        await p.start();
        const res = await fetch(`${p.baseUrl}/openapi.json`);
        if (res.status !== 200) throw new Error(`/openapi.json answered ${res.status}`);
        booted.set(p.service, {
          process: p,
          doc: (await res.json()) as OpenApiDocument,
          served: servedRoutes(p.logs()),
        });
      } catch (err) {
        // The cause is at the end of the service's output.
        const text = String(err);
        booted.set(
          p.service,
          new Error(`${p.service} did not start: ${text.slice(0, 200)} … ${text.slice(-2500)}`),
        );
      }
    }),
  );
}, 240_000);

afterAll(async () => {
  await Promise.all(processes.map((p) => p.stop()));
}, 60_000);

function running(service: ServiceName): Booted {
  const state = booted.get(service);
  if (!state) throw new Error(`${service} was not started`);
  if (state instanceof Error) throw state;
  return state;
}

describe.each(Object.keys(PORTS) as ServiceName[])('%s OpenAPI document', (service) => {
  it('lists every route the service serves', () => {
    const { doc, served } = running(service);
    expect(served.length).toBeGreaterThan(0);
    const documented = documentedOperations(doc);
    expect(
      served.filter((route) => !documented.some((op) => serves(route, op))).map((route) => route.label),
    ).toEqual([]);
  });

  it('lists no route the service does not serve', () => {
    const { doc, served } = running(service);
    expect(
      documentedOperations(doc)
        .filter((op) => !served.some((route) => serves(route, op)))
        .map((op) => op.label),
    ).toEqual([]);
  });

  it('declares an API key on every operation except the allow-listed public ones', () => {
    const { doc } = running(service);
    const undeclared = documentedOperations(doc).filter(
      (o) => effectiveSecurity(doc, o.op).length === 0 && !isPublic(service, o.method, o.path),
    );
    expect(undeclared.map((o) => o.label)).toEqual([]);
  });

  it('documents the allow-listed public routes as public, not as needing a key', () => {
    const { doc } = running(service);
    const misdocumented = documentedOperations(doc).filter(
      (o) => isPublic(service, o.method, o.path) && effectiveSecurity(doc, o.op).length > 0,
    );
    expect(misdocumented.map((o) => o.label)).toEqual([]);
  });

  it('documents an error response (4xx) on every operation', () => {
    const { doc } = running(service);
    const withoutErrors = documentedOperations(doc).filter(
      (o) =>
        !Object.keys(o.op.responses ?? {}).some((code) => /^4(\d\d|XX)$/.test(code) || code === 'default'),
    );
    expect(withoutErrors.map((o) => o.label)).toEqual([]);
  });

  it('answers 401 without a key on every operation documented as needing one', async () => {
    const { doc, process: p } = running(service);
    // Allow-listed public routes documented with a key are reported by the test above.
    const secured = documentedOperations(doc).filter(
      (o) => effectiveSecurity(doc, o.op).length > 0 && !isPublic(service, o.method, o.path),
    );
    const open: string[] = [];
    for (const o of secured) {
      const url = `${p.baseUrl}${o.rawPath.replace(/\{[^}]+\}/g, 'route-check')}`;
      const withBody = ['POST', 'PUT', 'PATCH'].includes(o.method);
      const res = await fetch(url, {
        method: o.method,
        headers: withBody ? { 'content-type': 'application/json' } : {},
        body: withBody ? '{}' : undefined,
      }).catch((err: unknown) => {
        throw new Error(`${o.label}: ${String(err)}; the service's last output:\n${p.logs().slice(-3000)}`);
      });
      await res.arrayBuffer();
      if (res.status !== 401) open.push(`${o.label} → ${res.status}`);
    }
    expect(open).toEqual([]);
  }, 60_000);
});

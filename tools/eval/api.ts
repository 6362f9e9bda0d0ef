/**
 * The rows of `npm run eval` measured through the running services' APIs rather than the domain classes:
 *
 * - knowledge search on faq-zh-alipay: every entry created as an article with POST /v1/articles:bulk, each
 *   `test` paraphrase sent to GET /v1/search (services/knowledge/bench/faq-eval-http.ts does the work);
 * - priority on tickets-en-endava: the tenant's model trained with POST /v1/classifier/training on `train` + `dev`,
 *   every `test` ticket classified with POST /v1/classify.
 *
 * Knowledge and triage run as the built processes (services/<name>/dist/src/main.js, `node tools/build.mjs`
 * first) against the local Kafka, PostgreSQL and Redis with the test environment of libs/testing (database
 * helpdesk_test unless PG_DATABASE says otherwise), on ports basePort+1 (knowledge) and basePort+2 (triage),
 * consumer groups `eval.*`, raised rate limits and triage's schedulers off. Their consumer groups are moved
 * to the end of their topics first, so a first run never works through the topics' history. A tenant of its
 * own (eval-<hex>) holds the articles and the model; the services are stopped and that tenant's rows deleted
 * at the end, also when something failed or the run is interrupted. Service logs: .local/eval/<name>.log.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { TOPICS } from '@helpdesk/contracts';
import { REPO_ROOT, createTenantKey, ensureTestInfrastructure, serviceTestEnv, superuserClient } from '@helpdesk/testing';
import { evaluateOverHttp, mapLimit, type HttpFaqEvaluation } from '../../services/knowledge/bench/faq-eval-http';
import { majorityBaseline, scoreLabels, type LabelMetrics } from '../../services/triage/src/domain/classification';
import { HttpClient, isRecord, jsonBody, type HttpResult } from '../bench/lib/http-client';
import { ServiceRunner } from '../bench/lib/stack';
import type { EvalRow } from './classification';
import { readRows, text } from './datasets';

export interface ApiEvalOptions {
  /** knowledge listens on basePort+1, triage on basePort+2. */
  readonly basePort: number;
  /** HTTP calls in flight at once. */
  readonly concurrency: number;
  readonly groupPrefix: string;
  /** The in-process character-bigram BM25 figures on the same test queries: the search rows' baseline. */
  readonly searchBaseline: { recallAt1: number; recallAt5: number; mrrAt10: number };
  readonly log: (line: string) => void;
}

export interface ApiEvaluation {
  readonly rows: EvalRow[];
  readonly details: {
    tenantId: string;
    ports: { knowledge: number; triage: number };
    groupPrefix: string;
    concurrency: number;
    startupMs: { knowledge: number; triage: number };
    knowledge: { articles: number; queries: number; loadMs: number; p50Ms: number; p95Ms: number };
    triage: {
      trainExamples: number;
      testExamples: number;
      trainSeconds: number;
      classifySeconds: number;
      modelVersion: string;
      heldOut: { examples: number; macroF1: number; majorityMacroF1: number } | null;
    };
    seconds: number;
  };
}

/**
 * The consumer groups the two services join (libs/platform's key registry and each service's consumers).
 * A group that does not exist yet would start at the beginning of its topics; it is placed at their end.
 */
const CONSUMER_GROUPS: ReadonlyArray<readonly [string, string]> = [
  ['triage.message-intake', TOPICS.ingestionMessages],
  ['triage.follow-ups', TOPICS.feedbackResponses],
  ['triage.auto-answers', TOPICS.knowledgeSuggestions],
  ['triage.api-key-registry', TOPICS.platformApiKeys],
  ['knowledge.ticket-questions', TOPICS.triageTickets],
  ['knowledge.api-key-registry', TOPICS.platformApiKeys],
];

const SCHEMAS = ['ingestion', 'triage', 'knowledge', 'feedback'];
const ENDAVA = 'tickets-en-endava';
const TRAINING_TIMEOUT_MS = 30 * 60_000;

const round = (n: number): number => Math.round(n * 1000) / 1000;

function perClassF1(metrics: LabelMetrics): Record<string, number> {
  return Object.fromEntries(Object.entries(metrics.perClass).map(([label, m]) => [label, round(m.f1)]));
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;
}

/** Knowledge and triage as processes of their own, started and stopped by this run. */
class EvalServices {
  readonly knowledge: ServiceRunner;
  readonly triage: ServiceRunner;

  constructor(basePort: number, groupPrefix: string) {
    const logDir = join(REPO_ROOT, '.local', 'eval');
    mkdirSync(logDir, { recursive: true });
    const inherited: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) if (v !== undefined) inherited[k] = v;
    const envFor = (name: 'knowledge' | 'triage', port: number, extra: Record<string, string> = {}): Record<string, string> => ({
      ...inherited,
      ...serviceTestEnv(name, {
        HTTP_PORT: String(port),
        KAFKA_GROUP_PREFIX: groupPrefix,
        KAFKAJS_NO_PARTITIONER_WARNING: '1',
        LOG_LEVEL: process.env['EVAL_LOG_LEVEL'] ?? 'warn',
        // One client sends every query and classification: the default per-key limit would refuse most.
        RATE_LIMIT_PER_KEY_PER_MINUTE: '1000000',
        RATE_LIMIT_PER_TENANT_PER_MINUTE: '10000000',
        ...extra,
      }),
    });
    this.knowledge = new ServiceRunner('knowledge', basePort + 1, envFor('knowledge', basePort + 1), join(logDir, 'knowledge.log'));
    // Classification and training only: SLA warnings and dispatch belong to the test suites' triage.
    this.triage = new ServiceRunner('triage', basePort + 2, envFor('triage', basePort + 2, { SCHEDULERS_ENABLED: 'false' }), join(logDir, 'triage.log'));
  }

  list(): ServiceRunner[] {
    return [this.knowledge, this.triage];
  }

  async start(): Promise<{ knowledge: number; triage: number }> {
    for (const s of this.list()) {
      const entry = join(REPO_ROOT, 'services', s.name, 'dist', 'src', 'main.js');
      if (!existsSync(entry)) throw new Error(`${entry} missing: run 'node tools/build.mjs' first, or pass --in-process-only`);
    }
    // Idempotent, as libs/testing's global set-up runs them: a fresh test database gets its schemas.
    for (const s of this.list()) s.migrate();
    // Knowledge rebuilds its index from every article in the database before it is ready.
    const [knowledge, triage] = await Promise.all([this.knowledge.start(10 * 60_000), this.triage.start(5 * 60_000)]);
    return { knowledge, triage };
  }

  async stop(): Promise<void> {
    await Promise.allSettled(this.list().map((s) => s.stop('SIGTERM')));
    for (const s of this.list()) s.close();
  }
}

/** Moves this run's consumer groups to the end of their topics (groups with live members are left alone). */
async function skipTopicHistory(groupPrefix: string, brokers: string[], log: (line: string) => void): Promise<void> {
  const kafka = new Kafka({ clientId: 'helpdesk-eval-admin', brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const groupIds = CONSUMER_GROUPS.map(([name]) => `${groupPrefix}${name}`);
    const { groups } = await admin.describeGroups(groupIds);
    for (const [name, topic] of CONSUMER_GROUPS) {
      const groupId = `${groupPrefix}${name}`;
      const state = groups.find((g) => g.groupId === groupId)?.state ?? 'Dead';
      if (state !== 'Empty' && state !== 'Dead') {
        log(`api: consumer group ${groupId} has live members (${state}); its offsets are left as they are`);
        continue;
      }
      const ends = await admin.fetchTopicOffsets(topic);
      await admin.setOffsets({ groupId, topic, partitions: ends.map((p) => ({ partition: p.partition, offset: p.high })) });
    }
  } finally {
    await admin.disconnect();
  }
}

/** Deletes every row of the tenant in the four services' schemas; rows others point at go in a later pass. */
async function dropTenant(tenantId: string): Promise<number> {
  const db = superuserClient();
  await db.connect();
  try {
    const { rows } = await db.query<{ schema: string; table: string }>(
      `SELECT c.table_schema AS "schema", c.table_name AS "table"
         FROM information_schema.columns c
         JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
        WHERE c.column_name = 'tenant_id' AND t.table_type = 'BASE TABLE' AND c.table_schema = ANY($1)`,
      [SCHEMAS],
    );
    let pending = rows;
    let deleted = 0;
    for (let pass = 0; pass < 5 && pending.length > 0; pass++) {
      const blocked: typeof pending = [];
      for (const r of pending) {
        try {
          const res = await db.query(`DELETE FROM "${r.schema}"."${r.table}" WHERE "tenant_id" = $1`, [tenantId]);
          deleted += res.rowCount ?? 0;
        } catch (err) {
          // 23503: another table still references these rows; try again once that one is emptied.
          if ((err as { code?: string }).code === '23503') blocked.push(r);
          else throw err;
        }
      }
      pending = blocked;
    }
    if (pending.length > 0) throw new Error(`rows of ${tenantId} left in ${pending.map((r) => `${r.schema}.${r.table}`).join(', ')}`);
    return deleted;
  } finally {
    await db.end();
  }
}

/** A JSON call that must answer `expected`; connection failures, 429 and 503 are tried again a few times. */
async function call(http: HttpClient, key: string, method: string, path: string, payload: unknown, expected: number, timeoutMs = 60_000, headers: Record<string, string> = {}): Promise<Record<string, unknown>> {
  let last: HttpResult | undefined;
  for (let attempt = 0; attempt < 4; attempt++) {
    if (attempt > 0) await new Promise((r) => setTimeout(r, 500 * attempt));
    last = await http.request(method, path, {
      headers: { accept: 'application/json', authorization: `Bearer ${key}`, 'content-type': 'application/json', ...headers },
      body: JSON.stringify(payload),
      timeoutMs,
    });
    if (last.status === expected) {
      const body = jsonBody(last);
      if (!isRecord(body)) throw new Error(`${method} ${path}: answer is not a JSON object`);
      return body;
    }
    if (last.status !== 0 && last.status !== 429 && last.status !== 503) break;
  }
  throw new Error(`${method} ${path} answered ${last?.status ?? 0}${last?.error ? ` (${last.error})` : ''}: ${last?.body.toString('utf8').slice(0, 500) ?? ''}`);
}

interface Ticket {
  subject: string;
  body: string;
  priority: string;
}

function endavaTickets(...splits: ('train' | 'dev' | 'test')[]): Ticket[] {
  return splits
    .flatMap((split) => readRows(ENDAVA, split))
    .map((r) => ({ subject: text(r, 'subject'), body: text(r, 'body'), priority: text(r, 'priority') }))
    .filter((t) => t.priority !== '' && t.body.trim() !== '');
}

const withSubject = (t: Ticket): { subject?: string; body: string } => ({ ...(t.subject ? { subject: t.subject } : {}), body: t.body });

async function priorityThroughApi(http: HttpClient, key: string, concurrency: number, log: (line: string) => void): Promise<{ rows: EvalRow[]; detail: ApiEvaluation['details']['triage'] }> {
  // Train + dev, as the in-process priority row trains: the same examples through the same training code
  // give the same model, so the two rows differ only by what the service adds around it.
  const train = endavaTickets('train', 'dev');
  const test = endavaTickets('test');
  log(`api: training priority through POST /v1/classifier/training on ${train.length} ${ENDAVA}/train + dev tickets`);
  const t0 = performance.now();
  const trained = await call(
    http,
    key,
    'POST',
    '/v1/classifier/training',
    { examples: train.map((t) => ({ ...withSubject(t), priority: t.priority })) },
    201,
    TRAINING_TIMEOUT_MS,
    { 'idempotency-key': `eval-${randomBytes(8).toString('hex')}` },
  );
  const trainSeconds = (performance.now() - t0) / 1000;
  const modelVersion = typeof trained['modelVersion'] === 'string' ? trained['modelVersion'] : '';
  const figures = isRecord(trained['figures']) && isRecord(trained['figures']['priority']) ? trained['figures']['priority'] : undefined;
  if (!figures) throw new Error(`POST /v1/classifier/training trained no priority model: ${JSON.stringify(trained['figures'])}`);
  const num = (v: unknown): number => (typeof v === 'number' ? v : Number.NaN);
  const heldOut = {
    examples: num(figures['heldOutExamples']),
    macroF1: num(figures['macroF1']),
    majorityMacroF1: isRecord(figures['majorityBaseline']) ? num(figures['majorityBaseline']['macroF1']) : Number.NaN,
  };
  log(`api: trained ${modelVersion} in ${trainSeconds.toFixed(1)} s; classifying ${test.length} ${ENDAVA}/test tickets through POST /v1/classify, ${concurrency} at a time`);

  const t1 = performance.now();
  const predicted = await mapLimit(test, concurrency, async (t) => {
    const c = await call(http, key, 'POST', '/v1/classify', { ...withSubject(t), language: 'en' }, 200);
    if (c['modelVersion'] !== modelVersion) throw new Error(`POST /v1/classify answered with model ${String(c['modelVersion'])}, not the trained ${modelVersion}`);
    return typeof c['priority'] === 'string' ? c['priority'] : '';
  });
  const classifySeconds = (performance.now() - t1) / 1000;
  const gold = test.map((t) => t.priority);
  const metrics = scoreLabels(gold, predicted);
  const baseline = majorityBaseline(
    train.map((t) => t.priority),
    gold,
  );
  const note = `trained by POST /v1/classifier/training on train + dev (${train.length}), test by POST /v1/classify; service's held-out macro-F1 ${round(heldOut.macroF1)} vs majority ${round(heldOut.majorityMacroF1)}`;
  const rows: EvalRow[] = [
    {
      task: 'priority (API)',
      dataset: ENDAVA,
      metric: 'macroF1',
      value: round(metrics.macroF1),
      majorityBaseline: round(baseline.macroF1),
      goal: 0.55,
      perClassF1: perClassF1(metrics),
      note,
    },
    { task: 'priority (API)', dataset: ENDAVA, metric: 'accuracy', value: round(metrics.accuracy), majorityBaseline: round(baseline.accuracy), note },
  ];
  return {
    rows,
    detail: { trainExamples: train.length, testExamples: test.length, trainSeconds: round(trainSeconds), classifySeconds: round(classifySeconds), modelVersion, heldOut },
  };
}

function searchRows(http: HttpFaqEvaluation, baseline: ApiEvalOptions['searchBaseline'], concurrency: number): EvalRow[] {
  const note = `${http.articles} articles by POST /v1/articles:bulk, ${http.votes} train pairs learned from helpful votes with the customer's question, ${http.metrics.queries} test queries by GET /v1/search (${concurrency} in flight); baseline: in-process character-bigram BM25`;
  return (['recallAt1', 'recallAt5', 'mrrAt10'] as const).map((metric) => ({
    task: 'knowledge search (HTTP)',
    dataset: 'faq-zh-alipay',
    metric: metric === 'recallAt1' ? 'Recall@1' : metric === 'recallAt5' ? 'Recall@5' : 'MRR@10',
    value: round(http.metrics[metric]),
    majorityBaseline: round(baseline[metric]),
    ...(metric === 'recallAt1' ? { goal: 0.75 } : {}),
    note,
  }));
}

/**
 * Starts the services, measures both tasks through their APIs, and always stops the services and deletes
 * the tenant afterwards (on SIGINT/SIGTERM too, before exiting).
 */
export async function evaluateThroughApi(options: ApiEvalOptions): Promise<ApiEvaluation> {
  const started = performance.now();
  const { log } = options;
  const infra = await ensureTestInfrastructure();
  await skipTopicHistory(options.groupPrefix, infra.kafkaBrokers, log);
  const tenantId = `eval-${randomBytes(4).toString('hex')}`;
  const services = new EvalServices(options.basePort, options.groupPrefix);

  let cleanup: Promise<void> | undefined;
  const cleanUp = (): Promise<void> =>
    (cleanup ??= (async () => {
      await services.stop();
      const rows = await dropTenant(tenantId).catch((err: unknown) => {
        log(`api: could not delete tenant ${tenantId}: ${String(err)}`);
        return 0;
      });
      log(`api: services stopped; ${rows} rows of tenant ${tenantId} deleted`);
    })());
  const onSignal = (signal: NodeJS.Signals): void => {
    log(`api: ${signal}: stopping the services`);
    void cleanUp().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  try {
    const key = await createTenantKey(tenantId, ['admin']);
    log(`api: starting knowledge on ${services.knowledge.port} and triage on ${services.triage.port} (tenant ${tenantId}, groups ${options.groupPrefix}*)`);
    const startupMs = await services.start();
    log(`api: ready in ${Math.round(startupMs.knowledge)} ms (knowledge) and ${Math.round(startupMs.triage)} ms (triage)`);

    log(`api: loading faq-zh-alipay through POST /v1/articles:bulk and searching test through GET /v1/search, ${options.concurrency} at a time`);
    const faq = await evaluateOverHttp({ baseUrl: services.knowledge.baseUrl, apiKey: key }, 'test', options.concurrency);
    log(`api: search R@1 ${faq.metrics.recallAt1.toFixed(3)} over ${faq.metrics.queries} queries (p95 ${percentile(faq.latencies, 95).toFixed(1)} ms)`);

    const triageHttp = new HttpClient(services.triage.baseUrl, Math.max(1, options.concurrency));
    let priority: Awaited<ReturnType<typeof priorityThroughApi>>;
    try {
      priority = await priorityThroughApi(triageHttp, key, options.concurrency, log);
    } finally {
      triageHttp.close();
    }

    return {
      rows: [...searchRows(faq, options.searchBaseline, options.concurrency), ...priority.rows],
      details: {
        tenantId,
        ports: { knowledge: services.knowledge.port, triage: services.triage.port },
        groupPrefix: options.groupPrefix,
        concurrency: options.concurrency,
        startupMs: { knowledge: Math.round(startupMs.knowledge), triage: Math.round(startupMs.triage) },
        knowledge: {
          articles: faq.articles,
          queries: faq.metrics.queries,
          loadMs: Math.round(faq.loadMs),
          p50Ms: round(percentile(faq.latencies, 50)),
          p95Ms: round(percentile(faq.latencies, 95)),
        },
        triage: priority.detail,
        seconds: Math.round((performance.now() - started) / 1000),
      },
    };
  } finally {
    await cleanUp();
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
}

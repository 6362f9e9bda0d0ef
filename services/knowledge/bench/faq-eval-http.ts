/**
 * The FAQ search evaluation of `tools/eval/faq-search.ts`, through the real search path: every
 * faq-zh-alipay entry (all three splits) is created as an article with POST /v1/articles:bulk (title =
 * its canonical question), the evaluation's synonyms are set with PUT /v1/synonyms, every `train`
 * (question, paraphrase) pair is sent as a helpful vote on the question's article with the paraphrase as the
 * customer's question (POST /v1/articles/{id}/feedback), as a help centre would, and once GET
 * /v1/search/stats shows the tenant's term associations learned from all of them, each paraphrase of the
 * chosen split is sent to GET /v1/search. Prints Recall@1, Recall@5 and MRR@10 beside the plain
 * character-bigram baseline and the in-process engine on the same data. Tune with `--split dev`;
 * report `test`. The articles are deleted afterwards.
 *
 * The data set is read from ../shared/datasets beside the repository (or HELPDESK_DATASETS; or
 * FAQ_DATASET_DIR naming the faq-zh-alipay folder itself). Queries go out 8 at a time (--concurrency).
 * `npm run eval` imports evaluateOverHttp for its 'knowledge search (HTTP)' rows.
 *
 *   node tools/build.mjs
 *   node tools/run-ts.js services/knowledge/bench/faq-eval-http.ts [--split test|dev] [--port 4651] [--concurrency 8]
 *   node tools/run-ts.js services/knowledge/bench/faq-eval-http.ts --base-url http://127.0.0.1:3003 --api-key dev-demo-key
 *     (a running service and a tenant of your own, whose articles are then left in place; raise its
 *     RATE_LIMIT_PER_KEY_PER_MINUTE above the ~1,300 queries a minute this sends)
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { REPO_ROOT } from '@helpdesk/testing';
import { DEFAULT_SEARCH_OPTIONS, KnowledgeSearchEngine, type SearchEngineOptions } from '../src/domain/search';
import { arg, createBenchTenant, dropBenchTenant, knowledgeDb, percentile, startService, type RunningService } from './bench-kit';

export type Split = 'train' | 'dev' | 'test';

interface FaqEntry {
  id: string;
  question: string;
  paraphrases: string[];
}

export interface RankingMetrics {
  queries: number;
  recallAt1: number;
  recallAt5: number;
  mrrAt10: number;
}

// The data, synonyms and baseline are those of tools/eval/faq-search.ts, so the figures compare.
// The shared data sets live beside the repository: <repo>/../shared/datasets, as tools/eval/datasets.ts reads them.
function datasetDir(): string {
  if (process.env.FAQ_DATASET_DIR) return resolve(process.env.FAQ_DATASET_DIR);
  const root = process.env.HELPDESK_DATASETS ? resolve(process.env.HELPDESK_DATASETS) : join(REPO_ROOT, '..', 'shared', 'datasets');
  return join(root, 'faq-zh-alipay');
}
const FAQ_SYNONYMS = [
  ['花呗', '蚂蚁花呗'],
  ['借呗', '蚂蚁借呗'],
];
/** Plain baseline: character bigrams, one BM25 over the title, no segmentation, synonyms, stemming or stop words. */
const BASELINE_OPTIONS: SearchEngineOptions = {
  ...DEFAULT_SEARCH_OPTIONS,
  analyzer: { segmenter: undefined, hanBigrams: true, hanUnigrams: false, englishStemming: false, stopWords: false },
  ranking: { ...DEFAULT_SEARCH_OPTIONS.ranking, kindWeights: [1, 1, 0], synonymWeight: 0 },
};

function loadSplit(split: Split): FaqEntry[] {
  return readFileSync(join(datasetDir(), `${split}.jsonl`), 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as FaqEntry);
}

/** Rank of the right article for every paraphrase of the split, as R@1, R@5 and MRR@10; `concurrency` searches in flight. */
async function rankAll(entries: readonly FaqEntry[], search: (q: string) => Promise<string[]>, concurrency = 1): Promise<RankingMetrics> {
  const queries = entries.flatMap((entry) => entry.paraphrases.filter((p) => p.trim()).map((p) => ({ id: entry.id, text: p.slice(0, 1000) })));
  const ranks = await mapLimit(queries, concurrency, async (q) => (await search(q.text)).indexOf(q.id));
  let hits1 = 0;
  let hits5 = 0;
  let rr = 0;
  for (const rank of ranks) {
    if (rank === 0) hits1++;
    if (rank >= 0 && rank < 5) hits5++;
    if (rank >= 0) rr += 1 / (rank + 1);
  }
  const n = Math.max(1, ranks.length);
  return { queries: ranks.length, recallAt1: hits1 / n, recallAt5: hits5 / n, mrrAt10: rr / n };
}

/** Runs `fn` over items with at most `parallel` calls in flight, keeping the order of results. */
export async function mapLimit<T, R>(items: readonly T[], parallel: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.max(1, Math.min(parallel, items.length)) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]);
      }
    }),
  );
  return out;
}

/** Train pairs as the product learns them: the article's title and a customer's phrasing of it. */
const trainVotes = (train: readonly FaqEntry[]): Array<{ id: string; question: string }> =>
  train.flatMap((e) => e.paraphrases.filter((p) => p.trim()).map((p) => ({ id: e.id, question: p.slice(0, 1000) })));

/**
 * The same evaluation on an in-process engine: what the HTTP figures should match. `learned`: the train
 * votes' associations and helpful counts, as the service holds them after the HTTP run's votes.
 */
async function inProcess(options: SearchEngineOptions, split: Split, synonyms: string[][], learned = false): Promise<RankingMetrics> {
  const engine = new KnowledgeSearchEngine(options);
  if (synonyms.length > 0) engine.setSynonyms('faq', synonyms);
  const all = [...loadSplit('train'), ...loadSplit('dev'), ...loadSplit('test')];
  if (learned) {
    const titles = new Map(all.map((e) => [e.id, e.question]));
    const votes = trainVotes(loadSplit('train'));
    engine.learnAssociations('faq', votes.map((v) => ({ a: titles.get(v.id) ?? '', b: v.question })));
    const helpful = new Map<string, number>();
    for (const v of votes) helpful.set(v.id, (helpful.get(v.id) ?? 0) + 1);
    for (const [id, n] of helpful) engine.setFeedback('faq', id, { helpful: n, notHelpful: 0 });
  }
  engine.build(all.map((e) => ({ id: e.id, tenantId: 'faq', title: e.question, body: '', language: 'zh', category: null, tags: [], status: 'published' as const })));
  return rankAll(loadSplit(split), (q) => Promise.resolve(engine.search('faq', { text: q, limit: 10 }).items.map((h) => h.articleId)));
}

const IMPORT_CHUNK = 1000;

export interface Target {
  baseUrl: string;
  apiKey: string;
}

async function send(target: Target, method: string, path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${target.baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${target.apiKey}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const parsed: unknown = await res.json();
  if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${JSON.stringify(parsed).slice(0, 500)}`);
  return parsed;
}

const itemsOf = (body: unknown): Array<Record<string, unknown>> =>
  typeof body === 'object' && body !== null && Array.isArray((body as { items?: unknown }).items) ? (body as { items: Array<Record<string, unknown>> }).items : [];

export interface HttpFaqEvaluation {
  metrics: RankingMetrics;
  articles: number;
  /** Train pairs sent as helpful votes with the customer's question, and the ms until search had learned them. */
  votes: number;
  learnMs: number;
  loadMs: number;
  /** Per-query round trips in ms, sorted. */
  latencies: number[];
}

/**
 * Loads every entry as an article of the target's tenant, sets the synonyms, and ranks every paraphrase of
 * `split` through GET /v1/search with `concurrency` queries in flight.
 */
export async function evaluateOverHttp(target: Target, split: Split, concurrency = 8): Promise<HttpFaqEvaluation> {
  const all = [...loadSplit('train'), ...loadSplit('dev'), ...loadSplit('test')];
  const entryOfArticle = new Map<string, string>();
  const t0 = performance.now();
  for (let i = 0; i < all.length; i += IMPORT_CHUNK) {
    const chunk = all.slice(i, i + IMPORT_CHUNK);
    const created = itemsOf(
      await send(target, 'POST', '/v1/articles:bulk', {
        articles: chunk.map((e) => ({ title: e.question, body: '', language: 'zh', status: 'published' })),
      }),
    );
    created.forEach((item, j) => entryOfArticle.set(String(item.id), chunk[j].id));
  }
  await send(target, 'PUT', '/v1/synonyms', { groups: FAQ_SYNONYMS });
  const loadMs = performance.now() - t0;
  const t1 = performance.now();
  const votes = await teachTrainPairs(target, entryOfArticle, concurrency);
  const learnMs = performance.now() - t1;

  const latencies: number[] = [];
  const metrics = await rankAll(loadSplit(split), async (q) => {
    const s = performance.now();
    const found = itemsOf(await send(target, 'GET', `/v1/search?${new URLSearchParams({ q, limit: '10' }).toString()}`));
    latencies.push(performance.now() - s);
    return found.map((hit) => entryOfArticle.get(String(hit.articleId)) ?? '');
  }, concurrency);
  latencies.sort((a, b) => a - b);
  return { metrics, articles: all.length, votes, learnMs, loadMs, latencies };
}

const LEARN_TIMEOUT_MS = 120_000;

/**
 * Sends every train pair as a helpful vote with the paraphrase as the customer's question, then waits
 * until the service's learned table counts them all (it relearns in the background, coalesced).
 */
async function teachTrainPairs(target: Target, entryOfArticle: ReadonlyMap<string, string>, concurrency: number): Promise<number> {
  const articleOfEntry = new Map([...entryOfArticle].map(([articleId, entryId]) => [entryId, articleId]));
  const votes = trainVotes(loadSplit('train'));
  await mapLimit(votes, concurrency, async (v) => {
    const articleId = articleOfEntry.get(v.id);
    if (!articleId) throw new Error(`no article for ${v.id}`);
    await send(target, 'POST', `/v1/articles/${articleId}/feedback`, { helpful: true, question: v.question });
  });
  const deadline = Date.now() + LEARN_TIMEOUT_MS;
  for (;;) {
    const stats = (await send(target, 'GET', '/v1/search/stats')) as { associations?: { answeredQuestions?: number } };
    const learned = stats.associations?.answeredQuestions ?? 0;
    if (learned >= votes.length) return votes.length;
    if (Date.now() > deadline) throw new Error(`search learned ${learned} of ${votes.length} answered questions in ${LEARN_TIMEOUT_MS} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const fmt = (m: RankingMetrics): string =>
  `R@1 ${m.recallAt1.toFixed(4)}  R@5 ${m.recallAt5.toFixed(4)}  MRR@10 ${m.mrrAt10.toFixed(4)}  (${m.queries} queries)`;

async function main(): Promise<void> {
  const requested = arg('--split') ?? 'test';
  if (requested !== 'dev' && requested !== 'test' && requested !== 'train') throw new Error('--split must be train, dev or test');
  const split: Split = requested;
  const concurrency = Number(arg('--concurrency') ?? 8);
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new Error('--concurrency must be a positive whole number');
  const baseUrl = arg('--base-url');
  if (baseUrl) {
    const apiKey = arg('--api-key');
    if (!apiKey) throw new Error('--base-url needs --api-key (kb:read and kb:write)');
    await report(split, { baseUrl, apiKey }, concurrency);
    return;
  }
  const db = knowledgeDb();
  await db.connect();
  const tenant = await createBenchTenant(db, 'faq-eval');
  let service: RunningService | undefined;
  try {
    service = (await startService(Number(arg('--port') ?? 4651))).service;
    await report(split, { baseUrl: service.baseUrl, apiKey: tenant.apiKey }, concurrency);
  } finally {
    await service?.stop();
    await dropBenchTenant(db, tenant.tenantId);
    await db.end();
  }
}

async function report(split: Split, target: Target, concurrency: number): Promise<void> {
  const http = await evaluateOverHttp(target, split, concurrency);
  const engine = await inProcess(DEFAULT_SEARCH_OPTIONS, split, FAQ_SYNONYMS, true);
  const unlearned = await inProcess(DEFAULT_SEARCH_OPTIONS, split, FAQ_SYNONYMS);
  const baseline = await inProcess(BASELINE_OPTIONS, split, []);
  console.log(`split ${split}: articles loaded through POST /v1/articles:bulk in ${Math.round(http.loadMs)} ms`);
  console.log(`${http.votes} train pairs voted helpful with the customer's question and learned in ${Math.round(http.learnMs)} ms`);
  console.log(`HTTP GET /v1/search    ${fmt(http.metrics)}  p50 ${percentile(http.latencies, 50).toFixed(2)} ms, p95 ${percentile(http.latencies, 95).toFixed(2)} ms`);
  console.log(`in-process engine      ${fmt(engine)}  (same votes)`);
  console.log(`in-process, no votes   ${fmt(unlearned)}`);
  console.log(`baseline bigram BM25   ${fmt(baseline)}  (no segmentation, synonyms or unigrams)`);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}

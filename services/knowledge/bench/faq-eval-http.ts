/**
 * The FAQ search evaluation of `tools/eval/faq-search.ts`, through the real search path: every
 * faq-zh-alipay entry (all three splits) is created as an article with POST /v1/articles:bulk (title =
 * its canonical question), the evaluation's synonyms are set with PUT /v1/synonyms, and each paraphrase
 * of the chosen split is sent to GET /v1/search. Prints Recall@1, Recall@5 and MRR@10 beside the plain
 * character-bigram baseline and the in-process engine on the same data. Tune with `--split dev`;
 * report `test`. The articles are deleted afterwards.
 *
 *   node tools/build.mjs
 *   node tools/run-ts.js services/knowledge/bench/faq-eval-http.ts [--split test|dev] [--port 4651]
 *   node tools/run-ts.js services/knowledge/bench/faq-eval-http.ts --base-url http://127.0.0.1:3003 --api-key dev-demo-key
 *     (a running service and a tenant of your own, whose articles are then left in place; raise its
 *     RATE_LIMIT_PER_KEY_PER_MINUTE above the ~1,300 queries a minute this sends)
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_SEARCH_OPTIONS, KnowledgeSearchEngine, type SearchEngineOptions } from '../src/domain/search';
import { arg, createBenchTenant, dropBenchTenant, knowledgeDb, percentile, startService, type RunningService } from './bench-kit';

type Split = 'train' | 'dev' | 'test';

interface FaqEntry {
  id: string;
  question: string;
  paraphrases: string[];
}

interface RankingMetrics {
  queries: number;
  recallAt1: number;
  recallAt5: number;
  mrrAt10: number;
}

// The data, synonyms and baseline are those of tools/eval/faq-search.ts, so the figures compare.
const DATASET_DIR = process.env.FAQ_DATASET_DIR ?? '/work/shared/datasets/faq-zh-alipay';
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
  return readFileSync(join(DATASET_DIR, `${split}.jsonl`), 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as FaqEntry);
}

/** Rank of the right article for every paraphrase of the split, as R@1, R@5 and MRR@10. */
async function rankAll(entries: readonly FaqEntry[], search: (q: string) => Promise<string[]>): Promise<RankingMetrics> {
  let queries = 0;
  let hits1 = 0;
  let hits5 = 0;
  let rr = 0;
  for (const entry of entries) {
    for (const paraphrase of entry.paraphrases) {
      if (!paraphrase.trim()) continue;
      const rank = (await search(paraphrase.slice(0, 1000))).indexOf(entry.id);
      queries++;
      if (rank === 0) hits1++;
      if (rank >= 0 && rank < 5) hits5++;
      if (rank >= 0) rr += 1 / (rank + 1);
    }
  }
  return { queries, recallAt1: hits1 / queries, recallAt5: hits5 / queries, mrrAt10: rr / queries };
}

/** The same evaluation on an in-process engine: what the HTTP figures should match. */
async function inProcess(options: SearchEngineOptions, split: Split, synonyms: string[][]): Promise<RankingMetrics> {
  const engine = new KnowledgeSearchEngine(options);
  if (synonyms.length > 0) engine.setSynonyms('faq', synonyms);
  const all = [...loadSplit('train'), ...loadSplit('dev'), ...loadSplit('test')];
  engine.build(all.map((e) => ({ id: e.id, tenantId: 'faq', title: e.question, body: '', language: 'zh', category: null, tags: [], status: 'published' as const })));
  return rankAll(loadSplit(split), (q) => Promise.resolve(engine.search('faq', { text: q, limit: 10 }).items.map((h) => h.articleId)));
}

const IMPORT_CHUNK = 1000;

interface Target {
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

async function evaluateOverHttp(target: Target, split: Split): Promise<{ metrics: RankingMetrics; loadMs: number; latencies: number[] }> {
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

  const latencies: number[] = [];
  const metrics = await rankAll(loadSplit(split), async (q) => {
    const s = performance.now();
    const found = itemsOf(await send(target, 'GET', `/v1/search?${new URLSearchParams({ q, limit: '10' }).toString()}`));
    latencies.push(performance.now() - s);
    return found.map((hit) => entryOfArticle.get(String(hit.articleId)) ?? '');
  });
  latencies.sort((a, b) => a - b);
  return { metrics, loadMs, latencies };
}

const fmt = (m: RankingMetrics): string =>
  `R@1 ${m.recallAt1.toFixed(4)}  R@5 ${m.recallAt5.toFixed(4)}  MRR@10 ${m.mrrAt10.toFixed(4)}  (${m.queries} queries)`;

async function main(): Promise<void> {
  const requested = arg('--split') ?? 'test';
  if (requested !== 'dev' && requested !== 'test' && requested !== 'train') throw new Error('--split must be train, dev or test');
  const split: Split = requested;
  const baseUrl = arg('--base-url');
  if (baseUrl) {
    const apiKey = arg('--api-key');
    if (!apiKey) throw new Error('--base-url needs --api-key (kb:read and kb:write)');
    await report(split, { baseUrl, apiKey });
    return;
  }
  const db = knowledgeDb();
  await db.connect();
  const tenant = await createBenchTenant(db, 'faq-eval');
  let service: RunningService | undefined;
  try {
    service = (await startService(Number(arg('--port') ?? 4651))).service;
    await report(split, { baseUrl: service.baseUrl, apiKey: tenant.apiKey });
  } finally {
    await service?.stop();
    await dropBenchTenant(db, tenant.tenantId);
    await db.end();
  }
}

async function report(split: Split, target: Target): Promise<void> {
  const http = await evaluateOverHttp(target, split);
  const engine = await inProcess(DEFAULT_SEARCH_OPTIONS, split, FAQ_SYNONYMS);
  const baseline = await inProcess(BASELINE_OPTIONS, split, []);
  console.log(`split ${split}: articles loaded through POST /v1/articles:bulk in ${Math.round(http.loadMs)} ms`);
  console.log(`HTTP GET /v1/search    ${fmt(http.metrics)}  p50 ${percentile(http.latencies, 50).toFixed(2)} ms, p95 ${percentile(http.latencies, 95).toFixed(2)} ms`);
  console.log(`in-process engine      ${fmt(engine)}`);
  console.log(`baseline bigram BM25   ${fmt(baseline)}  (no segmentation, synonyms or unigrams)`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});

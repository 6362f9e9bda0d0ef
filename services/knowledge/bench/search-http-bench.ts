/**
 * Search latency through the real service path: synthetic articles (half Chinese, half English, words
 * drawn Zipf-like from a seeded vocabulary) are written to Postgres, the built knowledge service is
 * started as its own process (it rebuilds its index from Postgres before it reports ready), and
 * queries go over HTTP to GET /v1/search with an API key. Prints rebuild time and p50/p95/p99.
 * Everything the run wrote is deleted afterwards. Nothing is asserted.
 *
 *   node tools/build.mjs
 *   node tools/run-ts.js services/knowledge/bench/search-http-bench.ts [--sizes 10000,100000] [--queries 1000] [--port 4650]
 */
import { randomUUID } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import type { Client } from 'pg';
import { arg, createBenchTenant, dropBenchTenant, getJson, knowledgeDb, percentile, startService } from './bench-kit';

/** mulberry32: small, fast, seedable. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Vocabulary {
  zh: string[];
  en: string[];
}

const SYLLABLES = 're fund pay ment ac count or der de liv er in voice pass word lim it card bank trans fer can cel ship ping sub scrip tion log up date ver i fy mo bile app con nect ed'.split(' ');

function vocabulary(random: () => number): Vocabulary {
  const hanPool = Array.from({ length: 2500 }, () => String.fromCodePoint(0x4e00 + Math.floor(random() * 0x5000)));
  const zh = new Set(['花呗', '借呗', '还款', '退款', '账户', '密码', '额度', '订单', '发票', '快递']);
  while (zh.size < 8000) {
    const len = random() < 0.7 ? 2 : random() < 0.5 ? 3 : 1;
    let w = '';
    for (let i = 0; i < len; i++) w += hanPool[Math.floor(Math.pow(random(), 2) * hanPool.length)];
    zh.add(w);
  }
  const en = new Set(['refund', 'payment', 'account', 'password', 'invoice', 'delivery', 'order', 'the', 'how', 'to', 'my', 'is']);
  while (en.size < 8000) {
    let w = '';
    for (let i = 0, n = 1 + Math.floor(random() * 3); i < n; i++) w += SYLLABLES[Math.floor(random() * SYLLABLES.length)];
    en.add(w + (random() < 0.2 ? 'ing' : random() < 0.2 ? 's' : ''));
  }
  return { zh: [...zh], en: [...en] };
}

/** Zipf-like pick: low indices are much more frequent, as in real text. */
const pick = <T>(list: readonly T[], random: () => number): T => list[Math.floor(Math.pow(random(), 2.5) * list.length)];
const sentence = (words: readonly string[], count: number, random: () => number, joiner: string): string =>
  Array.from({ length: count }, () => pick(words, random)).join(joiner);

interface BenchArticle {
  id: string;
  title: string;
  body: string;
  language: 'zh' | 'en';
  category: string;
  tags: string[];
}

function* articles(count: number, vocab: Vocabulary, random: () => number): Generator<BenchArticle> {
  for (let i = 0; i < count; i++) {
    const zh = i % 2 === 0;
    const words = zh ? vocab.zh : vocab.en;
    const joiner = zh ? '' : ' ';
    const paragraphs = Array.from({ length: 2 + Math.floor(random() * 3) }, () => sentence(words, 10 + Math.floor(random() * 20), random, joiner));
    yield {
      id: randomUUID(),
      title: sentence(words, 4 + Math.floor(random() * 5), random, joiner),
      body: paragraphs.join(zh ? '。' : '. '),
      language: zh ? 'zh' : 'en',
      category: `category-${Math.floor(random() * 20)}`,
      tags: [`tag-${Math.floor(random() * 60)}`, `tag-${Math.floor(random() * 60)}`],
    };
  }
}

/** Writes published articles at version 1 (head and version rows) in batches, as the API would store them. */
async function load(db: Client, tenantId: string, count: number, random: () => number, sample: BenchArticle[]): Promise<number> {
  const vocab = vocabulary(random);
  const t0 = performance.now();
  let batch: BenchArticle[] = [];
  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    const cols = [batch.map((a) => a.id), batch.map((a) => a.title), batch.map((a) => a.body), batch.map((a) => a.language), batch.map((a) => a.category), batch.map((a) => a.tags.join(','))];
    const now = new Date();
    await db.query(
      `INSERT INTO "knowledge"."articles" ("tenant_id", "id", "version", "title", "body", "language", "tags", "category", "status", "created_at", "updated_at")
       SELECT $1, id, 1, title, body, language, string_to_array(tags, ','), category, 'published', $8, $8
       FROM unnest($2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[]) AS t(id, title, body, language, category, tags)`,
      [tenantId, ...cols, now],
    );
    await db.query(
      `INSERT INTO "knowledge"."article_versions" ("tenant_id", "article_id", "version", "title", "body", "language", "tags", "category", "status", "created_at")
       SELECT $1, id, 1, title, body, language, string_to_array(tags, ','), category, 'published', $8
       FROM unnest($2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[]) AS t(id, title, body, language, category, tags)`,
      [tenantId, ...cols, now],
    );
    batch = [];
  };
  for (const a of articles(count, vocab, random)) {
    if (sample.length < 2000 && random() < 0.05) sample.push(a);
    batch.push(a);
    if (batch.length === 2000) await flush();
  }
  await flush();
  return performance.now() - t0;
}

/** Queries borrow words from an article (so they have answers) plus a random word or two; some filter by language. */
function queries(count: number, sample: readonly BenchArticle[], random: () => number): string[] {
  const vocab = vocabulary(rng(7));
  return Array.from({ length: count }, () => {
    const doc = sample[Math.floor(random() * sample.length)];
    const zh = doc.language === 'zh';
    const source = doc.title + (zh ? '' : ' ') + doc.body.slice(0, 80);
    const tokens = zh ? [source.slice(0, 4 + Math.floor(random() * 8))] : source.split(/\s+/).slice(0, 2 + Math.floor(random() * 4));
    tokens.push(sentence(zh ? vocab.zh : vocab.en, 1 + Math.floor(random() * 2), random, zh ? '' : ' '));
    const params = new URLSearchParams({ q: tokens.join(zh ? '' : ' '), limit: '10' });
    if (random() < 0.3) params.set('language', doc.language);
    return params.toString();
  });
}

/** Round-trip milliseconds of one search; its time inside the index goes to `indexTimes`. */
async function timed(baseUrl: string, apiKey: string, query: string, indexTimes: number[] = []): Promise<number> {
  const s = performance.now();
  const res = await getJson(`${baseUrl}/v1/search?${query}`, apiKey);
  const ms = performance.now() - s;
  if (res.status !== 200) throw new Error(`search answered ${res.status}: ${JSON.stringify(res.body)}`);
  if (res.indexMs !== undefined) indexTimes.push(res.indexMs);
  return ms;
}

const fmt = (sorted: number[]): string =>
  `p50 ${percentile(sorted, 50).toFixed(2)} ms, p95 ${percentile(sorted, 95).toFixed(2)} ms, p99 ${percentile(sorted, 99).toFixed(2)} ms`;

async function benchSize(size: number, queryCount: number, port: number): Promise<void> {
  const db = knowledgeDb();
  await db.connect();
  const { tenantId, apiKey } = await createBenchTenant(db, `bench-search-${size}`);
  try {
    const random = rng(42);
    const sample: BenchArticle[] = [];
    const loadMs = await load(db, tenantId, size, random, sample);
    const { service, readyMs, rebuild } = await startService(port);
    const memory = service.memory();
    try {
      const plain = queries(queryCount + 100, sample, random);
      for (const q of plain.slice(0, 100)) await timed(service.baseUrl, apiKey, q); // warm-up
      const sequential: number[] = [];
      const sequentialIndex: number[] = [];
      for (const q of plain.slice(100)) sequential.push(await timed(service.baseUrl, apiKey, q, sequentialIndex));
      sequential.sort((a, b) => a - b);
      sequentialIndex.sort((a, b) => a - b);

      // Ticket-sized queries (about 1,000 characters), as suggestions for a new ticket search.
      const long: number[] = [];
      const longIndex: number[] = [];
      for (let i = 0; i < 100; i++) {
        const a = sample[Math.floor(random() * sample.length)];
        const b = sample[Math.floor(random() * sample.length)];
        const text = `${a.title} ${a.body} ${b.body}`.slice(0, 1000);
        long.push(await timed(service.baseUrl, apiKey, new URLSearchParams({ q: text, limit: '5' }).toString(), longIndex));
      }
      long.sort((a, b) => a - b);
      longIndex.sort((a, b) => a - b);

      // Four clients at once: what a busy agent desk sees.
      const concurrent: number[] = [];
      const c0 = performance.now();
      const lanes = 4;
      await Promise.all(
        Array.from({ length: lanes }, async (_, lane) => {
          for (let i = lane; i < queryCount; i += lanes) concurrent.push(await timed(service.baseUrl, apiKey, plain[100 + i]));
        }),
      );
      const concurrentSeconds = (performance.now() - c0) / 1000;
      concurrent.sort((a, b) => a - b);

      console.log(
        `${String(size).padStart(7)} articles: Postgres load ${Math.round(loadMs)} ms; service ready in ${Math.round(readyMs)} ms ` +
          `(index rebuild: read ${rebuild?.loadMs ?? '?'} ms + build ${rebuild?.buildMs ?? '?'} ms over ${rebuild?.articles ?? '?'} articles); ` +
          `memory after boot ${memory?.rssMb ?? '?'} MB resident, peak ${memory?.peakMb ?? '?'} MB`,
      );
      console.log(`          ${sequential.length} sequential HTTP searches: ${fmt(sequential)} (in the index: ${fmt(sequentialIndex)})`);
      console.log(`          100 ticket-sized searches (1,000 chars): ${fmt(long)} (in the index: ${fmt(longIndex)})`);
      console.log(`          ${concurrent.length} searches from ${lanes} clients: ${fmt(concurrent)}, ${Math.round(concurrent.length / concurrentSeconds)} searches/s`);
    } finally {
      await service.stop();
    }
  } finally {
    await dropBenchTenant(db, tenantId);
    await db.end();
  }
}

async function main(): Promise<void> {
  const sizes = (arg('--sizes') ?? '10000,100000').split(',').map(Number);
  const queryCount = Number(arg('--queries') ?? 1000);
  const port = Number(arg('--port') ?? 4650);
  for (const size of sizes) {
    console.log(`load average ${loadavg().map((x) => x.toFixed(1)).join(' ')} on ${cpus().length} cores`);
    await benchSize(size, queryCount, port);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});

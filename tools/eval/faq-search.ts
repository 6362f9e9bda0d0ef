/**
 * FAQ search evaluation: every faq-zh-alipay entry (all three splits) becomes one article whose title is
 * its canonical question; the paraphrases of one split are the queries and the right answer is their own
 * entry. Paraphrases never enter the index; the `train` split's (question, paraphrase) pairs are what the
 * engine learns its term associations from, as a tenant's answered questions would be. Tune with
 * `--split dev`; report `test`.
 *
 *   node tools/run-ts.js tools/eval/faq-search.ts [--split test|dev] [--grid]
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { charNgrams } from '@helpdesk/text';
import {
  DEFAULT_SEARCH_OPTIONS,
  KnowledgeSearchEngine,
  createIntlSegmenter,
  jiebaSegmenter,
  type ConfidenceCalibration,
  type EquivalentPair,
  type SearchDocument,
  type SearchEngineOptions,
} from '../../services/knowledge/src/domain/search';
import { datasetsRoot } from './datasets';

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

export interface QueryOutcome {
  correctAtTop: boolean;
  top: number;
  margin: number;
  confidence: number;
}

export interface FaqEvaluation {
  metrics: RankingMetrics;
  outcomes: QueryOutcome[];
  buildMs: number;
  queryMsMean: number;
}

export const TENANT = 'faq';
export const FAQ_SYNONYMS: string[][] = [
  ['花呗', '蚂蚁花呗'],
  ['借呗', '蚂蚁借呗'],
];

/** ../shared/datasets/faq-zh-alipay beside the repository (or under HELPDESK_DATASETS); FAQ_DATASET_DIR names the folder itself. */
export function faqDatasetDir(): string {
  return process.env.FAQ_DATASET_DIR ? resolve(process.env.FAQ_DATASET_DIR) : join(datasetsRoot(), 'faq-zh-alipay');
}

export function loadSplit(split: Split, dir = faqDatasetDir()): FaqEntry[] {
  return readFileSync(join(dir, `${split}.jsonl`), 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as FaqEntry);
}

/** Each entry's canonical question with each of its paraphrases: what a tenant's answered questions look like. */
export function equivalentPairs(split: readonly FaqEntry[]): EquivalentPair[] {
  return split.flatMap((e) => e.paraphrases.filter((p) => p.trim()).map((p) => ({ a: e.question, b: p })));
}

/** Plain baseline: character bigrams, one BM25 over the title, no segmentation, synonyms, stemming or stop words. */
export const BASELINE_OPTIONS: SearchEngineOptions = {
  ...DEFAULT_SEARCH_OPTIONS,
  analyzer: {
    segmenter: undefined,
    hanBigrams: true,
    hanUnigrams: false,
    englishStemming: false,
    stopWords: false,
    variants: undefined,
  },
  ranking: {
    ...DEFAULT_SEARCH_OPTIONS.ranking,
    // Pinned so that tuning the engine's defaults never moves the baseline.
    k1: 1.2,
    b: 0.75,
    kindWeights: [1, 1, 0],
    synonymWeight: 0,
    associationWeight: 0,
    necessityWeight: 0,
  },
};

export function evaluateFaqSearch(
  options: SearchEngineOptions,
  split: Split,
  synonyms: string[][] = FAQ_SYNONYMS,
  entries: Record<Split, FaqEntry[]> = {
    train: loadSplit('train'),
    dev: loadSplit('dev'),
    test: loadSplit('test'),
  },
  /** Phrasings known to be equivalent, learned as the tenant's term associations (the product learns them from answered questions). */
  learnFrom: readonly EquivalentPair[] = equivalentPairs(entries.train),
): FaqEvaluation {
  const engine = new KnowledgeSearchEngine(options);
  if (synonyms.length > 0) engine.setSynonyms(TENANT, synonyms);
  if (learnFrom.length > 0) engine.learnAssociations(TENANT, learnFrom);
  const docs: SearchDocument[] = [...entries.train, ...entries.dev, ...entries.test].map((e) => ({
    id: e.id,
    tenantId: TENANT,
    title: e.question,
    body: '',
    language: 'zh',
    category: null,
    tags: [],
    status: 'published',
  }));
  const t0 = performance.now();
  engine.build(docs);
  const buildMs = performance.now() - t0;

  let hits1 = 0;
  let hits5 = 0;
  let rr = 0;
  const outcomes: QueryOutcome[] = [];
  const q0 = performance.now();
  for (const entry of entries[split]) {
    for (const paraphrase of entry.paraphrases) {
      if (!paraphrase.trim()) continue;
      const result = engine.search(TENANT, { text: paraphrase.slice(0, 1000), limit: 10 });
      const rank = result.items.findIndex((hit) => hit.articleId === entry.id);
      if (rank === 0) hits1++;
      if (rank >= 0 && rank < 5) hits5++;
      if (rank >= 0) rr += 1 / (rank + 1);
      outcomes.push({
        correctAtTop: rank === 0,
        top: result.signals.top,
        margin: result.signals.margin,
        confidence: result.confidence,
      });
    }
  }
  const queries = outcomes.length;
  return {
    metrics: { queries, recallAt1: hits1 / queries, recallAt5: hits5 / queries, mrrAt10: rr / queries },
    outcomes,
    buildMs,
    queryMsMean: (performance.now() - q0) / Math.max(1, queries),
  };
}

/** Logistic regression of "top-1 is right" on (top, margin) by gradient descent: the confidence calibration. */
export function fitConfidence(outcomes: readonly QueryOutcome[]): ConfidenceCalibration {
  let w0 = 0;
  let w1 = 0;
  let w2 = 0;
  const rate = 0.5;
  for (let epoch = 0; epoch < 3000; epoch++) {
    let g0 = 0;
    let g1 = 0;
    let g2 = 0;
    for (const o of outcomes) {
      const p = 1 / (1 + Math.exp(-(w0 + w1 * o.top + w2 * o.margin)));
      const err = p - (o.correctAtTop ? 1 : 0);
      g0 += err;
      g1 += err * o.top;
      g2 += err * o.margin;
    }
    const n = outcomes.length;
    w0 -= (rate * g0) / n;
    w1 -= (rate * g1) / n;
    w2 -= (rate * g2) / n;
  }
  return { intercept: round(w0), topWeight: round(w1), marginWeight: round(w2) };
}

/** Share of queries answered automatically and how often that answer is right, per confidence threshold. */
export function thresholdTable(outcomes: readonly QueryOutcome[], thresholds = [0.5, 0.6, 0.7, 0.8, 0.9]) {
  return thresholds.map((threshold) => {
    const answered = outcomes.filter((o) => o.confidence >= threshold);
    const right = answered.filter((o) => o.correctAtTop).length;
    return {
      threshold,
      coverage: round(answered.length / Math.max(1, outcomes.length)),
      precision: round(right / Math.max(1, answered.length)),
    };
  });
}

/**
 * Share of queries for which some other article's question shares more character bigrams (Jaccard) with
 * the query than the right article does: a rough ceiling on what lexical matching can reach here.
 */
export function lexicalConfusion(split: Split, entries: Record<Split, FaqEntry[]>): number {
  const all = [...entries.train, ...entries.dev, ...entries.test];
  const grams = all.map((e) => new Set(charNgrams(e.question, 2)));
  const byGram = new Map<string, number[]>();
  grams.forEach((set, i) => {
    for (const g of set) {
      const list = byGram.get(g);
      if (list) list.push(i);
      else byGram.set(g, [i]);
    }
  });
  const indexOf = new Map(all.map((e, i) => [e.id, i]));
  const jaccard = (a: Set<string>, b: Set<string>): number => {
    let shared = 0;
    for (const g of a) if (b.has(g)) shared++;
    return shared / (a.size + b.size - shared || 1);
  };
  let confused = 0;
  let total = 0;
  for (const entry of entries[split]) {
    const right = indexOf.get(entry.id) ?? -1;
    for (const paraphrase of entry.paraphrases) {
      const q = new Set(charNgrams(paraphrase, 2));
      const own = jaccard(q, grams[right]);
      const candidates = new Set<number>();
      for (const g of q) for (const i of byGram.get(g) ?? []) candidates.add(i);
      total++;
      for (const i of candidates) {
        if (i !== right && jaccard(q, grams[i]) > own) {
          confused++;
          break;
        }
      }
    }
  }
  return confused / Math.max(1, total);
}

function round(x: number, digits = 4): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

function variants(): Record<string, SearchEngineOptions> {
  const base = DEFAULT_SEARCH_OPTIONS;
  const withAnalyzer = (a: Partial<SearchEngineOptions['analyzer']>): SearchEngineOptions => ({
    ...base,
    analyzer: { ...base.analyzer, ...a },
  });
  return {
    'jieba+bigram+unigram': withAnalyzer({ segmenter: jiebaSegmenter }),
    'intl+bigram+unigram': withAnalyzer({ segmenter: createIntlSegmenter() }),
    'jieba+bigram': withAnalyzer({ segmenter: jiebaSegmenter, hanUnigrams: false }),
    'intl+bigram': withAnalyzer({ segmenter: createIntlSegmenter(), hanUnigrams: false }),
    'jieba only': withAnalyzer({ segmenter: jiebaSegmenter, hanUnigrams: false, hanBigrams: false }),
    'intl only': withAnalyzer({ segmenter: createIntlSegmenter(), hanUnigrams: false, hanBigrams: false }),
    'bigram+unigram': withAnalyzer({ segmenter: undefined }),
    'jieba+bi+uni, no variants': withAnalyzer({ segmenter: jiebaSegmenter, variants: undefined }),
  };
}

function main(): void {
  const args = process.argv.slice(2);
  const requested = args.includes('--split') ? args[args.indexOf('--split') + 1] : 'test';
  if (requested !== 'dev' && requested !== 'test' && requested !== 'train')
    throw new Error(`--split must be train, dev or test`);
  const split: Split = requested;
  const entries = { train: loadSplit('train'), dev: loadSplit('dev'), test: loadSplit('test') };
  const fmt = (m: RankingMetrics) =>
    `R@1 ${m.recallAt1.toFixed(4)}  R@5 ${m.recallAt5.toFixed(4)}  MRR@10 ${m.mrrAt10.toFixed(4)}  (${m.queries} queries)`;

  const comparisons: Record<string, Record<'dev' | 'test', RankingMetrics & { buildMs: number; queryMsMean: number }>> = {};
  if (args.includes('--grid')) {
    // Index designs (segmenter × n-grams) on both splits; only dev may steer a choice, test is for the record.
    for (const [name, options] of Object.entries(variants())) {
      const row = {} as (typeof comparisons)[string];
      for (const s of ['dev', 'test'] as const) {
        const r = evaluateFaqSearch(options, s, FAQ_SYNONYMS, entries);
        row[s] = { ...r.metrics, buildMs: round(r.buildMs, 1), queryMsMean: round(r.queryMsMean, 3) };
        console.log(
          `${s.padEnd(4)} ${name.padEnd(24)} ${fmt(r.metrics)}  build ${r.buildMs.toFixed(0)} ms, ${r.queryMsMean.toFixed(2)} ms/query`,
        );
      }
      comparisons[name] = row;
    }
  }

  const devRun = evaluateFaqSearch(DEFAULT_SEARCH_OPTIONS, 'dev', FAQ_SYNONYMS, entries);
  const calibration = fitConfidence(devRun.outcomes);
  const tuned: SearchEngineOptions = { ...DEFAULT_SEARCH_OPTIONS, confidence: calibration };
  const engineRun = evaluateFaqSearch(tuned, split, FAQ_SYNONYMS, entries);
  const baselineRun = evaluateFaqSearch(BASELINE_OPTIONS, split, [], entries);
  const noSynonymRun = evaluateFaqSearch(tuned, split, [], entries);
  const notLearnedRun = evaluateFaqSearch(tuned, split, FAQ_SYNONYMS, entries, []);

  console.log(
    `split ${split}: ${engineRun.metrics.queries} paraphrase queries over ${entries.train.length + entries.dev.length + entries.test.length} articles`,
  );
  console.log(
    `engine           ${fmt(engineRun.metrics)}  build ${engineRun.buildMs.toFixed(0)} ms, ${engineRun.queryMsMean.toFixed(2)} ms/query`,
  );
  console.log(`engine, no syn.  ${fmt(noSynonymRun.metrics)}`);
  console.log(`engine, no learned associations ${fmt(notLearnedRun.metrics)}`);
  console.log(
    `baseline bigram  ${fmt(baselineRun.metrics)}  build ${baselineRun.buildMs.toFixed(0)} ms, ${baselineRun.queryMsMean.toFixed(2)} ms/query`,
  );
  const confusion = lexicalConfusion(split, entries);
  console.log(
    `queries where another article shares more character bigrams than the right one: ${(confusion * 100).toFixed(1)} %`,
  );
  console.log(`confidence calibration (fitted on dev): ${JSON.stringify(calibration)}`);
  const thresholds = thresholdTable(engineRun.outcomes);
  for (const t of thresholds)
    console.log(
      `  confidence ≥ ${t.threshold}: answers ${(t.coverage * 100).toFixed(1)} % of queries, ${(t.precision * 100).toFixed(1)} % right`,
    );

  const report = {
    dataset: 'faq-zh-alipay',
    split,
    articles: entries.train.length + entries.dev.length + entries.test.length,
    engine: engineRun.metrics,
    engineWithoutSynonyms: noSynonymRun.metrics,
    engineWithoutLearnedAssociations: notLearnedRun.metrics,
    baseline: baselineRun.metrics,
    analyzerComparison: comparisons,
    lexicalConfusion: round(confusion),
    confidenceCalibration: calibration,
    thresholds,
    timing: { buildMs: round(engineRun.buildMs, 1), queryMsMean: round(engineRun.queryMsMean, 3) },
  };
  const out = resolve(__dirname, '..', '..', 'reports', 'eval-faq-search.json');
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify(report, null, 2) + '\n');
  console.log(`wrote ${out}`);
}

if (process.argv[1] && resolve(process.argv[1]) === __filename) main();

/**
 * `npm run eval`: every figure of the product's classifiers and search on the public labelled
 * data sets, each beside its baseline, as one table and one JSON report (reports/eval.json).
 * Tuning used train/dev only; the figures are on test. The data sets are read from ../shared/datasets
 * beside the repository (or HELPDESK_DATASETS).
 *
 * Two kinds of rows:
 * - in-process: the domain classes (services/<name>/src/domain) trained and scored in this process, the
 *   classifiers through the same training function a tenant's training request runs;
 * - through the running services' APIs (tools/eval/api.ts): 'knowledge search (HTTP)' loads faq-zh-alipay
 *   with POST /v1/articles:bulk and queries GET /v1/search; 'priority (API)' trains tickets-en-endava/train + dev
 *   with POST /v1/classifier/training and classifies test with POST /v1/classify. For these the built
 *   knowledge and triage (`node tools/build.mjs` first) are started as child processes against the local
 *   Kafka, PostgreSQL and Redis (libs/testing's test environment, database helpdesk_test), with consumer
 *   groups eval.*, a tenant of their own and raised rate limits, and stopped at the end, also on failure.
 *
 * Flags (`npm run eval -- <flags>`):
 *   --in-process-only   only the in-process rows: no services, no infrastructure needed
 *   --api-only          only the API rows (the in-process search baseline they stand beside is still computed)
 *   --classification-only  only the in-process classification rows (no search, no services): for iterating on
 *                       the classifiers; `tools/eval/classification.ts <tasks>` runs a few tasks alone
 *   --quick             in-process classification for priority and negative emotion only
 *   --base-port N       knowledge on N+1, triage on N+2 (default 4960; ports 4960-4969 are the eval's)
 *   --concurrency N     HTTP calls in flight against the services (default 8)
 * Environment: EVAL_LOG_LEVEL (services' log level, default warn; logs in .local/eval/), KAFKA_BROKERS,
 * PG_HOST/PG_PORT/PG_DATABASE, REDIS_HOST/REDIS_PORT as libs/testing reads them.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { DEFAULT_SEARCH_OPTIONS } from '../../services/knowledge/src/domain/search';
import { evaluateThroughApi, type ApiEvaluation } from './api';
import { evaluateClassification, type ClassificationEvalReport, type EvalRow } from './classification';
import { BASELINE_OPTIONS, evaluateFaqSearch, fitConfidence, loadSplit } from './faq-search';
import { formatTable, parseOptions } from './options';

async function main(): Promise<void> {
  const started = Date.now();
  const options = parseOptions(process.argv.slice(2));
  const log = (line: string): void => {
    process.stderr.write(`${line}\n`);
  };

  let classification: ClassificationEvalReport | undefined;
  if (options.inProcess) {
    const only = options.quick ? ['priority', 'negative-emotion'] : undefined;
    classification = evaluateClassification({ only, log });
  }

  const entries = options.search || options.api ? { train: loadSplit('train'), dev: loadSplit('dev'), test: loadSplit('test') } : undefined;
  const baseline = entries ? evaluateFaqSearch(BASELINE_OPTIONS, 'test', [], entries) : undefined;
  const searchRows: EvalRow[] = [];
  if (options.search && entries && baseline) {
    const calibration = fitConfidence(evaluateFaqSearch(DEFAULT_SEARCH_OPTIONS, 'dev', undefined, entries).outcomes);
    const engine = evaluateFaqSearch({ ...DEFAULT_SEARCH_OPTIONS, confidence: calibration }, 'test', undefined, entries);
    for (const metric of ['recallAt1', 'recallAt5', 'mrrAt10'] as const) {
      searchRows.push({
        task: 'knowledge search',
        dataset: 'faq-zh-alipay',
        metric: metric === 'recallAt1' ? 'Recall@1' : metric === 'recallAt5' ? 'Recall@5' : 'MRR@10',
        value: engine.metrics[metric],
        majorityBaseline: baseline.metrics[metric],
        goal: metric === 'recallAt1' ? 0.75 : undefined,
        note: 'baseline: character-bigram BM25 without synonyms',
      });
    }
  }

  let api: ApiEvaluation | undefined;
  let apiError: string | undefined;
  if (options.api && baseline) {
    try {
      api = await evaluateThroughApi({
        basePort: options.basePort,
        concurrency: options.concurrency,
        groupPrefix: 'eval.',
        searchBaseline: baseline.metrics,
        log,
      });
    } catch (err) {
      apiError = err instanceof Error ? err.message : String(err);
    }
  }

  const rows = [...(classification?.rows ?? []), ...searchRows, ...(api?.rows ?? [])];
  console.log(formatTable(rows));
  console.log('\nbaseline: majority class for classification; character-bigram BM25 (in-process, no synonyms) for search.');
  if (options.api && api) {
    const t = api.details.triage;
    const k = api.details.knowledge;
    console.log(
      `API rows: built knowledge and triage as child processes on ${api.details.ports.knowledge}/${api.details.ports.triage}, tenant ${api.details.tenantId}, ${api.details.concurrency} calls in flight; ` +
        `search ${k.queries} queries p50 ${k.p50Ms.toFixed(1)} ms p95 ${k.p95Ms.toFixed(1)} ms after loading ${k.articles} articles in ${(k.loadMs / 1000).toFixed(1)} s; ` +
        `priority trained in ${t.trainSeconds.toFixed(1)} s (${t.modelVersion}), ${t.testExamples} classified in ${t.classifySeconds.toFixed(1)} s; ${api.details.seconds} s in all.`,
    );
  }
  if (apiError) console.log(`\nAPI rows missing: ${apiError}`);

  const seconds = Math.round((Date.now() - started) / 1000);
  const out = resolve(__dirname, '..', '..', 'reports', 'eval.json');
  mkdirSync(dirname(out), { recursive: true });
  const report = {
    generatedAt: new Date().toISOString(),
    seconds,
    options,
    rows,
    models: classification?.models ?? {},
    ...(api ? { api: api.details } : {}),
    ...(apiError ? { apiError } : {}),
  };
  writeFileSync(out, JSON.stringify(report, null, 2) + '\n');
  console.log(`wrote ${out} in ${seconds} s`);
  if (apiError) process.exitCode = 1;
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}

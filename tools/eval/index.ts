/**
 * `npm run eval`: every figure of the product's classifiers and search on the public labelled
 * data sets, each beside its baseline, as one table and one JSON report (reports/eval.json).
 * Tuning used train/dev only; the figures are on test.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { DEFAULT_SEARCH_OPTIONS } from '../../services/knowledge/src/domain/search';
import { evaluateClassification, type EvalRow } from './classification';
import { BASELINE_OPTIONS, evaluateFaqSearch, fitConfidence, loadSplit } from './faq-search';

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + ' '.repeat(width - text.length);
}

function main(): void {
  const started = Date.now();
  const only = process.argv.includes('--quick') ? ['priority', 'negative-emotion'] : undefined;
  const classification = evaluateClassification({ only, log: (line: string) => console.error(line) });

  const entries = { train: loadSplit('train'), dev: loadSplit('dev'), test: loadSplit('test') };
  const calibration = fitConfidence(evaluateFaqSearch(DEFAULT_SEARCH_OPTIONS, 'dev', undefined, entries).outcomes);
  const engine = evaluateFaqSearch({ ...DEFAULT_SEARCH_OPTIONS, confidence: calibration }, 'test', undefined, entries);
  const baseline = evaluateFaqSearch(BASELINE_OPTIONS, 'test', [], entries);
  const searchRows: EvalRow[] = (['recallAt1', 'recallAt5', 'mrrAt10'] as const).map((metric) => ({
    task: 'knowledge search',
    dataset: 'faq-zh-alipay',
    metric: metric === 'recallAt1' ? 'Recall@1' : metric === 'recallAt5' ? 'Recall@5' : 'MRR@10',
    value: engine.metrics[metric],
    majorityBaseline: baseline.metrics[metric],
    goal: metric === 'recallAt1' ? 0.75 : undefined,
    note: 'baseline: character-bigram BM25 without synonyms',
  }));

  const rows = [...classification.rows, ...searchRows];
  const header = `${pad('task', 22)}${pad('dataset', 26)}${pad('metric', 12)}${pad('ours', 8)}${pad('baseline', 10)}${pad('goal', 7)}published`;
  console.log(header);
  console.log('-'.repeat(header.length + 10));
  for (const r of rows) {
    console.log(
      `${pad(r.task, 22)}${pad(r.dataset, 26)}${pad(r.metric, 12)}${pad(r.value.toFixed(3), 8)}${pad(r.majorityBaseline.toFixed(3), 10)}${pad(r.goal !== undefined ? r.goal.toFixed(2) : '', 7)}${r.published ?? ''}`,
    );
  }
  console.log('\nbaseline: majority class for classification; character-bigram BM25 for search.');
  const out = resolve(__dirname, '..', '..', 'reports', 'eval.json');
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify({ generatedAt: new Date().toISOString(), seconds: Math.round((Date.now() - started) / 1000), rows, models: classification.models }, null, 2) + '\n');
  console.log(`wrote ${out} in ${Math.round((Date.now() - started) / 1000)} s`);
}

main();

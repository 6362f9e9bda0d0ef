/**
 * In-process figures the benchmark prints beside the end-to-end ones, in a process of their own so
 * their heap and CPU never mix with the load generator's:
 *
 *   node --expose-gc tools/run-ts.js tools/bench/in-process.ts [--seconds 3] [--sizes 10000,100000] [--queries 2000]
 *
 * Prints one line `IN-PROCESS-JSON {…}` with classification throughput and search latency.
 */
import {
  DEFAULT_TRAINING_CONFIG,
  TicketClassifier,
  defaultTrainingGrid,
  exampleText,
  fitTextModel,
} from '../../services/triage/src/domain/classification';
import { benchClassifier, benchCorpus, subwordConfig, type BenchResult } from '../eval/classify-bench';
import { readRows, text } from '../eval/datasets';
import { Args } from './lib/args';
import { benchmark, type BenchFigures } from './search-bench';

export interface InProcessFigures {
  classification: { results: BenchResult[]; corpus: number } | { error: string };
  search: BenchFigures[] | { error: string };
}

function classification(seconds: number): InProcessFigures['classification'] {
  try {
    const corpus = benchCorpus();
    const priority = readRows('tickets-en-endava', 'train').map((r) => ({
      text: exampleText({ subject: text(r, 'subject'), body: text(r, 'body') }),
      label: text(r, 'priority'),
    }));
    const queues = readRows('tickets-multilang-queues', 'train').map((r) => ({
      text: exampleText({ subject: text(r, 'subject'), body: text(r, 'body') }),
      label: text(r, 'queue'),
    }));
    // Gate 0, as training chooses for this data set: every answer is the model's and is explained.
    const priorityModel = fitTextModel(priority, DEFAULT_TRAINING_CONFIG, 'priority').withMinConfidence(0);
    const categoryModel = fitTextModel(queues, subwordConfig(defaultTrainingGrid(10)), 'queue');
    return {
      corpus: corpus.length,
      results: [
        benchClassifier('rules only', new TicketClassifier(), corpus, seconds),
        benchClassifier('rules + priority and queue models', new TicketClassifier({ priorityModel, categoryModel }), corpus, seconds),
      ],
    };
  } catch (err) {
    return { error: err instanceof Error ? err.message : String(err) };
  }
}

function search(sizes: number[], queries: number): InProcessFigures['search'] {
  try {
    return sizes.map((size) => benchmark(size, queries));
  } catch (err) {
    return { error: err instanceof Error ? err.message : String(err) };
  }
}

function main(): void {
  const args = new Args(process.argv.slice(2));
  const figures: InProcessFigures = {
    classification: classification(args.number('seconds', 3)),
    search: search(args.numbers('sizes', [10_000, 100_000]), args.number('queries', 2000)),
  };
  process.stdout.write(`IN-PROCESS-JSON ${JSON.stringify(figures)}\n`);
}

if (require.main === module) main();

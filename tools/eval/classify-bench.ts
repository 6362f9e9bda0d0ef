/**
 * In-process classification throughput: `node tools/run-ts.js tools/eval/classify-bench.ts` prints
 * classifications per second (wall clock and per CPU-second) for rules alone and rules with learned models.
 */
import {
  TicketClassifier,
  exampleText,
  fitTextModel,
  DEFAULT_TRAINING_CONFIG,
  defaultTrainingGrid,
  type ClassificationInput,
  type TrainingConfig,
} from '../../services/triage/src/domain/classification';
import { cpus, loadavg } from 'node:os';
import { readRows, text } from './datasets';

export interface BenchResult {
  readonly name: string;
  readonly classifications: number;
  readonly seconds: number;
  readonly perSecond: number;
  /** Per second of this process's CPU time: steadier than wall-clock on a machine shared with other work. */
  readonly perCpuSecond: number;
  readonly microsPerTicket: number;
}

/**
 * The queue model's configuration for the benchmark: one with character n-grams inside words, the most
 * features per ticket of any the training grid may ship, so the figure holds whichever is chosen.
 */
export function subwordConfig(grid: readonly TrainingConfig[]): TrainingConfig {
  return grid.find((c) => c.features.wordCharNgrams.length > 0) ?? DEFAULT_TRAINING_CONFIG;
}

/** A mixed workload: real Chinese reviews, English help-desk mail and English/German support tickets. */
export function benchCorpus(): ClassificationInput[] {
  const channels = ['email', 'phone', 'wechat', 'web', 'app'] as const;
  const tiers = ['standard', 'standard', 'vip', 'enterprise'] as const;
  const rows = [
    ...readRows('sentiment-zh-waimai', 'test').map((r) => ({ body: text(r, 'text') })),
    ...readRows('tickets-en-endava', 'test').map((r) => ({ subject: text(r, 'subject'), body: text(r, 'body') })),
    ...readRows('tickets-multilang-queues', 'test').map((r) => ({ subject: text(r, 'subject'), body: text(r, 'body') })),
  ];
  return rows.map((r, i) => ({
    ...r,
    channel: channels[i % channels.length],
    customerTier: tiers[i % tiers.length],
    contactCount: 1 + (i % 3),
    waitedMinutes: (i * 17) % 300,
  }));
}

/** Runs `classify` over the corpus repeatedly for about `seconds` after a warm-up pass. */
export function benchClassifier(name: string, classifier: TicketClassifier, corpus: readonly ClassificationInput[], seconds = 3): BenchResult {
  let sink = 0;
  for (const input of corpus) sink += classifier.classify(input).reasons.length;
  const cpuStarted = process.cpuUsage();
  const started = process.hrtime.bigint();
  const budget = BigInt(Math.round(seconds * 1e9));
  let count = 0;
  while (process.hrtime.bigint() - started < budget) {
    for (const input of corpus) sink += classifier.classify(input).reasons.length;
    count += corpus.length;
  }
  const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
  const cpu = process.cpuUsage(cpuStarted);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  if (sink < 0) process.stdout.write(''); // keeps the work observable to the optimiser
  return {
    name,
    classifications: count,
    seconds: elapsed,
    perSecond: count / elapsed,
    perCpuSecond: count / cpuSeconds,
    microsPerTicket: (elapsed * 1e6) / count,
  };
}

function main(): void {
  const corpus = benchCorpus();
  const endava = readRows('tickets-en-endava', 'train').map((r) => ({
    text: exampleText({ subject: text(r, 'subject'), body: text(r, 'body') }),
    label: text(r, 'priority'),
  }));
  const queues = readRows('tickets-multilang-queues', 'train').map((r) => ({
    text: exampleText({ subject: text(r, 'subject'), body: text(r, 'body') }),
    label: text(r, 'queue'),
  }));
  // Gate 0, as training chooses for this data set: every answer is the model's and is explained.
  const priorityModel = fitTextModel(endava, DEFAULT_TRAINING_CONFIG, 'priority').withMinConfidence(0);
  const categoryModel = fitTextModel(queues, subwordConfig(defaultTrainingGrid(10)), 'queue');
  const results = [
    benchClassifier('rules only', new TicketClassifier(), corpus),
    benchClassifier('rules + priority model + queue model', new TicketClassifier({ priorityModel, categoryModel }), corpus),
  ];
  const avgChars = corpus.reduce((n, c) => n + (c.subject?.length ?? 0) + c.body.length, 0) / corpus.length;
  const load = loadavg()[0] ?? 0;
  process.stdout.write(`machine: ${cpus().length} cores, load average ${load.toFixed(1)} at start (other work on the machine lowers the wall figure)\n`);
  process.stdout.write(`corpus: ${corpus.length} tickets (zh reviews, en help-desk mail, en/de support), mean ${avgChars.toFixed(0)} chars\n`);
  for (const r of results) {
    process.stdout.write(
      `${r.name.padEnd(40)} ${Math.round(r.perSecond).toLocaleString('en-US').padStart(9)} classifications/s wall  ` +
        `${Math.round(r.perCpuSecond).toLocaleString('en-US').padStart(9)} per CPU-second  (${r.microsPerTicket.toFixed(1)} µs/ticket, ${r.classifications} in ${r.seconds.toFixed(1)} s, one thread)\n`,
    );
  }
}

if (require.main === module) main();

/**
 * Classification figures on the shared public datasets, each beside the majority-class baseline and the
 * published figure: `node tools/run-ts.js tools/eval/classification.ts [priority queue group component cause
 * negative-emotion]` prints a table and writes reports/eval-classification.json. Datasets are read from
 * ../shared/datasets (or HELPDESK_DATASETS); nothing from them is stored in the repository.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import {
  CompiledLexicon,
  DEFAULT_LEXICON,
  NegativeEmotionDetector,
  TicketClassifier,
  defaultTrainingGrid,
  evaluateTextModel,
  exampleText,
  majorityBaseline,
  priorityRulesFallback,
  scoreLabels,
  selectTextModelCrossValidated,
  trainModelWithDetails,
  type LabelMetrics,
  type LabeledText,
  type TextModel,
  type TicketText,
  type TrainingConfig,
  type TrainingExample,
  type TrainingTarget,
} from '../../services/triage/src/domain/classification';
import { readRows, text, type Split } from './datasets';
import { formatTable } from './options';

/** One reported figure: ours beside the majority-class floor and, where one exists, the published figure. */
export interface EvalRow {
  readonly task: string;
  readonly dataset: string;
  readonly metric: string;
  readonly value: number;
  readonly majorityBaseline: number;
  readonly published?: string;
  readonly goal?: number;
  readonly perClassF1?: Record<string, number>;
  readonly note?: string;
}

export interface ClassificationEvalReport {
  readonly generatedAt: string;
  readonly rows: EvalRow[];
  readonly models: Record<string, ModelReport>;
}

export interface ModelReport {
  readonly algorithm: string;
  readonly config: string;
  /** Macro-F1 on the share of train + dev that training held out (the figure a tenant is shown; negative emotion: out-of-fold). */
  readonly heldOutMacroF1: number;
  /** Calibrated out-of-fold macro-F1 the configuration was chosen by. */
  readonly selectionMacroF1: number;
  readonly minConfidence?: number;
  readonly trainSeconds: number;
}

interface TaskSpec {
  readonly task: string;
  /** The tenant training target the labels are trained as: priorities, or queue-like routing labels. */
  readonly target: TrainingTarget;
  readonly dataset: string;
  readonly label: string;
  readonly metrics: ('macroF1' | 'accuracy')[];
  readonly published?: Partial<Record<'macroF1' | 'accuracy', string>>;
  readonly goal?: Partial<Record<'macroF1' | 'accuracy', number>>;
}

const TASKS: TaskSpec[] = [
  {
    task: 'priority',
    target: 'priority',
    dataset: 'tickets-en-endava',
    label: 'priority',
    metrics: ['macroF1', 'accuracy'],
    published: { macroF1: 'TF-IDF+SVM urgency per-class F1 0.00/0.28/0.91 (macro ≈ 0.40), weighted-F1 0.79' },
    goal: { macroF1: 0.55 },
  },
  {
    task: 'queue',
    target: 'queue',
    dataset: 'tickets-multilang-queues',
    label: 'queue',
    metrics: ['macroF1', 'accuracy'],
    published: { macroF1: 'on ~28k EN rows: linear SVM 0.53, SGD 0.68, DistilBERT 0.74' },
    goal: { macroF1: 0.6 },
  },
  { task: 'group', target: 'queue', dataset: 'tickets-it-groups', label: 'group', metrics: ['macroF1', 'accuracy'] },
  {
    task: 'component',
    target: 'queue',
    dataset: 'tickets-zh-ict-faults',
    label: 'component',
    metrics: ['accuracy', 'macroF1'],
    published: { accuracy: 'Text-CNN 0.515' },
  },
  {
    task: 'cause',
    target: 'queue',
    dataset: 'tickets-zh-ict-faults',
    label: 'cause',
    metrics: ['accuracy', 'macroF1'],
    published: { accuracy: 'Text-CNN 0.717' },
  },
];

/** The ICT set's files start with a row repeating the column titles; it is not a ticket. */
function isHeaderRow(row: Record<string, unknown>): boolean {
  return text(row, 'body') === '问题现象';
}

interface LabelledTicket {
  readonly subject: string;
  readonly body: string;
  readonly label: string;
}

function loadTickets(dataset: string, split: Split, label: string): LabelledTicket[] {
  return readRows(dataset, split)
    .filter((r) => !isHeaderRow(r))
    .map((r) => ({ subject: text(r, 'subject'), body: text(r, 'body') || text(r, 'text'), label: text(r, label) }))
    .filter((d) => d.label !== '');
}

/** A ticket as a tenant's training request carries it, its label under the task's target. */
function asExample(t: LabelledTicket, target: TrainingTarget): TrainingExample {
  return { ...(t.subject ? { subject: t.subject } : {}), body: t.body, [target]: t.label };
}

/** Subject and body as a classify request carries them. */
function ticketOf(t: LabelledTicket): TicketText {
  return { ...(t.subject ? { subject: t.subject } : {}), body: t.body };
}

function perClassF1(metrics: LabelMetrics): Record<string, number> {
  return Object.fromEntries(Object.entries(metrics.perClass).map(([label, m]) => [label, round(m.f1)]));
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}

function describeConfig(config: TrainingConfig): string {
  return `${config.algorithm}${config.idf ? ' tf-idf' : ''} classWeight^${config.classWeightPower} dim=${config.features.dimension} subword=${config.features.wordCharNgrams.join('/') || 'none'} fields=${config.fields}`;
}

export interface EvaluateOptions {
  /** Restrict to some tasks by name (priority, queue, group, component, cause, negative-emotion). */
  readonly only?: readonly string[];
  readonly log?: (line: string) => void;
}

/**
 * Trains each model through the tenant training path (`trainModelWithDetails`, what POST
 * /v1/classifier/training runs) on train + dev: configuration, calibration and confidence gate are chosen
 * there by cross-validation on those rows, never on `test`, which is only predicted.
 * Pure computation over the shared datasets; writing the report is the caller's choice.
 */
export function evaluateClassification(options: EvaluateOptions = {}): ClassificationEvalReport {
  const log = options.log ?? (() => undefined);
  const wanted = (task: string) => !options.only || options.only.length === 0 || options.only.includes(task);
  const rows: EvalRow[] = [];
  const models: ClassificationEvalReport['models'] = {};

  for (const spec of TASKS.filter((t) => wanted(t.task))) {
    const train = loadTickets(spec.dataset, 'train', spec.label);
    const dev = loadTickets(spec.dataset, 'dev', spec.label);
    const test = loadTickets(spec.dataset, 'test', spec.label).map((t) => ({ text: exampleText(t), label: t.label, ticket: ticketOf(t) }));
    const started = process.hrtime.bigint();
    const trained = trainModelWithDetails(
      [...train, ...dev].map((t) => asExample(t, spec.target)),
      spec.target,
      spec.target === 'priority' ? { fallback: priorityRulesFallback() } : {},
    );
    const trainSeconds = Number(process.hrtime.bigint() - started) / 1e9;
    const { model } = trained;
    const metrics = evaluateTextModel(model, test);
    const baseline = majorityBaseline(
      train.map((d) => d.label),
      test.map((d) => d.label),
    );
    const heldOut = model.evaluation?.metrics.macroF1 ?? 0;
    models[spec.task] = {
      algorithm: model.algorithm,
      config: describeConfig(trained.config),
      heldOutMacroF1: round(heldOut),
      selectionMacroF1: round(trained.crossValidatedMacroF1),
      ...(model.minConfidence !== undefined ? { minConfidence: model.minConfidence } : {}),
      trainSeconds: round(trainSeconds),
    };
    log(`${spec.task}: trained ${train.length + dev.length} rows in ${trainSeconds.toFixed(1)} s (${models[spec.task]?.config})`);
    for (const metric of spec.metrics) {
      rows.push({
        task: spec.task,
        dataset: spec.dataset,
        metric,
        value: round(metrics[metric]),
        majorityBaseline: round(baseline[metric]),
        ...(spec.published?.[metric] ? { published: spec.published[metric] } : {}),
        ...(spec.goal?.[metric] !== undefined ? { goal: spec.goal[metric] } : {}),
        ...(metric === 'macroF1' ? { perClassF1: perClassF1(metrics) } : {}),
        note: `trained on train + dev by the tenant training path; its held-out macro-F1 ${round(heldOut)}, cross-validated ${round(trained.crossValidatedMacroF1)}`,
      });
    }
    if (spec.task === 'priority') rows.push(...priorityPathRows(model, test, baseline));
  }

  if (wanted('negative-emotion')) rows.push(...negativeEmotionRows(models, log));
  return { generatedAt: new Date().toISOString(), rows, models };
}

/**
 * The product's own path on the same test set: rules alone (day one, no training), and rules layered with
 * the learned model (hard signals win, the model decides when confident).
 */
function priorityPathRows(model: TextModel, test: readonly LabeledText[], baseline: LabelMetrics): EvalRow[] {
  const gold = test.map((d) => d.label);
  const rulesOnly = new TicketClassifier();
  // The model's own confidence gate, as POST /v1/classify applies it.
  const layered = new TicketClassifier({ priorityModel: model });
  const rules = scoreLabels(gold, test.map((d) => rulesOnly.classify(d.ticket ?? { body: d.text }).priority));
  const combined = scoreLabels(gold, test.map((d) => layered.classify(d.ticket ?? { body: d.text }).priority));
  return [
    {
      task: 'priority (rules + model)',
      dataset: 'tickets-en-endava',
      metric: 'macroF1',
      value: round(combined.macroF1),
      majorityBaseline: round(baseline.macroF1),
      perClassF1: perClassF1(combined),
      note: `TicketClassifier as a tenant's requests meet it: hard rule signals win, the model from p ≥ ${model.minConfidence ?? 'default'}`,
    },
    {
      task: 'priority (rules only)',
      dataset: 'tickets-en-endava',
      metric: 'macroF1',
      value: round(rules.macroF1),
      majorityBaseline: round(baseline.macroF1),
      perClassF1: perClassF1(rules),
      note: 'no training; the labels are urgency only, the rules answer urgent × important',
    },
  ];
}

function negativeEmotionRows(models: ClassificationEvalReport['models'], log: (line: string) => void): EvalRow[] {
  const load = (split: Split): LabeledText[] =>
    readRows('sentiment-zh-waimai', split).map((r) => ({ text: text(r, 'text'), label: r['negative'] === true ? 'negative' : 'other' }));
  const train = load('train');
  const dev = load('dev');
  const test = load('test');
  const gold = test.map((d) => d.label);
  const negativeF1 = (predicted: string[]) => round(scoreLabels(gold, predicted).perClass['negative']?.f1 ?? 0);
  const baseline = negativeF1(test.map(() => 'negative')); // "negative" is the majority class here

  const compiled = new CompiledLexicon(DEFAULT_LEXICON);
  const lexiconOnly = new NegativeEmotionDetector(compiled);
  const started = process.hrtime.bigint();
  // Chosen as a tenant's training chooses: cross-validation over train + dev, fitted on all of it.
  const { model, ...selected } = selectTextModelCrossValidated([...train, ...dev], defaultTrainingGrid(2), 'negative-emotion');
  const trainSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  models['negative-emotion'] = {
    algorithm: model.algorithm,
    config: describeConfig(selected.config),
    heldOutMacroF1: round(selected.crossValidatedMacroF1),
    selectionMacroF1: round(selected.crossValidatedMacroF1),
    trainSeconds: round(trainSeconds),
  };
  log(`negative-emotion: trained ${train.length} rows in ${trainSeconds.toFixed(1)} s`);
  const withModel = new NegativeEmotionDetector(compiled, model);
  const row = (task: string, value: number, note: string): EvalRow => ({
    task,
    dataset: 'sentiment-zh-waimai',
    metric: 'F1(negative)',
    value,
    majorityBaseline: baseline,
    note,
  });
  return [
    row('negative emotion (lexicon + model)', negativeF1(test.map((d) => (withModel.detect(d.text).negative ? 'negative' : 'other'))), 'detector as triage runs it with a trained polarity model'),
    row('negative emotion (model only)', negativeF1(test.map((d) => model.predict(d.text).label)), 'linear model: configuration and calibration on dev, fitted on train + dev'),
    row('negative emotion (lexicon only)', negativeF1(test.map((d) => (lexiconOnly.detect(d.text).negative ? 'negative' : 'other'))), 'built-in customer-service lexicon, no training'),
  ];
}

export function formatReport(report: ClassificationEvalReport): string {
  return formatTable(report.rows);
}

function main(): void {
  const only = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  const report = evaluateClassification({ only, log: (line) => process.stderr.write(`${line}\n`) });
  process.stdout.write(`${formatReport(report)}\n`);
  const out = resolve(__dirname, '../../reports/eval-classification.json');
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(`\nreport written to ${out}\n`);
}

if (require.main === module) main();

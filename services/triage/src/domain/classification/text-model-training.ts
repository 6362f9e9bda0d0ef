import { DEFAULT_FEATURE_HASHING, FeatureHasher, SparseVector, type FeatureHashingOptions } from '@helpdesk/text';
import {
  majorityBaseline,
  majorityLabel,
  scoreLabels,
  seededRandom,
  shuffleInPlace,
  stratifiedSplit,
  type LabelMetrics,
} from './classification-metrics';
import { TextModel, TextModelError, softmax, type HeldOutEvaluation, type TextModelAlgorithm } from './text-model';

export interface LabeledText {
  readonly text: string;
  readonly label: string;
}

export interface TrainingConfig {
  readonly algorithm: TextModelAlgorithm;
  readonly features: FeatureHashingOptions;
  /** Logistic regression: passes over the data, initial step size, L2 penalty. */
  readonly epochs: number;
  readonly learningRate: number;
  readonly l2: number;
  /** 0 = every example counts the same, 1 = every class counts the same (rare classes up-weighted). */
  readonly classWeightPower: number;
  /** Complement naive Bayes: additive smoothing. */
  readonly smoothing: number;
  readonly seed: number;
}

export const DEFAULT_TRAINING_CONFIG: TrainingConfig = {
  algorithm: 'logistic-regression',
  features: DEFAULT_FEATURE_HASHING,
  epochs: 12,
  learningRate: 0.5,
  l2: 1e-5,
  classWeightPower: 0.5,
  smoothing: 0.3,
  seed: 20261123,
};

/** Largest power-of-two feature space whose weight matrix stays within a few million cells. */
export function dimensionFor(labelCount: number, maxCells = 1 << 22): number {
  let d = 1 << 18;
  while (d > 1 << 12 && d * labelCount > maxCells) d >>= 1;
  return d;
}

/** The configurations tried when a tenant trains: both algorithms, a few class-balance settings. */
export function defaultTrainingGrid(labelCount: number, seed = DEFAULT_TRAINING_CONFIG.seed): TrainingConfig[] {
  const features = { ...DEFAULT_FEATURE_HASHING, dimension: dimensionFor(labelCount) };
  const base = { ...DEFAULT_TRAINING_CONFIG, features, seed };
  // Character n-grams inside words help with compounds (German) and spelling variants.
  const subwords = { ...features, wordCharNgrams: [3, 4] };
  return [
    { ...base, classWeightPower: 0.5 },
    { ...base, classWeightPower: 1 },
    { ...base, classWeightPower: 0 },
    { ...base, classWeightPower: 0.5, features: subwords },
    { ...base, algorithm: 'complement-naive-bayes' },
  ];
}

interface Vectorised {
  readonly indices: Int32Array;
  readonly values: Float32Array;
  readonly label: number;
}

function vectoriseAll(docs: readonly LabeledText[], features: FeatureHashingOptions, labels: readonly string[]): Vectorised[] {
  const hasher = new FeatureHasher(features);
  const buffer = new SparseVector(512);
  const labelIndex = new Map(labels.map((l, i) => [l, i]));
  return docs.map((d) => {
    hasher.vectorize(d.text, buffer);
    return {
      indices: buffer.indices.slice(0, buffer.size),
      values: buffer.values.slice(0, buffer.size),
      label: labelIndex.get(d.label) ?? 0,
    };
  });
}

function checkTrainable(docs: readonly LabeledText[]): string[] {
  if (docs.length < 4) throw new TextModelError('TOO_FEW_EXAMPLES', `need at least 4 labelled examples, got ${docs.length}`);
  const labels = [...new Set(docs.map((d) => d.label))].sort();
  if (labels.length < 2) throw new TextModelError('SINGLE_LABEL', 'need examples of at least two labels');
  return labels;
}

function isTrainable(docs: readonly LabeledText[]): boolean {
  return docs.length >= 4 && new Set(docs.map((d) => d.label)).size >= 2;
}

/** Fits one model with one configuration; deterministic for a given seed and example order. */
export function fitTextModel(
  docs: readonly LabeledText[],
  config: TrainingConfig,
  target: string,
  allLabels?: readonly string[],
): TextModel {
  const seenLabels = checkTrainable(docs);
  // A shared label list keeps label indices aligned between models fitted on different subsets.
  const labels = allLabels ? [...new Set([...allLabels, ...seenLabels])].sort() : seenLabels;
  const data = vectoriseAll(docs, config.features, labels);
  const k = labels.length;
  const { weights, bias } =
    config.algorithm === 'logistic-regression' ? fitLogistic(data, k, config) : fitComplementNaiveBayes(data, k, config);
  return new TextModel('unversioned', target, config.algorithm, labels, config.features, weights, bias, docs.length);
}

function classWeights(data: readonly Vectorised[], k: number, power: number): Float64Array {
  const counts = new Float64Array(k);
  for (const d of data) counts[d.label] = (counts[d.label] ?? 0) + 1;
  return counts.map((n) => (n > 0 ? Math.pow(data.length / (k * n), power) : 0));
}

/** Multinomial logistic regression by averaged SGD; averaging makes the result stable without tuning the step. */
function fitLogistic(data: readonly Vectorised[], k: number, config: TrainingConfig): { weights: Float32Array; bias: Float64Array } {
  const dim = config.features.dimension;
  const w = new Float32Array(dim * k);
  const u = new Float32Array(dim * k);
  const b = new Float64Array(k);
  const ub = new Float64Array(k);
  const cw = classWeights(data, k, config.classWeightPower);
  const random = seededRandom(config.seed);
  const order = data.map((_, i) => i);
  const scores = new Float64Array(k);
  let t = 1;
  for (let epoch = 0; epoch < config.epochs; epoch++) {
    shuffleInPlace(order, random);
    const lr = config.learningRate / (1 + epoch * 0.5);
    for (const i of order) {
      const d = data[i];
      if (!d) continue;
      scores.set(b);
      for (let j = 0; j < d.indices.length; j++) {
        const row = (d.indices[j] ?? 0) * k;
        const v = d.values[j] ?? 0;
        for (let c = 0; c < k; c++) scores[c] = (scores[c] ?? 0) + v * (w[row + c] ?? 0);
      }
      const p = softmax(scores);
      const weight = cw[d.label] ?? 1;
      for (let c = 0; c < k; c++) {
        const g = ((p[c] ?? 0) - (c === d.label ? 1 : 0)) * weight;
        if (g === 0) continue;
        const db = -lr * g;
        b[c] = (b[c] ?? 0) + db;
        ub[c] = (ub[c] ?? 0) + t * db;
        for (let j = 0; j < d.indices.length; j++) {
          const cell = (d.indices[j] ?? 0) * k + c;
          const old = w[cell] ?? 0;
          const delta = -lr * (g * (d.values[j] ?? 0) + config.l2 * old);
          w[cell] = old + delta;
          u[cell] = (u[cell] ?? 0) + t * delta;
        }
      }
      t++;
    }
  }
  // Averaged iterate: mean of the weights over all steps = ((T+1)·w − Σ s·Δs) / T.
  const T = t - 1;
  const weights = new Float32Array(dim * k);
  for (let i = 0; i < weights.length; i++) {
    const wi = w[i] ?? 0;
    if (wi !== 0) weights[i] = ((T + 1) * wi - (u[i] ?? 0)) / T;
  }
  const bias = b.map((bi, c) => ((T + 1) * bi - (ub[c] ?? 0)) / T);
  return { weights, bias };
}

/** Complement naive Bayes (Rennie et al. 2003), weight-normalised; strong on skewed text classes. */
function fitComplementNaiveBayes(data: readonly Vectorised[], k: number, config: TrainingConfig): { weights: Float32Array; bias: Float64Array } {
  const dim = config.features.dimension;
  const counts = new Float64Array(dim * k);
  const rowTotal = new Float64Array(dim);
  for (const d of data) {
    for (let j = 0; j < d.indices.length; j++) {
      const i = d.indices[j] ?? 0;
      const v = d.values[j] ?? 0;
      counts[i * k + d.label] = (counts[i * k + d.label] ?? 0) + v;
      rowTotal[i] = (rowTotal[i] ?? 0) + v;
    }
  }
  let seen = 0;
  let grand = 0;
  for (let i = 0; i < dim; i++) {
    if ((rowTotal[i] ?? 0) > 0) {
      seen++;
      grand += rowTotal[i] ?? 0;
    }
  }
  const classTotal = new Float64Array(k);
  for (let i = 0; i < dim; i++) for (let c = 0; c < k; c++) classTotal[c] = (classTotal[c] ?? 0) + (counts[i * k + c] ?? 0);
  const alpha = config.smoothing;
  const logTheta = new Float64Array(dim * k);
  const norm = new Float64Array(k);
  for (let i = 0; i < dim; i++) {
    if ((rowTotal[i] ?? 0) === 0) continue;
    for (let c = 0; c < k; c++) {
      const complement = (rowTotal[i] ?? 0) - (counts[i * k + c] ?? 0);
      const denominator = alpha * seen + grand - (classTotal[c] ?? 0);
      const value = Math.log((alpha + complement) / denominator);
      logTheta[i * k + c] = value;
      norm[c] = (norm[c] ?? 0) + Math.abs(value);
    }
  }
  const weights = new Float32Array(dim * k);
  for (let i = 0; i < dim; i++) {
    if ((rowTotal[i] ?? 0) === 0) continue;
    // A class is chosen by the smallest complement score, so the weights are negated; scaled so that
    // the softmax of typical scores is not flat.
    for (let c = 0; c < k; c++) weights[i * k + c] = (-(logTheta[i * k + c] ?? 0) / (norm[c] || 1)) * seen;
  }
  return { weights, bias: new Float64Array(k) };
}

function scoreMatrix(model: TextModel, docs: readonly LabeledText[]): Float64Array[] {
  const buffer = new SparseVector(512);
  return docs.map((d) => Float64Array.from(model.scoreVector(model.vectorize(d.text, buffer))));
}

/** Macro-F1 over label indices with typed counters: the calibration search evaluates it thousands of times. */
function fastMacroF1(scores: readonly Float64Array[], offsets: Float64Array, gold: Int32Array, k: number): number {
  const tp = new Int32Array(k);
  const predictedCount = new Int32Array(k);
  const goldCount = new Int32Array(k);
  for (let i = 0; i < scores.length; i++) {
    const s = scores[i];
    let best = 0;
    let max = -Infinity;
    for (let c = 0; c < k; c++) {
      const v = (s[c]) + (offsets[c]);
      if (v > max) {
        max = v;
        best = c;
      }
    }
    const g = gold[i];
    predictedCount[best] = (predictedCount[best]) + 1;
    goldCount[g] = (goldCount[g]) + 1;
    if (best === g) tp[g] = (tp[g]) + 1;
  }
  let sum = 0;
  let present = 0;
  for (let c = 0; c < k; c++) {
    const p = predictedCount[c];
    const g = goldCount[c];
    if (p === 0 && g === 0) continue;
    present++;
    const t = tp[c];
    if (t > 0) sum += (2 * t) / (p + g);
  }
  return present > 0 ? sum / present : 0;
}

/** Per-label score offsets and a global scale learned on tuning examples. */
export interface Calibration {
  readonly offsets: readonly number[];
  readonly scale: number;
}

/**
 * Finds per-label bias shifts that maximise macro-F1 on tuning examples (rare labels otherwise never win),
 * then a scale for all scores so the softmax probabilities fit those examples (probabilities gate the model).
 */
export function fitCalibration(model: TextModel, tuning: readonly LabeledText[]): Calibration {
  const labels = model.labels;
  const k = labels.length;
  if (tuning.length === 0) return { offsets: new Array<number>(k).fill(0), scale: 1 };
  const scores = scoreMatrix(model, tuning);
  const gold = tuning.map((d) => d.label);
  let spread = 0;
  for (const s of scores) for (let c = 0; c < k; c++) spread += Math.abs(s[c] ?? 0);
  spread = spread / Math.max(1, scores.length * k) || 1;
  const offsets = new Float64Array(k);
  const goldIndices = Int32Array.from(gold, (g) => Math.max(0, labels.indexOf(g)));
  let best = fastMacroF1(scores, offsets, goldIndices, k);
  const steps = [-1.5, -1, -0.6, -0.3, -0.15, 0.15, 0.3, 0.6, 1, 1.5];
  for (let round = 0; round < 3; round++) {
    let improved = false;
    for (let c = 0; c < k; c++) {
      const start = offsets[c] ?? 0;
      let bestValue = start;
      for (const step of steps) {
        offsets[c] = start + step * spread;
        const f1 = fastMacroF1(scores, offsets, goldIndices, k);
        // Demand a real gain: a few tuning examples should not drag the boundary around.
        if (f1 > best + 0.002) {
          best = f1;
          bestValue = offsets[c] ?? 0;
          improved = true;
        }
      }
      offsets[c] = bestValue;
    }
    if (!improved) break;
  }
  const shifted = scores.map((s) => s.map((v, c) => v + (offsets[c] ?? 0)));
  const goldIndex = gold.map((g) => labels.indexOf(g));
  let bestScale = 1;
  let bestLoss = Infinity;
  for (const scale of [0.25, 0.5, 0.75, 1, 1.5, 2, 3, 4, 6, 8]) {
    let loss = 0;
    shifted.forEach((s, i) => {
      const p = softmax(s.map((v) => v * scale));
      loss -= Math.log(Math.max(1e-9, p[goldIndex[i] ?? 0] ?? 0));
    });
    if (loss < bestLoss) {
      bestLoss = loss;
      bestScale = scale;
    }
  }
  return { offsets: Array.from(offsets), scale: bestScale };
}

export function applyCalibration(model: TextModel, calibration: Calibration): TextModel {
  const { offsets, scale } = calibration;
  const weights = scale === 1 ? model.weights : model.weights.map((w) => w * scale);
  const bias = model.bias.map((b, c) => (b + (offsets[c] ?? 0)) * scale);
  return new TextModel(model.version, model.target, model.algorithm, model.labels, model.features, weights, bias, model.trainedOn, model.evaluation);
}

export function calibrateTextModel(model: TextModel, tuning: readonly LabeledText[]): TextModel {
  return applyCalibration(model, fitCalibration(model, tuning));
}

export function evaluateTextModel(model: TextModel, docs: readonly LabeledText[]): LabelMetrics {
  return scoreLabels(
    docs.map((d) => d.label),
    docs.map((d) => model.predict(d.text).label),
  );
}

export interface SelectedModel {
  readonly model: TextModel;
  readonly config: TrainingConfig;
  readonly calibration: Calibration;
  readonly tuningMetrics: LabelMetrics;
  /** Mean macro-F1 of the chosen configuration over the resampled splits, when selected that way. */
  readonly resampledMacroF1?: number;
}

/** Trains every configuration on `train`, calibrates each on `tuning`, keeps the best tuning macro-F1. */
export function selectTextModel(
  train: readonly LabeledText[],
  tuning: readonly LabeledText[],
  grid: readonly TrainingConfig[],
  target: string,
): SelectedModel {
  let chosen: SelectedModel | undefined;
  const labels = [...new Set([...train, ...tuning].map((d) => d.label))].sort();
  for (const config of grid) {
    const raw = fitTextModel(train, config, target, labels);
    const calibration = fitCalibration(raw, tuning);
    const model = applyCalibration(raw, calibration);
    const tuningMetrics = evaluateTextModel(model, tuning);
    if (!chosen || tuningMetrics.macroF1 > chosen.tuningMetrics.macroF1) chosen = { model, config, calibration, tuningMetrics };
  }
  if (!chosen) throw new TextModelError('TOO_FEW_EXAMPLES', 'no training configuration given');
  return chosen;
}

/**
 * Like `selectTextModel`, but chooses the configuration by mean macro-F1 over repeated stratified splits of
 * train + tuning (each split: fit / calibrate / score), which is far less noisy than one small tuning set
 * when rare labels have a handful of examples. The returned model is fitted on `train` and calibrated on
 * `tuning`, as with `selectTextModel`.
 */
export function selectTextModelResampled(
  train: readonly LabeledText[],
  tuning: readonly LabeledText[],
  grid: readonly TrainingConfig[],
  target: string,
  rounds = 3,
  seed = DEFAULT_TRAINING_CONFIG.seed,
): SelectedModel {
  const pool = [...train, ...tuning];
  const labels = [...new Set(pool.map((d) => d.label))].sort();
  const totals = grid.map(() => 0);
  for (let round = 0; round < rounds; round++) {
    const { train: rest, heldOut: scoring } = stratifiedSplit(pool, (d) => d.label, 0.2, seed + round);
    const { train: fit, heldOut: calibrating } = stratifiedSplit(rest, (d) => d.label, 0.2, seed + 1000 + round);
    // Too few examples to split three ways: every configuration scores 0 and the first one is kept.
    if (!isTrainable(fit) || scoring.length === 0) continue;
    grid.forEach((config, i) => {
      const raw = fitTextModel(fit, config, target, labels);
      const model = applyCalibration(raw, fitCalibration(raw, calibrating));
      totals[i] = (totals[i] ?? 0) + evaluateTextModel(model, scoring).macroF1 / rounds;
    });
  }
  let bestIndex = 0;
  totals.forEach((total, i) => {
    if (total > (totals[bestIndex] ?? -1)) bestIndex = i;
  });
  const config = grid[bestIndex];
  if (!config) throw new TextModelError('TOO_FEW_EXAMPLES', 'no training configuration given');
  const raw = fitTextModel(isTrainable(train) ? train : pool, config, target, labels);
  const calibration = fitCalibration(raw, tuning);
  const model = applyCalibration(raw, calibration);
  return { model, config, calibration, tuningMetrics: evaluateTextModel(model, tuning), resampledMacroF1: totals[bestIndex] ?? 0 };
}

/** What a tenant sends to train on (api.md `POST /v1/classifier/training`), agents' corrections included. */
export interface TrainingExample {
  readonly subject?: string;
  readonly body: string;
  readonly priority?: string;
  readonly queue?: string;
}

export type TrainingTarget = 'priority' | 'queue';

export function exampleText(example: { subject?: string; body: string }): string {
  return example.subject ? `${example.subject}\n${example.body}` : example.body;
}

export interface TrainModelOptions {
  readonly seed?: number;
  readonly heldOutFraction?: number;
  readonly grid?: readonly TrainingConfig[];
}

/**
 * The tenant training path: holds out a stratified share to measure on, picks a configuration on a further
 * split of the rest, records the held-out figures beside the majority-class baseline, and returns the
 * final model refitted on every example. Later examples win over earlier identical texts (corrections).
 */
export function trainModel(examples: readonly TrainingExample[], target: TrainingTarget, options: TrainModelOptions = {}): TextModel {
  const seed = options.seed ?? DEFAULT_TRAINING_CONFIG.seed;
  const latest = new Map<string, LabeledText>();
  for (const e of examples) {
    const label = e[target];
    if (typeof label !== 'string' || label.trim() === '' || e.body.trim() === '') continue;
    const text = exampleText(e);
    latest.delete(text);
    latest.set(text, { text, label });
  }
  const docs = [...latest.values()];
  const labels = checkTrainable(docs);
  const grid = options.grid ?? defaultTrainingGrid(labels.length, seed);
  const { train: fit, heldOut } = stratifiedSplit(docs, (d) => d.label, options.heldOutFraction ?? 0.2, seed);
  const { train: inner, heldOut: tuning } = stratifiedSplit(fit, (d) => d.label, 0.2, seed + 1);
  // Selection and calibration never see the held-out examples, so the held-out figures are honest.
  const selected = selectTextModelResampled(inner, tuning, grid, target, 3, seed);
  const evaluation: HeldOutEvaluation = {
    trainExamples: inner.length,
    heldOutExamples: heldOut.length,
    metrics: evaluateTextModel(selected.model, heldOut),
    majorityBaseline: majorityBaseline(
      inner.map((d) => d.label),
      heldOut.map((d) => d.label),
    ),
    majorityLabel: majorityLabel(inner.map((d) => d.label)),
  };
  // The shipped model learns from every example with the chosen configuration and calibration.
  const final = applyCalibration(fitTextModel(docs, selected.config, target, labels), selected.calibration);
  return final.withEvaluation(evaluation, `${target}-${fingerprint(docs, selected.config)}`);
}

/** A content hash of the training data and configuration: the same inputs give the same version. */
function fingerprint(docs: readonly LabeledText[], config: TrainingConfig): string {
  let h = 0x811c9dc5;
  const feed = (s: string) => {
    for (let i = 0; i < s.length; i++) {
      h ^= s.charCodeAt(i);
      h = Math.imul(h, 0x01000193);
    }
  };
  feed(JSON.stringify(config));
  for (const d of docs) {
    feed(d.label);
    feed('\u0000');
    feed(d.text);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}

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
import {
  TextModel,
  TextModelError,
  softmax,
  textOfTicket,
  type HeldOutEvaluation,
  type TextFields,
  type TextModelAlgorithm,
  type TicketText,
} from './text-model';

export interface LabeledText {
  readonly text: string;
  readonly label: string;
  /** The same ticket by field, for models that read only some fields; without it `text` is read whole. */
  readonly ticket?: TicketText;
}

/** What a model with these fields reads of an example. */
function textFor(doc: LabeledText, fields: TextFields): string {
  return doc.ticket ? textOfTicket(doc.ticket, fields) : doc.text;
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
  /** Linear SVM: cost of a margin violation (larger = less regularisation). */
  readonly cost: number;
  /** Scale features by inverse document frequency over the training texts (folded into the stored weights). */
  readonly idf: boolean;
  /** Which fields of a ticket the model reads (stored with it, so prediction reads the same). */
  readonly fields: TextFields;
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
  cost: 0.5,
  idf: false,
  fields: 'subject-and-body',
  seed: 20261123,
};

/** Largest power-of-two feature space whose weight matrix stays within a few million cells. */
export function dimensionFor(labelCount: number, maxCells = 1 << 22): number {
  let d = 1 << 18;
  while (d > 1 << 12 && d * labelCount > maxCells) d >>= 1;
  return d;
}

const MANY_LABELS = 20;

/**
 * The configurations tried when a tenant trains: logistic regression at two class balances, with and without
 * character n-grams inside words (compounds in German, spelling variants), and a TF-IDF linear SVM, which
 * does better on some label sets and trains quickly with many labels.
 */
export function defaultTrainingGrid(labelCount: number, seed = DEFAULT_TRAINING_CONFIG.seed): TrainingConfig[] {
  const features = { ...DEFAULT_FEATURE_HASHING, dimension: dimensionFor(labelCount) };
  const base = { ...DEFAULT_TRAINING_CONFIG, features, seed };
  const subwords = { ...features, wordCharNgrams: [3, 4] };
  const svm = { ...base, algorithm: 'linear-svm' as const, idf: true, epochs: 30 };
  // Logistic regression costs time in proportion to the labels (every step updates each of them): with many
  // labels one setting of it is tried, and the SVM covers subwords.
  const many = labelCount > MANY_LABELS;
  return [
    { ...base, classWeightPower: 0.5 },
    ...(many ? [] : [{ ...base, classWeightPower: 1 }, { ...base, classWeightPower: 0.5, features: subwords }]),
    { ...svm, classWeightPower: 0.5 },
    { ...svm, classWeightPower: 0.5, features: subwords },
    // Short, cheap texts: where bodies are boilerplate the subject alone can say far more.
    { ...svm, classWeightPower: 0.5, fields: 'subject' as const },
  ];
}

interface Vectorised {
  readonly indices: Int32Array;
  readonly values: Float32Array;
  readonly label: number;
}

/** Each text's features with repeated indices merged (sorted), so a vector's squared norm is exact. */
function vectoriseAll(docs: readonly LabeledText[], features: FeatureHashingOptions, fields: TextFields, labels: readonly string[]): Vectorised[] {
  const hasher = new FeatureHasher(features);
  const buffer = new SparseVector(512);
  const labelIndex = new Map(labels.map((l, i) => [l, i]));
  return docs.map((d) => {
    hasher.vectorize(textFor(d, fields), buffer);
    const order = Array.from({ length: buffer.size }, (_, j) => j).sort((a, b) => (buffer.indices[a] ?? 0) - (buffer.indices[b] ?? 0));
    const indices: number[] = [];
    const values: number[] = [];
    for (const j of order) {
      const index = buffer.indices[j] ?? 0;
      const value = buffer.values[j] ?? 0;
      if (indices.length > 0 && indices[indices.length - 1] === index) values[values.length - 1] = (values[values.length - 1] ?? 0) + value;
      else {
        indices.push(index);
        values.push(value);
      }
    }
    return { indices: Int32Array.from(indices), values: Float32Array.from(values), label: labelIndex.get(d.label) ?? 0 };
  });
}

/**
 * Per-feature factors: smoothed inverse document frequency, divided by the mean resulting text norm so the
 * scaled vectors stay near unit length (the step sizes and costs were chosen for that). Training scales the
 * vectors by these factors and folds them into the stored weights, so prediction needs no extra table.
 */
function idfFactors(data: readonly Vectorised[], dimension: number): Float32Array {
  const df = new Float64Array(dimension);
  for (const d of data) for (let j = 0; j < d.indices.length; j++) df[d.indices[j] ?? 0] = (df[d.indices[j] ?? 0] ?? 0) + 1;
  const factors = new Float32Array(dimension);
  const n = data.length;
  for (let i = 0; i < dimension; i++) if ((df[i] ?? 0) > 0) factors[i] = Math.log((1 + n) / (1 + (df[i] ?? 0))) + 1;
  let norms = 0;
  for (const d of data) {
    let sq = 0;
    for (let j = 0; j < d.indices.length; j++) sq += ((d.values[j] ?? 0) * (factors[d.indices[j] ?? 0] ?? 0)) ** 2;
    norms += Math.sqrt(sq);
  }
  const mean = norms / Math.max(1, n) || 1;
  for (let i = 0; i < dimension; i++) factors[i] = (factors[i] ?? 0) / mean;
  return factors;
}

function scaleFeatures(data: readonly Vectorised[], factors: Float32Array): void {
  for (const d of data) for (let j = 0; j < d.indices.length; j++) d.values[j] = (d.values[j] ?? 0) * (factors[d.indices[j] ?? 0] ?? 0);
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
  const data = vectoriseAll(docs, config.features, config.fields, labels);
  const k = labels.length;
  const factors = config.idf ? idfFactors(data, config.features.dimension) : undefined;
  if (factors) scaleFeatures(data, factors);
  const { weights, bias } = fitWith(data, k, config);
  if (factors) for (let i = 0; i < factors.length; i++) for (let c = 0; c < k; c++) weights[i * k + c] = (weights[i * k + c] ?? 0) * (factors[i] ?? 0);
  return new TextModel('unversioned', target, config.algorithm, labels, config.features, weights, bias, docs.length, undefined, undefined, config.fields);
}

function classWeights(data: readonly Vectorised[], k: number, power: number): Float64Array {
  const counts = new Float64Array(k);
  for (const d of data) counts[d.label] = (counts[d.label] ?? 0) + 1;
  return counts.map((n) => (n > 0 ? Math.pow(data.length / (k * n), power) : 0));
}

function fitWith(data: readonly Vectorised[], k: number, config: TrainingConfig): { weights: Float32Array; bias: Float64Array } {
  switch (config.algorithm) {
    case 'logistic-regression':
      return fitLogistic(data, k, config);
    case 'linear-svm':
      return fitLinearSvm(data, k, config);
    case 'complement-naive-bayes':
      return fitComplementNaiveBayes(data, k, config);
  }
}

/** Stop when projected gradients span less than this (LIBLINEAR's default for this solver). */
const SVM_TOLERANCE = 0.1;

/**
 * One-vs-rest linear SVM with squared hinge loss, solved by dual coordinate descent (Hsieh et al. 2008, as in
 * LIBLINEAR): converges in a few passes without a step size to tune. Each example's cost is scaled by its
 * class weight; the bias is an extra feature of constant value 1 (so it is regularised like the weights).
 */
function fitLinearSvm(data: readonly Vectorised[], k: number, config: TrainingConfig): { weights: Float32Array; bias: Float64Array } {
  const dim = config.features.dimension;
  const n = data.length;
  const weights = new Float32Array(dim * k);
  const bias = new Float64Array(k);
  const cw = classWeights(data, k, config.classWeightPower);
  const sqNorm = new Float64Array(n);
  data.forEach((d, i) => {
    let sq = 1; // the bias feature
    for (let j = 0; j < d.values.length; j++) sq += (d.values[j] ?? 0) ** 2;
    sqNorm[i] = sq;
  });
  const w = new Float64Array(dim);
  const alpha = new Float64Array(n);
  const active = new Int32Array(n);
  for (let c = 0; c < k; c++) {
    w.fill(0);
    alpha.fill(0);
    let b = 0;
    const random = seededRandom(config.seed + c);
    let size = n;
    for (let i = 0; i < n; i++) active[i] = i;
    // Shrinking as in LIBLINEAR: an example at alpha = 0 whose gradient exceeds the largest projected
    // gradient of the previous pass is left out (most examples of other labels, far outside the margin).
    let shrinkAbove = Infinity;
    for (let epoch = 0; epoch < config.epochs; epoch++) {
      for (let s = size - 1; s > 0; s--) {
        const r = Math.floor(random() * (s + 1));
        const t = active[s] ?? 0;
        active[s] = active[r] ?? 0;
        active[r] = t;
      }
      let maxProjected = -Infinity;
      let minProjected = Infinity;
      for (let s = 0; s < size; s++) {
        const i = active[s] ?? 0;
        const d = data[i];
        if (!d) continue;
        const y = d.label === c ? 1 : -1;
        // Squared hinge: the dual gains a diagonal term 1 / (2C) and no upper bound on alpha.
        const diag = 1 / (2 * config.cost * (cw[d.label] ?? 1));
        let margin = b;
        for (let j = 0; j < d.indices.length; j++) margin += (w[d.indices[j] ?? 0] ?? 0) * (d.values[j] ?? 0);
        const a = alpha[i] ?? 0;
        const gradient = y * margin - 1 + diag * a;
        let projected = gradient;
        if (a === 0) {
          if (gradient > shrinkAbove) {
            size--;
            active[s] = active[size] ?? 0;
            active[size] = i;
            s--;
            continue;
          }
          projected = Math.min(gradient, 0);
        }
        maxProjected = Math.max(maxProjected, projected);
        minProjected = Math.min(minProjected, projected);
        if (projected === 0) continue;
        const next = Math.max(0, a - gradient / ((sqNorm[i] ?? 1) + diag));
        const delta = (next - a) * y;
        alpha[i] = next;
        b += delta;
        for (let j = 0; j < d.indices.length; j++) {
          const f = d.indices[j] ?? 0;
          w[f] = (w[f] ?? 0) + delta * (d.values[j] ?? 0);
        }
      }
      if (maxProjected - minProjected < SVM_TOLERANCE) {
        // Converged on the active set: check every example once more before stopping.
        if (size === n) break;
        size = n;
        for (let i = 0; i < n; i++) active[i] = i;
        shrinkAbove = Infinity;
        continue;
      }
      shrinkAbove = maxProjected > 0 ? maxProjected : Infinity;
    }
    for (let f = 0; f < dim; f++) if (w[f] !== 0) weights[f * k + c] = w[f] ?? 0;
    bias[c] = b;
  }
  return { weights, bias };
}

const LOGISTIC_SKIP_BELOW = 1e-3;

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
        const residual = (p[c] ?? 0) - (c === d.label ? 1 : 0);
        // Labels the model already rules out contribute next to nothing: skipping them is what keeps
        // training with dozens of labels fast (their L2 shrinkage is deferred to their next real update).
        if (Math.abs(residual) < LOGISTIC_SKIP_BELOW) continue;
        const g = residual * weight;
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
  return docs.map((d) => Float64Array.from(model.scoreVector(model.vectorize(textFor(d, model.fields), buffer))));
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
  if (tuning.length === 0) return { offsets: new Array<number>(labels.length).fill(0), scale: 1 };
  return calibrateScores(
    scoreMatrix(model, tuning),
    Int32Array.from(tuning, (d) => Math.max(0, labels.indexOf(d.label))),
    labels.length,
  );
}

/** `fitCalibration` on scores already computed (e.g. out-of-fold scores of a cross-validation). */
export function calibrateScores(scores: readonly Float64Array[], goldIndices: Int32Array, k: number): Calibration {
  if (scores.length === 0) return { offsets: new Array<number>(k).fill(0), scale: 1 };
  let spread = 0;
  for (const s of scores) for (let c = 0; c < k; c++) spread += Math.abs(s[c] ?? 0);
  spread = spread / Math.max(1, scores.length * k) || 1;
  const offsets = new Float64Array(k);
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
  return { offsets: Array.from(offsets), scale: fitScale(scores, offsets, goldIndices) };
}

/** The factor for all (offset) scores whose softmax fits the examples best (log-loss). */
function fitScale(scores: readonly Float64Array[], offsets: Float64Array, goldIndices: Int32Array): number {
  let bestScale = 1;
  let bestLoss = Infinity;
  // Margin-based models (SVM) score on a narrower range than log-odds, hence the larger factors.
  for (const scale of [0.25, 0.5, 0.75, 1, 1.5, 2, 3, 4, 6, 8, 12, 16, 24, 32]) {
    let loss = 0;
    scores.forEach((s, i) => {
      const p = softmax(Array.from(s, (v, c) => (v + (offsets[c] ?? 0)) * scale));
      loss -= Math.log(Math.max(1e-9, p[goldIndices[i] ?? 0] ?? 0));
    });
    if (loss < bestLoss) {
      bestLoss = loss;
      bestScale = scale;
    }
  }
  return bestScale;
}

export function applyCalibration(model: TextModel, calibration: Calibration): TextModel {
  const { offsets, scale } = calibration;
  const weights = scale === 1 ? model.weights : model.weights.map((w) => w * scale);
  const bias = model.bias.map((b, c) => (b + (offsets[c] ?? 0)) * scale);
  return new TextModel(
    model.version,
    model.target,
    model.algorithm,
    model.labels,
    model.features,
    weights,
    bias,
    model.trainedOn,
    model.evaluation,
    model.minConfidence,
    model.fields,
  );
}

export function calibrateTextModel(model: TextModel, tuning: readonly LabeledText[]): TextModel {
  return applyCalibration(model, fitCalibration(model, tuning));
}

export function evaluateTextModel(model: TextModel, docs: readonly LabeledText[]): LabelMetrics {
  return scoreLabels(
    docs.map((d) => d.label),
    docs.map((d) => model.predict(textFor(d, model.fields)).label),
  );
}

export interface SelectedModel {
  readonly model: TextModel;
  readonly config: TrainingConfig;
  readonly calibration: Calibration;
  /** Calibrated out-of-fold macro-F1 of the chosen configuration (what it was chosen by). */
  readonly crossValidatedMacroF1: number;
}

/** Fold numbers 0…folds−1, dealt round-robin within each label after a seeded shuffle (stratified). */
function stratifiedFolds(docs: readonly LabeledText[], folds: number, seed: number): Int32Array {
  const byLabel = new Map<string, number[]>();
  docs.forEach((d, i) => {
    const list = byLabel.get(d.label) ?? [];
    list.push(i);
    byLabel.set(d.label, list);
  });
  const random = seededRandom(seed);
  const fold = new Int32Array(docs.length);
  let next = 0;
  for (const label of [...byLabel.keys()].sort()) {
    for (const i of shuffleInPlace(byLabel.get(label) ?? [], random)) {
      fold[i] = next;
      next = (next + 1) % folds;
    }
  }
  return fold;
}

interface CrossValidation {
  readonly config: TrainingConfig;
  readonly calibration: Calibration;
  /** Macro-F1 of the calibrated out-of-fold answers. */
  readonly macroF1: number;
  /** Calibrated out-of-fold answers of the chosen configuration, in pool order. */
  readonly answers: readonly { label: string; probability: number }[];
}

/**
 * Label offsets fitted on out-of-fold scores, kept only if they also help on examples they were not fitted
 * on (fitted on one half, scored on the other, both ways): with many rare labels, offsets that win a little
 * macro-F1 in-sample can give away much accuracy and nothing out of sample. Returns that two-way estimate
 * of the macro-F1 with the calibration as kept, which is what configurations are compared by.
 */
function checkedCalibration(
  scores: readonly Float64Array[],
  gold: Int32Array,
  k: number,
  fold: Int32Array,
): { calibration: Calibration; macroF1: number } {
  const halves = [0, 1].map((h) => scores.map((_, i) => i).filter((i) => (fold[i] ?? 0) % 2 === h));
  const none = new Float64Array(k);
  let calibrated = 0;
  let raw = 0;
  for (const [fitHalf, scoreHalf] of [
    [halves[0] ?? [], halves[1] ?? []],
    [halves[1] ?? [], halves[0] ?? []],
  ] as const) {
    const fitted = calibrateScores(
      fitHalf.map((i) => scores[i] ?? none),
      Int32Array.from(fitHalf, (i) => gold[i] ?? 0),
      k,
    );
    const held = scoreHalf.map((i) => scores[i] ?? none);
    const heldGold = Int32Array.from(scoreHalf, (i) => gold[i] ?? 0);
    calibrated += fastMacroF1(held, Float64Array.from(fitted.offsets), heldGold, k) / 2;
    raw += fastMacroF1(held, none, heldGold, k) / 2;
  }
  const full = calibrateScores(scores, gold, k);
  if (calibrated > raw) return { calibration: full, macroF1: calibrated };
  // Offsets do not carry over: keep only the probability scale, fitted with the offsets at zero.
  return { calibration: { offsets: Array.from(none), scale: fitScale(scores, none, gold) }, macroF1: raw };
}

/** `labels` may name labels absent from `pool` (kept so that label indices match the final model's). */
function crossValidate(
  pool: readonly LabeledText[],
  labels: readonly string[],
  grid: readonly TrainingConfig[],
  target: string,
  folds: number,
  seed: number,
): CrossValidation {
  const k = labels.length;
  const gold = Int32Array.from(pool, (d) => labels.indexOf(d.label));
  const fold = stratifiedFolds(pool, folds, seed);
  let chosen: (Omit<CrossValidation, 'answers'> & { scores: Float64Array[] }) | undefined;
  // Without subjects a subject-only configuration reads what its twin reads: not worth fitting again.
  const hasSubjects = pool.some((d) => (d.ticket?.subject ?? '').trim() !== '');
  for (const config of grid) {
    if (config.fields === 'subject' && !hasSubjects && config !== grid[0]) continue;
    const scores: Float64Array[] = pool.map(() => new Float64Array(k));
    let complete = true;
    for (let f = 0; f < folds; f++) {
      const fit = pool.filter((_, i) => fold[i] !== f);
      if (!isTrainable(fit)) {
        complete = false;
        break;
      }
      const model = fitTextModel(fit, config, target, labels);
      const buffer = new SparseVector(512);
      pool.forEach((d, i) => {
        if (fold[i] === f) model.scoreVector(model.vectorize(textFor(d, model.fields), buffer), scores[i]);
      });
    }
    // Too few examples to cross-validate: the first configuration is kept, uncalibrated.
    if (!complete) break;
    const { calibration, macroF1 } = checkedCalibration(scores, gold, k, fold);
    if (!chosen || macroF1 > chosen.macroF1) chosen = { config, calibration, macroF1, scores };
  }
  const config = chosen?.config ?? grid[0];
  if (!config) throw new TextModelError('TOO_FEW_EXAMPLES', 'no training configuration given');
  if (!chosen) return { config, calibration: { offsets: new Array<number>(k).fill(0), scale: 1 }, macroF1: 0, answers: [] };
  const { offsets, scale } = chosen.calibration;
  const answers = chosen.scores.map((s) => {
    const p = softmax(Array.from(s, (v, c) => (v + (offsets[c] ?? 0)) * scale));
    let best = 0;
    for (let c = 1; c < k; c++) if ((p[c] ?? 0) > (p[best] ?? 0)) best = c;
    return { label: labels[best] ?? '', probability: p[best] ?? 0 };
  });
  return { ...chosen, answers };
}

/**
 * Chooses the configuration by cross-validation over `pool`: each configuration's out-of-fold scores (every
 * example scored by a model that did not see it) are calibrated and scored by macro-F1, and the best one is
 * kept with that calibration. Calibrating on every example's out-of-fold score rather than one small tuning
 * split matters when rare labels have a handful of examples. The returned model is fitted on the whole pool.
 */
export function selectTextModelCrossValidated(
  pool: readonly LabeledText[],
  grid: readonly TrainingConfig[],
  target: string,
  folds = 4,
  seed = DEFAULT_TRAINING_CONFIG.seed,
): SelectedModel {
  const labels = [...new Set(pool.map((d) => d.label))].sort();
  const { config, calibration, macroF1 } = crossValidate(pool, labels, grid, target, folds, seed);
  const model = applyCalibration(fitTextModel(pool, config, target, labels), calibration);
  return { model, config, calibration, crossValidatedMacroF1: macroF1 };
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

/** What answers a text when the model is not used: `final` answers (hard rule signals) win whatever the model says. */
export type FallbackAnswer = (text: string) => { readonly label: string; readonly final: boolean };

export interface TrainModelOptions {
  readonly seed?: number;
  readonly heldOutFraction?: number;
  readonly grid?: readonly TrainingConfig[];
  /** The rules the model is layered over; with it, the confidence from which the model wins is chosen too. */
  readonly fallback?: FallbackAnswer;
}

/** Confidence thresholds tried for layering a model over the rules; DEFAULT_MIN_CONFIDENCE is kept on ties. */
const CROSS_VALIDATION_FOLDS = 4;
const LARGE_TRAINING_SET = 3000;
const MIN_CONFIDENCE_CANDIDATES = [0, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8];
export const DEFAULT_MIN_CONFIDENCE = 0.6;

/**
 * The confidence from which the model's answer should replace the fallback's, by macro-F1 of the layered
 * answer over examples the model's answers did not learn from (out-of-fold). A calibrated model's rare-label answers often come with modest probabilities
 * (the offsets that make them win do not make them certain), so a fixed gate would hand them back to rules
 * that know nothing of this tenant's labels.
 */
export function chooseMinConfidence(
  docs: readonly LabeledText[],
  answers: readonly { label: string; probability: number }[],
  fallback: FallbackAnswer,
): number {
  if (docs.length === 0 || answers.length !== docs.length) return DEFAULT_MIN_CONFIDENCE;
  const gold = docs.map((d) => d.label);
  const rules = docs.map((d) => fallback(d.text));
  const layered = (threshold: number): number =>
    scoreLabels(
      gold,
      answers.map((a, i) => {
        const r = rules[i] ?? { label: '', final: false };
        return !r.final && a.probability >= threshold ? a.label : r.label;
      }),
    ).macroF1;
  let best = DEFAULT_MIN_CONFIDENCE;
  let bestF1 = layered(DEFAULT_MIN_CONFIDENCE);
  for (const threshold of MIN_CONFIDENCE_CANDIDATES) {
    const f1 = layered(threshold);
    // Move off the default only for a real gain on these examples.
    if (f1 > bestF1 + (best === DEFAULT_MIN_CONFIDENCE ? 0.002 : 0)) {
      best = threshold;
      bestF1 = f1;
    }
  }
  return best;
}

/**
 * The tenant training path: holds out a stratified share to measure on, picks a configuration and its
 * calibration by cross-validation on the rest (and, given the rules it is layered over, the confidence from
 * which it overrides them), records the held-out figures beside the majority-class baseline, and returns
 * the final model refitted on every example. Later examples win over earlier identical texts (corrections).
 */
export function trainModel(examples: readonly TrainingExample[], target: TrainingTarget, options: TrainModelOptions = {}): TextModel {
  return trainModelWithDetails(examples, target, options).model;
}

export interface TrainedModel {
  readonly model: TextModel;
  readonly config: TrainingConfig;
  /** Calibrated out-of-fold macro-F1 of the chosen configuration (what it was chosen by). */
  readonly crossValidatedMacroF1: number;
}

/** `trainModel` with the configuration it chose, for reports. */
export function trainModelWithDetails(examples: readonly TrainingExample[], target: TrainingTarget, options: TrainModelOptions = {}): TrainedModel {
  const seed = options.seed ?? DEFAULT_TRAINING_CONFIG.seed;
  const latest = new Map<string, LabeledText>();
  for (const e of examples) {
    const label = e[target];
    if (typeof label !== 'string' || label.trim() === '' || e.body.trim() === '') continue;
    const text = exampleText(e);
    latest.delete(text);
    latest.set(text, { text, label, ticket: { ...(e.subject ? { subject: e.subject } : {}), body: e.body } });
  }
  const docs = [...latest.values()];
  const labels = checkTrainable(docs);
  const grid = options.grid ?? defaultTrainingGrid(labels.length, seed);
  const { train: fit, heldOut } = stratifiedSplit(docs, (d) => d.label, options.heldOutFraction ?? 0.2, seed);
  // Selection, calibration and the confidence gate never see the held-out examples: its figures are honest.
  // Large sets vary little between folds; fewer folds keep a request for thousands of tickets within a minute.
  const folds = fit.length >= LARGE_TRAINING_SET ? 3 : CROSS_VALIDATION_FOLDS;
  const chosen = crossValidate(fit, labels, grid, target, folds, seed);
  const measured = applyCalibration(fitTextModel(fit, chosen.config, target, labels), chosen.calibration);
  const evaluation: HeldOutEvaluation = {
    trainExamples: fit.length,
    heldOutExamples: heldOut.length,
    metrics: evaluateTextModel(measured, heldOut),
    majorityBaseline: majorityBaseline(
      fit.map((d) => d.label),
      heldOut.map((d) => d.label),
    ),
    majorityLabel: majorityLabel(fit.map((d) => d.label)),
  };
  const minConfidence = options.fallback ? chooseMinConfidence(fit, chosen.answers, options.fallback) : undefined;
  // The shipped model learns from every example with the chosen configuration and calibration.
  const final = applyCalibration(fitTextModel(docs, chosen.config, target, labels), chosen.calibration);
  return {
    model: final.withEvaluation(evaluation, `${target}-${fingerprint(docs, chosen.config)}`).withMinConfidence(minConfidence),
    config: chosen.config,
    crossValidatedMacroF1: chosen.macroF1,
  };
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

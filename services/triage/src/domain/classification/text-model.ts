import { DEFAULT_FEATURE_HASHING, FeatureHasher, SparseVector, type FeatureHashingOptions } from '@helpdesk/text';
import type { LabelMetrics } from './classification-metrics';

export type TextModelAlgorithm = 'logistic-regression' | 'linear-svm' | 'complement-naive-bayes';

const ALGORITHMS: readonly TextModelAlgorithm[] = ['logistic-regression', 'linear-svm', 'complement-naive-bayes'];

/**
 * Which of a ticket's fields a model reads: both, or the subject alone when there is one (for tickets whose
 * bodies are templates, signatures or quoted threads that say little about the label).
 */
export type TextFields = 'subject-and-body' | 'subject';

const TEXT_FIELDS: readonly TextFields[] = ['subject-and-body', 'subject'];

export interface TicketText {
  readonly subject?: string;
  readonly body: string;
}

/** The text a model with these fields reads of a ticket; subject and body as one text is what rules read too. */
export function textOfTicket(ticket: TicketText, fields: TextFields): string {
  const subject = ticket.subject ?? '';
  if (subject.trim() === '') return ticket.body;
  return fields === 'subject' ? subject : `${subject}\n${ticket.body}`;
}

/** Held-out figures stored with a model, so a tenant can see what it is worth before trusting it. */
export interface HeldOutEvaluation {
  readonly trainExamples: number;
  readonly heldOutExamples: number;
  readonly metrics: LabelMetrics;
  readonly majorityBaseline: LabelMetrics;
  readonly majorityLabel: string;
}

export interface TextModelJson {
  readonly format: 'helpdesk.text-model/1';
  readonly version: string;
  readonly target: string;
  readonly algorithm: TextModelAlgorithm;
  readonly labels: readonly string[];
  readonly features: FeatureHashingOptions;
  readonly bias: readonly number[];
  /** Rows of the weight matrix that are not all zero: feature indices and their per-label weights, base64. */
  readonly weights: { readonly rows: string; readonly values: string };
  readonly trainedOn: number;
  readonly evaluation?: HeldOutEvaluation;
  /** Probability from which the model's answer replaces the rules', chosen at training; absent in older models. */
  readonly minConfidence?: number;
  /** Absent in older models: subject and body. */
  readonly fields?: TextFields;
}

export interface Prediction {
  readonly label: string;
  readonly probability: number;
}

export interface ExplainedPrediction extends Prediction {
  /** Features that pushed hardest towards the predicted label, strongest first. */
  readonly evidence: readonly { feature: string; weight: number }[];
}

export class TextModelError extends Error {
  constructor(
    readonly code: 'INVALID_MODEL' | 'TOO_FEW_EXAMPLES' | 'SINGLE_LABEL',
    message: string,
  ) {
    super(message);
    this.name = 'TextModelError';
  }
}

/**
 * The weights laid out for prediction: only rows that hold a weight, packed, so a ticket's features touch a
 * few megabytes at most instead of the whole dense matrix (2^18 × labels floats), which misses the cache on
 * nearly every feature.
 */
interface PackedWeights {
  /**
   * Which features have a row, and where it is: per 32 features, a bit set and the number of rows before
   * them. 64 KB for 2^18 features, small enough to stay in cache, where an index per feature would take 1 MB.
   */
  readonly presence: Int32Array;
  /** Row-major, labels.length per row, rows in feature order. */
  readonly weights: Float32Array;
  readonly labels: number;
}

// Keyed by the dense matrix, which is never changed once a model is built: models derived with
// withEvaluation/withBias/withMinConfidence share one layout.
const packedCache = new WeakMap<Float32Array, PackedWeights>();

function packWeights(dense: Float32Array, k: number, dimension: number): PackedWeights {
  const presence = new Int32Array(dimension / 16);
  const kept: number[] = [];
  for (let i = 0; i < dimension; i++) {
    for (let c = 0; c < k; c++) {
      if (dense[i * k + c] !== 0) {
        const word = (i >>> 5) * 2;
        presence[word] = (presence[word] ?? 0) | (1 << (i & 31));
        kept.push(i);
        break;
      }
    }
  }
  let rows = 0;
  for (let word = 0; word < presence.length; word += 2) {
    presence[word + 1] = rows;
    rows += popCount(presence[word] ?? 0);
  }
  const weights = new Float32Array(kept.length * k);
  kept.forEach((i, r) => weights.set(dense.subarray(i * k, i * k + k), r * k));
  return { presence, weights, labels: k };
}

/** The packed row of feature `index`, or -1 when all its weights are zero. */
function packedRow(presence: Int32Array, index: number): number {
  const word = (index >>> 5) * 2;
  const bits = presence[word] ?? 0;
  const bit = 1 << (index & 31);
  if ((bits & bit) === 0) return -1;
  return (presence[word + 1] ?? 0) + popCount(bits & (bit - 1));
}

function popCount(bits: number): number {
  let x = bits - ((bits >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

/**
 * A linear classifier over hashed text features: score(label) = bias + Σ weight(feature, label). The same
 * predictor serves logistic regression and complement naive Bayes; only training differs.
 */
export class TextModel {
  private readonly hasher: FeatureHasher;
  private readonly buffer = new SparseVector(512);
  private readonly scores: Float64Array;
  /** Packed row of each feature of the vector last scored by `scorePacked`. */
  private rows = new Int32Array(512);
  private rowSums = new Float64Array(512);

  constructor(
    readonly version: string,
    readonly target: string,
    readonly algorithm: TextModelAlgorithm,
    readonly labels: readonly string[],
    readonly features: FeatureHashingOptions,
    /** Row-major: weights[feature * labels.length + label]. */
    readonly weights: Float32Array,
    readonly bias: Float64Array,
    readonly trainedOn: number,
    readonly evaluation?: HeldOutEvaluation,
    readonly minConfidence?: number,
    readonly fields: TextFields = 'subject-and-body',
  ) {
    this.hasher = new FeatureHasher(features);
    this.scores = new Float64Array(labels.length);
    if (weights.length !== features.dimension * labels.length || bias.length !== labels.length) {
      throw new TextModelError('INVALID_MODEL', 'weight matrix does not match dimension × labels');
    }
  }

  withEvaluation(evaluation: HeldOutEvaluation, version = this.version): TextModel {
    return new TextModel(version, this.target, this.algorithm, this.labels, this.features, this.weights, this.bias, this.trainedOn, evaluation, this.minConfidence, this.fields);
  }

  withBias(bias: Float64Array): TextModel {
    return new TextModel(this.version, this.target, this.algorithm, this.labels, this.features, this.weights, bias, this.trainedOn, this.evaluation, this.minConfidence, this.fields);
  }

  withMinConfidence(minConfidence: number | undefined): TextModel {
    return new TextModel(this.version, this.target, this.algorithm, this.labels, this.features, this.weights, this.bias, this.trainedOn, this.evaluation, minConfidence, this.fields);
  }

  /** The text this model reads of a ticket (pass it to `predict`, `probabilities` or `explain`). */
  textOf(ticket: TicketText): string {
    return textOfTicket(ticket, this.fields);
  }

  vectorize(text: string, out?: SparseVector): SparseVector {
    return this.hasher.vectorize(text, out);
  }

  /** Raw label scores of a vectorised text, written into `out`. */
  scoreVector(vector: SparseVector, out: Float64Array = new Float64Array(this.labels.length)): Float64Array {
    const k = this.labels.length;
    out.set(this.bias);
    const { indices, values, size } = vector;
    const w = this.weights;
    for (let j = 0; j < size; j++) {
      const row = (indices[j] ?? 0) * k;
      const v = values[j] ?? 0;
      for (let c = 0; c < k; c++) out[c] = (out[c] ?? 0) + v * (w[row + c] ?? 0);
    }
    return out;
  }

  predict(text: string): Prediction {
    return this.pickBest(this.scorePacked(this.hasher.vectorize(text, this.buffer)));
  }

  /** Probabilities for every label (softmax of the scores), in `labels` order. */
  probabilities(text: string): number[] {
    return softmax(this.scorePacked(this.hasher.vectorize(text, this.buffer)));
  }

  /**
   * The prediction with the features that pushed hardest towards it (relative to the mean over labels:
   * what makes this label win, not what all labels share). Names are rebuilt only for the winners.
   */
  explain(text: string, top = 3, minProbability = 0): ExplainedPrediction {
    const vector = this.hasher.vectorize(text, this.buffer);
    const best = this.pickBest(this.scorePacked(vector));
    // Callers that ignore unconfident predictions need no evidence for them.
    if (best.probability < minProbability) return { ...best, evidence: [] };
    const c = this.labels.indexOf(best.label);
    const k = this.labels.length;
    const { weights } = this.packed();
    const { rows, rowSums } = this;
    // Keep the strongest few in small arrays: this runs per classified ticket.
    const topIndex: number[] = [];
    const topWeight: number[] = [];
    for (let j = 0; j < vector.size; j++) {
      const row = rows[j] ?? -1;
      // An all-zero row contributes nothing to any label.
      if (row < 0) continue;
      const index = vector.indices[j] ?? 0;
      if (topIndex.includes(index)) continue;
      const w = ((weights[row * k + c] ?? 0) - (rowSums[j] ?? 0) / k) * (vector.values[j] ?? 0);
      if (w <= 0) continue;
      let at = topWeight.length;
      while (at > 0 && (topWeight[at - 1] ?? 0) < w) at--;
      if (at >= top) continue;
      topIndex.splice(at, 0, index);
      topWeight.splice(at, 0, w);
      if (topIndex.length > top) {
        topIndex.pop();
        topWeight.pop();
      }
    }
    const names = this.hasher.namesOf(text, topIndex);
    const evidence = topIndex.map((index, i) => ({ feature: names.get(index) ?? `#${index}`, weight: round(topWeight[i] ?? 0) }));
    return { ...best, evidence };
  }

  /**
   * The same sums as `scoreVector`, in the same order (so the same numbers), over the packed rows; leaves
   * each feature's packed row in `rows` and the sum of its weights over labels in `rowSums` for `explain`.
   */
  private scorePacked(vector: SparseVector): Float64Array {
    const { presence, weights } = this.packed();
    const k = this.labels.length;
    const { indices, values, size } = vector;
    if (this.rows.length < size) {
      this.rows = new Int32Array(vector.indices.length);
      this.rowSums = new Float64Array(vector.indices.length);
    }
    const { rows, rowSums } = this;
    // Find every row first, loading its first weight: these loads do not depend on one another, so their
    // cache misses overlap instead of stalling the dot product one feature at a time.
    for (let j = 0; j < size; j++) {
      const row = packedRow(presence, indices[j] ?? 0);
      rows[j] = row;
      if (row >= 0) rowSums[j] = weights[row * k] ?? 0;
    }
    const out = this.scores;
    out.set(this.bias);
    for (let j = 0; j < size; j++) {
      const row = rows[j] ?? -1;
      if (row < 0) continue;
      const at = row * k;
      const v = values[j] ?? 0;
      // The row's sum over labels continues from its first weight: the same additions in the same order.
      let sum = rowSums[j] ?? 0;
      out[0] = (out[0] ?? 0) + v * sum;
      for (let c = 1; c < k; c++) {
        const w = weights[at + c] ?? 0;
        out[c] = (out[c] ?? 0) + v * w;
        sum += w;
      }
      rowSums[j] = sum;
    }
    return out;
  }

  private packed(): PackedWeights {
    let packed = packedCache.get(this.weights);
    if (packed?.labels !== this.labels.length) {
      packed = packWeights(this.weights, this.labels.length, this.features.dimension);
      packedCache.set(this.weights, packed);
    }
    return packed;
  }

  private pickBest(scores: Float64Array): Prediction {
    let best = 0;
    let max = -Infinity;
    for (let c = 0; c < scores.length; c++) {
      const s = scores[c] ?? -Infinity;
      if (s > max) {
        max = s;
        best = c;
      }
    }
    let sum = 0;
    for (let c = 0; c < scores.length; c++) sum += Math.exp((scores[c] ?? 0) - max);
    return { label: this.labels[best] ?? '', probability: 1 / sum };
  }

  toJSON(): TextModelJson {
    const k = this.labels.length;
    const rows: number[] = [];
    for (let i = 0; i < this.features.dimension; i++) {
      for (let c = 0; c < k; c++) {
        if (this.weights[i * k + c] !== 0) {
          rows.push(i);
          break;
        }
      }
    }
    const values = new Float32Array(rows.length * k);
    rows.forEach((row, r) => values.set(this.weights.subarray(row * k, row * k + k), r * k));
    return {
      format: 'helpdesk.text-model/1',
      version: this.version,
      target: this.target,
      algorithm: this.algorithm,
      labels: [...this.labels],
      features: this.features,
      bias: Array.from(this.bias),
      weights: { rows: toBase64(new Int32Array(rows)), values: toBase64(values) },
      trainedOn: this.trainedOn,
      ...(this.evaluation ? { evaluation: this.evaluation } : {}),
      ...(this.minConfidence !== undefined ? { minConfidence: this.minConfidence } : {}),
      ...(this.fields !== 'subject-and-body' ? { fields: this.fields } : {}),
    };
  }

  /** Rebuilds a model from stored JSON; anything malformed is a TextModelError, never a crash later. */
  static fromJSON(json: unknown): TextModel {
    if (!isRecord(json) || json['format'] !== 'helpdesk.text-model/1') {
      throw new TextModelError('INVALID_MODEL', 'not a helpdesk.text-model/1 document');
    }
    const { version, target, algorithm, labels, features, bias, weights, trainedOn, evaluation, minConfidence, fields } = json;
    if (typeof version !== 'string' || typeof target !== 'string') throw new TextModelError('INVALID_MODEL', 'version and target must be strings');
    if (!isAlgorithm(algorithm)) throw new TextModelError('INVALID_MODEL', 'unknown algorithm');
    if (fields !== undefined && !TEXT_FIELDS.some((f) => f === fields)) throw new TextModelError('INVALID_MODEL', 'unknown fields');
    if (!Array.isArray(labels) || labels.length < 2 || !labels.every((l): l is string => typeof l === 'string')) {
      throw new TextModelError('INVALID_MODEL', 'labels must be at least two strings');
    }
    if (!Array.isArray(bias) || bias.length !== labels.length || !bias.every((b): b is number => typeof b === 'number')) {
      throw new TextModelError('INVALID_MODEL', 'bias must hold one number per label');
    }
    const featureOptions = parseFeatureOptions(features);
    if (!isRecord(weights) || typeof weights['rows'] !== 'string' || typeof weights['values'] !== 'string') {
      throw new TextModelError('INVALID_MODEL', 'weights must hold base64 rows and values');
    }
    const k = labels.length;
    const rows = new Int32Array(fromBase64(weights['rows'], 4));
    const values = new Float32Array(fromBase64(weights['values'], 4));
    if (values.length !== rows.length * k) throw new TextModelError('INVALID_MODEL', 'weight values do not match rows × labels');
    const dense = new Float32Array(featureOptions.dimension * k);
    for (let r = 0; r < rows.length; r++) {
      const row = rows[r] ?? -1;
      if (row < 0 || row >= featureOptions.dimension) throw new TextModelError('INVALID_MODEL', `weight row ${row} out of range`);
      dense.set(values.subarray(r * k, r * k + k), row * k);
    }
    return new TextModel(
      version,
      target,
      algorithm,
      labels,
      featureOptions,
      dense,
      Float64Array.from(bias),
      typeof trainedOn === 'number' ? trainedOn : 0,
      isRecord(evaluation) ? (evaluation as unknown as HeldOutEvaluation) : undefined,
      typeof minConfidence === 'number' && minConfidence >= 0 && minConfidence <= 1 ? minConfidence : undefined,
      fields === 'subject' ? 'subject' : 'subject-and-body',
    );
  }
}

export function softmax(scores: ArrayLike<number>): number[] {
  let max = -Infinity;
  for (let i = 0; i < scores.length; i++) max = Math.max(max, scores[i] ?? -Infinity);
  const exps = Array.from({ length: scores.length }, (_, i) => Math.exp((scores[i] ?? 0) - max));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / sum);
}

function parseFeatureOptions(value: unknown): FeatureHashingOptions {
  if (!isRecord(value)) throw new TextModelError('INVALID_MODEL', 'features must be an object');
  const numbers = (v: unknown): readonly number[] => (Array.isArray(v) && v.every((n): n is number => typeof n === 'number') ? v : []);
  const dimension = value['dimension'];
  if (typeof dimension !== 'number' || dimension < 16 || dimension > 1 << 24 || (dimension & (dimension - 1)) !== 0) {
    throw new TextModelError('INVALID_MODEL', 'features.dimension must be a power of two');
  }
  return {
    ...DEFAULT_FEATURE_HASHING,
    dimension,
    wordBigrams: value['wordBigrams'] === true,
    hanCharNgrams: numbers(value['hanCharNgrams']),
    wordCharNgrams: numbers(value['wordCharNgrams']),
    stem: value['stem'] === true,
    dropStopWords: value['dropStopWords'] === true,
  };
}

function isAlgorithm(value: unknown): value is TextModelAlgorithm {
  return ALGORITHMS.some((a) => a === value);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function toBase64(array: Int32Array | Float32Array): string {
  return Buffer.from(array.buffer, array.byteOffset, array.byteLength).toString('base64');
}

function fromBase64(text: string, bytesPer: number): ArrayBuffer {
  const bytes = Buffer.from(text, 'base64');
  if (bytes.length % bytesPer !== 0) throw new TextModelError('INVALID_MODEL', 'weights are truncated');
  // Copy into a fresh, aligned buffer: a Buffer may share a pool at an odd offset.
  const copy = new ArrayBuffer(bytes.length);
  new Uint8Array(copy).set(bytes);
  return copy;
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}

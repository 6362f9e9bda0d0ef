import { normalizeText } from './normalize';
import { stemEnglish } from './stem';
import { ENGLISH_STOP_WORDS } from './stop-words';

export interface FeatureHashingOptions {
  /** Size of the hashed feature space; a power of two. */
  readonly dimension: number;
  /** Adjacent word pairs ("not working") besides single words. */
  readonly wordBigrams: boolean;
  /** Character n-gram lengths taken inside runs of Chinese characters (no segmentation needed). */
  readonly hanCharNgrams: readonly number[];
  /** Character n-gram lengths taken inside longer non-Chinese words (helps German compounds, typos). */
  readonly wordCharNgrams: readonly number[];
  readonly stem: boolean;
  readonly dropStopWords: boolean;
}

export const DEFAULT_FEATURE_HASHING: FeatureHashingOptions = {
  dimension: 1 << 18,
  wordBigrams: true,
  hanCharNgrams: [1, 2, 3],
  wordCharNgrams: [],
  stem: true,
  dropStopWords: true,
};

/** A reusable sparse vector: `size` (index, value) pairs; an index may repeat, consumers add the values up. */
export class SparseVector {
  indices: Int32Array;
  values: Float32Array;
  size = 0;

  constructor(capacity = 256) {
    this.indices = new Int32Array(capacity);
    this.values = new Float32Array(capacity);
  }

  clear(): void {
    this.size = 0;
  }

  push(index: number, value: number): void {
    if (this.size === this.indices.length) this.grow();
    this.indices[this.size] = index;
    this.values[this.size] = value;
    this.size++;
  }

  private grow(): void {
    const indices = new Int32Array(this.indices.length * 2);
    indices.set(this.indices);
    const values = new Float32Array(this.values.length * 2);
    values.set(this.values);
    this.indices = indices;
    this.values = values;
  }
}

export interface NamedFeature {
  readonly name: string;
  readonly index: number;
}

export class FeatureHashingError extends Error {
  readonly code = 'INVALID_FEATURE_OPTIONS';
}

// Distinct seeds keep a word, a word pair and a character n-gram with the same letters apart.
const SEED_WORD = 0x811c9dc5;
const SEED_CHAR = 0x050c5d1f;
const SEED_SUBWORD = 0x1b873593;

function fnv(text: string, start: number, end: number, seed: number): number {
  let h = seed;
  for (let i = start; i < end; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h;
}

function combine(a: number, b: number): number {
  let h = Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ b;
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  return h;
}

function isHan(c: number): boolean {
  return (c >= 0x4e00 && c <= 0x9fff) || (c >= 0x3400 && c <= 0x4dbf) || (c >= 0xf900 && c <= 0xfaff);
}

function isWordChar(c: number): boolean {
  if (c < 0x80) return (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a);
  if (c < 0xc0) return false;
  if (c >= 0x2000 && c <= 0x2bff) return false; // punctuation, arrows, symbols
  if (c >= 0x3000 && c <= 0x303f) return false; // CJK punctuation
  if (c >= 0xd800 && c <= 0xf8ff) return false; // surrogates (emoji) and private use
  if (c >= 0xfe30 && c <= 0xffef) return false; // CJK compatibility forms, full-width punctuation
  return !isHan(c);
}

/**
 * Receives each feature's hash and, for sinks that want it, the pieces of its readable name
 * (`source.slice(start, end)`, after `prefix` and a space for word pairs): names cost allocations, so they
 * are only built on demand.
 */
function featureName(source: string, start: number, end: number, prefix: string): string {
  const tail = source.slice(start, end);
  return prefix === '' ? tail : `${prefix} ${tail}`;
}

interface FeatureSink {
  add(hash: number, source: string, start: number, end: number, prefix: string): void;
  /** True once the sink has all it wants: the scan stops at the next token. */
  done?(): boolean;
}

/**
 * Turns text into hashed bag-of-n-gram features in one pass over the normalised string, without building
 * token arrays: words (stemmed, stop words dropped) and word pairs for alphabetic scripts, character n-grams
 * for Chinese. The same options must be used at training and prediction time, so they travel with a model.
 */
export class FeatureHasher {
  private readonly mask: number;

  constructor(readonly options: FeatureHashingOptions = DEFAULT_FEATURE_HASHING) {
    const d = options.dimension;
    if (!Number.isInteger(d) || d < 16 || d > 1 << 24 || (d & (d - 1)) !== 0) {
      throw new FeatureHashingError(`dimension must be a power of two between 16 and 2^24, got ${d}`);
    }
    this.mask = d - 1;
  }

  /** Features of `text` written into `out` (cleared first), values scaled to unit length. */
  vectorize(text: string, out: SparseVector = new SparseVector()): SparseVector {
    out.clear();
    const mask = this.mask;
    this.scan(text, {
      add(hash) {
        out.push(hash & mask, 1);
      },
    });
    if (out.size > 0) {
      const scale = 1 / Math.sqrt(out.size);
      out.values.fill(scale, 0, out.size);
    }
    return out;
  }

  /** The same features with readable names, for explaining a prediction; slower than `vectorize`. */
  namedFeatures(text: string): NamedFeature[] {
    const mask = this.mask;
    const named: NamedFeature[] = [];
    this.scan(text, {
      add(hash, source, start, end, prefix) {
        named.push({ name: featureName(source, start, end, prefix), index: hash & mask });
      },
    });
    return named;
  }

  /** Readable names of just the given feature indices (first occurrence each); cheap enough per request. */
  namesOf(text: string, indices: readonly number[]): Map<number, string> {
    const mask = this.mask;
    const names = new Map<number, string>();
    const wanted = new Set(indices).size;
    this.scan(text, {
      add(hash, source, start, end, prefix) {
        const index = hash & mask;
        if (indices.includes(index) && !names.has(index)) names.set(index, featureName(source, start, end, prefix));
      },
      done: () => names.size >= wanted,
    });
    return names;
  }

  private scan(raw: string, sink: FeatureSink): void {
    const text = normalizeText(raw);
    const { wordBigrams, hanCharNgrams, wordCharNgrams, stem, dropStopWords } = this.options;
    const n = text.length;
    let previousWord = 0;
    let previousName = '';
    let hasPrevious = false;
    let i = 0;
    while (i < n) {
      if (sink.done?.()) return;
      const c = text.charCodeAt(i);
      if (isHan(c)) {
        let end = i + 1;
        while (end < n && isHan(text.charCodeAt(end))) end++;
        for (const size of hanCharNgrams) {
          for (let s = i; s + size <= end; s++) sink.add(fnv(text, s, s + size, SEED_CHAR), text, s, s + size, '');
        }
        hasPrevious = false;
        i = end;
        continue;
      }
      if (!isWordChar(c)) {
        i++;
        continue;
      }
      let end = i + 1;
      while (end < n) {
        const d = text.charCodeAt(end);
        if (isWordChar(d)) end++;
        else if ((d === 0x27 || d === 0x2019) && end + 1 < n && isWordChar(text.charCodeAt(end + 1))) end += 2;
        else break;
      }
      const raw = text.slice(i, end);
      i = end;
      if (dropStopWords && ENGLISH_STOP_WORDS.has(raw)) continue;
      const word = stem ? stemEnglish(raw) : raw;
      const h = fnv(word, 0, word.length, SEED_WORD);
      sink.add(h, word, 0, word.length, '');
      if (wordBigrams && hasPrevious) sink.add(combine(previousWord, h), word, 0, word.length, previousName);
      for (const size of wordCharNgrams) {
        if (word.length <= size + 1) continue;
        // Boundary-marked grams: the start and end of a word are the informative parts of compounds.
        const padded = `<${word}>`;
        for (let s = 0; s + size <= padded.length; s++) sink.add(fnv(padded, s, s + size, SEED_SUBWORD), padded, s, s + size, '');
      }
      previousWord = h;
      previousName = word;
      hasPrevious = true;
    }
  }
}

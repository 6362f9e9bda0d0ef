import { stemEnglish, stemSpan } from './stem';
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
  if (c === 0x1680) return false; // Ogham space mark, the one whitespace character above 0xc0 outside these ranges
  if (c >= 0x2000 && c <= 0x2bff) return false; // punctuation, arrows, symbols
  if (c >= 0x3000 && c <= 0x303f) return false; // CJK punctuation
  if (c >= 0xd800 && c <= 0xf8ff) return false; // surrogates (emoji) and private use
  if (c >= 0xfe30 && c <= 0xffef) return false; // CJK compatibility forms, full-width punctuation
  return !isHan(c);
}

let lastRaw: string | undefined;
let lastFolded = '';

/**
 * normalizeText without its whitespace collapsing and trimming, which cannot change a feature: every
 * whitespace character separates words here. One ticket's text is read by every model in turn: the last
 * result is kept.
 */
function featureText(raw: string): string {
  if (raw !== lastRaw) {
    lastFolded = raw.normalize('NFKC').toLowerCase();
    lastRaw = raw;
  }
  return lastFolded;
}

// Per token of a scan, the token the word pair joins it to, or: no pair, or a run of Chinese characters.
const NO_PAIR = -1;
const HAN_RUN = -2;

// Stop words by a hash of their characters, so a word of the text is checked without building its string.
const STOP_SLOTS = 1024;
const stopTable: (string | undefined)[] = new Array<string | undefined>(STOP_SLOTS).fill(undefined);
let longestStopWord = 0;
for (const word of ENGLISH_STOP_WORDS) {
  let slot = fnv(word, 0, word.length, SEED_WORD) & (STOP_SLOTS - 1);
  while (stopTable[slot] !== undefined) slot = (slot + 1) & (STOP_SLOTS - 1);
  stopTable[slot] = word;
  longestStopWord = Math.max(longestStopWord, word.length);
}

/** Whether text[start, end), whose word hash is `hash`, is a stop word. */
function isStopWord(hash: number, text: string, start: number, end: number): boolean {
  if (end - start > longestStopWord) return false;
  let slot = hash & (STOP_SLOTS - 1);
  for (;;) {
    const word = stopTable[slot];
    if (word === undefined) return false;
    if (sameChars(word, text, start, end)) return true;
    slot = (slot + 1) & (STOP_SLOTS - 1);
  }
}

/**
 * Turns text into hashed bag-of-n-gram features in one pass over the normalised string, without building
 * token arrays: words (stemmed, stop words dropped) and word pairs for alphabetic scripts, character n-grams
 * for Chinese. The same options must be used at training and prediction time, so they travel with a model.
 */
export class FeatureHasher {
  private readonly mask: number;
  /** The last scan: its input, normalised text and feature hashes in order. */
  private scannedInput: string | undefined;
  private scannedText = '';
  private hashes = new Int32Array(512);
  private count = 0;
  /**
   * The last scan's tokens, for rebuilding names: start and end in the normalised text, first feature and
   * the token its word pair joins (or NO_PAIR, HAN_RUN).
   */
  private tokenStart = new Int32Array(128);
  private tokenEnd = new Int32Array(128);
  private tokenFirst = new Int32Array(128);
  private tokenPair = new Int32Array(128);
  private tokens = 0;
  /** Character codes of the `<word>` being hashed. */
  private padded = new Uint16Array(64);

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
    this.scan(text);
    const { mask, hashes, count } = this;
    for (let j = 0; j < count; j++) out.push((hashes[j] ?? 0) & mask, 1);
    if (out.size > 0) {
      const scale = 1 / Math.sqrt(out.size);
      out.values.fill(scale, 0, out.size);
    }
    return out;
  }

  /** The same features with readable names, for explaining a prediction; slower than `vectorize`. */
  namedFeatures(text: string): NamedFeature[] {
    this.scan(text);
    const named: NamedFeature[] = [];
    for (let j = 0; j < this.count; j++) named.push({ name: this.nameAt(j), index: (this.hashes[j] ?? 0) & this.mask });
    return named;
  }

  /**
   * Readable names of just the given feature indices (first occurrence each); cheap enough per request,
   * and cheaper still right after `vectorize` of the same text, whose scan it reuses.
   */
  namesOf(text: string, indices: readonly number[]): Map<number, string> {
    this.scan(text);
    const names = new Map<number, string>();
    const wanted = new Set(indices).size;
    for (let j = 0; j < this.count && names.size < wanted; j++) {
      const index = (this.hashes[j] ?? 0) & this.mask;
      if (indices.includes(index) && !names.has(index)) names.set(index, this.nameAt(j));
    }
    return names;
  }

  /** The readable name of feature `j` of the last scan, from its token and its place among the token's features. */
  private nameAt(j: number): string {
    let lo = 0;
    let hi = this.tokens - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if ((this.tokenFirst[mid] ?? 0) <= j) lo = mid;
      else hi = mid - 1;
    }
    const text = this.scannedText;
    const start = this.tokenStart[lo] ?? 0;
    const end = this.tokenEnd[lo] ?? 0;
    const pair = this.tokenPair[lo] ?? NO_PAIR;
    let local = j - (this.tokenFirst[lo] ?? 0);
    if (pair === HAN_RUN) {
      for (const size of this.options.hanCharNgrams) {
        const grams = Math.max(0, end - start - size + 1);
        if (local < grams) return text.slice(start + local, start + local + size);
        local -= grams;
      }
      return '';
    }
    const word = this.wordOf(text.slice(start, end));
    if (local === 0) return word;
    local--;
    if (pair !== NO_PAIR) {
      if (local === 0) return `${this.wordOf(text.slice(this.tokenStart[pair] ?? 0, this.tokenEnd[pair] ?? 0))} ${word}`;
      local--;
    }
    const padded = `<${word}>`;
    for (const size of this.options.wordCharNgrams) {
      if (word.length <= size + 1) continue;
      const grams = padded.length - size + 1;
      if (local < grams) return padded.slice(local, local + size);
      local -= grams;
    }
    return '';
  }

  private wordOf(raw: string): string {
    return this.options.stem ? stemEnglish(raw) : raw;
  }

  /** Codes of `<word>`, the word being text[start, start + kept) and a "y" when `y` (see stemSpan). */
  private paddedWord(text: string, start: number, kept: number, y: boolean): Uint16Array {
    const length = kept + (y ? 1 : 0) + 2;
    if (this.padded.length < length) this.padded = new Uint16Array(length * 2);
    const padded = this.padded;
    padded[0] = 0x3c;
    for (let p = 0; p < kept; p++) padded[p + 1] = text.charCodeAt(start + p);
    if (y) padded[kept + 1] = 0x79;
    padded[length - 1] = 0x3e;
    return padded;
  }

  /** Opens a token of the scan with room for `features` more hashes; returns the hash buffer to write. */
  private openToken(start: number, end: number, pair: number, features: number): Int32Array {
    if (this.tokens === this.tokenStart.length) {
      this.tokenStart = grown(this.tokenStart);
      this.tokenEnd = grown(this.tokenEnd);
      this.tokenFirst = grown(this.tokenFirst);
      this.tokenPair = grown(this.tokenPair);
    }
    const t = this.tokens++;
    this.tokenStart[t] = start;
    this.tokenEnd[t] = end;
    this.tokenFirst[t] = this.count;
    this.tokenPair[t] = pair;
    while (this.count + features > this.hashes.length) this.hashes = grown(this.hashes);
    return this.hashes;
  }

  /** Hashes every feature of `raw` in order, noting its tokens; a no-op when `raw` was the last text scanned. */
  private scan(raw: string): void {
    if (raw === this.scannedInput) return;
    this.scannedInput = undefined;
    this.count = 0;
    this.tokens = 0;
    const text = featureText(raw);
    this.scannedText = text;
    const { wordBigrams, hanCharNgrams, wordCharNgrams, stem, dropStopWords } = this.options;
    const n = text.length;
    let previousWord = 0;
    let previousToken = NO_PAIR;
    let i = 0;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (isHan(c)) {
        let end = i + 1;
        while (end < n && isHan(text.charCodeAt(end))) end++;
        let grams = 0;
        for (const size of hanCharNgrams) grams += Math.max(0, end - i - size + 1);
        const hashes = this.openToken(i, end, HAN_RUN, grams);
        let count = this.count;
        for (const size of hanCharNgrams) {
          for (let s = i; s + size <= end; s++) hashes[count++] = fnv(text, s, s + size, SEED_CHAR);
        }
        this.count = count;
        previousToken = NO_PAIR;
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
      const start = i;
      i = end;
      // The (stemmed) word is hashed from the text's characters: no string is built per word. Its stem is a
      // prefix, so hashing on to the end of the word gives the unstemmed word's hash for the stop words.
      const span = stem ? stemSpan(text, start, end) : (end - start) * 2;
      const kept = span >> 1;
      const y = (span & 1) === 1;
      const length = kept + (y ? 1 : 0);
      let h = fnv(text, start, start + kept, SEED_WORD);
      if (dropStopWords && isStopWord(fnv(text, start + kept, end, h), text, start, end)) continue;
      if (y) h = Math.imul(h ^ 0x79, 0x01000193);
      const pair = wordBigrams ? previousToken : NO_PAIR;
      let grams = 0;
      for (const size of wordCharNgrams) if (length > size + 1) grams += length + 3 - size;
      const hashes = this.openToken(start, end, pair, grams + 2);
      let count = this.count;
      hashes[count++] = h;
      if (pair !== NO_PAIR) hashes[count++] = combine(previousWord, h);
      if (grams > 0) {
        // Grams of `<word>`: the start and end of a word are the informative parts of compounds.
        const padded = this.paddedWord(text, start, kept, y);
        for (const size of wordCharNgrams) {
          if (length <= size + 1) continue;
          for (let s = 0; s + size <= length + 2; s++) {
            let g = SEED_SUBWORD;
            for (let p = s; p < s + size; p++) g = Math.imul(g ^ (padded[p] ?? 0), 0x01000193);
            hashes[count++] = g;
          }
        }
      }
      this.count = count;
      previousWord = h;
      previousToken = this.tokens - 1;
    }
    this.scannedInput = raw;
  }
}

function sameChars(word: string, text: string, start: number, end: number): boolean {
  if (word.length !== end - start) return false;
  for (let i = start; i < end; i++) if (word.charCodeAt(i - start) !== text.charCodeAt(i)) return false;
  return true;
}

function grown(array: Int32Array): Int32Array<ArrayBuffer> {
  const larger = new Int32Array(array.length * 2);
  larger.set(array);
  return larger;
}

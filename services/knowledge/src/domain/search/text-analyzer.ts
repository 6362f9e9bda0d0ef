import { normalizeText } from '@helpdesk/text';
import { porterStem } from './porter-stemmer';
import { CHINESE_STOP_WORDS, ENGLISH_STOP_WORDS } from './stop-words';
import type { VariantRewriter } from './chinese-variants';
import type { WordSegmenter } from './word-segmenter';

/** Terms live in separate namespaces so a word and a bigram with the same characters are weighted apart. */
export enum TermKind {
  Word = 0,
  Bigram = 1,
  Unigram = 2,
}
export const TERM_KINDS = 3;
const KIND_PREFIX = ['w', 'b', 'u'] as const;

export interface AnalyzedTerm {
  /** Index key: kind prefix + surface form (stem for English). */
  key: string;
  kind: TermKind;
}

export interface AnalyzerOptions {
  /** Word segmenter for Han text; without one Chinese is indexed by character n-grams only. */
  segmenter?: WordSegmenter;
  hanBigrams: boolean;
  hanUnigrams: boolean;
  englishStemming: boolean;
  stopWords: boolean;
  /** Colloquial variants rewritten to one form before segmentation (如何 → 怎么, 还钱 → 还款). */
  variants?: VariantRewriter;
}

export interface QueryAnalysis {
  terms: AnalyzedTerm[];
  /** Normalised text with everything but letters and digits removed, for phrase (synonym) matching. */
  compact: string;
  /** Stemmed non-Han words in order, stop words included, for phrase (synonym) matching. */
  latinStems: string[];
  /** Han strings worth highlighting (words and bigrams of the query). */
  hanSurfaces: string[];
}

// Han runs and non-Han letter/digit runs; Han is a letter too, so it is excluded from the second branch.
const RUN = /\p{Script=Han}+|(?:(?!\p{Script=Han})[\p{L}\p{N}])+/gu;
const HAN_START = /^\p{Script=Han}/u;

export class TextAnalyzer {
  private verbatimAnalyzer: TextAnalyzer | undefined;

  constructor(readonly options: AnalyzerOptions) {}

  /** The same analysis without variant rewriting. */
  private verbatim(): TextAnalyzer {
    this.verbatimAnalyzer ??= new TextAnalyzer({ ...this.options, variants: undefined });
    return this.verbatimAnalyzer;
  }

  /** Terms of `text` in order of appearance (duplicates kept, they are term frequencies). */
  analyze(text: string, keepStopWords = false): AnalyzedTerm[] {
    const out: AnalyzedTerm[] = [];
    const dropStop = this.options.stopWords && !keepStopWords;
    for (const match of normalizeText(text).matchAll(RUN)) {
      const run = match[0];
      if (HAN_START.test(run)) this.analyzeHan(run, dropStop, out);
      else {
        if (dropStop && ENGLISH_STOP_WORDS.has(run)) continue;
        out.push(term(TermKind.Word, this.stem(run)));
      }
    }
    return out;
  }

  analyzeQuery(text: string): QueryAnalysis {
    let terms = this.analyze(text);
    // A query made only of stop words ("how to") still deserves an answer.
    if (terms.length === 0 && this.options.stopWords) terms = this.analyze(text, true);
    const normalized = normalizeText(text);
    const latinStems: string[] = [];
    const hanSurfaces = new Set<string>();
    for (const match of normalized.matchAll(RUN)) {
      const run = match[0];
      if (HAN_START.test(run)) {
        for (const t of terms)
          if (t.kind !== TermKind.Unigram && run.includes(t.key.slice(1))) hanSurfaces.add(t.key.slice(1));
        if (run.length === 1) hanSurfaces.add(run);
        // Terms of a rewritten run (如何 → 怎么) are not in the text: highlight the customer's own words too.
        if (this.options.variants && this.options.variants.rewrite(run) !== run) {
          for (const t of this.verbatim().analyze(run))
            if (t.kind !== TermKind.Unigram) hanSurfaces.add(t.key.slice(1));
        }
      } else latinStems.push(this.stem(run));
    }
    return { terms, compact: compactText(normalized), latinStems, hanSurfaces: [...hanSurfaces] };
  }

  stem(word: string): string {
    return this.options.englishStemming ? porterStem(word) : word;
  }

  private analyzeHan(original: string, dropStop: boolean, out: AnalyzedTerm[]): void {
    const { segmenter, hanBigrams, hanUnigrams, variants } = this.options;
    const run = variants ? variants.rewrite(original) : original;
    if (segmenter) {
      for (const w of segmenter.segment(run)) {
        if (dropStop && CHINESE_STOP_WORDS.has(w)) continue;
        out.push(term(TermKind.Word, w));
      }
    }
    const chars = Array.from(run);
    if (hanBigrams) {
      if (chars.length === 1 && !segmenter && !hanUnigrams) out.push(term(TermKind.Bigram, run));
      for (let i = 0; i + 1 < chars.length; i++) out.push(term(TermKind.Bigram, chars[i] + chars[i + 1]));
    }
    if (hanUnigrams) {
      for (const c of chars)
        if (!(dropStop && CHINESE_STOP_WORDS.has(c))) out.push(term(TermKind.Unigram, c));
    }
  }
}

function term(kind: TermKind, surface: string): AnalyzedTerm {
  return { key: KIND_PREFIX[kind] + surface, kind };
}

export function compactText(normalized: string): string {
  return normalized.replace(/[^\p{L}\p{N}]+/gu, '');
}

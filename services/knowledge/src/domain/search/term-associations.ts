import { TermKind, type AnalyzedTerm, type TextAnalyzer } from './text-analyzer';

/** Two phrasings known to mean the same thing: an article's title and a question it answered. */
export interface EquivalentPair {
  a: string;
  b: string;
}

export interface RelatedTerm {
  key: string;
  kind: TermKind;
  /** 0–1: how strongly the source term predicts this one in equivalent phrasings. */
  weight: number;
}

/** Learned query expansion: index key → related index keys. */
export type TermAssociations = ReadonlyMap<string, readonly RelatedTerm[]>;

export interface AssociationLearningOptions {
  /** Pairs a (source, related) couple must appear in before it counts: one pair is anecdote. */
  minPairs: number;
  /** Added to the source term's pair count, so rare sources need more evidence for a high weight. */
  smoothing: number;
  minWeight: number;
  maxPerTerm: number;
  /** Word and bigram terms only: single characters relate to everything. */
  kinds: readonly TermKind[];
}

export const DEFAULT_ASSOCIATION_LEARNING: AssociationLearningOptions = {
  minPairs: 3,
  smoothing: 5,
  minWeight: 0.05,
  maxPerTerm: 8,
  kinds: [TermKind.Word, TermKind.Bigram],
};

/**
 * A one-step translation table from equivalent phrasings: within each pair, every term found on one side
 * only is counted as a translation of every term found on the other side only (耍脸 ↔ 刷脸, 旧 ↔ 以前).
 * weight(s → t) = pairs where s and t translate each other / (pairs with s + smoothing).
 */
export function learnTermAssociations(
  pairs: Iterable<EquivalentPair>,
  analyzer: TextAnalyzer,
  options: AssociationLearningOptions = DEFAULT_ASSOCIATION_LEARNING,
): TermAssociations {
  const kinds = new Set(options.kinds);
  const termsOf = (text: string): Map<string, TermKind> => {
    const out = new Map<string, TermKind>();
    for (const t of analyzer.analyze(text) as AnalyzedTerm[]) if (kinds.has(t.kind)) out.set(t.key, t.kind);
    return out;
  };
  const kindOf = new Map<string, TermKind>();
  const seen = new Map<string, number>();
  const together = new Map<string, Map<string, number>>();
  const count = (s: string, t: string): void => {
    let row = together.get(s);
    if (!row) together.set(s, (row = new Map<string, number>()));
    row.set(t, (row.get(t) ?? 0) + 1);
  };
  for (const { a, b } of pairs) {
    const left = termsOf(a);
    const right = termsOf(b);
    const onlyLeft = [...left.keys()].filter((k) => !right.has(k));
    const onlyRight = [...right.keys()].filter((k) => !left.has(k));
    for (const [k, kind] of [...left, ...right]) kindOf.set(k, kind);
    for (const k of new Set([...left.keys(), ...right.keys()])) seen.set(k, (seen.get(k) ?? 0) + 1);
    for (const s of onlyLeft) {
      for (const t of onlyRight) {
        count(s, t);
        count(t, s);
      }
    }
  }
  const table = new Map<string, RelatedTerm[]>();
  for (const [s, row] of together) {
    const base = (seen.get(s) ?? 0) + options.smoothing;
    const related: RelatedTerm[] = [];
    for (const [t, c] of row) {
      if (c < options.minPairs) continue;
      const weight = c / base;
      if (weight >= options.minWeight) related.push({ key: t, kind: kindOf.get(t) ?? TermKind.Word, weight });
    }
    if (related.length === 0) continue;
    related.sort((x, y) => y.weight - x.weight || (x.key < y.key ? -1 : 1));
    table.set(s, related.slice(0, options.maxPerTerm));
  }
  return table;
}

import { TermKind, type TextAnalyzer } from './text-analyzer';

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

export interface TermAssociations {
  /** Learned query expansion: index key → related index keys. */
  related: ReadonlyMap<string, readonly RelatedTerm[]>;
  /**
   * Index key → how much more often than the average term it survives rephrasing (花呗 stays, 怎么 comes
   * and goes): a query term's weight is scaled by this to the power `necessityWeight`. Unseen terms: 1.
   */
  necessity: ReadonlyMap<string, number>;
}

export interface AssociationLearningOptions {
  /** Pairs a (source, related) couple must appear in before it counts: one pair is anecdote. */
  minPairs: number;
  /** Added to the source term's pair count, so rare sources need more evidence for a high weight. */
  smoothing: number;
  minWeight: number;
  maxPerTerm: number;
  /** Pseudo-pairs pulling a term's survival rate towards the average one. */
  necessitySmoothing: number;
  /** Word and bigram terms only: single characters relate to everything. */
  kinds: readonly TermKind[];
}

export const DEFAULT_ASSOCIATION_LEARNING: AssociationLearningOptions = {
  minPairs: 3,
  smoothing: 5,
  minWeight: 0.05,
  maxPerTerm: 8,
  necessitySmoothing: 4,
  kinds: [TermKind.Word, TermKind.Bigram],
};

/**
 * A one-step translation table from equivalent phrasings: within each pair, every term found on one side
 * only is counted as a translation of every term found on the other side only (耍脸 ↔ 刷脸, 旧 ↔ 以前).
 * weight(s → t) = pairs where s and t translate each other / (pairs with s + smoothing).
 * Also learns each term's necessity: how often it survives into the other phrasing, against the average.
 */
export function learnTermAssociations(
  pairs: Iterable<EquivalentPair>,
  analyzer: TextAnalyzer,
  options: AssociationLearningOptions = DEFAULT_ASSOCIATION_LEARNING,
): TermAssociations {
  const learner = new TermAssociationLearner(analyzer, options);
  for (const pair of pairs) learner.add(pair);
  return learner.finish();
}

/**
 * The same table, learned in slices of at most `sliceMs` of CPU: thousands of pairs take seconds to
 * count, and a running service must keep answering meanwhile.
 */
export async function learnTermAssociationsInSlices(
  pairs: Iterable<EquivalentPair>,
  analyzer: TextAnalyzer,
  options: AssociationLearningOptions = DEFAULT_ASSOCIATION_LEARNING,
  sliceMs = 10,
): Promise<TermAssociations> {
  const learner = new TermAssociationLearner(analyzer, options);
  let sliceStart = performance.now();
  for (const pair of pairs) {
    learner.add(pair);
    if (performance.now() - sliceStart >= sliceMs) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      sliceStart = performance.now();
    }
  }
  return learner.finish();
}

class TermAssociationLearner {
  private readonly kinds: Set<TermKind>;
  // Per term: sides of a pair it appears on, and pairs it appears on both sides of.
  private readonly sides = new Map<string, number>();
  private readonly kept = new Map<string, number>();
  private readonly kindOf = new Map<string, TermKind>();
  private readonly seen = new Map<string, number>();
  private readonly together = new Map<string, Map<string, number>>();

  constructor(
    private readonly analyzer: TextAnalyzer,
    private readonly options: AssociationLearningOptions,
  ) {
    this.kinds = new Set(options.kinds);
  }

  add({ a, b }: EquivalentPair): void {
    const { sides, kept, kindOf, seen, kinds } = this;
    const left = this.termsOf(a);
    const right = this.termsOf(b);
    for (const k of left.keys()) sides.set(k, (sides.get(k) ?? 0) + 1);
    for (const k of right.keys()) {
      sides.set(k, (sides.get(k) ?? 0) + 1);
      if (left.has(k)) kept.set(k, (kept.get(k) ?? 0) + 1);
    }
    const onlyLeft = [...left].filter(([k, kind]) => kinds.has(kind) && !right.has(k)).map(([k]) => k);
    const onlyRight = [...right].filter(([k, kind]) => kinds.has(kind) && !left.has(k)).map(([k]) => k);
    for (const [k, kind] of [...left, ...right]) kindOf.set(k, kind);
    for (const k of new Set([...left.keys(), ...right.keys()])) seen.set(k, (seen.get(k) ?? 0) + 1);
    for (const s of onlyLeft) {
      for (const t of onlyRight) {
        this.count(s, t);
        this.count(t, s);
      }
    }
  }

  finish(): TermAssociations {
    const { sides, kept, kindOf, seen, together, options } = this;
    let allSides = 0;
    let allKept = 0;
    for (const [k, n] of sides) {
      allSides += n;
      allKept += 2 * (kept.get(k) ?? 0);
    }
    const average = allSides > 0 ? allKept / allSides : 0;
    const necessity = new Map<string, number>();
    if (average > 0) {
      const m = options.necessitySmoothing;
      for (const [k, n] of sides) {
        const survival = (2 * (kept.get(k) ?? 0) + m * average) / (n + m);
        necessity.set(k, survival / average);
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
    return { related: table, necessity };
  }

  private termsOf(text: string): Map<string, TermKind> {
    const out = new Map<string, TermKind>();
    for (const t of this.analyzer.analyze(text)) out.set(t.key, t.kind);
    return out;
  }

  private count(s: string, t: string): void {
    let row = this.together.get(s);
    if (!row) this.together.set(s, (row = new Map<string, number>()));
    row.set(t, (row.get(t) ?? 0) + 1);
  }
}

export interface ClassMetrics {
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
  readonly support: number;
}

export interface LabelMetrics {
  readonly examples: number;
  readonly accuracy: number;
  /** Unweighted mean of per-class F1 over the classes present in the gold labels or the predictions. */
  readonly macroF1: number;
  readonly perClass: Readonly<Record<string, ClassMetrics>>;
}

/** Accuracy, macro-F1 and per-class precision/recall/F1 of predictions against gold labels. */
export function scoreLabels(gold: readonly string[], predicted: readonly string[]): LabelMetrics {
  const labels = [...new Set([...gold, ...predicted])].sort();
  const tp = new Map<string, number>();
  const fp = new Map<string, number>();
  const fn = new Map<string, number>();
  let correct = 0;
  const n = Math.min(gold.length, predicted.length);
  for (let i = 0; i < n; i++) {
    const g = gold[i] ?? '';
    const p = predicted[i] ?? '';
    if (g === p) {
      correct++;
      tp.set(g, (tp.get(g) ?? 0) + 1);
    } else {
      fp.set(p, (fp.get(p) ?? 0) + 1);
      fn.set(g, (fn.get(g) ?? 0) + 1);
    }
  }
  const perClass: Record<string, ClassMetrics> = {};
  let f1Sum = 0;
  for (const label of labels) {
    const t = tp.get(label) ?? 0;
    const precision = t + (fp.get(label) ?? 0) > 0 ? t / (t + (fp.get(label) ?? 0)) : 0;
    const recall = t + (fn.get(label) ?? 0) > 0 ? t / (t + (fn.get(label) ?? 0)) : 0;
    const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
    perClass[label] = { precision, recall, f1, support: t + (fn.get(label) ?? 0) };
    f1Sum += f1;
  }
  return { examples: n, accuracy: n > 0 ? correct / n : 0, macroF1: labels.length > 0 ? f1Sum / labels.length : 0, perClass };
}

/** The most frequent label (ties broken alphabetically, so the choice is reproducible). */
export function majorityLabel(labels: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const l of labels) counts.set(l, (counts.get(l) ?? 0) + 1);
  let best = '';
  let bestCount = -1;
  for (const [label, count] of [...counts.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    if (count > bestCount) {
      best = label;
      bestCount = count;
    }
  }
  return best;
}

/** Macro-F1 of a classifier that always answers the training set's majority label — the floor to beat. */
export function majorityBaseline(trainLabels: readonly string[], gold: readonly string[]): LabelMetrics {
  const majority = majorityLabel(trainLabels);
  return scoreLabels(gold, gold.map(() => majority));
}

/** A small seeded generator (mulberry32): training and splits are reproducible run to run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function shuffleInPlace<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const tmp = items[i];
    items[i] = items[j];
    items[j] = tmp;
  }
  return items;
}

/**
 * Splits items so each label keeps its share in both parts; every label with at least two items gets at
 * least one into the held-out part, so rare classes are measured rather than silently missing.
 */
export function stratifiedSplit<T>(
  items: readonly T[],
  labelOf: (item: T) => string,
  heldOutFraction: number,
  seed: number,
): { train: T[]; heldOut: T[] } {
  const byLabel = new Map<string, T[]>();
  for (const item of items) {
    const label = labelOf(item);
    const group = byLabel.get(label) ?? [];
    group.push(item);
    byLabel.set(label, group);
  }
  const random = seededRandom(seed);
  const train: T[] = [];
  const heldOut: T[] = [];
  for (const label of [...byLabel.keys()].sort()) {
    const group = shuffleInPlace([...(byLabel.get(label) ?? [])], random);
    const take = group.length < 2 ? 0 : Math.max(1, Math.round(group.length * heldOutFraction));
    heldOut.push(...group.slice(0, take));
    train.push(...group.slice(take));
  }
  return { train, heldOut };
}

import { charNgrams, normalizeText } from '@helpdesk/text';
import { SearchErrorCode, SearchException } from '../search/search.exception';

/** A customer question as searched, with the best article score it got (0–1, the hit's `score`). */
export interface GapQuery {
  text: string;
  at: Date;
  bestScore: number;
}

/** Customers asking roughly the same thing without a good article. */
export interface GapGroup {
  /** The most frequent phrasing in the group. */
  label: string;
  count: number;
  /** Distinct phrasings, most frequent first. */
  examples: string[];
  firstAt: Date;
  lastAt: Date;
  meanBestScore: number;
}

export interface GapGroupingOptions {
  /** Queries whose best article scored at least this were answered and are not gaps. Default 0.5. */
  maxBestScore?: number;
  /** Smallest group worth reporting. Default 2. */
  minCount?: number;
  maxExamples?: number;
}

interface Phrasing {
  key: string;
  texts: Map<string, number>;
  count: number;
  firstAt: Date;
  lastAt: Date;
  scoreSum: number;
  grams: Set<string>;
}

/**
 * Groups unanswered questions: exact repeats after normalisation (full-width, case, punctuation) are
 * merged, then phrasings join the group whose leader shares character bigrams with Jaccard ≥ `threshold`.
 * Leaders are taken most-frequent first, so a group is named after its commonest phrasing.
 */
export function groupGaps(
  queries: readonly GapQuery[],
  threshold: number,
  options: GapGroupingOptions = {},
): GapGroup[] {
  if (!(threshold > 0 && threshold <= 1)) {
    throw new SearchException(
      SearchErrorCode.InvalidThreshold,
      'threshold must be greater than 0 and at most 1.',
      'threshold',
    );
  }
  const { maxBestScore = 0.5, minCount = 2, maxExamples = 5 } = options;

  const phrasings = new Map<string, Phrasing>();
  for (const q of queries) {
    if (!(q.bestScore < maxBestScore)) continue;
    const key = normalizeText(q.text).replace(/[^\p{L}\p{N}]+/gu, '');
    if (!key) continue;
    let p = phrasings.get(key);
    if (!p) {
      p = {
        key,
        texts: new Map(),
        count: 0,
        firstAt: q.at,
        lastAt: q.at,
        scoreSum: 0,
        grams: new Set(charNgrams(key, 2)),
      };
      phrasings.set(key, p);
    }
    const shown = q.text.trim();
    p.texts.set(shown, (p.texts.get(shown) ?? 0) + 1);
    p.count++;
    p.scoreSum += q.bestScore;
    if (q.at < p.firstAt) p.firstAt = q.at;
    if (q.at > p.lastAt) p.lastAt = q.at;
  }

  const ordered = [...phrasings.values()].sort(
    (a, b) => b.count - a.count || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0),
  );
  const clusters: Phrasing[][] = [];
  const byGram = new Map<string, number[]>(); // bigram → clusters whose leader has it
  for (const p of ordered) {
    let best = -1;
    let bestSimilarity = 0;
    const seen = new Set<number>();
    for (const g of p.grams) {
      for (const c of byGram.get(g) ?? []) {
        if (seen.has(c)) continue;
        seen.add(c);
        const similarity = jaccard(p.grams, clusters[c][0].grams);
        if (similarity > bestSimilarity) {
          bestSimilarity = similarity;
          best = c;
        }
      }
    }
    if (best >= 0 && bestSimilarity >= threshold) {
      clusters[best].push(p);
      continue;
    }
    clusters.push([p]);
    for (const g of p.grams) {
      let list = byGram.get(g);
      if (!list) byGram.set(g, (list = []));
      list.push(clusters.length - 1);
    }
  }

  return clusters
    .map((members) => toGroup(members, maxExamples))
    .filter((g) => g.count >= minCount)
    .sort((a, b) => b.count - a.count || b.lastAt.getTime() - a.lastAt.getTime());
}

function toGroup(members: Phrasing[], maxExamples: number): GapGroup {
  const texts = new Map<string, number>();
  let count = 0;
  let scoreSum = 0;
  let firstAt = members[0].firstAt;
  let lastAt = members[0].lastAt;
  for (const m of members) {
    count += m.count;
    scoreSum += m.scoreSum;
    if (m.firstAt < firstAt) firstAt = m.firstAt;
    if (m.lastAt > lastAt) lastAt = m.lastAt;
    for (const [t, n] of m.texts) texts.set(t, (texts.get(t) ?? 0) + n);
  }
  const examples = [...texts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([t]) => t);
  const leaderTexts = [...members[0].texts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  return {
    label: leaderTexts[0][0],
    count,
    examples: examples.slice(0, maxExamples),
    firstAt,
    lastAt,
    meanBestScore: scoreSum / count,
  };
}

function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  let shared = 0;
  for (const g of a) if (b.has(g)) shared++;
  return shared / (a.size + b.size - shared);
}

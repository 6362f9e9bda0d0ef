import { normalizeText } from '@helpdesk/text';
import { compactText, type QueryAnalysis, type TextAnalyzer } from './text-analyzer';

interface CompiledPhrase {
  text: string;
  /** Phrases with Han characters match as substrings: Chinese has no spaces to anchor on. */
  han: boolean;
  compact: string;
  stems: string[];
}

const HAS_HAN = /\p{Script=Han}/u;
const WORD = /[\p{L}\p{N}]+/gu;

/**
 * Per-tenant synonym groups (`[['花呗', '蚂蚁花呗'], ['refund', 'money back']]`). When a query mentions one
 * phrase of a group, the others are added to the query at a lower weight (expansion, not rewriting).
 */
export class SynonymExpander {
  private readonly groups: CompiledPhrase[][];

  constructor(groups: readonly (readonly string[])[], analyzer: TextAnalyzer) {
    this.groups = groups
      .map((group) =>
        group
          .map((text) => {
            const normalized = normalizeText(text);
            return {
              text,
              han: HAS_HAN.test(normalized),
              compact: compactText(normalized),
              stems: Array.from(normalized.matchAll(WORD), (m) => analyzer.stem(m[0])),
            };
          })
          .filter((p) => p.compact.length > 0),
      )
      .filter((g) => g.length > 1);
  }

  get size(): number {
    return this.groups.length;
  }

  /** Phrases to add to the query: the group-mates of every phrase the query contains. */
  expansions(query: QueryAnalysis): string[] {
    const out: string[] = [];
    for (const group of this.groups) {
      const present = group.map((p) => matches(p, query));
      if (!present.some(Boolean)) continue;
      group.forEach((p, i) => {
        if (!present[i]) out.push(p.text);
      });
    }
    return out;
  }
}

function matches(phrase: CompiledPhrase, query: QueryAnalysis): boolean {
  if (phrase.han) return query.compact.includes(phrase.compact);
  const { stems } = phrase;
  const seq = query.latinStems;
  outer: for (let i = 0; i + stems.length <= seq.length; i++) {
    for (let j = 0; j < stems.length; j++) if (seq[i + j] !== stems[j]) continue outer;
    return true;
  }
  return false;
}

import { normalizeText } from '@helpdesk/text';

/**
 * Small bilingual phrase matcher for the closed loop. Chinese has no word boundaries, so its
 * phrases match as substrings; Latin words and numbers (12315) match only where no ASCII letter or digit
 * touches them, so "打12315" matches but order number 123150 does not.
 * Longest match wins where phrases overlap, which lets a neutral phrase (差不多, 不好意思, 工商银行)
 * shield the shorter negative one inside it.
 */
export interface LexiconEntry {
  /** Literal text for `substring`; a regular-expression source (lower case) for `word`. */
  readonly pattern: string;
  readonly match: 'substring' | 'word';
  /** Matches but never reported: it only hides shorter phrases inside it. */
  readonly neutral?: boolean;
}

export interface LexiconHit {
  /** The text as matched, after normalisation (NFKC, lower case). */
  readonly text: string;
  readonly start: number;
  readonly negated: boolean;
}

/** Negator, then filler words that can sit between it and the phrase ("不是要投诉", "一点也不差"). */
const ZH_NEGATION =
  /(?:不|没|没有|并非|非|无意|别|未|撤销|撤回|取消)(?:是|要|想|会|算|打算|在|很|太|那么|这么|用|必|再)*\s*$/u;
const EN_NEGATION =
  /(?:^|[^a-z'])(?:not|no|never|without|hardly|cannot|nothing|[a-z]+n't)\s+(?:(?:a|an|the|any|really|very|so|that|too|at all|want|wanted|going|trying|planning|intend|to|be|been|being|have|had|make|making|file|filing|real|single|of|about)\s+)*$/u;
/** Negation does not reach across a clause. */
const CLAUSE_BREAK = /[,.;:!?，。；：！？\n]/gu;
const NEGATION_WINDOW = 48;

export class LexiconMatcher {
  private readonly compiled: readonly { readonly entry: LexiconEntry; readonly regex: RegExp }[];

  constructor(entries: readonly LexiconEntry[]) {
    this.compiled = entries.map((entry) => ({
      entry,
      regex:
        entry.match === 'word'
          ? new RegExp(String.raw`(?<![a-z0-9])(?:${entry.pattern})(?![a-z0-9])`, 'gu')
          : new RegExp(escapeRegExp(normalizeForMatching(entry.pattern)), 'gu'),
    }));
  }

  /** Hits in text order; `negated` says whether a negator governs the phrase. */
  find(rawText: string): LexiconHit[] {
    const text = normalizeForMatching(rawText);
    const candidates: { start: number; end: number; neutral: boolean }[] = [];
    for (const { entry, regex } of this.compiled) {
      regex.lastIndex = 0;
      for (const match of text.matchAll(regex)) {
        if (match[0].length === 0) continue;
        candidates.push({
          start: match.index,
          end: match.index + match[0].length,
          neutral: entry.neutral === true,
        });
      }
    }
    candidates.sort(
      (a, b) =>
        b.end - b.start - (a.end - a.start) || a.start - b.start || Number(b.neutral) - Number(a.neutral),
    );
    const chosen: { start: number; end: number; neutral: boolean }[] = [];
    for (const candidate of candidates) {
      if (chosen.every((taken) => candidate.end <= taken.start || candidate.start >= taken.end))
        chosen.push(candidate);
    }
    return chosen
      .filter((hit) => !hit.neutral)
      .sort((a, b) => a.start - b.start)
      .map((hit) => ({
        text: text.slice(hit.start, hit.end),
        start: hit.start,
        negated: isNegated(text, hit.start),
      }));
  }
}

export function normalizeForMatching(text: string): string {
  return normalizeText(text).replace(/[\u2018\u2019\u02bc]/gu, "'");
}

function isNegated(text: string, start: number): boolean {
  const window = text.slice(Math.max(0, start - NEGATION_WINDOW), start);
  let clauseStart = 0;
  for (const match of window.matchAll(CLAUSE_BREAK)) clauseStart = match.index + 1;
  const clause = window.slice(clauseStart);
  return ZH_NEGATION.test(clause) || EN_NEGATION.test(clause);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/gu, '\\$&');
}

import type { Lexicon, LexiconHedge, LexiconTerm, TextSignal } from './lexicon';

export interface TermMatch {
  readonly term: LexiconTerm;
  /** The span as written in the original text. */
  readonly evidence: string;
  readonly start: number;
  readonly end: number;
  /** A negator closely precedes it in the same clause ("没有被盗", "not urgent"). */
  readonly negated: boolean;
  /** An intensifier closely precedes it ("非常失望", "very angry"). */
  readonly intensified: boolean;
}

export interface HedgeMatch {
  readonly hedge: LexiconHedge;
  readonly evidence: string;
  readonly start: number;
  readonly end: number;
}

export interface LexiconMatches {
  readonly terms: TermMatch[];
  readonly hedges: HedgeMatch[];
  readonly suppressed: ReadonlySet<TextSignal>;
}

const CLAUSE_BREAK = /[,.;!?，。；！？\n…]/;
// Chinese negators bind to what follows within a couple of characters ("没有被盗", "不太着急").
const HAN_WINDOW = 4;
const LATIN_WINDOW = 24;
// Words that start with a negator but do not negate what follows ("不断闪退" keeps crashing).
const PSEUDO_NEGATION = /不断|不停|不小心|不知道|不知|不得不|不少|不仅|不管|没想到|not only|no longer|no one|nobody/g;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function isAsciiWordy(term: string): boolean {
  return /^[\x20-\x7e]+$/.test(term);
}

/** Alternation of the terms, longest first so "不着急" wins over "着急"; Latin terms only at word boundaries. */
function alternation(terms: readonly string[]): string {
  return [...new Set(terms)]
    .sort((a, b) => b.length - a.length || (a < b ? -1 : 1))
    .map((t) => (isAsciiWordy(t) ? `(?<![a-z0-9])${escapeRegExp(t)}(?![a-z0-9])` : escapeRegExp(t)))
    .join('|');
}

/** Lower-cases ASCII and folds full-width forms without changing the string's length, so offsets stay valid. */
export function foldForMatching(text: string): string {
  return text.replace(/[A-Z\uff01-\uff5e\u2019]/g, (c) => {
    const code = c.charCodeAt(0);
    if (code === 0x2019) return "'";
    const ascii = code >= 0xff01 ? code - 0xfee0 : code;
    return String.fromCharCode(ascii >= 0x41 && ascii <= 0x5a ? ascii + 32 : ascii);
  });
}

interface Candidate {
  readonly key: string;
  /** Latin-script entries match whole words only ("sue" not in "issue"). */
  readonly wholeWord: boolean;
}

const NO_CANDIDATES: readonly Candidate[] = [];

/** The entries that start with one character. */
interface FirstCharEntries {
  /** Entries of two or more characters by their second character, longest first. */
  readonly bySecondChar: Map<number, Candidate[]>;
  /** The entry that is this character alone: the shortest, so tried last. */
  single?: Candidate;
}

function isAsciiWordChar(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39);
}

/**
 * A lexicon compiled once into a first- and second-character index of its entries, longest first: one pass
 * over the text finds every term and hedge, leftmost-longest, checking only the few entries that start with
 * the two characters at hand. Look-behind checks for negation and intensity run on the clause before each hit.
 */
export class CompiledLexicon {
  /** Indexed by UTF-16 code unit: a flat array lookup per character of the text. */
  private readonly byFirstChar: (FirstCharEntries | undefined)[] = new Array<FirstCharEntries | undefined>(0x10000).fill(undefined);
  private readonly terms = new Map<string, LexiconTerm>();
  private readonly hedges = new Map<string, LexiconHedge>();
  private readonly hanNegation: RegExp | undefined;
  private readonly latinNegation: RegExp | undefined;
  private readonly hanIntensifier: RegExp | undefined;
  private readonly latinIntensifier: RegExp | undefined;

  constructor(readonly lexicon: Lexicon) {
    for (const term of lexicon.terms) this.terms.set(foldForMatching(term.term), term);
    for (const hedge of lexicon.hedges) this.hedges.set(foldForMatching(hedge.term), hedge);
    const keys = [...new Set([...this.terms.keys(), ...this.hedges.keys()])].filter((k) => k.length > 0);
    keys.sort((a, b) => b.length - a.length || (a < b ? -1 : 1));
    for (const key of keys) {
      const first = key.charCodeAt(0);
      const entries = this.byFirstChar[first] ?? { bySecondChar: new Map<number, Candidate[]>() };
      this.byFirstChar[first] = entries;
      const candidate = { key, wholeWord: isAsciiWordy(key) };
      if (key.length === 1) {
        entries.single = candidate;
        continue;
      }
      const second = key.charCodeAt(1);
      const list = entries.bySecondChar.get(second) ?? [];
      list.push(candidate);
      entries.bySecondChar.set(second, list);
    }
    const [hanNeg, latinNeg] = splitByScript(lexicon.negators.map(foldForMatching));
    const [hanInt, latinInt] = splitByScript(lexicon.intensifiers.map(foldForMatching));
    // A Chinese negator may sit one or two characters before the term ("不太急", "没有被盗").
    this.hanNegation = hanNeg.length ? new RegExp(`(?:${alternation(hanNeg)})[\\p{Script=Han}]{0,2}$`, 'u') : undefined;
    this.latinNegation = latinNeg.length ? new RegExp(`(?:${alternation(latinNeg)})(?:\\s+[a-z']+){0,2}\\s+$`) : undefined;
    this.hanIntensifier = hanInt.length ? new RegExp(`(?:${alternation(hanInt)})[\\p{Script=Han}]?$`, 'u') : undefined;
    this.latinIntensifier = latinInt.length ? new RegExp(`(?:${alternation(latinInt)})\\s+(?:[a-z']+\\s+)?$`) : undefined;
  }

  match(text: string): LexiconMatches {
    const folded = foldForMatching(text);
    const terms: TermMatch[] = [];
    const hedges: HedgeMatch[] = [];
    const suppressed = new Set<TextSignal>();
    let start = 0;
    while (start < folded.length) {
      const key = this.longestAt(folded, start);
      if (key === undefined) {
        start++;
        continue;
      }
      const end = start + key.length;
      const at = start;
      start = end;
      const hedge = this.hedges.get(key);
      if (hedge) {
        hedges.push({ hedge, evidence: text.slice(at, end), start: at, end });
        for (const s of hedge.suppresses) suppressed.add(s);
        continue;
      }
      const term = this.terms.get(key);
      if (!term) continue;
      const before = clauseBefore(folded, at).replace(PSEUDO_NEGATION, (w) => '_'.repeat(w.length));
      terms.push({
        term,
        evidence: text.slice(at, end),
        start: at,
        end,
        negated: this.test(before, this.hanNegation, this.latinNegation),
        intensified: this.test(before, this.hanIntensifier, this.latinIntensifier),
      });
    }
    return { terms, hedges, suppressed };
  }

  private longestAt(text: string, at: number): string | undefined {
    const code = text.charCodeAt(at);
    // Inside a Latin word no whole-word entry can start: skip without looking at candidates.
    if (isAsciiWordChar(code) && isAsciiWordChar(text.charCodeAt(at - 1))) return undefined;
    const entries = this.byFirstChar[code];
    if (!entries) return undefined;
    for (const c of entries.bySecondChar.get(text.charCodeAt(at + 1)) ?? NO_CANDIDATES) {
      if (!text.startsWith(c.key, at)) continue;
      if (c.wholeWord && (isAsciiWordChar(text.charCodeAt(at - 1)) || isAsciiWordChar(text.charCodeAt(at + c.key.length)))) continue;
      return c.key;
    }
    const single = entries.single;
    if (!single || (single.wholeWord && (isAsciiWordChar(text.charCodeAt(at - 1)) || isAsciiWordChar(text.charCodeAt(at + 1))))) return undefined;
    return single.key;
  }

  private test(before: string, han: RegExp | undefined, latin: RegExp | undefined): boolean {
    if (han && han.test(before.slice(-HAN_WINDOW))) return true;
    return latin !== undefined && latin.test(` ${before.slice(-LATIN_WINDOW)}`);
  }
}

function splitByScript(words: readonly string[]): [string[], string[]] {
  const han: string[] = [];
  const latin: string[] = [];
  for (const w of words) (isAsciiWordy(w) ? latin : han).push(w);
  return [han, latin];
}

/** The text between the previous clause break and `start`: negation does not cross a comma or full stop. */
function clauseBefore(text: string, start: number): string {
  const from = Math.max(0, start - LATIN_WINDOW);
  let i = start - 1;
  while (i >= from && !CLAUSE_BREAK.test(text[i] ?? '')) i--;
  return text.slice(i + 1, start);
}

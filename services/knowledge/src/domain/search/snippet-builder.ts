const RUN = /\p{Script=Han}+|(?:(?!\p{Script=Han})[\p{L}\p{N}])+/gu;
const HAN_START = /^\p{Script=Han}/u;

export interface HighlightTerms {
  /** Han strings to mark wherever they occur. */
  hanSurfaces: readonly string[];
  /** Stems of non-Han query words; a body word is marked when its stem is one of them. */
  latinStems: ReadonlySet<string>;
  stem: (word: string) => string;
}

/**
 * Picks the `windowChars` window of `text` holding the most matched characters and wraps matched runs
 * in `<em>`. The text is HTML-escaped because snippets are rendered as markup.
 */
export function buildSnippet(text: string, terms: HighlightTerms, windowChars = 120): string {
  if (text.length === 0) return '';
  const marks = markMatches(text, terms);
  const { start, end } = chooseWindow(text, marks, windowChars);
  let out = start > 0 ? '…' : '';
  let open = false;
  for (let i = start; i < end; i++) {
    if (marks[i] && !open) {
      out += '<em>';
      open = true;
    } else if (!marks[i] && open) {
      out += '</em>';
      open = false;
    }
    out += escapeChar(text[i]);
  }
  if (open) out += '</em>';
  if (end < text.length) out += '…';
  return out.replace(/\s+/g, ' ').trim();
}

/** 1 for each UTF-16 unit of `text` covered by a query term. Matching runs on a per-character normalised copy. */
function markMatches(text: string, terms: HighlightTerms): Uint8Array {
  let normalized = '';
  const origin: number[] = []; // normalised unit → original unit index
  const originEnd: number[] = [];
  for (let i = 0; i < text.length;) {
    const cp = text.codePointAt(i) ?? 0;
    const width = cp > 0xffff ? 2 : 1;
    const folded = String.fromCodePoint(cp).normalize('NFKC').toLowerCase();
    for (let k = 0; k < folded.length; k++) {
      origin.push(i);
      originEnd.push(i + width);
    }
    normalized += folded;
    i += width;
  }
  const marks = new Uint8Array(text.length);
  const mark = (from: number, to: number): void => {
    if (to <= from) return;
    marks.fill(1, origin[from], originEnd[to - 1]);
  };
  for (const surface of terms.hanSurfaces) {
    if (!surface) continue;
    for (let at = normalized.indexOf(surface); at >= 0; at = normalized.indexOf(surface, at + 1))
      mark(at, at + surface.length);
  }
  if (terms.latinStems.size > 0) {
    for (const m of normalized.matchAll(RUN)) {
      if (HAN_START.test(m[0])) continue;
      if (terms.latinStems.has(terms.stem(m[0]))) mark(m.index, m.index + m[0].length);
    }
  }
  return marks;
}

function chooseWindow(text: string, marks: Uint8Array, windowChars: number): { start: number; end: number } {
  const length = text.length;
  if (length <= windowChars) return { start: 0, end: length };
  let best = 0;
  let bestStart = 0;
  let count = 0;
  for (let i = 0; i < length; i++) {
    count += marks[i];
    if (i >= windowChars) count -= marks[i - windowChars];
    const start = i - windowChars + 1;
    if (start >= 0 && count > best) {
      best = count;
      bestStart = start;
    }
  }
  if (best === 0) return { start: 0, end: windowChars };
  // Lead in with some context before the first match rather than starting on it.
  let first = bestStart;
  while (first < length && !marks[first]) first++;
  let start = Math.max(0, Math.min(bestStart, first - 20));
  if (start > 0 && isLowSurrogate(text, start)) start--;
  let end = Math.min(length, start + windowChars);
  if (end < length && isLowSurrogate(text, end)) end++;
  return { start, end };
}

/** Windows are cut on UTF-16 units; never split a surrogate pair (emoji, rare Han). */
function isLowSurrogate(text: string, index: number): boolean {
  const unit = text.charCodeAt(index);
  return unit >= 0xdc00 && unit <= 0xdfff;
}

function escapeChar(c: string): string {
  switch (c) {
    case '&':
      return '&amp;';
    case '<':
      return '&lt;';
    case '>':
      return '&gt;';
    case '"':
      return '&quot;';
    default:
      return c;
  }
}

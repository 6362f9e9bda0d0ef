/**
 * A light English suffix stripper (plural, -ed, -ing, -ly, -ment…), close to the first steps of Porter's
 * algorithm. It conflates inflections ("crashed", "crashes", "crashing" → "crash") which is what a
 * bag-of-words model needs; it does not aim for linguistic stems.
 */
export function stemEnglish(word: string): string {
  const n = word.length;
  if (n <= 3) return word;
  let w = word;
  if (w.endsWith('ies') && n > 4) w = w.slice(0, -3) + 'y';
  else if (/(?:ss|sh|ch|x|z)es$/.test(w)) w = w.slice(0, -2);
  else if (w.endsWith('s') && !w.endsWith('ss') && !w.endsWith('us') && !w.endsWith('is')) w = w.slice(0, -1);

  if (w.length > 5 && w.endsWith('ing')) w = undouble(w.slice(0, -3));
  else if (w.length > 4 && w.endsWith('ed') && !w.endsWith('eed')) w = undouble(w.slice(0, -2));

  if (w.length > 5 && w.endsWith('ly')) w = w.slice(0, -2);
  else if (w.length > 7 && w.endsWith('ment')) w = w.slice(0, -4);
  else if (w.length > 7 && w.endsWith('ation')) w = w.slice(0, -5);
  return w;
}

function undouble(w: string): string {
  const n = w.length;
  if (n >= 3 && w[n - 1] === w[n - 2] && !'lsz'.includes(w[n - 1] ?? '')) return w.slice(0, -1);
  return w;
}

/** What stemEnglish's `(?:ss|sh|ch|x|z)es$` matches. */
const SIBILANT_PLURALS = ['sses', 'shes', 'ches', 'xes', 'zes'];

/**
 * `stemEnglish(text.slice(start, end))` without building strings: the stem is always a prefix of the word,
 * plus a "y" when "-ies" became "-y". Returns the prefix length × 2, + 1 when the "y" follows.
 */
export function stemSpan(text: string, start: number, end: number): number {
  const n = end - start;
  if (n <= 3) return n * 2;
  if (n > 4 && endsWith(text, start, end, 'ies')) {
    // The word now ends in "y": of the later rules only "-ly" can apply, taking that "y" with it.
    const kept = n - 3;
    return kept + 1 > 5 && text.charCodeAt(start + kept - 1) === 0x6c ? (kept - 1) * 2 : kept * 2 + 1;
  }
  let e = end;
  if (text.charCodeAt(end - 1) === 0x73) {
    if (SIBILANT_PLURALS.some((suffix) => endsWith(text, start, end, suffix))) e = end - 2;
    else if (
      !endsWith(text, start, end, 'ss') &&
      !endsWith(text, start, end, 'us') &&
      !endsWith(text, start, end, 'is')
    ) {
      e = end - 1;
    }
  }
  if (e - start > 5 && endsWith(text, start, e, 'ing')) e = undoubledEnd(text, start, e - 3);
  else if (e - start > 4 && endsWith(text, start, e, 'ed') && !endsWith(text, start, e, 'eed')) {
    e = undoubledEnd(text, start, e - 2);
  }
  const w = e - start;
  if (w > 5 && endsWith(text, start, e, 'ly')) e -= 2;
  else if (w > 7 && endsWith(text, start, e, 'ment')) e -= 4;
  else if (w > 7 && endsWith(text, start, e, 'ation')) e -= 5;
  return (e - start) * 2;
}

/** Whether text[start, end) ends with `suffix`. */
function endsWith(text: string, start: number, end: number, suffix: string): boolean {
  const from = end - suffix.length;
  if (from < start) return false;
  for (let i = 0; i < suffix.length; i++)
    if (text.charCodeAt(from + i) !== suffix.charCodeAt(i)) return false;
  return true;
}

function undoubledEnd(text: string, start: number, end: number): number {
  const last = text.charCodeAt(end - 1);
  // Not after l, s or z: "install", "access", "buzz" keep their double letter.
  if (
    end - start >= 3 &&
    last === text.charCodeAt(end - 2) &&
    last !== 0x6c &&
    last !== 0x73 &&
    last !== 0x7a
  ) {
    return end - 1;
  }
  return end;
}

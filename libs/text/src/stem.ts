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
  const at = (i: number): number => text.charCodeAt(start + i);
  const endsWith = (length: number, suffix: string): boolean => {
    if (length < suffix.length) return false;
    const from = length - suffix.length;
    for (let i = 0; i < suffix.length; i++) if (at(from + i) !== suffix.charCodeAt(i)) return false;
    return true;
  };
  if (endsWith(n, 'ies') && n > 4) {
    // The word now ends in "y": of the later rules only "-ly" can apply, taking that "y" with it.
    const kept = n - 3;
    return kept + 1 > 5 && at(kept - 1) === 0x6c ? (kept - 1) * 2 : kept * 2 + 1;
  }
  let w = n;
  if (SIBILANT_PLURALS.some((suffix) => endsWith(n, suffix))) w = n - 2;
  else if (endsWith(n, 's') && !endsWith(n, 'ss') && !endsWith(n, 'us') && !endsWith(n, 'is')) w = n - 1;

  if (w > 5 && endsWith(w, 'ing')) w = undoubledLength(at, w - 3);
  else if (w > 4 && endsWith(w, 'ed') && !endsWith(w, 'eed')) w = undoubledLength(at, w - 2);

  if (w > 5 && endsWith(w, 'ly')) w -= 2;
  else if (w > 7 && endsWith(w, 'ment')) w -= 4;
  else if (w > 7 && endsWith(w, 'ation')) w -= 5;
  return w * 2;
}

function undoubledLength(at: (i: number) => number, n: number): number {
  const last = at(n - 1);
  // Not after l, s or z: "install", "access", "buzz" keep their double letter.
  if (n >= 3 && last === at(n - 2) && last !== 0x6c && last !== 0x73 && last !== 0x7a) return n - 1;
  return n;
}

import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict';
import { normalizeText } from './normalize';

let jieba: Jieba | undefined;
function segmenter(): Jieba {
  jieba ??= Jieba.withDict(dict);
  return jieba;
}

const WORD = /[\p{Script=Han}]+|[\p{L}\p{N}]+(?:['’][\p{L}]+)?/gu;
const HAN_RUN = /^\p{Script=Han}+$/u;

/** Segments Chinese runs with jieba and splits everything else on Unicode word boundaries. */
export function tokenize(text: string): string[] {
  const out: string[] = [];
  for (const match of normalizeText(text).matchAll(WORD)) {
    const run = match[0];
    if (HAN_RUN.test(run)) {
      for (const w of segmenter().cut(run, false)) if (w.trim()) out.push(w);
    } else {
      out.push(run);
    }
  }
  return out;
}

/** Overlapping character n-grams of the normalised text with whitespace and punctuation removed. */
export function charNgrams(text: string, n: number): string[] {
  const chars = Array.from(normalizeText(text).replace(/[^\p{L}\p{N}]+/gu, ''));
  if (chars.length < n) return chars.length > 0 ? [chars.join('')] : [];
  const grams: string[] = [];
  for (let i = 0; i + n <= chars.length; i++) grams.push(chars.slice(i, i + n).join(''));
  return grams;
}

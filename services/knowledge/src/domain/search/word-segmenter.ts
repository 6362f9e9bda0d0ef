import { tokenize } from '@helpdesk/text';

/** Splits a run of Han characters into words. */
export interface WordSegmenter {
  readonly name: string;
  segment(hanRun: string): string[];
}

/** jieba (via `@helpdesk/text`), the dictionary-based segmenter the rest of the platform uses. */
export const jiebaSegmenter: WordSegmenter = {
  name: 'jieba',
  segment: (hanRun) => tokenize(hanRun),
};

/** ICU's dictionary segmenter built into the runtime (`Intl.Segmenter`). */
export function createIntlSegmenter(locale = 'zh'): WordSegmenter {
  const segmenter = new Intl.Segmenter(locale, { granularity: 'word' });
  return {
    name: 'intl',
    segment: (hanRun) => {
      const words: string[] = [];
      for (const s of segmenter.segment(hanRun)) if (s.isWordLike) words.push(s.segment);
      return words;
    },
  };
}

export type DetectedLanguage = 'zh' | 'en' | 'other';

const HAN = /\p{Script=Han}/gu;
const LATIN = /\p{Script=Latin}/gu;
const LETTER = /\p{L}/gu;

/** Language of a customer's text by script share; short mixed text leans to Chinese when Han dominates. */
export function detectLanguage(text: string): DetectedLanguage {
  const letters = text.match(LETTER)?.length ?? 0;
  if (letters === 0) return 'other';
  const han = text.match(HAN)?.length ?? 0;
  const latin = text.match(LATIN)?.length ?? 0;
  // A Han character carries roughly a word, so weight it against Latin letters.
  if (han > 0 && han * 4 >= latin) return 'zh';
  if (latin / letters < 0.6) return 'other';
  // Latin script alone does not make English (German, French…): require English function words,
  // except for very short texts where there are none to find.
  const englishWords = /\b(the|and|is|are|to|my|i|you|not|can|please|of|a|it|for|with|on|was|have|this|how|why|what)\b/i;
  return englishWords.test(text) || letters < 12 ? 'en' : 'other';
}

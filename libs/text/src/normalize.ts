let lastInput: string | undefined;
let lastOutput = '';

/**
 * NFKC folds full-width letters/digits/punctuation common in Chinese input to their ASCII forms.
 * One ticket's text is normalised by every model and explanation in turn: the last result is kept.
 */
export function normalizeText(text: string): string {
  if (text === lastInput) return lastOutput;
  lastOutput = text.normalize('NFKC').toLowerCase().replace(/\s+/gu, ' ').trim();
  lastInput = text;
  return lastOutput;
}

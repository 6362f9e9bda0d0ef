/** NFKC folds full-width letters/digits/punctuation common in Chinese input to their ASCII forms. */
export function normalizeText(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/\s+/gu, ' ').trim();
}

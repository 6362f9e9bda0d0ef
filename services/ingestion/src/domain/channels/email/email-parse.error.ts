export type EmailParseErrorCode = 'empty' | 'too-large' | 'not-mime' | 'missing-from' | 'unparseable';

/** Raised for input that is not a usable RFC 822 message; the caller answers 400 (413 for `too-large`). */
export class EmailParseError extends Error {
  override readonly name = 'EmailParseError';

  constructor(
    readonly code: EmailParseErrorCode,
    readonly reason: string,
  ) {
    super(`${code}: ${reason}`);
  }
}

export type WeChatProtocolErrorCode =
  | 'bad-signature'
  | 'malformed-xml'
  | 'forbidden-dtd'
  | 'too-large'
  | 'missing-field'
  | 'invalid-aes-key'
  | 'decrypt-failed'
  | 'app-id-mismatch';

/**
 * Raised for a push that cannot be trusted or read. `bad-signature` means the request did not come
 * from WeChat (the caller answers 401); every other code is malformed input (400), except
 * `invalid-aes-key`, which is a channel-account configuration problem.
 */
export class WeChatProtocolError extends Error {
  override readonly name = 'WeChatProtocolError';

  constructor(
    readonly code: WeChatProtocolErrorCode,
    readonly reason: string,
    /** The XML element concerned, for `missing-field`. */
    readonly field?: string,
  ) {
    super(`${code}: ${reason}`);
  }
}

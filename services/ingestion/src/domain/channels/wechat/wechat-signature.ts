import { createHash, timingSafeEqual } from 'node:crypto';

/** SHA1 hex of the parts sorted as strings and concatenated: WeChat's signature for URL checks and pushes. */
export function computeWeChatSignature(...parts: string[]): string {
  return createHash('sha1')
    .update([...parts].sort().join(''), 'utf8')
    .digest('hex');
}

/** Compares hex digests without leaking where they differ; false for anything that is not a string. */
export function constantTimeEqualHex(expected: string, actual: unknown): boolean {
  if (typeof actual !== 'string') return false;
  const a = Buffer.from(expected.toLowerCase(), 'utf8');
  const b = Buffer.from(actual.trim().toLowerCase(), 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The `signature` query of a URL verification or plaintext push: SHA1(sort(token, timestamp, nonce)). */
export function verifyWeChatSignature(
  token: string,
  timestamp: unknown,
  nonce: unknown,
  signature: unknown,
): boolean {
  if (typeof timestamp !== 'string' || typeof nonce !== 'string' || token === '') return false;
  return constantTimeEqualHex(computeWeChatSignature(token, timestamp, nonce), signature);
}

/** Safe mode's `msg_signature`: SHA1(sort(token, timestamp, nonce, encrypt)). */
export function computeWeChatMsgSignature(
  token: string,
  timestamp: string,
  nonce: string,
  encrypt: string,
): string {
  return computeWeChatSignature(token, timestamp, nonce, encrypt);
}

export function verifyWeChatMsgSignature(
  token: string,
  timestamp: unknown,
  nonce: unknown,
  encrypt: string,
  msgSignature: unknown,
): boolean {
  if (typeof timestamp !== 'string' || typeof nonce !== 'string' || token === '') return false;
  return constantTimeEqualHex(computeWeChatMsgSignature(token, timestamp, nonce, encrypt), msgSignature);
}

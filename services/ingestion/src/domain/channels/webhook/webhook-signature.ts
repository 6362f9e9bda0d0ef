import { createHmac, timingSafeEqual } from 'node:crypto';

/** Header carrying the signature of a webhook body. */
export const WEBHOOK_SIGNATURE_HEADER = 'X-Signature';

/** `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`; the timestamp lets receivers refuse replays. */
export function signWebhookBody(secret: string, body: string, unixSeconds: number): string {
  const t = Math.floor(unixSeconds);
  const v1 = createHmac('sha256', secret).update(`${t}.${body}`, 'utf8').digest('hex');
  return `t=${t},v1=${v1}`;
}

export type WebhookSignatureCheck =
  { valid: true; timestamp: number } | { valid: false; reason: 'malformed' | 'mismatch' | 'expired' };

/**
 * What a partner runs on receipt (and what our tests run): parses the header, recomputes the
 * HMAC over the exact body bytes received, compares in constant time, checks the age.
 */
export function verifyWebhookSignature(
  secret: string,
  body: string,
  header: unknown,
  nowUnixSeconds: number,
  toleranceSec = 300,
): WebhookSignatureCheck {
  if (typeof header !== 'string') return { valid: false, reason: 'malformed' };
  const fields = new Map<string, string[]>();
  for (const part of header.split(',')) {
    const [key, ...rest] = part.trim().split('=');
    if (!key || rest.length === 0) continue;
    fields.set(key, [...(fields.get(key) ?? []), rest.join('=')]);
  }
  const t = fields.get('t')?.[0];
  const signatures = fields.get('v1') ?? [];
  if (!t || !/^\d{1,12}$/.test(t) || signatures.length === 0) return { valid: false, reason: 'malformed' };
  const expected = Buffer.from(signWebhookBody(secret, body, Number(t)).split('v1=')[1], 'utf8');
  const matches = signatures.some((candidate) => {
    const actual = Buffer.from(candidate, 'utf8');
    return actual.length === expected.length && timingSafeEqual(actual, expected);
  });
  if (!matches) return { valid: false, reason: 'mismatch' };
  if (Math.abs(nowUnixSeconds - Number(t)) > toleranceSec) return { valid: false, reason: 'expired' };
  return { valid: true, timestamp: Number(t) };
}

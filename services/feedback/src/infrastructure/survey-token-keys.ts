import type { SurveyTokenKey } from '../domain';

/**
 * SURVEY_TOKEN_KEYS is `keyId:secret[,keyId:secret…]`: the first key signs new tokens, every
 * key listed still verifies, so a secret is rotated by putting the new key first and dropping
 * the old one once its tokens have expired. Secrets are UTF-8, at least 32 bytes, without commas.
 */
export const DEV_SURVEY_TOKEN_KEYS = 'dev:feedback-local-development-survey-token-secret';

const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/u;
const MIN_SECRET_BYTES = 32;

export type SurveyTokenKeysParse =
  | { readonly ok: true; readonly keys: readonly SurveyTokenKey[] }
  | { readonly ok: false; readonly problem: string };

export function parseSurveyTokenKeys(spec: unknown): SurveyTokenKeysParse {
  if (typeof spec !== 'string' || spec.trim().length === 0) return { ok: false, problem: 'no keys given' };
  const keys: SurveyTokenKey[] = [];
  for (const [index, item] of spec.split(',').entries()) {
    const separator = item.indexOf(':');
    const id = separator < 0 ? '' : item.slice(0, separator).trim();
    const secret = separator < 0 ? '' : item.slice(separator + 1);
    if (!KEY_ID.test(id))
      return {
        ok: false,
        problem: `key ${index + 1}: id must be 1-32 characters of [A-Za-z0-9_-] before ':'`,
      };
    if (Buffer.byteLength(secret, 'utf8') < MIN_SECRET_BYTES)
      return { ok: false, problem: `key ${id}: secret must be at least ${MIN_SECRET_BYTES} bytes` };
    if (keys.some((key) => key.id === id)) return { ok: false, problem: `key ${id} is listed twice` };
    keys.push({ id, secret });
  }
  return { ok: true, keys };
}

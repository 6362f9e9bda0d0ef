import { createHmac, timingSafeEqual } from 'node:crypto';
import { FeedbackErrorCode, FeedbackException } from '../feedback.exception';

/**
 * Survey link tokens: `v1.<keyId>.<payload>.<signature>`, every part URL-safe.
 * payload = base64url(JSON {sid, tid, tkt, exp}), exp in Unix seconds;
 * signature = base64url(HMAC-SHA256(secret, "v1.<keyId>.<payload>")).
 * The key id travels in the token so secrets can be rotated: issue with the newest key,
 * verify against every key still accepted.
 */
export const SURVEY_TOKEN_VERSION = 'v1';

/** Tokens longer than this are rejected before any decoding work (they never come from us). */
const MAX_TOKEN_LENGTH = 1024;
const MAX_ID_LENGTH = 128;
const MIN_SECRET_BYTES = 32;
const KEY_ID_PATTERN = /^[A-Za-z0-9_-]{1,32}$/u;
const BASE64URL_PATTERN = /^[A-Za-z0-9_-]+$/u;
const SIGNATURE_BYTES = 32;

export interface SurveyTokenPayload {
  readonly surveyId: string;
  readonly tenantId: string;
  readonly ticketId: string;
  /** Second precision: sub-second parts are dropped when the token is issued. */
  readonly expiresAt: Date;
}

export interface SurveyTokenKey {
  /** 1–32 characters of [A-Za-z0-9_-]. */
  readonly id: string;
  /** At least 32 bytes (UTF-8 when a string). */
  readonly secret: string | Uint8Array;
}

export type SurveyTokenFailure = 'malformed' | 'forged' | 'expired';

export class SurveyTokenError extends FeedbackException {
  constructor(
    readonly reason: SurveyTokenFailure,
    message: string,
  ) {
    super(FAILURE_CODES[reason], message);
    this.name = 'SurveyTokenError';
  }
}

const FAILURE_CODES: Record<SurveyTokenFailure, FeedbackErrorCode> = {
  malformed: FeedbackErrorCode.SurveyTokenMalformed,
  forged: FeedbackErrorCode.SurveyTokenForged,
  expired: FeedbackErrorCode.SurveyTokenExpired,
};

export type SurveyTokenVerification =
  | { readonly ok: true; readonly payload: SurveyTokenPayload; readonly keyId: string }
  | { readonly ok: false; readonly error: SurveyTokenError };

/** Throws FeedbackException (key or payload invalid) — both are caller faults, never customer input. */
export function issueSurveyToken(payload: SurveyTokenPayload, key: SurveyTokenKey): string {
  const secret = secretBytes(key);
  const problems = payloadProblems(payload);
  if (problems.length > 0) {
    throw new FeedbackException(
      FeedbackErrorCode.SurveyTokenPayloadInvalid,
      'survey token payload is invalid',
      problems.map((field) => ({ field, message: `${field} is missing or invalid` })),
    );
  }
  const wire: WirePayload = {
    sid: payload.surveyId,
    tid: payload.tenantId,
    tkt: payload.ticketId,
    exp: Math.floor(payload.expiresAt.getTime() / 1000),
  };
  const signedPart = `${SURVEY_TOKEN_VERSION}.${key.id}.${Buffer.from(JSON.stringify(wire), 'utf8').toString('base64url')}`;
  return `${signedPart}.${sign(signedPart, secret).toString('base64url')}`;
}

/**
 * Never throws for any input. Checks run structure → key → signature → payload → expiry, so a
 * forger learns nothing about expiry or payload rules. `now` is injected for determinism.
 */
export function verifySurveyToken(
  token: unknown,
  keys: readonly SurveyTokenKey[],
  now: Date,
): SurveyTokenVerification {
  if (typeof token !== 'string' || token.length === 0 || token.length > MAX_TOKEN_LENGTH) {
    return failure('malformed', 'token is empty or too long');
  }
  const parts = token.split('.');
  if (parts.length !== 4) return failure('malformed', 'token does not have four parts');
  const [version, keyId, encodedPayload, encodedSignature] = parts as [string, string, string, string];
  if (version !== SURVEY_TOKEN_VERSION) return failure('malformed', 'unsupported token version');
  if (
    !KEY_ID_PATTERN.test(keyId) ||
    !BASE64URL_PATTERN.test(encodedPayload) ||
    !BASE64URL_PATTERN.test(encodedSignature)
  ) {
    return failure('malformed', 'token parts are not base64url');
  }
  const presented = Buffer.from(encodedSignature, 'base64url');
  // Canonical encoding only, so one signature has exactly one spelling.
  if (presented.length !== SIGNATURE_BYTES || presented.toString('base64url') !== encodedSignature) {
    return failure('malformed', 'signature has the wrong length or encoding');
  }

  const key = keys.find((candidate) => candidate.id === keyId);
  if (key === undefined) return failure('forged', 'unknown signing key');
  let secret: Buffer;
  try {
    secret = secretBytes(key);
  } catch {
    // A misconfigured verification key must not make a valid-looking token pass.
    return failure('forged', 'signing key unusable');
  }
  const expected = sign(`${version}.${keyId}.${encodedPayload}`, secret);
  if (!timingSafeEqual(expected, presented)) return failure('forged', 'signature mismatch');

  const payload = decodePayload(encodedPayload);
  if (payload === null) return failure('malformed', 'payload unreadable');
  if (now.getTime() >= payload.expiresAt.getTime()) return failure('expired', 'token expired');
  return { ok: true, payload, keyId };
}

interface WirePayload {
  readonly sid: string;
  readonly tid: string;
  readonly tkt: string;
  readonly exp: number;
}

function decodePayload(encoded: string): SurveyTokenPayload | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (typeof parsed !== 'object' || parsed === null) return null;
  const record = parsed as Record<string, unknown>;
  const { sid, tid, tkt, exp } = record;
  if (!isId(sid) || !isId(tid) || !isId(tkt)) return null;
  if (typeof exp !== 'number' || !Number.isSafeInteger(exp) || exp <= 0) return null;
  return { surveyId: sid, tenantId: tid, ticketId: tkt, expiresAt: new Date(exp * 1000) };
}

function payloadProblems(payload: SurveyTokenPayload): string[] {
  const problems: string[] = [];
  if (!isId(payload.surveyId)) problems.push('surveyId');
  if (!isId(payload.tenantId)) problems.push('tenantId');
  if (!isId(payload.ticketId)) problems.push('ticketId');
  if (
    !(payload.expiresAt instanceof Date) ||
    Number.isNaN(payload.expiresAt.getTime()) ||
    payload.expiresAt.getTime() < 1000
  ) {
    problems.push('expiresAt');
  }
  return problems;
}

function isId(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_ID_LENGTH;
}

function secretBytes(key: SurveyTokenKey): Buffer {
  if (!KEY_ID_PATTERN.test(key.id)) {
    throw new FeedbackException(
      FeedbackErrorCode.SurveyTokenKeyInvalid,
      'survey token key id must be 1-32 characters of [A-Za-z0-9_-]',
    );
  }
  const secret = typeof key.secret === 'string' ? Buffer.from(key.secret, 'utf8') : Buffer.from(key.secret);
  if (secret.length < MIN_SECRET_BYTES) {
    throw new FeedbackException(
      FeedbackErrorCode.SurveyTokenKeyInvalid,
      `survey token secret must be at least ${MIN_SECRET_BYTES} bytes`,
    );
  }
  return secret;
}

function sign(signedPart: string, secret: Buffer): Buffer {
  return createHmac('sha256', secret).update(signedPart, 'utf8').digest();
}

function failure(reason: SurveyTokenFailure, message: string): SurveyTokenVerification {
  return { ok: false, error: new SurveyTokenError(reason, message) };
}

import { createHmac } from 'node:crypto';
import { FeedbackErrorCode, FeedbackException } from '../feedback.exception';
import {
  issueSurveyToken,
  SurveyTokenKey,
  SurveyTokenPayload,
  verifySurveyToken,
} from './survey-token.codec';

const currentKey: SurveyTokenKey = { id: 'k2026b', secret: 'current-secret-current-secret-0123456789' };
const previousKey: SurveyTokenKey = { id: 'k2026a', secret: 'previous-secret-previous-secret-012345678' };
const payload: SurveyTokenPayload = {
  surveyId: 'srv-1',
  tenantId: 'demo',
  ticketId: 'tkt-42',
  expiresAt: new Date('2026-11-30T00:00:00.000Z'),
};
const beforeExpiry = new Date('2026-11-23T12:00:00Z');

function failureReason(
  token: unknown,
  keys: readonly SurveyTokenKey[] = [currentKey],
  now = beforeExpiry,
): string {
  const result = verifySurveyToken(token, keys, now);
  return result.ok ? 'ok' : result.error.reason;
}

describe('survey tokens', () => {
  it('round-trips the payload through a compact URL-safe token', () => {
    const token = issueSurveyToken(payload, currentKey);
    expect(token).toMatch(/^v1\.k2026b\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/u);
    expect(encodeURIComponent(token)).toBe(token);
    expect(token.length).toBeLessThan(160);
    const result = verifySurveyToken(token, [currentKey], beforeExpiry);
    expect(result).toEqual({ ok: true, payload, keyId: 'k2026b' });
  });

  it('keeps accepting tokens signed with a previous key during rotation', () => {
    const oldToken = issueSurveyToken(payload, previousKey);
    expect(failureReason(oldToken, [currentKey, previousKey])).toBe('ok');
    expect(failureReason(oldToken, [currentKey])).toBe('forged');
  });

  it('reports expiry only for a genuine token, at and after the expiry instant', () => {
    const token = issueSurveyToken(payload, currentKey);
    expect(failureReason(token, [currentKey], new Date('2026-11-29T23:59:59Z'))).toBe('ok');
    expect(failureReason(token, [currentKey], new Date('2026-11-30T00:00:00Z'))).toBe('expired');
    const result = verifySurveyToken(token, [currentKey], new Date('2026-12-01T00:00:00Z'));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe(FeedbackErrorCode.SurveyTokenExpired);
  });

  it('rejects a token whose payload was changed (e.g. another ticket or a later expiry) as forged', () => {
    const token = issueSurveyToken(payload, currentKey);
    const [version, keyId, , signature] = token.split('.');
    const tampered = Buffer.from(
      JSON.stringify({ sid: 'srv-1', tid: 'demo', tkt: 'tkt-43', exp: 1893456000 }),
    ).toString('base64url');
    expect(failureReason(`${version}.${keyId}.${tampered}.${signature}`)).toBe('forged');
  });

  it('rejects a token signed with an unknown secret or relabelled with another key id as forged', () => {
    const stranger = issueSurveyToken(payload, {
      id: 'k2026b',
      secret: 'someone-else-secret-someone-else-secret',
    });
    expect(failureReason(stranger)).toBe('forged');
    const relabelled = issueSurveyToken(payload, previousKey).replace('.k2026a.', '.k2026b.');
    expect(failureReason(relabelled, [currentKey, previousKey])).toBe('forged');
  });

  it('treats a correctly signed but unreadable payload as malformed, not valid', () => {
    const body = Buffer.from(JSON.stringify({ sid: 'srv-1', tid: 'demo' })).toString('base64url');
    const signedPart = `v1.${currentKey.id}.${body}`;
    const signature = createHmac('sha256', currentKey.secret).update(signedPart).digest('base64url');
    expect(failureReason(`${signedPart}.${signature}`)).toBe('malformed');
  });

  it.each([
    ['empty', ''],
    ['not a string', 42],
    ['three parts', 'v1.k2026b.abc'],
    ['unknown version', 'v9.k2026b.abc.' + 'A'.repeat(43)],
    ['bad characters', 'v1.k2026b.ab+c/.' + 'A'.repeat(43)],
    ['short signature', 'v1.k2026b.abc.AAAA'],
    ['oversized', 'v1.k2026b.' + 'a'.repeat(5000) + '.' + 'A'.repeat(43)],
  ])('rejects a %s token as malformed without throwing', (_label, token) => {
    expect(failureReason(token)).toBe('malformed');
  });

  it('rejects a non-canonical spelling of a valid signature', () => {
    const token = issueSurveyToken(payload, currentKey);
    const last = token.at(-1) ?? '';
    // The final base64url character of a 32-byte value carries 4 data bits and 2 padding bits.
    const sibling = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
      .split('')
      .find(
        (candidate) =>
          candidate !== last &&
          Buffer.from(token.slice(0, -1).split('.')[3] + candidate, 'base64url').equals(
            Buffer.from(token.split('.')[3] ?? '', 'base64url'),
          ),
      );
    expect(sibling).toBeDefined();
    expect(failureReason(token.slice(0, -1) + (sibling ?? ''))).toBe('malformed');
  });

  it('refuses to issue with a weak secret, a bad key id or an incomplete payload', () => {
    expect(() => issueSurveyToken(payload, { id: 'k1', secret: 'short' })).toThrow(FeedbackException);
    expect(() => issueSurveyToken(payload, { id: 'has.dot', secret: currentKey.secret })).toThrow(/key id/u);
    try {
      issueSurveyToken({ ...payload, ticketId: '', expiresAt: new Date('nope') }, currentKey);
      throw new Error('expected a failure');
    } catch (error: unknown) {
      expect(error).toBeInstanceOf(FeedbackException);
      expect((error as FeedbackException).errors.map((e) => e.field)).toEqual(['ticketId', 'expiresAt']);
    }
  });
});

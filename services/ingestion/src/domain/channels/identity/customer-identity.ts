import type { CountryCode } from 'libphonenumber-js';
import { normalizePhone, PhoneNumberError } from '../phone/phone-number';

export type IdentityType = 'email' | 'phone' | 'wechat' | 'external';
export const IDENTITY_TYPES: readonly IdentityType[] = ['email', 'phone', 'wechat', 'external'];

export type IdentityErrorCode =
  'unknown-type' | 'invalid-email' | 'invalid-phone' | 'invalid-wechat-id' | 'invalid-external-id';

export class IdentityError extends Error {
  override readonly name = 'IdentityError';

  constructor(
    readonly code: IdentityErrorCode,
    /** The identity type concerned, for naming the field in an error response. */
    readonly type: string,
    readonly reason: string,
  ) {
    super(`${code}: ${reason}`);
  }
}

// Deliberately permissive local part (RFC 5322 dot-atom characters), a dotted domain with a letter TLD.
const EMAIL =
  /^[a-z0-9!#$%&'*+/=?^_`{|}~.-]+@(?:[a-z0-9\u00a1-\uffff](?:[a-z0-9\u00a1-\uffff-]{0,61}[a-z0-9\u00a1-\uffff])?\.)+[a-z\u00a1-\uffff]{2,63}$/u;
// OpenIDs and UnionIDs are 28-character URL-safe base64 today; allow some room without accepting anything.
const WECHAT_ID = /^[A-Za-z0-9_-]{6,64}$/;
const CONTROL = /\p{Cc}/u;

export interface NormalizeIdentityOptions {
  defaultRegion?: CountryCode;
}

/**
 * The form an identifier is stored and looked up in: e-mail trimmed and lower-cased, phone in
 * E.164, WeChat OpenID/UnionID and partner external ids verbatim (they are case-sensitive).
 */
export function normalizeIdentity(
  type: IdentityType,
  value: string,
  options: NormalizeIdentityOptions = {},
): string {
  const raw = typeof value === 'string' ? value : '';
  switch (type) {
    case 'email': {
      const email = raw
        .trim()
        .replace(/^mailto:/i, '')
        .toLowerCase();
      if (
        email.length > 254 ||
        !EMAIL.test(email) ||
        email.includes('..') ||
        email.startsWith('.') ||
        email.split('@')[0].endsWith('.')
      ) {
        throw new IdentityError('invalid-email', type, 'not a valid e-mail address');
      }
      return email;
    }
    case 'phone':
      try {
        return normalizePhone(raw, options.defaultRegion ?? 'CN');
      } catch (error: unknown) {
        if (error instanceof PhoneNumberError)
          throw new IdentityError('invalid-phone', type, `not a valid phone number (${error.code})`);
        throw error;
      }
    case 'wechat': {
      const id = raw.trim();
      if (!WECHAT_ID.test(id))
        throw new IdentityError('invalid-wechat-id', type, 'not a WeChat OpenID or UnionID');
      return id;
    }
    case 'external': {
      const id = raw.trim();
      if (id === '' || id.length > 128 || CONTROL.test(id)) {
        throw new IdentityError(
          'invalid-external-id',
          type,
          'external id must be 1-128 printable characters',
        );
      }
      return id;
    }
    default:
      throw new IdentityError('unknown-type', String(type), 'unknown identity type');
  }
}

export function isIdentityType(value: unknown): value is IdentityType {
  return typeof value === 'string' && (IDENTITY_TYPES as readonly string[]).includes(value);
}

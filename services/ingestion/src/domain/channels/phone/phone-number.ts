import { parsePhoneNumberWithError, ParseError, type CountryCode } from 'libphonenumber-js/max';

export type PhoneNumberErrorCode =
  'empty' | 'not-a-number' | 'invalid-country' | 'too-short' | 'too-long' | 'invalid';

export class PhoneNumberError extends Error {
  override readonly name = 'PhoneNumberError';

  constructor(
    readonly code: PhoneNumberErrorCode,
    readonly value: string,
  ) {
    super(`${code}: ${JSON.stringify(value.slice(0, 64))} is not a valid phone number`);
  }
}

const MAX_INPUT = 64;
const LIBRARY_CODES: Record<string, PhoneNumberErrorCode> = {
  NOT_A_NUMBER: 'not-a-number',
  INVALID_COUNTRY: 'invalid-country',
  TOO_SHORT: 'too-short',
  TOO_LONG: 'too-long',
  INVALID_LENGTH: 'invalid',
};

/**
 * A phone number in E.164 (`+8613800138000`). National numbers are read in `defaultRegion`
 * (China unless told otherwise); `0086…`, `86…` with a full mobile number, full-width digits and
 * separators are understood. Numbers that cannot be dialled, such as short codes, are refused.
 */
export function normalizePhone(raw: string, defaultRegion: CountryCode = 'CN'): string {
  const value = typeof raw === 'string' ? raw.trim() : '';
  if (value === '') throw new PhoneNumberError('empty', String(raw));
  if (value.length > MAX_INPUT) throw new PhoneNumberError('too-long', value);
  const candidates = [value];
  // CTI systems often drop the "+": "8613800138000" is a Chinese mobile number with its country code.
  const digits = value.replace(/[\s\-().]/g, '');
  if (/^86\d{11}$/.test(digits)) candidates.push(`+${digits}`);

  let failure: PhoneNumberErrorCode = 'invalid';
  for (const candidate of candidates) {
    try {
      const parsed = parsePhoneNumberWithError(candidate, defaultRegion);
      if (parsed.isValid()) return parsed.number;
    } catch (error: unknown) {
      if (error instanceof ParseError) failure = LIBRARY_CODES[error.message] ?? 'invalid';
      else throw error;
    }
  }
  throw new PhoneNumberError(failure, value);
}

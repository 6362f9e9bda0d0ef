import type { IdentityType } from '@helpdesk/contracts';
import {
  IdentityError,
  normalizeIdentity as normalizeChannelIdentity,
} from './channels/identity/customer-identity';
import { IngestionErrorCode, IngestionException } from './ingestion.exception';

export interface CustomerIdentity {
  type: IdentityType;
  value: string;
}

/** The request field that carries each identity type, for naming it in a 400 answer. */
export const IDENTITY_FIELDS: Record<IdentityType, string> = {
  email: 'customer.email',
  phone: 'customer.phone',
  wechat: 'customer.wechatOpenId',
  external: 'customer.externalId',
};

/** Canonical form of an identifier, so the same person is found whichever channel they use. */
export function normalizeIdentity(
  type: IdentityType,
  raw: string,
  field: string = IDENTITY_FIELDS[type],
): CustomerIdentity {
  try {
    return { type, value: normalizeChannelIdentity(type, raw) };
  } catch (error: unknown) {
    if (error instanceof IdentityError) {
      throw new IngestionException(IngestionErrorCode.InvalidIdentifier, `${field}: ${error.reason}`, field);
    }
    throw error;
  }
}

export interface CustomerIdentifiers {
  externalId?: string;
  email?: string;
  phone?: string;
  wechatOpenId?: string;
}

/** All identities a message names, strongest first (a CRM id beats an e-mail address). */
export function identitiesOf(ids: CustomerIdentifiers): CustomerIdentity[] {
  const out: CustomerIdentity[] = [];
  if (ids.externalId) out.push(normalizeIdentity('external', ids.externalId));
  if (ids.wechatOpenId) out.push(normalizeIdentity('wechat', ids.wechatOpenId));
  if (ids.email) out.push(normalizeIdentity('email', ids.email));
  if (ids.phone) out.push(normalizeIdentity('phone', ids.phone));
  if (out.length === 0) {
    throw new IngestionException(
      IngestionErrorCode.MissingIdentifier,
      'customer needs at least one of externalId, email, phone, wechatOpenId',
      'customer',
    );
  }
  return out;
}

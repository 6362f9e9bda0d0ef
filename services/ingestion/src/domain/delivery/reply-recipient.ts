/** Where a reply goes, read from what the customer's last inbound message recorded about itself. */
export interface EmailRecipient {
  address: string;
  name: string | null;
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function addressOf(value: unknown): EmailRecipient | null {
  if (!isRecord(value) || typeof value.address !== 'string' || !/^[^\s@]+@[^\s@]+$/.test(value.address))
    return null;
  return {
    address: value.address,
    name: typeof value.name === 'string' && value.name !== '' ? value.name : null,
  };
}

/** Reply-To when the sender set one, else From: as mail clients answer. */
export function emailRecipientOf(metadata: Record<string, unknown>): EmailRecipient | null {
  const email = metadata.email;
  if (!isRecord(email)) return null;
  const replyTo = Array.isArray(email.replyTo)
    ? email.replyTo.map(addressOf).find((a) => a !== null)
    : undefined;
  return replyTo ?? addressOf(email.from);
}

export function weChatOpenIdOf(metadata: Record<string, unknown>): string | null {
  const wechat = metadata.wechat;
  return isRecord(wechat) && typeof wechat.openId === 'string' && wechat.openId !== '' ? wechat.openId : null;
}

export function channelAccountIdOf(metadata: Record<string, unknown>): string | null {
  return typeof metadata.channelAccountId === 'string' ? metadata.channelAccountId : null;
}

/** The short ticket reference put in e-mail subjects (`[#TK-7d1f3c2a]`): the ticket id's first 8 characters. */
export function ticketReferenceOf(ticketId: string | null): string | null {
  return ticketId && /^[0-9a-f]{8}/i.test(ticketId) ? ticketId.slice(0, 8).toLowerCase() : null;
}

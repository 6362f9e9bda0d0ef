import type { ParsedEmail } from '../channels/email/inbound-email.parser';

/** Ids this message names as its ancestors, nearest first: In-Reply-To, then References newest to oldest. */
export function threadAncestors(email: Pick<ParsedEmail, 'inReplyTo' | 'references'>): string[] {
  return [...new Set([...(email.inReplyTo ? [email.inReplyTo] : []), ...[...email.references].reverse()])];
}

/** What is stored with the message for later replies to thread under: References plus In-Reply-To, oldest first. */
export function storedReferences(email: Pick<ParsedEmail, 'inReplyTo' | 'references'>): string[] {
  return [
    ...email.references,
    ...(email.inReplyTo && !email.references.includes(email.inReplyTo) ? [email.inReplyTo] : []),
  ];
}

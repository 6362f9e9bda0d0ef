/**
 * Ticket references carried in e-mail subjects so that a reply threads even when a client drops
 * the In-Reply-To/References headers. Outgoing subjects use `[#TK-<ref>]`; incoming ones are also
 * recognised in the `[Ticket#<ref>]` form some help desks and users type by hand.
 */
const REFERENCE_BODY = '[A-Za-z0-9][A-Za-z0-9-]{2,63}';
const REFERENCE_VALUE = new RegExp(`^${REFERENCE_BODY}$`);
const REFERENCE_IN_SUBJECT = new RegExp(`\\[\\s*(?:#\\s*TK-|Ticket\\s*#\\s*)(${REFERENCE_BODY})\\s*\\]`, 'i');
const REFERENCE_IN_SUBJECT_GLOBAL = new RegExp(REFERENCE_IN_SUBJECT.source, 'gi');

// Reply and forward prefixes of common clients: English, Chinese (full- and half-width colon), German, Nordic.
const REPLY_PREFIX = /^\s*(?:re|fw|fwd|aw|sv|wg|回复|回覆|答复|转发|轉寄)\s*(?:\[\d+\])?\s*[:：]\s*/i;

export class InvalidTicketReferenceError extends Error {
  override readonly name = 'InvalidTicketReferenceError';
  readonly code = 'invalid-ticket-reference';

  constructor(readonly value: string) {
    super(`invalid ticket reference: ${JSON.stringify(value)}`);
  }
}

/** `formatTicketReference('1A2B3C')` → `[#TK-1A2B3C]`. */
export function formatTicketReference(reference: string): string {
  const trimmed = reference.trim();
  if (!REFERENCE_VALUE.test(trimmed)) throw new InvalidTicketReferenceError(reference);
  return `[#TK-${trimmed}]`;
}

/** The reference inside the first `[#TK-…]` or `[Ticket#…]` of a subject, as written; null when none. */
export function extractTicketReference(subject: string | null | undefined): string | null {
  if (!subject) return null;
  const match = REFERENCE_IN_SUBJECT.exec(subject);
  return match?.[1] ?? null;
}

/** Removes leading reply/forward prefixes (`Re:`, `回复：`, `Fwd:` …), repeated or not. */
export function stripReplyPrefixes(subject: string): string {
  let current = subject.trim();
  for (;;) {
    const next = current.replace(REPLY_PREFIX, '');
    if (next === current) return current;
    current = next.trim();
  }
}

/** Subject reduced for comparison: no reply prefixes, no ticket reference, single spaces. */
export function normalizeSubject(subject: string | null | undefined): string {
  if (!subject) return '';
  const withoutReference = stripReplyPrefixes(subject).replace(REFERENCE_IN_SUBJECT_GLOBAL, ' ');
  return stripReplyPrefixes(withoutReference).replace(/\s+/g, ' ').trim();
}

/** `Re: <subject> [#TK-ref]` with exactly one `Re:` and one reference, whatever the original carried. */
export function buildReplySubject(
  originalSubject: string | null | undefined,
  ticketReference?: string | null,
): string {
  const base = normalizeSubject(originalSubject);
  const parts = ['Re:'];
  if (base) parts.push(base);
  if (ticketReference) parts.push(formatTicketReference(ticketReference));
  return parts.join(' ');
}

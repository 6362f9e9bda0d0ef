export type UndeliverableReplyCode = 'no-outbound-channel' | 'no-recipient' | 'not-configured' | 'empty-body';

/** A reply that no retry can deliver: the conversation's channel or the tenant's account lacks what it needs. */
export class UndeliverableReplyError extends Error {
  override readonly name = 'UndeliverableReplyError';

  constructor(
    readonly code: UndeliverableReplyCode,
    readonly reason: string,
  ) {
    super(`${code}: ${reason}`);
  }
}

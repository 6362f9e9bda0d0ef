export type CallEventErrorCode = 'invalid-event' | 'call-id-mismatch';

/** A CTI event that cannot be applied; `field` names the offending property for a 400 answer. */
export class CallEventError extends Error {
  override readonly name = 'CallEventError';

  constructor(
    readonly code: CallEventErrorCode,
    readonly field: string,
    readonly reason: string,
  ) {
    super(`${code}: ${field} ${reason}`);
  }
}

export enum IngestionErrorCode {
  MessageNotFound = 'message-not-found',
  CustomerNotFound = 'customer-not-found',
  ConversationNotFound = 'conversation-not-found',
  InvalidIdentifier = 'invalid-identifier',
  MissingIdentifier = 'missing-identifier',
  MergeConflict = 'merge-conflict',
  IdentityConflict = 'identity-conflict',
  InvalidChannelAccount = 'invalid-channel-account',
  ChannelAccountNotFound = 'channel-account-not-found',
  ChannelNotConfigured = 'channel-not-configured',
  InvalidQuery = 'invalid-query',
  WebhookNotFound = 'webhook-not-found',
  WebhookDeliveryNotFound = 'webhook-delivery-not-found',
  InvalidWebhook = 'invalid-webhook',
  WebhookLimitReached = 'webhook-limit-reached',
  WebhookDeliveryOpen = 'webhook-delivery-open',
  ReplayRangeTooLarge = 'replay-range-too-large',
}

export interface IngestionFieldProblem {
  field: string;
  message: string;
}

/** Typed domain failure; the transport layer maps the code to an HTTP problem. */
export class IngestionException extends Error {
  constructor(
    readonly code: IngestionErrorCode,
    message: string,
    readonly field?: string,
    /** Every problem when there are several; `field` names the first. */
    readonly problems?: readonly IngestionFieldProblem[],
  ) {
    super(message);
    this.name = 'IngestionException';
  }
}

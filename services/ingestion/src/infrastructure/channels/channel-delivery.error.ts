export type DeliveryChannel = 'email' | 'wechat' | 'webhook';

/**
 * A reply that could not be delivered. `retryable` tells the caller whether to try again with
 * back-off (network trouble, throttling, 4xx SMTP, 5xx HTTP) or dead-letter at once (rejected
 * recipient, bad credentials, user out of the 48-hour window, 4xx HTTP).
 */
export abstract class ChannelDeliveryError extends Error {
  abstract readonly retryable: boolean;

  constructor(
    readonly channel: DeliveryChannel,
    /** Short machine-readable cause: `smtp-550`, `wechat-45015`, `http-503`, `network`, `timeout`… */
    readonly code: string,
    message: string,
    /** Seconds the remote side asked us to wait (HTTP Retry-After), when it did. */
    readonly retryAfterSec: number | null = null,
  ) {
    super(message);
  }
}

export class RetryableDeliveryError extends ChannelDeliveryError {
  override readonly name = 'RetryableDeliveryError';
  readonly retryable = true;
}

export class PermanentDeliveryError extends ChannelDeliveryError {
  override readonly name = 'PermanentDeliveryError';
  readonly retryable = false;
}

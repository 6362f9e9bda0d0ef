import {
  PermanentDeliveryError,
  RetryableDeliveryError,
  type ChannelDeliveryError,
  type DeliveryChannel,
} from './channel-delivery.error';

/** Seconds from a Retry-After header (delta-seconds or HTTP date), null when absent or unreadable. */
export function parseRetryAfter(value: string | null, now: Date): number | null {
  if (!value) return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, Math.ceil((date - now.getTime()) / 1000));
}

/** 408, 425, 429 and 5xx are worth retrying; other statuses will fail the same way again. */
export function httpStatusError(
  channel: DeliveryChannel,
  status: number,
  retryAfterSec: number | null,
): ChannelDeliveryError {
  const message = `the endpoint answered HTTP ${status}`;
  if (status === 408 || status === 425 || status === 429 || status >= 500) {
    return new RetryableDeliveryError(channel, `http-${status}`, message, retryAfterSec);
  }
  return new PermanentDeliveryError(channel, `http-${status}`, message);
}

/** A failed fetch: timeouts and connection errors are transient. */
export function fetchFailure(channel: DeliveryChannel, error: unknown): ChannelDeliveryError {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
    return new RetryableDeliveryError(channel, 'timeout', 'the endpoint did not answer in time');
  }
  const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return new RetryableDeliveryError(channel, 'network', `the endpoint could not be reached${cause}`);
}

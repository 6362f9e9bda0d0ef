/** How an outbound reply is retried: exponential back-off with jitter, then the dead-letter path. */
export interface RetryPolicy {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export type DeliveryDecision = { kind: 'retry'; at: Date; delayMs: number } | { kind: 'dead-letter' };

export interface DeliveryFailure {
  /** Attempts made so far, including the one that just failed. */
  attempts: number;
  retryable: boolean;
  /** Seconds the remote side asked us to wait, when it did. */
  retryAfterSec: number | null;
}

/**
 * Decides what follows a failed attempt. `jitter` in [0, 1) spreads retries of many messages that
 * failed together (an endpoint outage) so they do not return in one burst; it is passed in so the
 * decision is reproducible.
 */
export function decideAfterFailure(
  policy: RetryPolicy,
  failure: DeliveryFailure,
  now: Date,
  jitter: number,
): DeliveryDecision {
  if (!failure.retryable || failure.attempts >= policy.maxAttempts) return { kind: 'dead-letter' };
  const exponent = Math.max(0, failure.attempts - 1);
  const backoff = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.min(exponent, 30));
  const spread = backoff * (0.8 + 0.4 * Math.min(Math.max(jitter, 0), 1));
  const asked = failure.retryAfterSec !== null ? failure.retryAfterSec * 1000 : 0;
  const delayMs = Math.round(Math.min(policy.maxDelayMs, Math.max(spread, asked)));
  return { kind: 'retry', at: new Date(now.getTime() + delayMs), delayMs };
}

import { decideAfterFailure, type RetryPolicy } from './delivery-policy';

const policy: RetryPolicy = { maxAttempts: 5, baseDelayMs: 1000, maxDelayMs: 60_000 };
const now = new Date('2026-11-23T08:00:00.000Z');

describe('decideAfterFailure', () => {
  it('doubles the wait after each failed attempt', () => {
    const delays = [1, 2, 3, 4].map((attempts) => {
      const d = decideAfterFailure(policy, { attempts, retryable: true, retryAfterSec: null }, now, 0.5);
      return d.kind === 'retry' ? d.delayMs : -1;
    });
    expect(delays).toEqual([1000, 2000, 4000, 8000]);
  });

  it('spreads retries by ±20 % with the jitter given', () => {
    const low = decideAfterFailure(policy, { attempts: 2, retryable: true, retryAfterSec: null }, now, 0);
    const high = decideAfterFailure(
      policy,
      { attempts: 2, retryable: true, retryAfterSec: null },
      now,
      0.999,
    );
    expect(low).toMatchObject({ kind: 'retry', delayMs: 1600 });
    expect(high.kind === 'retry' && high.delayMs).toBeGreaterThan(2390);
  });

  it('never waits longer than the cap', () => {
    const d = decideAfterFailure(
      { ...policy, maxAttempts: 50 },
      { attempts: 40, retryable: true, retryAfterSec: null },
      now,
      0.9,
    );
    expect(d).toMatchObject({ kind: 'retry', delayMs: 60_000 });
  });

  it('honours a longer Retry-After, within the cap', () => {
    const d = decideAfterFailure(policy, { attempts: 1, retryable: true, retryAfterSec: 30 }, now, 0.5);
    expect(d).toEqual({ kind: 'retry', delayMs: 30_000, at: new Date('2026-11-23T08:00:30.000Z') });
  });

  it('dead-letters after the last attempt and at once for permanent failures', () => {
    expect(
      decideAfterFailure(policy, { attempts: 5, retryable: true, retryAfterSec: null }, now, 0.5),
    ).toEqual({ kind: 'dead-letter' });
    expect(
      decideAfterFailure(policy, { attempts: 1, retryable: false, retryAfterSec: null }, now, 0.5),
    ).toEqual({ kind: 'dead-letter' });
  });
});

import { TenantCoalescer } from './tenant-coalescer';

/** A coalescer whose runs finish only when the test says so, on jest's fake clock. */
function harness(options = { debounceMs: 100, minIntervalMs: 1000, maxBusyShare: 1 }) {
  const started: Array<{ tenantId: string; at: number; finish: (err?: Error) => void }> = [];
  let running = 0;
  let maxRunning = 0;
  const errors: string[] = [];
  const coalescer = new TenantCoalescer(
    (tenantId) =>
      new Promise<void>((resolve, reject) => {
        running++;
        maxRunning = Math.max(maxRunning, running);
        started.push({
          tenantId,
          at: Date.now(),
          finish: (err) => {
            running--;
            if (err) reject(err);
            else resolve();
          },
        });
      }),
    options,
    (tenantId, err) => errors.push(`${tenantId}: ${String(err)}`),
  );
  return { coalescer, started, errors, maxRunning: () => maxRunning };
}

describe('TenantCoalescer', () => {
  beforeEach(() => jest.useFakeTimers({ now: 0 }));
  afterEach(() => jest.useRealTimers());

  it('folds a burst of requests into one run after the debounce, and returns at once', async () => {
    const { coalescer, started } = harness();
    for (let i = 0; i < 50; i++) coalescer.request('t');
    expect(started).toHaveLength(0);
    await jest.advanceTimersByTimeAsync(99);
    expect(started).toHaveLength(0);
    await jest.advanceTimersByTimeAsync(1);
    expect(started.map((s) => s.tenantId)).toEqual(['t']);
  });

  it('runs once more after a run that saw new requests, never two at a time and never sooner than the interval', async () => {
    const { coalescer, started, maxRunning } = harness();
    coalescer.request('t');
    await jest.advanceTimersByTimeAsync(100);
    expect(started).toHaveLength(1);
    coalescer.request('t');
    coalescer.request('t');
    await jest.advanceTimersByTimeAsync(5000);
    // Still running: the requests wait for it.
    expect(started).toHaveLength(1);
    started[0].finish();
    await jest.advanceTimersByTimeAsync(100);
    expect(started).toHaveLength(2);
    started[1].finish();
    // A request right after: the interval since the last start, not the debounce, decides.
    coalescer.request('t');
    await jest.advanceTimersByTimeAsync(999);
    expect(started).toHaveLength(2);
    await jest.advanceTimersByTimeAsync(1);
    expect(started).toHaveLength(3);
    started[2].finish();
    await jest.advanceTimersByTimeAsync(10_000);
    expect(started).toHaveLength(3);
    expect(maxRunning()).toBe(1);
  });

  it('spaces runs further apart when they take long, so they never take more than their share of the time', async () => {
    const { coalescer, started } = harness({ debounceMs: 100, minIntervalMs: 1000, maxBusyShare: 0.1 });
    coalescer.request('t');
    await jest.advanceTimersByTimeAsync(100);
    // A 500 ms run at a 10 % share: the next starts 5 s after this one began, not 1 s.
    await jest.advanceTimersByTimeAsync(500);
    started[0].finish();
    coalescer.request('t');
    await jest.advanceTimersByTimeAsync(4499);
    expect(started).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(1);
    expect(started).toHaveLength(2);
  });

  it('keeps tenants apart', async () => {
    const { coalescer, started } = harness();
    coalescer.request('t');
    coalescer.request('u');
    await jest.advanceTimersByTimeAsync(100);
    expect(started.map((s) => s.tenantId).sort()).toEqual(['t', 'u']);
  });

  it('tries a failed run again after the interval', async () => {
    const { coalescer, started, errors } = harness();
    coalescer.request('t');
    await jest.advanceTimersByTimeAsync(100);
    started[0].finish(new Error('database away'));
    await jest.advanceTimersByTimeAsync(999);
    expect(errors).toEqual(['t: Error: database away']);
    expect(started).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(100);
    expect(started).toHaveLength(2);
  });

  it('starts nothing after stop and waits for the run going', async () => {
    const { coalescer, started } = harness();
    coalescer.request('t');
    await jest.advanceTimersByTimeAsync(100);
    coalescer.request('t');
    coalescer.request('u');
    let stopped = false;
    const stopping = coalescer.stop().then(() => (stopped = true));
    await jest.advanceTimersByTimeAsync(0);
    expect(stopped).toBe(false);
    started[0].finish();
    await stopping;
    await jest.advanceTimersByTimeAsync(10_000);
    expect(started).toHaveLength(1);
  });
});

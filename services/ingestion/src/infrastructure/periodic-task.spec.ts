import type { AppLogger } from '@helpdesk/platform';
import { PeriodicTask } from './periodic-task';

const logger = { warn: jest.fn(), error: jest.fn() } as unknown as AppLogger;

describe('PeriodicTask', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('runs on its interval, at once when kicked, and again at once after a full batch', async () => {
    const results = [false, true, false];
    const tick = jest.fn(async () => results.shift() ?? false);
    const task = new PeriodicTask('t', 1000, tick, logger);
    task.start();
    await jest.advanceTimersByTimeAsync(999);
    expect(tick).toHaveBeenCalledTimes(0);
    await jest.advanceTimersByTimeAsync(1);
    expect(tick).toHaveBeenCalledTimes(1);
    // Kicked: runs at once; that run reports a full batch, so the next follows without waiting for the interval.
    task.kick();
    await jest.advanceTimersByTimeAsync(5);
    expect(tick).toHaveBeenCalledTimes(3);
    await jest.advanceTimersByTimeAsync(500);
    expect(tick).toHaveBeenCalledTimes(3);
    await jest.advanceTimersByTimeAsync(500);
    expect(tick).toHaveBeenCalledTimes(4);
    await task.stop();
  });

  it('survives a failing tick and waits for tracked work when stopping', async () => {
    const tick = jest.fn(async () => {
      throw new Error('database down');
    });
    const task = new PeriodicTask('t', 10, tick, logger);
    task.start();
    await jest.advanceTimersByTimeAsync(25);
    expect(tick.mock.calls.length).toBeGreaterThanOrEqual(2);
    let finished = false;
    task.track(
      new Promise<void>((resolve) => setTimeout(resolve, 50)).then(() => {
        finished = true;
      }),
    );
    const stopped = task.stop();
    await jest.advanceTimersByTimeAsync(50);
    await stopped;
    expect(finished).toBe(true);
    const calls = tick.mock.calls.length;
    await jest.advanceTimersByTimeAsync(100);
    expect(tick.mock.calls.length).toBe(calls);
  });
});

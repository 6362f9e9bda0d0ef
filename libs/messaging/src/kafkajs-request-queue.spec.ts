/**
 * kafkajs 2.2.4 re-armed a 1 ms timer on every connection once a response arrived with nothing queued
 * (kafkajs issue #1556): at idle each service burned about a tenth of a core on it. `patches/` fixes it
 * at install time; these tests fail if the patch is not applied or a kafkajs upgrade brings the loop back.
 */
import { join } from 'node:path';

interface Entry {
  correlationId: number;
  apiName: string;
  apiKey: number;
  apiVersion: number;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

interface RequestQueue {
  throttleCheckTimeoutId: ReturnType<typeof setTimeout> | null | undefined;
  pending: unknown[];
  push(request: { entry: Entry; expectResponse: boolean; sendRequest: () => void; requestTimeout?: number }): void;
  fulfillRequest(response: { correlationId: number; payload: Buffer; size: number }): void;
  maybeThrottle(ms: number): void;
  destroy(): void;
}

type RequestQueueClass = new (options: {
  maxInFlightRequests: number | null;
  requestTimeout: number;
  enforceRequestTimeout: boolean;
  clientId: string;
  broker: string;
  logger: Record<'debug' | 'info' | 'warn' | 'error', () => void>;
}) => RequestQueue;

// An internal module of kafkajs: resolved from the package root so the patched file is the one tested.
const kafkajsRoot = join(require.resolve('kafkajs'), '..');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const RequestQueueImpl = require(join(kafkajsRoot, 'src', 'network', 'requestQueue')) as RequestQueueClass;

const silent = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

function newQueue(): RequestQueue {
  return new RequestQueueImpl({
    maxInFlightRequests: null,
    requestTimeout: 30_000,
    enforceRequestTimeout: false,
    clientId: 'spec',
    broker: '127.0.0.1:9092',
    logger: silent,
  });
}

function entry(correlationId: number, resolve: (value: unknown) => void = () => undefined): Entry {
  return { correlationId, apiName: 'Fetch', apiKey: 1, apiVersion: 11, resolve, reject: () => undefined };
}

describe('kafkajs request queue (patched)', () => {
  afterEach(() => jest.useRealTimers());

  it('leaves no timer behind once a response arrives and nothing is queued', () => {
    jest.useFakeTimers();
    const queue = newQueue();
    const answered: unknown[] = [];
    queue.push({ entry: entry(1, (v) => answered.push(v)), expectResponse: true, sendRequest: () => undefined });
    queue.fulfillRequest({ correlationId: 1, payload: Buffer.alloc(0), size: 0 });

    expect(answered).toHaveLength(1);
    expect(queue.throttleCheckTimeoutId ?? null).toBeNull();
    expect(jest.getTimerCount()).toBe(0);
    queue.destroy();
  });

  it('still sends a request queued while the broker throttles, once the throttle ends', () => {
    jest.useFakeTimers();
    const queue = newQueue();
    let sent = 0;
    queue.maybeThrottle(200);
    queue.push({ entry: entry(2), expectResponse: true, sendRequest: () => void sent++ });
    expect(sent).toBe(0);
    expect(queue.pending).toHaveLength(1);

    jest.advanceTimersByTime(250);
    expect(sent).toBe(1);
    expect(queue.pending).toHaveLength(0);
    queue.destroy();
  });
});

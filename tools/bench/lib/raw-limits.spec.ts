import { parsePgbench, parseProducerPerformance } from './raw-limits';

describe('raw-limit tool output', () => {
  it("reads ProducerPerformance's final summary, not its progress lines", () => {
    const output = [
      '251634 records sent, 50316.8 records/sec (49.14 MB/sec), 412.3 ms avg latency, 901.0 ms max latency.',
      '500000 records sent, 61234.567 records/sec (59.80 MB/sec), 388.12 ms avg latency, 1201.00 ms max latency, 350 ms 50th, 800 ms 95th, 1100 ms 99th, 1190 ms 99.9th.',
    ].join('\n');
    expect(parseProducerPerformance(output)).toEqual({
      records: 500000,
      recordsPerSecond: 61234.567,
      mbPerSecond: 59.8,
      avgLatencyMs: 388.12,
      maxLatencyMs: 1201,
      p50Ms: 350,
      p95Ms: 800,
      p99Ms: 1100,
    });
    expect(parseProducerPerformance('Exception in thread "main" org.apache.kafka.common.errors.TimeoutException')).toBeNull();
  });

  it("reads pgbench's transactions per second without connection time", () => {
    const output = [
      'transaction type: /tmp/insert.sql',
      'number of clients: 8',
      'number of transactions actually processed: 123456',
      'latency average = 0.648 ms',
      'initial connection time = 12.345 ms',
      'tps = 12345.678901 (without initial connection time)',
    ].join('\n');
    expect(parsePgbench(output, 8)).toEqual({ clients: 8, transactions: 123456, tps: 12345.678901, latencyAvgMs: 0.648 });
    expect(parsePgbench('pgbench: error: connection to server failed', 1)).toBeNull();
  });
});

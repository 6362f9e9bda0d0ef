import { BROKER, ceilingOf, DATABASE, LOAD_GENERATOR, type CeilingPhase } from './ceiling';
import type { ProcessUsage } from './proc-sampler';

const usage = (name: string, cpuSeconds: number | null): ProcessUsage => ({
  name,
  cpuAvgPercent: null,
  cpuPeakPercent: null,
  cpuSeconds,
  rssAvgMb: null,
  rssPeakMb: null,
});

const phase = (name: string, mode: CeilingPhase['mode'], accepted: number, endToEndPerSecond: number | null, cpu: Record<string, number | null>): CeilingPhase => ({
  name,
  mode,
  accepted,
  endToEndPerSecond,
  usage: { processes: Object.entries(cpu).map(([n, s]) => usage(n, s)), machineBusyPercent: null, otherWorkPercent: null },
});

describe('throughput ceiling of the cores', () => {
  it('takes the cost of the phase that carried the most, without the load generator', () => {
    const phases = [
      // The warm-up's idle cost spread over few messages would make the ceiling look lower.
      phase('warm-up', 'warm-up', 100, 500, { ingestion: 5, [BROKER]: 10, [DATABASE]: 5 }),
      phase('100/s', 'fixed-rate', 1000, 100, { ingestion: 3, [BROKER]: 2, [DATABASE]: 3, [LOAD_GENERATOR]: 1 }),
      phase('500/s', 'fixed-rate', 2000, 250, { ingestion: 2, triage: 2, [BROKER]: 1, [DATABASE]: 3, [LOAD_GENERATOR]: 4 }),
    ];
    expect(ceilingOf(phases, 2)).toEqual({
      cores: 2,
      phase: '500/s',
      acceptedMessages: 2000,
      cpuMsPerMessage: 4,
      messagesPerSecond: 500,
      infrastructureCpuMsPerMessage: 2,
      infrastructureOnlyMessagesPerSecond: 1000,
    });
  });

  it('skips processes that could not be sampled', () => {
    const c = ceilingOf([phase('max', 'max', 1000, 300, { ingestion: null, feedback: 1, [DATABASE]: 1 })], 2);
    expect(c?.cpuMsPerMessage).toBe(2);
    expect(c?.infrastructureOnlyMessagesPerSecond).toBe(2000);
  });

  it('says nothing without a measured phase or without the infrastructure sampled', () => {
    expect(ceilingOf([phase('warm-up', 'warm-up', 100, 50, { [DATABASE]: 1 })], 2)).toBeNull();
    expect(ceilingOf([phase('100/s', 'fixed-rate', 0, null, { [DATABASE]: 1 })], 2)).toBeNull();
    expect(ceilingOf([phase('100/s', 'fixed-rate', 1000, 100, { ingestion: 1 })], 2)).toBeNull();
  });
});

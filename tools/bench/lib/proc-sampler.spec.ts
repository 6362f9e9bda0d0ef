import { parseMachineCpu, parseProcStat, parseVmRssKb } from './proc-sampler';

describe('/proc parsing', () => {
  it('reads CPU ticks even when the command name holds spaces and parentheses', () => {
    const stat = '4242 (node (main) x) S 1 4242 4242 0 -1 4194560 1000 0 0 0 150 25 0 0 20 0 11 0 12345 1000000 5000 18446744073709551615';
    expect(parseProcStat(stat)).toEqual({ ppid: 1, cpuTicks: 175, comm: 'node (main) x' });
    expect(parseProcStat('garbage')).toBeNull();
  });

  it('reads resident memory', () => {
    expect(parseVmRssKb('Name:\tnode\nVmPeak:\t 999 kB\nVmRSS:\t  204800 kB\nThreads:\t11\n')).toBe(204800);
    expect(parseVmRssKb('Name:\tkthreadd\n')).toBeNull();
  });

  it('reads busy and total jiffies of the whole machine', () => {
    expect(parseMachineCpu('cpu  100 0 50 800 50 0 0 0 0 0\ncpu0 1 2 3\n')).toEqual({ busy: 150, total: 1000 });
    expect(parseMachineCpu('intr 1 2 3')).toBeNull();
  });
});

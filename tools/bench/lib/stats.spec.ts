import { fmt, percentile, summarize } from './stats';

describe('latency summaries', () => {
  it('takes nearest-rank percentiles', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 95)).toBe(95);
    expect(percentile(values, 99)).toBe(99);
    expect(percentile([7], 99)).toBe(7);
  });

  it('summarises unsorted values and ignores non-finite ones', () => {
    expect(summarize([30, 10, 20, Number.NaN, Infinity])).toEqual({ count: 3, min: 10, p50: 20, p95: 30, p99: 30, max: 30, mean: 20 });
  });

  it('reports nothing rather than a percentile of nothing', () => {
    expect(summarize([])).toBeNull();
    expect(fmt(null)).toBe('–');
    expect(fmt(1234.56, 1)).toBe('1,234.6');
  });
});

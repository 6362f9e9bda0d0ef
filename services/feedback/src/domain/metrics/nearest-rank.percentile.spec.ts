import { nearestRankPercentile } from './nearest-rank.percentile';

describe('nearestRankPercentile', () => {
  it('picks the observed value at rank ceil(p/100 × n)', () => {
    const tenValues = [50, 10, 40, 20, 30, 100, 90, 80, 70, 60];
    expect(nearestRankPercentile(tenValues, 50)).toBe(50); // rank ceil(5) = 5
    expect(nearestRankPercentile(tenValues, 90)).toBe(90); // rank ceil(9) = 9
    expect(nearestRankPercentile([15, 20, 35, 40, 50], 30)).toBe(20); // rank ceil(1.5) = 2
    expect(nearestRankPercentile([15, 20, 35, 40, 50], 100)).toBe(50);
    expect(nearestRankPercentile([7], 90)).toBe(7);
  });

  it('has no value for no data and rejects a percentile outside (0, 100]', () => {
    expect(nearestRankPercentile([], 50)).toBeNull();
    expect(() => nearestRankPercentile([1], 0)).toThrow(RangeError);
  });
});

/**
 * Nearest-rank percentile: the smallest value with at least p% of the values at or below it,
 * i.e. the value at 1-based rank ceil(p/100 × n) of the sorted values. Always an observed value
 * (no interpolation), so a reported p90 is a real ticket's time. null for no values.
 */
export function nearestRankPercentile(values: readonly number[], percentile: number): number | null {
  if (values.length === 0) return null;
  if (!Number.isFinite(percentile) || percentile <= 0 || percentile > 100)
    throw new RangeError('percentile must be in (0, 100]');
  const sorted = [...values].sort((a, b) => a - b);
  // p × n first keeps the product an exact integer for integer p, so ceil never rounds up a float error.
  const rank = Math.max(1, Math.ceil((percentile * sorted.length) / 100));
  return sorted[rank - 1] ?? null;
}

/**
 * Percentiles by the nearest-rank method: the p-th percentile of n values is the value of rank ⌈p/100 × n⌉ in
 * ascending order. Always one of the observed values (no interpolation), so "p95 = 9.5 min" means an arrival
 * really waited 9.5 minutes; the same definition CloudWatch's `p95` statistic approximates over a period.
 */

export interface LagSummary {
  count: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
}

/**
 * @example
 * percentile([1, 2, 3, 4], 50) // 2
 * percentile([1, 2, 3, 4], 95) // 4
 * @throws RangeError for an empty list or p outside (0, 100].
 */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) throw new RangeError('percentile of no values');
  if (!(p > 0 && p <= 100)) throw new RangeError(`percentile must be in (0, 100], got ${p}`);
  return ranked([...values].sort((a, b) => a - b), p);
}

/** Count, p50, p95 and max of lags in milliseconds; null for no values. */
export function summarizeLags(values: readonly number[]): LagSummary | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return { count: sorted.length, p50Ms: ranked(sorted, 50), p95Ms: ranked(sorted, 95), maxMs: sorted[sorted.length - 1]! };
}

/** The nearest-rank value of ascending `sorted`. */
function ranked(sorted: readonly number[], p: number): number {
  return sorted[Math.ceil((p / 100) * sorted.length) - 1]!;
}

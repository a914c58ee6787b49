/**
 * The q-quantile (0..1) of `values` by linear interpolation between closest ranks (the default of
 * numpy and R type 7): median of [1,2,3,4] is 2.5, p90 of [1..10] is 9.1. Undefined for no values.
 */
export function quantile(values: readonly number[], q: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

/** Median (see {@link quantile}). */
export function median(values: readonly number[]): number | undefined {
  return quantile(values, 0.5);
}

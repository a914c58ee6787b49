/** A proportion with its confidence interval. */
export interface Interval {
  low: number;
  high: number;
}

/**
 * Wilson score interval of `successes` out of `n` at z (default 1.96: 95 %). Contract: undefined
 * for n = 0; always within [0, 1], also at 0 or n successes (where the normal approximation fails).
 */
export function wilsonInterval(successes: number, n: number, z = 1.96): Interval | undefined {
  if (n <= 0) return undefined;
  const p = successes / n;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denom;
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

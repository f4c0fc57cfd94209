/**
 * The statistics of the benchmark table: medians and a distribution-free
 * confidence interval for a median (the ratios within a cycle are neither
 * normal nor symmetric on this machine: its slow phases make long tails).
 *
 * @module
 */

/** The median of `xs` (the mean of the middle two for an even count). */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * A confidence interval of at least `level` for the median of the
 * distribution `xs` was drawn from: the order statistics x(k) and x(n+1-k),
 * with k the largest rank for which P(Binomial(n, 1/2) < k) <= (1-level)/2
 * (no assumption about the distribution; the sample's values themselves).
 * Undefined when `xs` is too small for that level (fewer than 6 values at
 * 95%).
 */
export function medianInterval(
  xs: readonly number[],
  level = 0.95,
): [number, number] | undefined {
  const n = xs.length;
  const tail = (1 - level) / 2;
  // cdf = P(B < k), built up term by term: P(B = j) = C(n, j) / 2^n
  let k = 0, cdf = 0, term = Math.pow(0.5, n);
  for (let j = 0; j < n; j++) {
    if (cdf + term > tail) break;
    cdf += term;
    k = j + 1;
    term = term * (n - j) / (j + 1);
  }
  if (k === 0) return undefined;
  const s = [...xs].sort((a, b) => a - b);
  return [s[k - 1], s[n - k]];
}

/**
 * The ratio of two figures (a cycle's, or a process's memory grown per
 * association): undefined unless `a` >= 0 and `b` > 0 (a ratio to zero, or
 * to a process whose memory shrank meanwhile, means nothing).
 */
export function figureRatio(a: number, b: number): number | undefined {
  return a < 0 || b <= 0 ? undefined : a / b;
}

/**
 * The ratios of `a` to `b` within each cycle (the figures of cycle i at
 * index i); a cycle where either figure is missing is left out. None at all
 * when a cycle's figures give no ratio (figureRatio): a baseline at or below
 * zero in one cycle is noise there, and a median over the other cycles
 * would pass it off as a measurement.
 */
export function cycleRatios(
  a: readonly (number | undefined)[],
  b: readonly (number | undefined)[],
): number[] {
  const rs: number[] = [];
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i], y = b[i];
    if (x === undefined || y === undefined) continue;
    const q = figureRatio(x, y);
    if (q === undefined) return [];
    rs.push(q);
  }
  return rs;
}

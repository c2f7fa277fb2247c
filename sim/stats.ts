/**
 * Small statistics for simulator metrics: mean with a 95% Student-t confidence
 * interval, and paired differences (two trees on the same seeds: the same person, the
 * same luck per attempt — common random numbers make paired intervals much tighter
 * than comparing two independent means). NaN values (e.g. no successful handover in
 * an episode) are left out and the count says how many remained.
 */

/** A mean with its 95% confidence interval. */
export interface Summary {
  n: number;
  mean: number;
  sd: number;
  /** Lower end of the 95% CI (equal to `mean` when n < 2). */
  lo: number;
  /** Upper end of the 95% CI. */
  hi: number;
}

const T_SMALL = [NaN, 12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228];

/**
 * Two-sided 97.5% quantile of Student's t with `df` degrees of freedom (table up to
 * 10, Cornish–Fisher expansion beyond; error < 1e-3).
 *
 * @example
 * ```ts
 * tQuantile975(10);  // 2.228
 * tQuantile975(1e6); // ≈ 1.96
 * ```
 */
export function tQuantile975(df: number): number {
  if (df < 1) return NaN;
  if (df <= 10) return T_SMALL[Math.floor(df)]!;
  const z = 1.959963984540054;
  const z3 = z * z * z;
  const z5 = z3 * z * z;
  const z7 = z5 * z * z;
  return z + (z3 + z) / (4 * df) + (5 * z5 + 16 * z3 + 3 * z) / (96 * df * df) + (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / (384 * df * df * df);
}

/**
 * Mean and 95% CI of the finite values.
 *
 * @example
 * ```ts
 * summarize([1, 2, 3, NaN]); // { n: 3, mean: 2, sd: 1, lo: -0.484…, hi: 4.484… }
 * ```
 */
export function summarize(values: ArrayLike<number>): Summary {
  let n = 0;
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (Number.isFinite(v)) {
      n++;
      sum += v;
    }
  }
  if (n === 0) return { n: 0, mean: NaN, sd: NaN, lo: NaN, hi: NaN };
  const mean = sum / n;
  let ss = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (Number.isFinite(v)) ss += (v - mean) * (v - mean);
  }
  if (n < 2) return { n, mean, sd: 0, lo: mean, hi: mean };
  const sd = Math.sqrt(ss / (n - 1));
  const half = (tQuantile975(n - 1) * sd) / Math.sqrt(n);
  return { n, mean, sd, lo: mean - half, hi: mean + half };
}

/**
 * Paired difference `b − a` over episodes where both are finite, with a 95% CI.
 *
 * @example
 * ```ts
 * pairedDiff([1, 1, 0], [1, 1, 1]).mean; // 0.333…
 * ```
 */
export function pairedDiff(a: ArrayLike<number>, b: ArrayLike<number>): Summary {
  if (a.length !== b.length) throw new RangeError(`pairedDiff: both samples must have one value per episode (got ${a.length} and ${b.length})`);
  const d = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) d[i] = Number.isFinite(a[i]!) && Number.isFinite(b[i]!) ? b[i]! - a[i]! : NaN;
  return summarize(d);
}

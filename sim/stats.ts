/**
 * Statistics for simulator metrics, written for a sceptical reader:
 *
 * - means of unbounded quantities get a Student-t interval ({@link summarize});
 * - means and ratios of bounded quantities (success rates, shares, precision/recall)
 *   get a percentile bootstrap over episodes ({@link bootstrapMean},
 *   {@link bootstrapRatio}), which can never leave the quantity's range — a share is
 *   never reported as `0.971 [0.908, 1.033]`; {@link wilson} covers a single pooled
 *   proportion of independent trials;
 * - paired differences (two trees on the same seeds: the same person, the same luck per
 *   attempt — common random numbers make paired intervals much tighter than two
 *   independent means) with either interval ({@link pairedDiff}, {@link bootstrapPairedMean},
 *   {@link bootstrapPairedRatio});
 * - a non-inferiority verdict with a declared margin and a superiority verdict
 *   ({@link nonInferiority}, {@link superiority}), and the number of episodes a claim
 *   needs for 80% power at the observed variance ({@link episodesForPower}).
 *
 * Bootstrap resamples come from a seeded stream ({@link BootstrapPlan}) shared by every
 * metric and tree of a scenario, so the same per-episode values always give the same
 * intervals (the JSON stays byte-identical, also after `sim merge`). NaN values (e.g.
 * no successful handover in an episode) are left out; counts say how many remained.
 */
import { Rng } from './rng.ts';
import { normalQuantile } from './normal.ts';

export { erfc, normalCdf, normalQuantile } from './normal.ts';

/** A mean (or ratio) with its confidence interval. */
export interface Summary {
  n: number;
  mean: number;
  sd: number;
  /** Lower end of the CI (equal to `mean` when n < 2). */
  lo: number;
  /** Upper end of the CI. */
  hi: number;
}

const T_975_SMALL = [NaN, 12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228];

/**
 * Quantile of Student's t with `df` degrees of freedom at probability `p` (> 0.5):
 * exact table for the 97.5% point up to df 10, otherwise the Cornish–Fisher expansion
 * around the normal quantile (error < 1e-3 for df ≥ 3 at the levels used here).
 *
 * @example
 * ```ts
 * tQuantile(0.975, 10); // 2.228
 * tQuantile(0.99375, 1e6); // ≈ 2.498 (98.75%, two-sided, Bonferroni over 4 claims)
 * ```
 */
export function tQuantile(p: number, df: number): number {
  if (df < 1) return NaN;
  if (Math.abs(p - 0.975) < 1e-12 && df <= 10) return T_975_SMALL[Math.floor(df)]!;
  const z = normalQuantile(p);
  const z3 = z * z * z;
  const z5 = z3 * z * z;
  const z7 = z5 * z * z;
  return z + (z3 + z) / (4 * df) + (5 * z5 + 16 * z3 + 3 * z) / (96 * df * df) + (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / (384 * df * df * df);
}

/**
 * Two-sided 97.5% quantile of Student's t (the 95% interval).
 *
 * @example
 * ```ts
 * tQuantile975(10);  // 2.228
 * tQuantile975(1e6); // ≈ 1.96
 * ```
 */
export function tQuantile975(df: number): number {
  return tQuantile(0.975, df);
}

/**
 * Mean, SD and two-sided `level` Student-t CI of the finite values (default 95%).
 *
 * @example
 * ```ts
 * summarize([1, 2, 3, NaN]); // { n: 3, mean: 2, sd: 1, lo: -0.484…, hi: 4.484… }
 * ```
 */
export function summarize(values: ArrayLike<number>, level = 0.95): Summary {
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
  const half = (tQuantile(1 - (1 - level) / 2, n - 1) * sd) / Math.sqrt(n);
  return { n, mean, sd, lo: mean - half, hi: mean + half };
}

/**
 * Paired differences `b − a` per episode (NaN where either is not finite).
 *
 * @example
 * ```ts
 * differences([1, 1], [1, 2]); // Float64Array [0, 1]
 * ```
 */
export function differences(a: ArrayLike<number>, b: ArrayLike<number>): Float64Array {
  if (a.length !== b.length) throw new RangeError(`pairedDiff: both samples must have one value per episode (got ${a.length} and ${b.length})`);
  const d = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) d[i] = Number.isFinite(a[i]!) && Number.isFinite(b[i]!) ? b[i]! - a[i]! : NaN;
  return d;
}

/**
 * Paired difference `b − a` over episodes where both are finite, with a Student-t CI.
 *
 * @example
 * ```ts
 * pairedDiff([1, 1, 0], [1, 1, 1]).mean; // 0.333…
 * ```
 */
export function pairedDiff(a: ArrayLike<number>, b: ArrayLike<number>, level = 0.95): Summary {
  return summarize(differences(a, b), level);
}

/**
 * Wilson score interval of a pooled proportion `successes / trials` (independent
 * trials); always inside [0, 1].
 *
 * @example
 * ```ts
 * wilson(29, 30); // { n: 30, mean: 0.9667, lo: 0.833, hi: 0.994, … }
 * ```
 */
export function wilson(successes: number, trials: number, level = 0.95): Summary {
  if (!(trials > 0)) return { n: 0, mean: NaN, sd: NaN, lo: NaN, hi: NaN };
  const p = successes / trials;
  const z = normalQuantile(1 - (1 - level) / 2);
  const z2 = z * z;
  const denom = 1 + z2 / trials;
  const centre = (p + z2 / (2 * trials)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials))) / denom;
  return { n: trials, mean: p, sd: Math.sqrt(p * (1 - p)), lo: Math.max(0, centre - half), hi: Math.min(1, centre + half) };
}

/**
 * Resampling plan for the percentile bootstrap over episodes: `resamples` draws of
 * `n` episode indices (with replacement) from a seeded stream. One plan serves every
 * metric and tree of a scenario, so paired quantities are resampled together.
 *
 * @example
 * ```ts
 * const plan = new BootstrapPlan(200, 'seed/scenario');
 * bootstrapMean(values, plan).lo;
 * ```
 */
export class BootstrapPlan {
  readonly indices: Uint32Array;
  constructor(
    readonly n: number,
    seed: string,
    readonly resamples = 2000,
  ) {
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`BootstrapPlan: n must be an integer ≥ 1, got ${n}`);
    const rng = new Rng(`bootstrap/${seed}`);
    this.indices = new Uint32Array(n * resamples);
    for (let i = 0; i < this.indices.length; i++) this.indices[i] = Math.floor(rng.next() * n);
  }
}

/** Percentile interval of `stats` (NaN entries skipped) at two-sided `level`. */
function percentile(stats: Float64Array, level: number): { lo: number; hi: number } {
  let m = 0;
  for (let i = 0; i < stats.length; i++) if (Number.isFinite(stats[i]!)) stats[m++] = stats[i]!;
  if (m === 0) return { lo: NaN, hi: NaN };
  const s = stats.subarray(0, m).sort();
  const q = (p: number) => {
    const x = p * (m - 1);
    const i = Math.floor(x);
    const f = x - i;
    return i + 1 < m ? s[i]! * (1 - f) + s[i + 1]! * f : s[i]!;
  };
  const a = (1 - level) / 2;
  return { lo: q(a), hi: q(1 - a) };
}

function checkPlan(plan: BootstrapPlan, length: number, what: string): void {
  if (plan.n !== length) throw new RangeError(`${what}: the bootstrap plan is for ${plan.n} episodes, got ${length} values`);
}

/**
 * Mean of the finite values with a percentile-bootstrap CI (stays within the values'
 * range, so a share's interval stays in [0, 1]).
 *
 * @example
 * ```ts
 * bootstrapMean(successRates, plan); // { n, mean, sd, lo, hi } with 0 ≤ lo ≤ hi ≤ 1
 * ```
 */
export function bootstrapMean(values: ArrayLike<number>, plan: BootstrapPlan, level = 0.95): Summary {
  checkPlan(plan, values.length, 'bootstrapMean');
  const base = summarize(values, level);
  if (base.n < 2 || base.sd === 0) return { ...base, lo: base.mean, hi: base.mean };
  const n = plan.n;
  const stats = new Float64Array(plan.resamples);
  for (let b = 0; b < plan.resamples; b++) {
    let s = 0;
    let k = 0;
    const off = b * n;
    for (let i = 0; i < n; i++) {
      const v = values[plan.indices[off + i]!]!;
      if (Number.isFinite(v)) {
        s += v;
        k++;
      }
    }
    stats[b] = k > 0 ? s / k : NaN;
  }
  return { ...base, ...percentile(stats, level) };
}

/**
 * Pooled ratio Σnum / Σden over episodes (e.g. congruent apologies / apologies) with a
 * cluster bootstrap over episodes; `sd` is the bootstrap standard error.
 *
 * @example
 * ```ts
 * bootstrapRatio(congruent, apologies, plan); // share in [0, 1] with its CI
 * ```
 */
export function bootstrapRatio(num: ArrayLike<number>, den: ArrayLike<number>, plan: BootstrapPlan, level = 0.95): Summary {
  checkPlan(plan, num.length, 'bootstrapRatio');
  let sn = 0;
  let sd = 0;
  let n = 0;
  for (let i = 0; i < num.length; i++) {
    sn += num[i]!;
    sd += den[i]!;
    if (den[i]! > 0) n++;
  }
  if (!(sd > 0)) return { n: 0, mean: NaN, sd: NaN, lo: NaN, hi: NaN };
  const mean = sn / sd;
  const stats = new Float64Array(plan.resamples);
  const len = plan.n;
  for (let b = 0; b < plan.resamples; b++) {
    let a = 0;
    let d = 0;
    const off = b * len;
    for (let i = 0; i < len; i++) {
      const j = plan.indices[off + i]!;
      a += num[j]!;
      d += den[j]!;
    }
    stats[b] = d > 0 ? a / d : NaN;
  }
  const se = stdev(stats);
  return { n, mean, sd: se, ...percentile(stats, level) };
}

/**
 * Paired difference of pooled ratios (tree b − tree a, same episodes), cluster
 * bootstrap; stays within [−1, 1] for shares.
 *
 * @example
 * ```ts
 * bootstrapPairedRatio(aNum, aDen, bNum, bDen, plan).mean;
 * ```
 */
export function bootstrapPairedRatio(aNum: ArrayLike<number>, aDen: ArrayLike<number>, bNum: ArrayLike<number>, bDen: ArrayLike<number>, plan: BootstrapPlan, level = 0.95): Summary {
  checkPlan(plan, aNum.length, 'bootstrapPairedRatio');
  const ra = bootstrapRatio(aNum, aDen, plan, level);
  const rb = bootstrapRatio(bNum, bDen, plan, level);
  if (ra.n === 0 || rb.n === 0) return { n: 0, mean: NaN, sd: NaN, lo: NaN, hi: NaN };
  const stats = new Float64Array(plan.resamples);
  const len = plan.n;
  for (let b = 0; b < plan.resamples; b++) {
    let an = 0;
    let ad = 0;
    let bn = 0;
    let bd = 0;
    const off = b * len;
    for (let i = 0; i < len; i++) {
      const j = plan.indices[off + i]!;
      an += aNum[j]!;
      ad += aDen[j]!;
      bn += bNum[j]!;
      bd += bDen[j]!;
    }
    stats[b] = ad > 0 && bd > 0 ? bn / bd - an / ad : NaN;
  }
  const se = stdev(stats);
  return { n: Math.min(ra.n, rb.n), mean: rb.mean - ra.mean, sd: se, ...percentile(stats, level) };
}

/**
 * Paired difference `b − a` of a bounded per-episode quantity with a percentile
 * bootstrap CI (stays within [−range, +range]).
 *
 * @example
 * ```ts
 * bootstrapPairedMean(baseline.successRate, affect.successRate, plan);
 * ```
 */
export function bootstrapPairedMean(a: ArrayLike<number>, b: ArrayLike<number>, plan: BootstrapPlan, level = 0.95): Summary {
  return bootstrapMean(differences(a, b), plan, level);
}

function stdev(xs: Float64Array): number {
  let n = 0;
  let s = 0;
  for (const x of xs) if (Number.isFinite(x)) (s += x), n++;
  if (n < 2) return 0;
  const m = s / n;
  let ss = 0;
  for (const x of xs) if (Number.isFinite(x)) ss += (x - m) * (x - m);
  return Math.sqrt(ss / (n - 1));
}

/** Outcome of a non-inferiority test. */
export type NonInferiorityVerdict = 'non-inferior' | 'inferior' | 'inconclusive';

/**
 * Non-inferiority of a paired difference (candidate − reference, higher = better) with
 * margin `margin` (> 0, e.g. 0.01 success): non-inferior when the interval's lower end
 * is above −margin, inferior when its upper end is below −margin, otherwise
 * inconclusive (more episodes needed).
 *
 * @example
 * ```ts
 * nonInferiority({ n: 200, mean: 0, sd: 0.02, lo: -0.003, hi: 0.003 }, 0.01); // 'non-inferior'
 * ```
 */
export function nonInferiority(diff: Summary, margin: number): NonInferiorityVerdict {
  if (!(diff.n > 0) || !Number.isFinite(diff.lo)) return 'inconclusive';
  if (diff.lo > -margin) return 'non-inferior';
  if (diff.hi < -margin) return 'inferior';
  return 'inconclusive';
}

/** Outcome of a superiority test on a paired difference. */
export type SuperiorityVerdict = 'better' | 'worse' | 'no difference shown';

/**
 * Superiority on a paired difference (candidate − control): `better` when the whole
 * interval lies on the better side of 0, `worse` when it lies on the other side.
 *
 * @example
 * ```ts
 * superiority({ n: 200, mean: -0.5, sd: 1, lo: -0.8, hi: -0.2 }, 'lower'); // 'better'
 * ```
 */
export function superiority(diff: Summary, better: 'higher' | 'lower'): SuperiorityVerdict {
  if (!(diff.n > 0) || !Number.isFinite(diff.lo) || !Number.isFinite(diff.hi)) return 'no difference shown';
  const sign = better === 'higher' ? 1 : -1;
  const lo = sign > 0 ? diff.lo : -diff.hi;
  const hi = sign > 0 ? diff.hi : -diff.lo;
  if (lo > 0) return 'better';
  if (hi < 0) return 'worse';
  return 'no difference shown';
}

/**
 * Episodes needed for a paired test to reach `power` (default 0.8) at significance
 * `alpha` (two-sided for superiority, one-sided α/2 for non-inferiority so both use the
 * same interval), given the observed SD of the paired differences and the effect to
 * detect: `n = ((z₁₋α/2 + z_power) · sd / effect)²`. For non-inferiority the effect is
 * the distance of the observed mean from the margin (`mean + margin`). Returns
 * Infinity when the effect is zero or points the wrong way, and 2 when the SD is zero
 * (identical behaviour needs no more episodes).
 *
 * @example
 * ```ts
 * episodesForPower({ sd: 1, effect: 0.2 }); // 197
 * ```
 */
export function episodesForPower(o: { sd: number; effect: number; alpha?: number; power?: number }): number {
  const alpha = o.alpha ?? 0.05;
  const power = o.power ?? 0.8;
  if (!Number.isFinite(o.sd) || !Number.isFinite(o.effect)) return NaN;
  if (o.sd === 0) return 2;
  if (!(o.effect > 0)) return Infinity;
  const z = normalQuantile(1 - alpha / 2) + normalQuantile(power);
  return Math.max(2, Math.ceil(((z * o.sd) / o.effect) ** 2));
}

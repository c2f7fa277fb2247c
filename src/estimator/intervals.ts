/**
 * 95% intervals for the accuracy figures of a small labelled face set, so a table
 * says how much its differences mean: Wilson score intervals for a proportion
 * (per-class recall, n as small as 7) and a percentile bootstrap that resamples
 * *persons* (clusters), not images, because several photos of one person are not
 * independent. Deterministic (seeded).
 */
import { seededRandom } from '../core/random.ts';

/** A point estimate with its 95% interval. */
export interface Interval {
  value: number;
  lo: number;
  hi: number;
}

/**
 * Wilson score 95% interval of `k` successes in `n` trials (NaN for n = 0).
 *
 * @example
 * ```ts
 * wilsonInterval(1, 7); // { value: 0.143, lo: 0.026, hi: 0.513 }
 * ```
 */
export function wilsonInterval(k: number, n: number, z = 1.959963984540054): Interval {
  if (n <= 0) return { value: NaN, lo: NaN, hi: NaN };
  const p = k / n;
  const z2 = z * z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / (1 + z2 / n);
  return { value: p, lo: Math.max(0, centre - half), hi: Math.min(1, centre + half) };
}

/**
 * Percentile 95% intervals of statistics under a cluster bootstrap: `clusters[i]` is
 * the group of item i (e.g. the person); each replicate draws as many clusters as
 * there are, with replacement, and takes all their items. With `strata` (e.g. the
 * true class) clusters are drawn within each stratum, so every class keeps its size
 * in every replicate (balanced accuracy stays defined even for a class of 7 images).
 * `stat` maps a list of item indices (with repeats) to a vector of statistics;
 * returns one interval per entry, with `value` = the statistic on the full set.
 *
 * @example
 * ```ts
 * const [ba] = clusterBootstrap(persons, (idx) => [balancedAccuracyOf(idx)], { replicates: 2000, seed: 1, strata: labels });
 * ```
 */
export function clusterBootstrap(
  clusters: readonly string[],
  stat: (indices: number[]) => number[],
  opts: { replicates?: number; seed?: number; strata?: readonly string[] } = {},
): Interval[] {
  const B = opts.replicates ?? 2000;
  const rnd = seededRandom(opts.seed ?? 1);
  // stratum → cluster → items
  const strata = new Map<string, Map<string, number[]>>();
  clusters.forEach((c, i) => {
    const st = opts.strata?.[i] ?? '';
    let groups = strata.get(st);
    if (!groups) strata.set(st, (groups = new Map()));
    const g = groups.get(c);
    if (g) g.push(i);
    else groups.set(c, [i]);
  });
  const lists = [...strata.values()].map((g) => [...g.values()]);
  const full = stat(clusters.map((_, i) => i));
  const samples = full.map(() => new Float64Array(B));
  for (let r = 0; r < B; r++) {
    const idx: number[] = [];
    for (const list of lists) for (let k = 0; k < list.length; k++) idx.push(...list[Math.floor(rnd() * list.length)]!);
    const s = stat(idx);
    for (let j = 0; j < s.length; j++) samples[j]![r] = s[j]!;
  }
  return full.map((value, j) => {
    const xs = samples[j]!.filter((x) => Number.isFinite(x)).sort();
    if (xs.length === 0) return { value, lo: NaN, hi: NaN };
    return { value, lo: xs[Math.floor(0.025 * (xs.length - 1))]!, hi: xs[Math.ceil(0.975 * (xs.length - 1))]! };
  });
}

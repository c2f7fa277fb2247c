import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { summarize, pairedDiff, tQuantile975, tQuantile, normalQuantile, normalCdf, wilson, BootstrapPlan, bootstrapMean, bootstrapRatio, bootstrapPairedRatio, bootstrapPairedMean, nonInferiority, superiority, episodesForPower } from './stats.ts';

describe('stats', () => {
  it('matches textbook t quantiles', () => {
    expect(tQuantile975(1)).toBeCloseTo(12.706, 3);
    expect(tQuantile975(10)).toBeCloseTo(2.228, 3);
    expect(tQuantile975(20)).toBeCloseTo(2.086, 2);
    expect(tQuantile975(30)).toBeCloseTo(2.042, 2);
    expect(tQuantile975(120)).toBeCloseTo(1.98, 2);
  });

  it('summarizes with a 95% CI and skips NaN', () => {
    const s = summarize([1, 2, 3, NaN]);
    expect(s.n).toBe(3);
    expect(s.mean).toBe(2);
    expect(s.sd).toBe(1);
    expect(s.hi - s.mean).toBeCloseTo((4.303 * 1) / Math.sqrt(3), 3);
    expect(summarize([NaN]).n).toBe(0);
    expect(summarize([5])).toEqual({ n: 1, mean: 5, sd: 0, lo: 5, hi: 5 });
  });

  it('property: the CI contains the mean and is symmetric', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -1e3, max: 1e3, noNaN: true }), { minLength: 2, maxLength: 50 }), (xs) => {
        const s = summarize(xs);
        return s.lo <= s.mean + 1e-9 && s.hi >= s.mean - 1e-9 && Math.abs(s.mean - s.lo - (s.hi - s.mean)) < 1e-6;
      }),
    );
  });

  it('pairs differences b − a and rejects unequal lengths with a clear message', () => {
    expect(pairedDiff([1, 1, 0], [1, 1, 1]).mean).toBeCloseTo(1 / 3, 12);
    expect(pairedDiff([1, NaN], [2, 5]).n).toBe(1);
    expect(() => pairedDiff([1], [1, 2])).toThrow(/one value per episode \(got 1 and 2\)/);
  });

  it('inverts the normal CDF and gives t quantiles at other levels', () => {
    for (const p of [0.001, 0.025, 0.3, 0.5, 0.9, 0.975, 0.99375]) expect(normalCdf(normalQuantile(p))).toBeCloseTo(p, 6);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 5);
    expect(tQuantile(0.99375, 199)).toBeCloseTo(2.52, 1);
  });

  it('Wilson interval stays in [0, 1], also at 0 and at n successes', () => {
    expect(wilson(30, 30).hi).toBeCloseTo(1, 12);
    expect(wilson(30, 30).lo).toBeCloseTo(0.8865, 3);
    expect(wilson(0, 10).lo).toBe(0);
    expect(wilson(0, 0).n).toBe(0);
  });

  it('property: bootstrap intervals of shares and rates stay in [0, 1] (the t interval does not)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 5 })), { minLength: 2, maxLength: 60 }), fc.string({ maxLength: 4 }), (pairs, seed) => {
        const den = pairs.map(([a, b]) => Math.max(a, b));
        const num = pairs.map(([a, b]) => Math.min(a, b));
        const rates = pairs.map(([a, b], i) => (den[i]! > 0 ? num[i]! / den[i]! : NaN));
        const plan = new BootstrapPlan(pairs.length, seed, 200);
        const r = bootstrapRatio(num, den, plan);
        const m = bootstrapMean(rates, plan);
        const inRange = (s: { lo: number; hi: number; n: number }) => s.n === 0 || Number.isNaN(s.lo) || (s.lo >= 0 && s.hi <= 1 && s.lo <= s.hi);
        const d = bootstrapPairedRatio(num, den, den, den, plan);
        return inRange(r) && inRange(m) && (d.n === 0 || (d.lo >= -1 && d.hi <= 1));
      }),
      { numRuns: 200 },
    );
    // the case from the issue: a share near 1 with a t interval above 1
    const shares = [...Array(30).fill(1), 0.2, 0.3];
    expect(summarize(shares).hi).toBeGreaterThan(1);
    expect(bootstrapMean(shares, new BootstrapPlan(shares.length, 'x')).hi).toBeLessThanOrEqual(1);
  });

  it('bootstrap is deterministic for a seed and pairs trees through one plan', () => {
    const a = [1, 0, 1, 1, 0, 1, 1, 1];
    const b = [1, 1, 1, 1, 0, 1, 1, 1];
    const p1 = new BootstrapPlan(8, 's');
    const p2 = new BootstrapPlan(8, 's');
    expect(bootstrapPairedMean(a, b, p1)).toEqual(bootstrapPairedMean(a, b, p2));
    expect(bootstrapPairedMean(a, b, p1).mean).toBeCloseTo(0.125, 12);
    expect(() => bootstrapMean([1, 2], p1)).toThrow(/plan is for 8 episodes, got 2 values/);
  });

  it('non-inferiority with a margin: passes, fails or asks for more episodes', () => {
    expect(nonInferiority({ n: 200, mean: 0, sd: 0.02, lo: -0.003, hi: 0.003 }, 0.01)).toBe('non-inferior');
    expect(nonInferiority({ n: 200, mean: -0.03, sd: 0.02, lo: -0.04, hi: -0.02 }, 0.01)).toBe('inferior');
    expect(nonInferiority({ n: 20, mean: -0.002, sd: 0.05, lo: -0.03, hi: 0.02 }, 0.01)).toBe('inconclusive');
    // significant but tiny harm is still non-inferior within the margin
    expect(nonInferiority({ n: 5000, mean: -0.004, sd: 0.01, lo: -0.005, hi: -0.003 }, 0.01)).toBe('non-inferior');
  });

  it('superiority reads the direction of the metric', () => {
    expect(superiority({ n: 9, mean: -1, sd: 1, lo: -2, hi: -0.5 }, 'lower')).toBe('better');
    expect(superiority({ n: 9, mean: -1, sd: 1, lo: -2, hi: -0.5 }, 'higher')).toBe('worse');
    expect(superiority({ n: 9, mean: 0, sd: 1, lo: -1, hi: 1 }, 'lower')).toBe('no difference shown');
    expect(superiority({ n: 9, mean: 0, sd: 0, lo: 0, hi: 0 }, 'lower')).toBe('no difference shown');
  });

  it('episodes needed for 80% power follow n = ((z + z_β) sd / effect)²', () => {
    expect(episodesForPower({ sd: 1, effect: 0.2 })).toBe(197);
    expect(episodesForPower({ sd: 1, effect: 0.2, alpha: 0.0125 })).toBeGreaterThan(197);
    expect(episodesForPower({ sd: 0, effect: 0 })).toBe(2);
    expect(episodesForPower({ sd: 1, effect: 0 })).toBe(Infinity);
  });
});

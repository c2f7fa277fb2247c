import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { summarize, pairedDiff, tQuantile975 } from './stats.ts';

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
});

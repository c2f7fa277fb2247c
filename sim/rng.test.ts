import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { Rng, episodeSeed } from './rng.ts';

describe('Rng', () => {
  it('gives the same sequence for the same seed and a different one for another seed', () => {
    const a = new Rng('1/x/0');
    const b = new Rng('1/x/0');
    const c = new Rng('1/x/1');
    const sa = Array.from({ length: 20 }, () => a.nextU32());
    expect(Array.from({ length: 20 }, () => b.nextU32())).toEqual(sa);
    expect(Array.from({ length: 20 }, () => c.nextU32())).not.toEqual(sa);
  });

  it('derives named streams from the seed, not from the position', () => {
    const a = new Rng('s');
    const b = new Rng('s');
    b.next();
    b.normal();
    expect(a.derive('robot').next()).toBe(b.derive('robot').next());
    expect(a.derive('robot').next()).not.toBe(a.derive('human').next());
  });

  it('stays in range for any seed', () => {
    fc.assert(
      fc.property(fc.string(), (seed) => {
        const r = new Rng(seed);
        for (let i = 0; i < 50; i++) {
          const u = r.next();
          if (!(u >= 0 && u < 1)) return false;
          const t = r.truncNormal(0.5, 0.3, 0, 1);
          if (!(t >= 0 && t <= 1)) return false;
          if (!(r.exponential(2) >= 0)) return false;
        }
        return true;
      }),
    );
  });

  it('has roughly standard normal moments', () => {
    const r = new Rng('moments');
    let s = 0;
    let s2 = 0;
    const n = 20000;
    for (let i = 0; i < n; i++) {
      const z = r.normal();
      s += z;
      s2 += z * z;
    }
    expect(Math.abs(s / n)).toBeLessThan(0.03);
    expect(Math.abs(s2 / n - 1)).toBeLessThan(0.05);
  });

  it('truncates the normal instead of clamping it: no pile-up at the bounds, the truncated mean of theory', () => {
    // Normal(0.9, 0.2) on [0, 1]: clamping would put P(x > 1) = 31% of all draws exactly on 1
    const r = new Rng('trunc');
    const n = 20000;
    let atBound = 0;
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const x = r.truncNormal(0.9, 0.2, 0, 1);
      if (x === 1 || x === 0) atBound++;
      sum += x;
    }
    expect(atBound).toBe(0);
    // E[X | 0 ≤ X ≤ 1] = μ + σ(φ(α) − φ(β))/(Φ(β) − Φ(α)), α = −4.5, β = 0.5
    const phi = (z: number) => Math.exp(-z * z / 2) / Math.sqrt(2 * Math.PI);
    const expected = 0.9 + (0.2 * (phi(-4.5) - phi(0.5))) / (0.691462 - 0.0000034);
    expect(sum / n).toBeCloseTo(expected, 2);
    // far in a tail and with sd 0 it still returns a value inside the interval
    expect(r.truncNormal(-50, 0.1, 0, 1)).toBeGreaterThanOrEqual(0);
    expect(r.truncNormal(3, 0, 0, 1)).toBe(1);
  });

  it('names episode seeds by seed, scenario and index', () => {
    expect(episodeSeed(1, 'impatient_novice', 7)).toBe('1/impatient_novice/7');
  });
});

import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { clampSpeedScale } from './controller.ts';

describe('clampSpeedScale', () => {
  it('clamps into the safe range and sends non-finite values to the slow end', () => {
    expect(clampSpeedScale(1.7, [0.3, 1])).toBe(1);
    expect(clampSpeedScale(0.1, [0.3, 1])).toBe(0.3);
    expect(clampSpeedScale(0.6, [0.3, 1])).toBe(0.6);
    expect(clampSpeedScale(NaN, [0.3, 1])).toBe(0.3);
    expect(clampSpeedScale(Infinity, [0.3, 1])).toBe(0.3);
  });

  it('property: the result is always inside the range', () => {
    fc.assert(
      fc.property(fc.double(), fc.double({ min: 0.01, max: 1, noNaN: true }), (s, lo) => {
        const r = clampSpeedScale(s, [lo, 1]);
        expect(r).toBeGreaterThanOrEqual(lo);
        expect(r).toBeLessThanOrEqual(1);
      }),
    );
  });
});

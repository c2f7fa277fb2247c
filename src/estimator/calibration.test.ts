// Unit tests of calibration fitting and the evaluation measures (synthetic logits).
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { applyCalibration, evaluate, fitCalibration, splitOf, IDENTITY_CALIBRATION } from './calibration.ts';

/** Deterministic PRNG (mulberry32). */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Over-confident logits with a prior toward class 0 (like neutral in the real model). */
function synthetic(n: number, seed: number): { logits: number[][]; labels: number[] } {
  const r = rng(seed);
  const logits: number[][] = [];
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const y = i % 7;
    const z = Array.from({ length: 7 }, (_, k) => 12 * ((k === y ? 0.8 : 0) + 1.5 * (r() - 0.5) + (k === 0 ? 0.5 : 0)));
    logits.push(z);
    labels.push(y);
  }
  return { logits, labels };
}

const probs = (logits: number[][], cal = IDENTITY_CALIBRATION) =>
  logits.map((z) => {
    const p = new Float64Array(7);
    applyCalibration(z, cal, p);
    return p;
  });

describe('calibration', () => {
  it('temperature + class bias fitted on one half lower ECE and raise balanced accuracy on the other', () => {
    const fit = synthetic(700, 1);
    const held = synthetic(700, 2);
    const cal = fitCalibration(fit.logits, fit.labels);
    expect(cal.temperature).toBeGreaterThan(2);
    const before = evaluate(probs(held.logits), held.labels);
    const after = evaluate(probs(held.logits, cal), held.labels);
    expect(after.ece).toBeLessThan(before.ece / 2);
    expect(after.balancedAccuracy).toBeGreaterThan(before.balancedAccuracy);
    expect(cal.bias[0]).toBeLessThan(0); // over-predicted class pushed down
  });

  it('calibrated probabilities are a distribution for any logits', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -1e3, max: 1e3, noNaN: true }), { minLength: 7, maxLength: 7 }), fc.double({ min: 0.05, max: 50, noNaN: true }), (z, T) => {
        const p = new Float64Array(7);
        applyCalibration(z, { temperature: T, bias: [0.1, -0.2, 0, 0, 0.3, 0, 0] }, p);
        const s = p.reduce((a, b) => a + b, 0);
        expect(Math.abs(s - 1)).toBeLessThan(1e-9);
        expect(p.every((x) => x >= 0 && x <= 1)).toBe(true);
      }),
    );
  });

  it('evaluate computes recall, balanced accuracy and ECE', () => {
    const p = [
      [0.9, 0.1, 0, 0, 0, 0, 0],
      [0.6, 0.4, 0, 0, 0, 0, 0],
      [0.2, 0.8, 0, 0, 0, 0, 0],
    ];
    const m = evaluate(p, [0, 1, 1]);
    expect(m.accuracy).toBeCloseTo(2 / 3);
    expect(m.recall.slice(0, 2)).toEqual([1, 0.5]);
    expect(m.balancedAccuracy).toBeCloseTo(0.75);
    expect(m.confusion[1]).toEqual([1, 1, 0, 0, 0, 0, 0]);
    // bins: 0.9 (correct), 0.6 (wrong), 0.8 (correct) → |1-0.9|+|0-0.6|+|1-0.8| over 3
    expect(m.ece).toBeCloseTo((0.1 + 0.6 + 0.2) / 3);
  });

  it('the split is by person and stable', () => {
    expect(splitOf('images/George_W_Bush_0354.jpg')).toBe(splitOf('images/George_W_Bush_0001.jpg'));
    expect(splitOf('a/b/Kim_Clijsters_12.png')).toBe(splitOf('Kim_Clijsters_3.jpg'));
  });
});

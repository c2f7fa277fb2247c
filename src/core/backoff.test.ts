import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { Backoff } from './backoff.ts';

describe('Backoff', () => {
  it('doubles from minMs up to maxMs with jitter in [base/2, base]', () => {
    const b = new Backoff({ minMs: 100, maxMs: 1000, random: () => 1 });
    expect([b.next(), b.next(), b.next(), b.next(), b.next(), b.next()]).toEqual([100, 200, 400, 800, 1000, 1000]);
    const lo = new Backoff({ minMs: 100, maxMs: 1000, random: () => 0 });
    expect([lo.next(), lo.next()]).toEqual([50, 100]);
  });

  it('starts over after reset', () => {
    const b = new Backoff({ minMs: 100, maxMs: 1000, random: () => 1 });
    b.next();
    b.next();
    expect(b.attempts).toBe(2);
    b.reset();
    expect(b.next()).toBe(100);
  });

  it('always stays within [minMs/2, maxMs]', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5000 }), fc.integer({ min: 0, max: 100_000 }), fc.integer({ min: 1, max: 80 }), fc.double({ min: 0, max: 0.999999, noNaN: true }), (min, extra, n, r) => {
        const b = new Backoff({ minMs: min, maxMs: min + extra, random: () => r });
        for (let i = 0; i < n; i++) {
          const d = b.next();
          expect(d).toBeGreaterThanOrEqual(Math.floor(min / 2));
          expect(d).toBeLessThanOrEqual(min + extra);
        }
      }),
    );
  });

  it('rejects bad bounds with the values', () => {
    expect(() => new Backoff({ minMs: 500, maxMs: 100 })).toThrow('Backoff: need 0 < minMs ≤ maxMs, got minMs=500 maxMs=100');
  });
});

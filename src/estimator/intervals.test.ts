// Unit tests of the interval helpers behind the accuracy tables.
import { describe, it, expect } from 'vitest';
import { clusterBootstrap, wilsonInterval } from './intervals.ts';

describe('wilsonInterval', () => {
  it('matches the textbook values and stays inside [0, 1]', () => {
    const w = wilsonInterval(1, 7);
    expect(w.value).toBeCloseTo(1 / 7, 10);
    expect(w.lo).toBeCloseTo(0.0257, 3);
    expect(w.hi).toBeCloseTo(0.5131, 3);
    expect(wilsonInterval(0, 5).lo).toBe(0);
    expect(wilsonInterval(5, 5).hi).toBe(1);
    expect(wilsonInterval(0, 0).value).toBeNaN();
  });
});

describe('clusterBootstrap', () => {
  it('is deterministic, covers the full-set value, and widens when items cluster', () => {
    // 20 persons × 3 photos each; a person's photos share their outcome
    const values = Array.from({ length: 60 }, (_, i) => (Math.floor(i / 3) % 3 === 0 ? 1 : 0));
    const mean = (idx: number[]) => [idx.reduce((a, i) => a + values[i]!, 0) / idx.length];
    const independent = values.map((_, i) => `p${i}`);
    const clustered = values.map((_, i) => `p${Math.floor(i / 3)}`);
    const a = clusterBootstrap(independent, mean, { replicates: 500, seed: 7 })[0]!;
    const a2 = clusterBootstrap(independent, mean, { replicates: 500, seed: 7 })[0]!;
    expect(a2).toEqual(a);
    expect(a.value).toBeCloseTo(21 / 60, 10);
    expect(a.lo).toBeLessThan(a.value);
    expect(a.hi).toBeGreaterThan(a.value);
    const c = clusterBootstrap(clustered, mean, { replicates: 500, seed: 7 })[0]!;
    expect(c.hi - c.lo).toBeGreaterThan(a.hi - a.lo);
  });

  it('with strata, every stratum keeps its size in every replicate', () => {
    const strata = ['x', 'x', 'x', 'y', 'y', 'z'];
    const persons = ['p1', 'p2', 'p3', 'p4', 'p5', 'p6'];
    const sizes: string[] = [];
    clusterBootstrap(
      persons,
      (idx) => {
        if (idx.length !== 6 || new Set(idx).size !== 6) sizes.push(idx.map((i) => strata[i]).sort().join(''));
        return [0];
      },
      { replicates: 200, seed: 3, strata },
    );
    expect(sizes.length).toBeGreaterThan(0); // some replicates repeat items…
    expect(new Set(sizes)).toEqual(new Set(['xxxyyz'])); // …but never change a stratum's size
  });
});

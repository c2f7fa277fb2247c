/**
 * Seeded pseudo-random numbers (mulberry32) for the controller simulator and the VLM
 * synthetic frame streams, so their draws are reproducible from `--seed` (principle 6).
 * (The handover simulator uses its own stream-splitting `Rng` in sim/rng.ts.)
 */

/**
 * A seeded generator of floats in [0, 1).
 *
 * @example
 * ```ts
 * const rnd = seededRandom(42);
 * rnd(); // same sequence for the same seed
 * ```
 */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

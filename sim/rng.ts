/**
 * Seeded pseudo-random numbers for the simulator (design principle 6: same seed →
 * same metrics). `Math.random` is never used in `sim/`.
 *
 * Design notes: sfc32 (Chris Doty-Humphrey's Small Fast Counter, 32-bit) seeded from a
 * string/number through a 32-bit FNV-1a + splitmix mix. Streams are derived by name
 * (`rng.derive('robot')`), so the person, the robot and the camera noise each get their
 * own sequence: two trees compared on the same seed see the same person and the same
 * luck per handover attempt even when they make different numbers of draws elsewhere
 * (common random numbers, which make the paired comparison tight). Everything is plain
 * 32-bit integer arithmetic: no allocation per draw.
 */
import { normalCdf, normalQuantile } from './normal.ts';

function fnv1a(text: string, h = 0x811c9dc5): number {
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function mix32(x: number): number {
  x = (x + 0x9e3779b9) | 0;
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

/**
 * A deterministic random stream.
 *
 * @example
 * ```ts
 * const rng = new Rng('1/impatient_novice/ep7');
 * const u = rng.next();          // [0, 1)
 * const z = rng.normal();        // standard normal
 * const robot = rng.derive('robot'); // independent named stream
 * ```
 */
export class Rng {
  readonly seed: string;
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private spare = NaN;

  constructor(seed: string | number) {
    this.seed = String(seed);
    const h = fnv1a(this.seed);
    this.a = mix32(h);
    this.b = mix32(h ^ 0x6a09e667);
    this.c = mix32(h ^ 0xbb67ae85);
    this.d = 1;
    for (let i = 0; i < 12; i++) this.nextU32();
  }

  /** Next unsigned 32-bit integer. */
  nextU32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.nextU32() / 4294967296;
  }

  /** Uniform in [lo, hi). */
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  /** True with probability `p` (always consumes one draw, so streams stay aligned). */
  bernoulli(p: number): boolean {
    return this.next() < p;
  }

  /** Standard normal (Marsaglia polar method, caches the spare value). */
  normal(): number {
    if (!Number.isNaN(this.spare)) {
      const s = this.spare;
      this.spare = NaN;
      return s;
    }
    let u = 0;
    let v = 0;
    let s = 0;
    do {
      u = this.next() * 2 - 1;
      v = this.next() * 2 - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const m = Math.sqrt((-2 * Math.log(s)) / s);
    this.spare = v * m;
    return u * m;
  }

  /** Exponential waiting time with the given mean. */
  exponential(mean: number): number {
    return -Math.log(1 - this.next()) * mean;
  }

  /**
   * Normal(mean, sd) truncated to [lo, hi] (trait draws): a draw from the normal
   * distribution conditioned on the interval, by inverting the CDF, so there is no
   * pile-up at the bounds (clamping would put all the out-of-range mass exactly on
   * them). Always consumes one draw. `sd = 0` gives `mean` clamped into the interval.
   */
  truncNormal(mean: number, sd: number, lo: number, hi: number): number {
    const u = this.next();
    if (!(sd > 0)) return mean < lo ? lo : mean > hi ? hi : mean;
    let a = (lo - mean) / sd;
    let b = (hi - mean) / sd;
    // work in the lower tail, where Φ has full relative precision
    const flip = a > 0;
    if (flip) [a, b] = [-b, -a];
    const pa = normalCdf(a);
    const pb = normalCdf(b);
    let z: number;
    if (pb - pa > 1e-12) z = normalQuantile(pa + u * (pb - pa));
    else z = a + u * (b - a); // interval far in the tail: the density is ~flat on it
    if (flip) z = -z;
    const x = mean + sd * z;
    return x < lo ? lo : x > hi ? hi : x;
  }

  /** Log-normal with the given median and standard deviation of log (per-person time windows, gains). */
  logNormal(median: number, sdLog: number): number {
    return median * Math.exp(sdLog * this.normal());
  }

  /** An independent stream named `label`, derived from this stream's seed (not its position). */
  derive(label: string | number): Rng {
    return new Rng(`${this.seed}/${label}`);
  }
}

/**
 * The seed string of one episode: the same for every tree compared on it (paired design).
 *
 * @example
 * ```ts
 * episodeSeed(1, 'impatient_novice', 0); // '1/impatient_novice/0'
 * ```
 */
export function episodeSeed(seed: number | string, scenario: string, episode: number): string {
  return `${seed}/${scenario}/${episode}`;
}

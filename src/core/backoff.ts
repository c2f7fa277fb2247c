/**
 * Retry delays (broker reconnects, camera stream restarts): exponential backoff with
 * jitter, capped, reset after a success. Jitter spreads a fleet's reconnects after a broker restart so
 * fifty planners do not hammer the broker in the same millisecond.
 *
 * Design notes: the random source is injectable so tests are deterministic.
 */

/** Options of a {@link Backoff}. */
export interface BackoffOptions {
  minMs: number;
  maxMs: number;
  /** Uniform random in [0, 1) (default `Math.random`). */
  random?: () => number;
}

/**
 * Exponential backoff with jitter: attempt n waits a random time in
 * `[base/2, base]` where `base = min(maxMs, minMs·2ⁿ)`.
 *
 * @example
 * ```ts
 * const b = new Backoff({ minMs: 250, maxMs: 10_000 });
 * b.next(); // 125..250
 * b.next(); // 250..500
 * b.reset(); // after a good connection
 * ```
 */
export class Backoff {
  private attempt = 0;
  private readonly random: () => number;

  constructor(private readonly options: BackoffOptions) {
    if (!(options.minMs > 0) || !(options.maxMs >= options.minMs)) {
      throw new RangeError(`Backoff: need 0 < minMs ≤ maxMs, got minMs=${options.minMs} maxMs=${options.maxMs}`);
    }
    this.random = options.random ?? Math.random;
  }

  /** Delay before the next attempt (ms), and counts the attempt. */
  next(): number {
    const base = Math.min(this.options.maxMs, this.options.minMs * 2 ** Math.min(this.attempt, 30));
    this.attempt++;
    return Math.round(base / 2 + (base / 2) * this.random());
  }

  /** Attempts since the last reset. */
  get attempts(): number {
    return this.attempt;
  }

  /** Starts over from `minMs`. */
  reset(): void {
    this.attempt = 0;
  }
}

/**
 * Time source interface. Everything that needs "now" (blackboard staleness, node
 * timers, rate limits, the MQTT bridge) takes a `Clock`, so the simulator can run on
 * a {@link VirtualClock} that jumps ahead without sleeping and stays deterministic
 * (design principle 6), while a deployed planner uses {@link SystemClock}.
 *
 * Times are milliseconds since the Unix epoch (the same scale as MQTT payload
 * timestamps), as plain numbers so the hot path allocates nothing.
 */

/** A source of the current time in epoch milliseconds. */
export interface Clock {
  /** Current time, epoch milliseconds. */
  now(): number;
}

/**
 * Wall-clock time from `Date.now()`.
 *
 * @example
 * ```ts
 * const clock = new SystemClock();
 * const t = clock.now();
 * ```
 */
export class SystemClock implements Clock {
  now(): number {
    return Date.now();
  }
}

/**
 * A clock that only moves when told to. Used by the simulator and by tests.
 *
 * @example
 * ```ts
 * const clock = new VirtualClock(Date.UTC(2026, 0, 1));
 * clock.advance(250);           // +250 ms
 * clock.set(clock.now() + 1000); // jump forward
 * ```
 */
export class VirtualClock implements Clock {
  private t: number;

  /** @param startMs initial time in epoch ms (default 0). */
  constructor(startMs = 0) {
    if (!Number.isFinite(startMs)) throw new RangeError(`VirtualClock: start time must be finite, got ${startMs}`);
    this.t = startMs;
  }

  now(): number {
    return this.t;
  }

  /** Moves time forward by `ms` (≥ 0). */
  advance(ms: number): void {
    if (!(ms >= 0) || !Number.isFinite(ms)) throw new RangeError(`VirtualClock.advance: ms must be a finite number ≥ 0, got ${ms}`);
    this.t += ms;
  }

  /** Sets time to `ms`; time never goes backwards. */
  set(ms: number): void {
    if (!Number.isFinite(ms) || ms < this.t) {
      throw new RangeError(`VirtualClock.set: time cannot go backwards (now ${this.t}, asked ${ms})`);
    }
    this.t = ms;
  }
}

/**
 * The planner's fixed-rate tick loop. Ticks are scheduled on an absolute grid
 * (`start + k·period`) so timer jitter does not accumulate into drift; a tick whose work
 * takes longer than the period, or that starts more than one period late, counts as an
 * **overrun**, and missed grid slots are skipped (never bunched up), because a burst of
 * catch-up ticks is exactly what a robot should not do.
 *
 * Between grid slots the loop also wakes for the tree: `nextWakeInMs` (the runner's
 * next deadline — a Timeout expiring, a Delay or Wait ending) schedules one extra tick
 * at that moment when it comes before the next slot, so a Timeout halts its child at its
 * deadline rather than at whichever regular tick comes next. Deadlines that are already
 * due are left to the next slot (no busy loop).
 *
 * Design notes: the loop allocates nothing per tick (one bound callback, one timer);
 * durations come from `performance.now()`; the callback is synchronous — the tick never
 * waits on the network (design principle 2).
 */
import { performance } from 'node:perf_hooks';

/** What the ticker reports after every tick. */
export interface TickObserver {
  /** Called after each tick with its duration (ms) and whether it overran. */
  (durationMs: number, overrun: boolean): void;
}

/** Options of a {@link Ticker}. */
export interface TickerOptions {
  rateHz: number;
  /** The work of one tick (synchronous). Exceptions are passed to `onError` and the loop continues. */
  tick: () => void;
  onTick?: TickObserver;
  onError?: (error: unknown) => void;
  /** Milliseconds from now until the tree next needs a tick (its next deadline), if any; asked after every tick. */
  nextWakeInMs?: () => number | undefined;
}

/**
 * Fixed-rate loop with overrun counting.
 *
 * @example
 * ```ts
 * const t = new Ticker({ rateHz: 50, tick: () => runner.tick(), onTick: (ms, over) => hist.observe(ms / 1000) });
 * t.start();
 * // …
 * t.stop();
 * t.overruns; // ticks that took > 20 ms or started > 20 ms late
 * ```
 */
export class Ticker {
  readonly periodMs: number;
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private startAt = 0;
  private slot = 0;
  private ticksDone = 0;
  private overrunCount = 0;
  private skippedSlots = 0;
  private slowCount = 0;
  private lateCount = 0;
  private wakeCount = 0;
  /** When the scheduled tick is due (a grid slot, or a deadline between slots). */
  private due = 0;
  private readonly loop = () => this.step();

  constructor(private readonly options: TickerOptions) {
    if (!(options.rateHz > 0) || !Number.isFinite(options.rateHz)) throw new RangeError(`Ticker: rateHz must be a finite number > 0, got ${options.rateHz}`);
    this.periodMs = 1000 / options.rateHz;
  }

  /** Starts ticking (first tick immediately). */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.startAt = performance.now();
    this.slot = 0;
    this.due = this.startAt;
    this.timer = setTimeout(this.loop, 0);
  }

  /** Stops after the current tick; no further tick runs. */
  stop(): void {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  get isRunning(): boolean {
    return this.running;
  }

  /** Ticks run so far. */
  get ticks(): number {
    return this.ticksDone;
  }

  /** Ticks that took longer than the period or started a full period late. */
  get overruns(): number {
    return this.overrunCount;
  }

  /** Overruns because the tick's own work took longer than the period. */
  get slowTicks(): number {
    return this.slowCount;
  }

  /** Overruns because the tick started more than a period late (event loop blocked elsewhere). */
  get lateStarts(): number {
    return this.lateCount;
  }

  /** Grid slots skipped because the loop was late (each late tick skips ≥ 1). */
  get skipped(): number {
    return this.skippedSlots;
  }

  /** Extra ticks run between grid slots for a deadline of the tree. */
  get wakeups(): number {
    return this.wakeCount;
  }

  private step(): void {
    if (!this.running) return;
    const t0 = performance.now();
    const late = t0 - this.due;
    try {
      this.options.tick();
    } catch (e) {
      this.options.onError?.(e);
    }
    const t1 = performance.now();
    const dur = t1 - t0;
    const slow = dur > this.periodMs;
    const wasLate = late > this.periodMs;
    const overrun = slow || wasLate;
    if (slow) this.slowCount++;
    if (wasLate) this.lateCount++;
    this.ticksDone++;
    if (overrun) this.overrunCount++;
    this.options.onTick?.(dur, overrun);
    if (!this.running) return;
    // next slot strictly in the future; skip the slots we missed
    let next = this.slot + 1;
    const nowSlot = Math.floor((t1 - this.startAt) / this.periodMs) + 1;
    if (nowSlot > next) {
      this.skippedSlots += nowSlot - next;
      next = nowSlot;
    }
    const gridAt = this.startAt + next * this.periodMs;
    let at = gridAt;
    const wake = this.options.nextWakeInMs?.();
    if (wake !== undefined && wake > 0 && t1 + wake + 1 < gridAt - 1) {
      // an extra tick at the tree's deadline (+1 ms: libuv timers can fire up to a
      // millisecond early against performance.now()); the grid slot stays next
      at = t1 + wake + 1;
      this.wakeCount++;
      this.slot = next - 1;
    } else this.slot = next;
    this.due = at;
    // Node truncates fractional delays; round up so a tick never comes before its time
    const wait = Math.ceil(at - performance.now());
    this.timer = setTimeout(this.loop, wait > 0 ? wait : 0);
  }
}

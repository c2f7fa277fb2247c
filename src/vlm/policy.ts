/**
 * Escalation policy: *when* a moment deserves the cloud (triggers) and *whether* we
 * may afford it now (limits). Each limit is a tiny clock-driven state machine with no
 * timers of its own, so the simulator's VirtualClock drives them deterministically
 * and the per-frame check is a few comparisons:
 * - `SlidingWindowCounter` — calls per minute;
 * - `CostBudget` — USD per rolling hour, from token usage × a configurable price;
 * - `CircuitBreaker` — closed → open after K consecutive failures → half-open after
 *   a cool-down (one probe) → closed on success / open again on failure
 *   (the classic pattern, as in opossum / Polly);
 * - `VerdictCache` — LRU + TTL keyed on the scene.
 */
import type { FaceExpression } from '../contract/affect.ts';
import type { FusedEstimate, TaskContext } from '../estimator/types.ts';
import type { TriggerKind, VlmUsage } from './types.ts';

/** Trigger thresholds. */
export interface TriggerOptions {
  /**
   * Local confidence below this triggers (default 0.3). The fused estimator's
   * calibrated 7-class confidence sits around 0.3–0.6 (simulator median ≈ 0.4), so
   * 0.3 selects roughly its least confident tenth; set it from your calibration.
   */
  lowConfidence: number;
  /** Furrowed-brow strength counted as a frown for the context conflict (default 0.4). */
  furrowedBrow: number;
  /** Face labels the local model rarely gets right (default fearful, disgusted, surprised). */
  rareLabels: readonly FaceExpression[];
  /** A failed handover within this many ms before the frame triggers (default 3000). */
  failureWindowMs: number;
}

/**
 * Default trigger thresholds.
 *
 * @example
 * ```ts
 * new Escalator({ clock, provider, triggers: { ...DEFAULT_TRIGGERS, lowConfidence: 0.25 } });
 * ```
 */
export const DEFAULT_TRIGGERS: TriggerOptions = {
  lowConfidence: 0.3,
  furrowedBrow: 0.4,
  rareLabels: ['fearful', 'disgusted', 'surprised'],
  failureWindowMs: 3000,
};

const FAILURES = new Set(['drop', 'timeout', 'human_not_ready']);

/**
 * Which triggers hold for this frame (empty array = none). Writes into `out` to stay
 * allocation-free on the per-frame path.
 *
 * @example
 * ```ts
 * evaluateTriggers(fused, ctx, DEFAULT_TRIGGERS, []); // ['low_confidence', 'task_failure']
 * ```
 */
export function evaluateTriggers(f: FusedEstimate, ctx: TaskContext, o: TriggerOptions, out: TriggerKind[]): TriggerKind[] {
  out.length = 0;
  if (f.confidence < o.lowConfidence) out.push('low_confidence');
  const brow = f.estimate.cues?.furrowedBrow ?? 0;
  if (f.concentration || (ctx.workingOnTask && brow >= o.furrowedBrow)) out.push('context_conflict');
  if (o.rareLabels.includes(f.label)) out.push('rare_label');
  if (ctx.lastHandover && FAILURES.has(ctx.lastHandover) && ctx.lastHandoverAt !== undefined && f.t - ctx.lastHandoverAt >= 0 && f.t - ctx.lastHandoverAt <= o.failureWindowMs) {
    out.push('task_failure');
  }
  return out;
}

/**
 * Counts events in a sliding window (calls per minute).
 *
 * @example
 * ```ts
 * const rate = new SlidingWindowCounter(60_000, 6);
 * if (rate.available(now)) rate.add(now);
 * ```
 */
export class SlidingWindowCounter {
  private readonly times: number[] = [];
  constructor(
    readonly windowMs: number,
    readonly limit: number,
  ) {
    if (!(windowMs > 0) || !(limit >= 0)) throw new RangeError(`SlidingWindowCounter: windowMs must be > 0 and limit ≥ 0, got ${windowMs}, ${limit}`);
  }
  private prune(now: number): void {
    while (this.times.length > 0 && this.times[0]! <= now - this.windowMs) this.times.shift();
  }
  /** Events in the window ending at `now`. */
  count(now: number): number {
    this.prune(now);
    return this.times.length;
  }
  /** True if one more event fits. */
  available(now: number): boolean {
    return this.count(now) < this.limit;
  }
  add(now: number): void {
    this.times.push(now);
  }
  /** Gives back the slot taken at `t` (a reserved call that was not made). */
  refund(t: number): void {
    const i = this.times.lastIndexOf(t);
    if (i >= 0) this.times.splice(i, 1);
  }
}

/** Price per million tokens, USD. */
export interface TokenPrice {
  inputPerMTok: number;
  outputPerMTok: number;
}

/**
 * Gemini 2.5 Flash paid-tier list price (ai.google.dev/pricing, standard, text/image
 * input $0.30 / 1M tokens, output incl. thinking $2.50 / 1M tokens). Configure yours.
 *
 * @example
 * ```ts
 * costUsd({ inputTokens: 1400, outputTokens: 120 }, GEMINI_25_FLASH_PRICE); // 0.00072
 * ```
 */
export const GEMINI_25_FLASH_PRICE: TokenPrice = { inputPerMTok: 0.3, outputPerMTok: 2.5 };

/**
 * USD cost of one call.
 *
 * @example
 * ```ts
 * costUsd({ inputTokens: 1200, outputTokens: 60 }, GEMINI_25_FLASH_PRICE); // 0.00051
 * ```
 */
export function costUsd(u: VlmUsage, p: TokenPrice): number {
  return (u.inputTokens * p.inputPerMTok + u.outputTokens * p.outputPerMTok) / 1e6;
}

/**
 * A USD budget over a rolling window (default one hour). A call is allowed when the
 * spend in the window plus the call's estimated cost stays within the budget.
 *
 * @example
 * ```ts
 * const budget = new CostBudget(0.05); // $0.05 per rolling hour
 * if (budget.allows(now, 0.0006)) { … budget.record(now, actualUsd); }
 * ```
 */
export class CostBudget {
  private readonly spent: { t: number; usd: number }[] = [];
  constructor(
    readonly usdPerWindow: number,
    readonly windowMs = 3_600_000,
  ) {
    if (!(usdPerWindow >= 0) || !(windowMs > 0)) throw new RangeError(`CostBudget: budget must be ≥ 0 and window > 0, got ${usdPerWindow}, ${windowMs}`);
  }
  /** USD spent in the window ending at `now`. */
  spentUsd(now: number): number {
    while (this.spent.length > 0 && this.spent[0]!.t <= now - this.windowMs) this.spent.shift();
    let s = 0;
    for (const e of this.spent) s += e.usd;
    return s;
  }
  allows(now: number, estimateUsd: number): boolean {
    return this.spentUsd(now) + estimateUsd <= this.usdPerWindow + 1e-12;
  }
  record(now: number, usd: number): void {
    if (usd > 0) this.spent.push({ t: now, usd });
  }
  /** Removes a recorded spend (a reservation that was not used). */
  refund(t: number, usd: number): void {
    const i = this.spent.findIndex((e) => e.t === t && e.usd === usd);
    if (i >= 0) this.spent.splice(i, 1);
  }
}

/** Breaker state. */
export type BreakerState = 'closed' | 'open' | 'half_open';

/**
 * Circuit breaker on consecutive failures.
 *
 * @example
 * ```ts
 * const br = new CircuitBreaker(3, 30_000);
 * if (br.tryAcquire(now)) { try { await call(); br.success(); } catch { br.failure(now); } }
 * ```
 */
export class CircuitBreaker {
  private failures = 0;
  private openedAt = 0;
  private st: BreakerState = 'closed';
  private probing = false;
  /** How many times it opened (a counter for metrics). */
  opens = 0;
  constructor(
    readonly failureThreshold: number,
    readonly openMs: number,
  ) {
    if (!(failureThreshold >= 1) || !(openMs >= 0)) throw new RangeError(`CircuitBreaker: threshold must be ≥ 1 and openMs ≥ 0, got ${failureThreshold}, ${openMs}`);
  }
  state(now: number): BreakerState {
    if (this.st === 'open' && now - this.openedAt >= this.openMs) {
      this.st = 'half_open';
      this.probing = false;
    }
    return this.st;
  }
  /** True if a call may go out now (half-open lets exactly one probe through). */
  canCall(now: number): boolean {
    const s = this.state(now);
    return s === 'closed' || (s === 'half_open' && !this.probing);
  }
  /** Like `canCall`, and marks the half-open probe as taken. */
  tryAcquire(now: number): boolean {
    if (!this.canCall(now)) return false;
    if (this.st === 'half_open') this.probing = true;
    return true;
  }
  success(): void {
    this.failures = 0;
    this.st = 'closed';
    this.probing = false;
  }
  failure(now: number): void {
    this.failures++;
    if (this.st === 'half_open' || this.failures >= this.failureThreshold) {
      if (this.st !== 'open') this.opens++;
      this.st = 'open';
      this.openedAt = now;
      this.probing = false;
    }
  }
  /** The probe ended without a verdict either way (e.g. shutdown abort). */
  release(): void {
    this.probing = false;
  }
}

/**
 * LRU cache with a time-to-live.
 *
 * @example
 * ```ts
 * const cache = new VerdictCache<string>(64, 120_000);
 * cache.set('k', 'v', now); cache.get('k', now + 1000); // 'v'
 * ```
 */
export class VerdictCache<V> {
  private readonly map = new Map<string, { v: V; at: number }>();
  constructor(
    readonly capacity: number,
    readonly ttlMs: number,
  ) {}
  get(key: string, now: number): V | undefined {
    const e = this.map.get(key);
    if (!e) return undefined;
    if (now - e.at > this.ttlMs) {
      this.map.delete(key);
      return undefined;
    }
    this.map.delete(key);
    this.map.set(key, e);
    return e.v;
  }
  set(key: string, v: V, now: number): void {
    this.map.delete(key);
    this.map.set(key, { v, at: now });
    while (this.map.size > this.capacity) this.map.delete(this.map.keys().next().value!);
  }
  get size(): number {
    return this.map.size;
  }
}

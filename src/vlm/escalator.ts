/**
 * The Escalator: the one object the estimator's per-frame loop talks to. `offer()` is
 * synchronous and cheap (a history push, a few comparisons, no allocation on the
 * common no-trigger path); when a moment deserves the cloud and the limits allow it,
 * it starts the VLM work in the background (compose keyframes → cache → provider
 * call under a timeout) and returns at once. The loop never awaits it: a slow or
 * hanging cloud only means the local estimate stays in charge (design principle 2).
 *
 * When a verdict arrives it is merged (long-tail correction, late check) into a
 * `source: "vlm"` estimate, handed to `onEstimate` (publish it), and kept as an
 * overlay that `current(local)` returns instead of the local estimate until it ages
 * out (`maxAgeMs`) or the local model becomes confidently different.
 *
 * Outcomes of a call (all counted in `stats()`):
 * - valid answer → verdict merged and published (or counted `uncertain` / `late`);
 * - invalid JSON / schema violation / empty → rejected, counted, breaker failure;
 * - HTTP 429 / 5xx / network → the SDK retries within `attempts`; still failing →
 *   skipped, counted, breaker failure; after a final 429 no calls for the server's
 *   `retryDelay` (RetryInfo) or `rateLimitedPauseMs`;
 * - timeout → aborted, counted, breaker failure; the local estimate stands.
 * Time for limits comes from the injected Clock; the call timeout is wall time.
 */
import type { AffectEstimate } from '../contract/affect.ts';
import type { Clock } from '../core/clock.ts';
import type { FusedEstimate, TaskContext } from '../estimator/types.ts';
import { composeRequest, type ComposeOptions } from './compose.ts';
import type { FrameSource } from './keyframes.ts';
import { DEFAULT_MERGE, mergeVerdict, type MergeOptions } from './merge.ts';
import {
  CircuitBreaker,
  CostBudget,
  DEFAULT_TRIGGERS,
  SlidingWindowCounter,
  VerdictCache,
  costUsd,
  evaluateTriggers,
  type BreakerState,
  type TokenPrice,
  type TriggerOptions,
} from './policy.ts';
import type { VlmAnswer } from './schema.ts';
import { VLM_DEFAULTS } from './settings.ts';
import { VlmError, type TriggerKind, type VlmErrorKind, type VlmProvider, type VlmRequest } from './types.ts';

/** Input tokens assumed for a request before it is composed (3 keyframes + text), for budget checks. */
const PRECHECK_INPUT_TOKENS = 1400;

/** What `offer()` decided for a frame. */
export type EscalationDecision =
  | 'none' // no trigger
  | 'off' // trigger, but escalation is off (no provider / no key)
  | 'pending' // trigger not held for minTriggerMs yet
  | 'cooldown' // escalated for this person recently
  | 'in_flight' // a call is already running
  | 'breaker_open'
  | 'rate_limited' // calls/minute reached
  | 'over_budget' // USD/hour reached
  | 'escalated'; // background work started

/** Escalator options (all but `clock` optional). */
export interface EscalatorOptions {
  clock: Clock;
  /** The VLM; `null` → escalation off (unless `dryRun`). */
  provider?: VlmProvider | null;
  /** Dry run: compose requests and hand them here instead of calling (limits still apply, cost estimated). */
  dryRun?: ((request: VlmRequest) => void) | null;
  /** Keyframe pixels; `null` → text-only requests. */
  frames?: FrameSource | null;
  triggers?: Partial<TriggerOptions>;
  /** A trigger must hold this long before escalating (default 300 ms; a task failure escalates at once). */
  minTriggerMs?: number;
  /** Minimum time between escalations for one person (default 5000 ms). */
  cooldownMs?: number;
  /** Dense history kept and summarised (default 2000 ms). */
  windowMs?: number;
  /** Calls per rolling minute (default `VLM_DEFAULTS.callsPerMinute`, src/vlm/settings.ts). */
  callsPerMinute?: number;
  /** USD per rolling hour (default `VLM_DEFAULTS.budgetUsdPerHour`). */
  budgetUsdPerHour?: number;
  price?: TokenPrice;
  /** Expected output tokens for the budget pre-check (default 120). */
  expectedOutputTokens?: number;
  /** Per-call deadline, wall ms, including SDK retries (default `VLM_DEFAULTS.timeoutMs`). */
  timeoutMs?: number;
  /** Pause after a final HTTP 429 without a server `retryDelay` (default 30 000 ms). */
  rateLimitedPauseMs?: number;
  /** Consecutive failures that open the breaker (default 3). */
  breakerFailures?: number;
  /** How long the breaker stays open before a half-open probe (default 60 000 ms). */
  breakerOpenMs?: number;
  cacheTtlMs?: number;
  cacheSize?: number;
  maxInFlight?: number;
  /** A local estimate at least this confident with a different label ends the VLM overlay (default 0.8). */
  overrideConfidence?: number;
  compose?: ComposeOptions;
  merge?: Partial<MergeOptions>;
  /** A merged VLM estimate to publish. */
  onEstimate?: (estimate: AffectEstimate) => void;
  /** Everything that happened, for logs. */
  onEvent?: (event: EscalationEvent) => void;
}

/** A log event. */
export type EscalationEvent =
  | { type: 'escalated'; humanId: string; t: number; triggers: TriggerKind[] }
  | { type: 'request'; request: VlmRequest }
  | { type: 'cache_hit'; humanId: string; sceneKey: string }
  | { type: 'skipped'; humanId: string; reason: EscalationDecision }
  | { type: 'verdict'; humanId: string; answer: VlmAnswer; latencyMs: number; usd: number }
  | { type: 'merged'; estimate: AffectEstimate; corrected: boolean }
  | { type: 'discarded'; humanId: string; reason: 'late' | 'uncertain'; lagMs?: number }
  | { type: 'error'; humanId: string; kind: VlmErrorKind | 'compose'; message: string };

/** Counters. */
export interface EscalatorStats {
  mode: 'off' | 'live' | 'dry-run';
  frames: number;
  triggeredFrames: number;
  triggers: Record<TriggerKind, number>;
  escalations: number;
  skipped: Record<Exclude<EscalationDecision, 'none' | 'escalated'>, number>;
  cacheHits: number;
  calls: number;
  verdicts: number;
  merged: number;
  corrected: number;
  uncertain: number;
  late: number;
  errors: Partial<Record<VlmErrorKind | 'compose', number>>;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  latenciesMs: number[];
  breaker: BreakerState;
  breakerOpens: number;
}

interface HumanState {
  history: FusedEstimate[];
  pendingSince: number;
  lastEscalationAt: number;
  newestT: number;
  overlay: AffectEstimate | null;
  overlayT: number;
}

/**
 * Background VLM escalation for the per-frame loop.
 *
 * @example
 * ```ts
 * const esc = new Escalator({ clock: new SystemClock(), provider: geminiFromEnv(process.env), frames: fileFrameSource(),
 *   onEstimate: (e) => publish(e) });
 * for (const fused of frames) { esc.offer(fused, taskContext); publish(esc.current(fused.estimate)); }
 * await esc.close();
 * ```
 */
export class Escalator {
  readonly mode: 'off' | 'live' | 'dry-run';
  private readonly o: Required<Omit<EscalatorOptions, 'provider' | 'dryRun' | 'frames' | 'onEstimate' | 'onEvent' | 'triggers' | 'merge' | 'compose'>>;
  private readonly trig: TriggerOptions;
  private readonly mergeOpts: MergeOptions;
  private readonly rate: SlidingWindowCounter;
  private readonly budget: CostBudget;
  private readonly breaker: CircuitBreaker;
  /** Verdicts by scene key; `null` marks a scene a dry run already "sent". */
  private readonly cache: VerdictCache<VlmAnswer | null>;
  private readonly humans = new Map<string, HumanState>();
  private readonly inflight = new Set<Promise<void>>();
  private readonly controllers = new Set<AbortController>();
  private readonly scratch: TriggerKind[] = [];
  private readonly s: EscalatorStats;
  private closed = false;
  /** No calls before this time (server-requested back-off after HTTP 429). */
  private pausedUntil = Number.NEGATIVE_INFINITY;

  constructor(private readonly opts: EscalatorOptions) {
    this.mode = opts.dryRun ? 'dry-run' : opts.provider ? 'live' : 'off';
    this.o = {
      clock: opts.clock,
      minTriggerMs: opts.minTriggerMs ?? 300,
      cooldownMs: opts.cooldownMs ?? 5000,
      windowMs: opts.windowMs ?? 2000,
      callsPerMinute: opts.callsPerMinute ?? VLM_DEFAULTS.callsPerMinute,
      budgetUsdPerHour: opts.budgetUsdPerHour ?? VLM_DEFAULTS.budgetUsdPerHour,
      price: opts.price ?? VLM_DEFAULTS.price,
      expectedOutputTokens: opts.expectedOutputTokens ?? 120,
      timeoutMs: opts.timeoutMs ?? VLM_DEFAULTS.timeoutMs,
      rateLimitedPauseMs: opts.rateLimitedPauseMs ?? 30_000,
      breakerFailures: opts.breakerFailures ?? 3,
      breakerOpenMs: opts.breakerOpenMs ?? 60_000,
      cacheTtlMs: opts.cacheTtlMs ?? 120_000,
      cacheSize: opts.cacheSize ?? 64,
      maxInFlight: opts.maxInFlight ?? 1,
      overrideConfidence: opts.overrideConfidence ?? 0.8,
    };
    for (const [k, v] of Object.entries(this.o)) {
      if (typeof v === 'number' && !(v >= 0 && Number.isFinite(v))) throw new RangeError(`Escalator: option ${k} must be a finite number ≥ 0, got ${v}`);
    }
    this.trig = { ...DEFAULT_TRIGGERS, ...opts.triggers };
    this.mergeOpts = { ...DEFAULT_MERGE, ...opts.merge };
    this.rate = new SlidingWindowCounter(60_000, this.o.callsPerMinute);
    this.budget = new CostBudget(this.o.budgetUsdPerHour);
    this.breaker = new CircuitBreaker(Math.max(1, this.o.breakerFailures), this.o.breakerOpenMs);
    this.cache = new VerdictCache(this.o.cacheSize, this.o.cacheTtlMs);
    this.s = {
      mode: this.mode,
      frames: 0,
      triggeredFrames: 0,
      triggers: { low_confidence: 0, context_conflict: 0, rare_label: 0, task_failure: 0 },
      escalations: 0,
      skipped: { off: 0, pending: 0, cooldown: 0, in_flight: 0, breaker_open: 0, rate_limited: 0, over_budget: 0 },
      cacheHits: 0,
      calls: 0,
      verdicts: 0,
      merged: 0,
      corrected: 0,
      uncertain: 0,
      late: 0,
      errors: {},
      inputTokens: 0,
      outputTokens: 0,
      costUsd: 0,
      latenciesMs: [],
      breaker: 'closed',
      breakerOpens: 0,
    };
  }

  /** Triggers that held for the last offered frame (reused array; copy to keep). */
  get lastTriggers(): readonly TriggerKind[] {
    return this.scratch;
  }

  /**
   * Feeds one fused frame (and the current task context). Synchronous, never waits.
   *
   * @example
   * ```ts
   * if (esc.offer(fused, ctx) === 'escalated') log.info('asked the VLM');
   * ```
   */
  offer(f: FusedEstimate, ctx: TaskContext): EscalationDecision {
    const s = this.s;
    s.frames++;
    const h = this.human(f.estimate.humanId);
    h.history.push(f);
    if (f.t > h.newestT) h.newestT = f.t;
    const cut = f.t - this.o.windowMs;
    while (h.history.length > 0 && h.history[0]!.t < cut) h.history.shift(); // no allocation, unlike splice

    const trig = evaluateTriggers(f, ctx, this.trig, this.scratch);
    if (trig.length === 0) {
      h.pendingSince = Number.NaN;
      return 'none';
    }
    s.triggeredFrames++;
    for (const k of trig) s.triggers[k]++;
    if (this.mode === 'off' || this.closed) return this.decline(f, 'off');
    if (Number.isNaN(h.pendingSince)) h.pendingSince = f.t;
    if (!trig.includes('task_failure') && f.t - h.pendingSince < this.o.minTriggerMs) return this.decline(f, 'pending');
    const now = this.o.clock.now();
    if (now - h.lastEscalationAt < this.o.cooldownMs) return this.decline(f, 'cooldown');
    if (this.inflight.size >= this.o.maxInFlight) return this.decline(f, 'in_flight');
    if (!this.breaker.canCall(now)) return this.decline(f, 'breaker_open');
    if (now < this.pausedUntil || !this.rate.available(now)) return this.decline(f, 'rate_limited');
    if (!this.budget.allows(now, this.estimateUsd(PRECHECK_INPUT_TOKENS))) return this.decline(f, 'over_budget');

    // Reserve the call now, so limits hold even while requests are being composed
    // (refunded on a cache hit). A dry run also reserves its estimated cost.
    h.lastEscalationAt = now;
    this.rate.add(now);
    const reservedUsd = this.mode === 'dry-run' ? this.estimateUsd(PRECHECK_INPUT_TOKENS) : 0;
    this.budget.record(now, reservedUsd);
    s.escalations++;
    const triggers = [...trig];
    this.emit({ type: 'escalated', humanId: f.estimate.humanId, t: f.t, triggers });
    const p = this.run(f, { ...ctx }, triggers, h.history.slice(), h, now, reservedUsd).finally(() => this.inflight.delete(p));
    this.inflight.add(p);
    return 'escalated';
  }

  /**
   * The estimate to publish for this frame: the VLM overlay while it is fresh and the
   * local model is not confidently different, else `local`.
   *
   * @example
   * ```ts
   * mqtt.publishAffect(esc.current(fused.estimate));
   * ```
   */
  current(local: AffectEstimate): AffectEstimate {
    const h = this.humans.get(local.humanId);
    const o = h?.overlay;
    if (!h || !o) return local;
    if (this.o.clock.now() - h.overlayT > o.maxAgeMs || (local.confidence >= this.o.overrideConfidence && local.expression !== o.expression)) {
      h.overlay = null;
      return local;
    }
    return o;
  }

  /** A snapshot of the counters. */
  stats(): EscalatorStats {
    const now = this.o.clock.now();
    return {
      ...this.s,
      triggers: { ...this.s.triggers },
      skipped: { ...this.s.skipped },
      errors: { ...this.s.errors },
      latenciesMs: [...this.s.latenciesMs],
      breaker: this.breaker.state(now),
      breakerOpens: this.breaker.opens,
    };
  }

  /** USD spent in the rolling hour. */
  spentUsd(): number {
    return this.budget.spentUsd(this.o.clock.now());
  }

  /** Resolves when no background work is running (tests, dry runs, shutdown). */
  async idle(): Promise<void> {
    while (this.inflight.size > 0) await Promise.allSettled([...this.inflight]);
  }

  /** Stops escalating, aborts calls in flight and waits for them. */
  async close(): Promise<void> {
    this.closed = true;
    for (const c of this.controllers) c.abort(new DOMException('escalator closed', 'AbortError'));
    await this.idle();
  }

  private human(id: string): HumanState {
    let h = this.humans.get(id);
    if (!h) {
      h = { history: [], pendingSince: Number.NaN, lastEscalationAt: Number.NEGATIVE_INFINITY, newestT: Number.NEGATIVE_INFINITY, overlay: null, overlayT: 0 };
      this.humans.set(id, h);
    }
    return h;
  }

  private decline(f: FusedEstimate, reason: Exclude<EscalationDecision, 'none' | 'escalated'>): EscalationDecision {
    this.s.skipped[reason]++;
    if (this.opts.onEvent && reason !== 'pending' && reason !== 'off' && reason !== 'in_flight' && reason !== 'cooldown') {
      this.emit({ type: 'skipped', humanId: f.estimate.humanId, reason });
    }
    return reason;
  }

  private estimateUsd(inputTokens: number): number {
    return costUsd({ inputTokens, outputTokens: this.o.expectedOutputTokens }, this.o.price);
  }

  private emit(e: EscalationEvent): void {
    try {
      this.opts.onEvent?.(e);
    } catch {
      // a logging callback must never break escalation
    }
  }

  private async run(moment: FusedEstimate, ctx: TaskContext, triggers: TriggerKind[], window: FusedEstimate[], h: HumanState, reservedAt: number, reservedUsd: number): Promise<void> {
    const humanId = moment.estimate.humanId;
    // Yield to the event loop first: offer() returns before any composition work.
    await new Promise<void>((resolve) => setImmediate(resolve));
    let request: VlmRequest;
    try {
      request = await composeRequest({ humanId, window, moment, context: ctx, triggers }, this.opts.frames ?? null, this.opts.compose);
    } catch (e) {
      this.countError('compose', humanId, (e as Error).message);
      return;
    }
    const cached = this.cache.get(request.sceneKey, this.o.clock.now());
    if (cached !== undefined) {
      this.rate.refund(reservedAt);
      this.budget.refund(reservedAt, reservedUsd);
      this.s.cacheHits++;
      this.emit({ type: 'cache_hit', humanId, sceneKey: request.sceneKey });
      if (cached) this.apply(cached, moment, h);
      return;
    }
    const now = this.o.clock.now();
    if (this.mode === 'dry-run') {
      // Identical scenes later would be cache hits live: remember the key.
      this.cache.set(request.sceneKey, null, now);
      const estUsd = this.estimateUsd(request.estimatedInputTokens);
      this.s.costUsd += estUsd;
      this.s.inputTokens += request.estimatedInputTokens;
      this.s.outputTokens += this.o.expectedOutputTokens;
      this.emit({ type: 'request', request });
      this.opts.dryRun?.(request);
      return;
    }
    const provider = this.opts.provider!;
    if (!this.breaker.tryAcquire(now)) {
      this.rate.refund(reservedAt);
      return void this.decline(moment, 'breaker_open');
    }
    this.s.calls++;
    this.emit({ type: 'request', request });
    const ac = new AbortController();
    this.controllers.add(ac);
    const timer = setTimeout(() => ac.abort(new DOMException(`VLM call exceeded ${this.o.timeoutMs} ms`, 'TimeoutError')), this.o.timeoutMs);
    try {
      const verdict = await provider.analyse(request, ac.signal);
      const usd = costUsd(verdict.usage, this.o.price);
      this.account(verdict.usage.inputTokens, verdict.usage.outputTokens, usd);
      this.s.latenciesMs.push(verdict.latencyMs);
      this.s.verdicts++;
      this.breaker.success();
      this.cache.set(request.sceneKey, verdict.answer, this.o.clock.now());
      this.emit({ type: 'verdict', humanId, answer: verdict.answer, latencyMs: verdict.latencyMs, usd });
      this.apply(verdict.answer, moment, h);
    } catch (e) {
      const err = e instanceof VlmError ? e : new VlmError(ac.signal.aborted ? 'timeout' : 'network', (e as Error)?.message ?? String(e));
      // A timeout we set is reported as such even if the provider saw a plain abort.
      const kind: VlmErrorKind = err.kind === 'aborted' && (ac.signal.reason as { name?: string })?.name === 'TimeoutError' ? 'timeout' : err.kind;
      if (err.usage) this.account(err.usage.inputTokens, err.usage.outputTokens, costUsd(err.usage, this.o.price));
      if (kind === 'rate_limited') this.pausedUntil = this.o.clock.now() + (err.retryAfterMs ?? this.o.rateLimitedPauseMs);
      if (kind === 'aborted') this.breaker.release();
      else this.breaker.failure(this.o.clock.now());
      this.countError(kind, humanId, err.message);
    } finally {
      clearTimeout(timer);
      this.controllers.delete(ac);
    }
  }

  private account(inTok: number, outTok: number, usd: number): void {
    this.s.inputTokens += inTok;
    this.s.outputTokens += outTok;
    this.s.costUsd += usd;
    this.budget.record(this.o.clock.now(), usd);
  }

  private countError(kind: VlmErrorKind | 'compose', humanId: string, message: string): void {
    this.s.errors[kind] = (this.s.errors[kind] ?? 0) + 1;
    this.emit({ type: 'error', humanId, kind, message });
  }

  private apply(answer: VlmAnswer, moment: FusedEstimate, h: HumanState): void {
    const r = mergeVerdict(answer, moment.estimate, moment.t, h.newestT, this.mergeOpts);
    const humanId = moment.estimate.humanId;
    if (r.kind === 'late') {
      this.s.late++;
      this.emit({ type: 'discarded', humanId, reason: 'late', lagMs: r.lagMs });
      return;
    }
    if (r.kind === 'uncertain') {
      this.s.uncertain++;
      this.emit({ type: 'discarded', humanId, reason: 'uncertain' });
      return;
    }
    this.s.merged++;
    if (r.corrected) this.s.corrected++;
    h.overlay = r.estimate;
    h.overlayT = moment.t;
    this.emit({ type: 'merged', estimate: r.estimate, corrected: r.corrected });
    try {
      this.opts.onEstimate?.(r.estimate);
    } catch (e) {
      this.countError('compose', humanId, `onEstimate callback threw: ${(e as Error).message}`);
    }
  }
}

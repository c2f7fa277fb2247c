/**
 * `DetectFrustration` (condition, affect): is the person frustrated — not just
 * frowning? Frustration must stay at or above `threshold` for `minDurationMs` to switch
 * on, and falls back below `releaseThreshold` to switch off (hysteresis, no flicker).
 *
 * Context rule ("I'm Not Mad, Just Focused"): a furrowed brow while the person is
 * working on a task (`cues.workingOnTask`) is concentration, not frustration, unless
 * another cue agrees — finger drumming, sighing, or a task failure within
 * `failureWindowMs`. `useContext: false` turns the rule off so the simulator can
 * compare a face-only tree with a context-aware one.
 *
 * Output `frustrated` (boolean) carries the affect's timestamp and maxAgeMs, so it
 * goes stale with the affect and SlowHandover falls back to normal pacing.
 */
import { Behaviour, type LeafContext, type NodeDef, type Status } from '../src/tree/node.ts';
import type { BlackboardAccess } from '../src/core/blackboard.ts';
import { KEYS, type FailureRecord, type NormalisedAffect } from './keys.ts';

/**
 * Behaviour of `DetectFrustration`.
 *
 * YAML:
 * ```yaml
 * - DetectFrustration: { threshold: 0.6, releaseThreshold: 0.4, minDurationMs: 800, useContext: true }
 * ```
 *
 * @example
 * ```ts
 * const node = DETECT_FRUSTRATION.create!(ctx); node.update(); // 'SUCCESS' once frustrated long enough
 * ```
 */
export class DetectFrustration extends Behaviour {
  private readonly io: BlackboardAccess;
  private readonly inKey: string;
  private readonly outKey: string;
  private readonly threshold: number;
  private readonly release: number;
  private readonly minDurationMs: number;
  private readonly useContext: boolean;
  private readonly failureWindowMs: number;
  private active = false;
  /** Since when the level has been ≥ threshold (NaN: not above). */
  private since = NaN;
  private lastWrittenTs = NaN;
  private lastInput: unknown;
  private lastWritten = false;
  /** When the failure that keeps a frown counted as frustration leaves its window (NaN: none does). */
  private failureExpiry = NaN;
  /** True when the last reading was judged concentration. */
  concentration = false;

  constructor(ctx: LeafContext) {
    super();
    this.inKey = String(ctx.ports.input);
    this.outKey = String(ctx.ports.output);
    this.threshold = Number(ctx.ports.threshold);
    this.release = Number(ctx.ports.releaseThreshold);
    this.minDurationMs = Number(ctx.ports.minDurationMs);
    this.useContext = ctx.ports.useContext === true;
    this.failureWindowMs = Number(ctx.ports.failureWindowMs);
    this.io = ctx.access({ reads: [this.inKey, KEYS.lastFailure], writes: [this.outKey] });
  }

  update(): Status {
    const io = this.io;
    const a = io.get<NormalisedAffect>(this.inKey);
    const now = io.now();
    if (a === undefined) {
      this.active = false;
      this.since = NaN;
      this.concentration = false;
      this.feedback = 'affect unknown: not frustrated';
      return 'FAILURE';
    }
    let level = a.frustration;
    this.concentration = false;
    this.failureExpiry = NaN;
    if (this.useContext && a.cues !== undefined && a.cues.workingOnTask === true && a.cues.fingerDrumming !== true && a.cues.sighing !== true) {
      const f = io.get<FailureRecord>(KEYS.lastFailure);
      if (f !== undefined && now - f.at <= this.failureWindowMs) {
        // only the recent failure makes this frown count; when it ages out, the reading flips to concentration
        this.failureExpiry = f.at + this.failureWindowMs + 1;
      } else {
        this.concentration = true;
        level = 0;
      }
    }
    if (!this.active) {
      if (level >= this.threshold) {
        if (this.since !== this.since) this.since = now;
        if (now - this.since >= this.minDurationMs) this.active = true;
      } else this.since = NaN;
    } else if (level < this.release) {
      this.active = false;
      this.since = NaN;
    }
    const entry = io.entry(this.inKey)!;
    if (entry.timestamp !== this.lastWrittenTs || this.active !== this.lastWritten || a !== this.lastInput) {
      this.lastWrittenTs = entry.timestamp;
      this.lastInput = a;
      this.lastWritten = this.active;
      io.set(this.outKey, this.active, { timestamp: entry.timestamp, maxAgeMs: entry.maxAgeMs });
    }
    this.feedback = this.concentration
      ? 'furrowed brow while working: concentration'
      : this.active
        ? 'frustrated'
        : this.since === this.since
          ? 'above threshold, waiting for minDurationMs'
          : 'not frustrated';
    return this.active ? 'SUCCESS' : 'FAILURE';
  }

  /**
   * The next time a tick would decide differently with the same inputs: the minimum
   * duration completing, or the corroborating failure leaving `failureWindowMs`.
   */
  override deadline(): number | undefined {
    const hold = !this.active && this.since === this.since ? this.since + this.minDurationMs : NaN;
    const expiry = this.failureExpiry;
    if (hold === hold && expiry === expiry) return Math.min(hold, expiry);
    if (hold === hold) return hold;
    return expiry === expiry ? expiry : undefined;
  }
}

/**
 * Declaration of `DetectFrustration` (ports, role, factory) for `nodeRegistry`.
 *
 * @example
 * ```ts
 * DETECT_FRUSTRATION.ports.map((p) => p.name);
 * ```
 */
export const DETECT_FRUSTRATION: NodeDef = {
  kind: 'DetectFrustration',
  category: 'condition',
  role: 'affect',
  description: 'SUCCESS while the person is frustrated (threshold + minDurationMs to enter, releaseThreshold to leave; furrowed brow while working counts as concentration unless other cues agree).',
  ports: [
    { name: 'input', type: 'key', default: '{affect}', valueType: 'object', description: 'normalised affect (from PerceiveAffect)' },
    { name: 'output', type: 'key', default: '{frustrated}', valueType: 'boolean', description: 'boolean result, stale with the affect' },
    { name: 'threshold', type: 'number', default: 0.6, min: 0, max: 1, description: 'frustration level that switches on' },
    { name: 'releaseThreshold', type: 'number', default: 0.4, min: 0, max: 1, description: 'level below which it switches off (≤ threshold)' },
    { name: 'minDurationMs', type: 'integer', default: 500, min: 0, max: 600_000, description: 'how long the level must stay above threshold' },
    { name: 'useContext', type: 'boolean', default: true, description: 'apply the concentration rule (furrowed brow while working)' },
    { name: 'failureWindowMs', type: 'integer', default: 10_000, min: 0, max: 600_000, description: 'a task failure this recent corroborates frustration' },
  ],
  children: { min: 0, max: 0 },
  example: 'DetectFrustration: { threshold: 0.6, releaseThreshold: 0.4, minDurationMs: 800 }',
  check: (p) =>
    Number(p.releaseThreshold) > Number(p.threshold)
      ? { message: `releaseThreshold ${p.releaseThreshold} is above threshold ${p.threshold}`, hint: 'hysteresis needs releaseThreshold ≤ threshold' }
      : undefined,
  create: (ctx) => new DetectFrustration(ctx),
};

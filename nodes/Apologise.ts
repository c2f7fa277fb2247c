/**
 * `Apologise` (action, affect): after a task failure, says an apology congruent with
 * the failure kind (drop, timeout, human not ready, …) and with the person's state
 * (empathic tone when frustrated, neutral otherwise), at most once per failure and
 * never more often than `minIntervalMs` (no apology spam). Each apology is recorded on
 * the blackboard (`apology/last`, `apology/count`).
 *
 * It only speaks through `controller.say`; affect nodes get a controller view that
 * cannot start or cancel handovers (task first). SUCCESS when it apologised, FAILURE
 * when there was nothing to apologise for, it was rate-limited, or the controller is
 * unavailable — harmless, because it lives under an AffectBranch.
 */
import { Behaviour, type LeafContext, type NodeDef, type Status } from '../src/tree/node.ts';
import type { BlackboardAccess } from '../src/core/blackboard.ts';
import type { Controller, FailureKind } from '../src/core/controller.ts';
import { KEYS, type ApologyRecord, type FailureRecord } from './keys.ts';

/**
 * Apology texts by failure kind and tone.
 *
 * @example
 * ```ts
 * APOLOGY_TEXTS.drop.empathic; // "I'm really sorry I dropped that …"
 * ```
 */
export const APOLOGY_TEXTS: Readonly<Record<FailureKind, { empathic: string; neutral: string }>> = {
  drop: {
    empathic: "I'm really sorry I dropped that — I know it's frustrating. I'll slow down and hand it over more carefully.",
    neutral: 'Sorry, I dropped the object. I will try again.',
  },
  timeout: {
    empathic: "I'm sorry that took so long — I know waiting is annoying. Let me try again, more slowly.",
    neutral: 'Sorry, the handover timed out. I will try again.',
  },
  human_not_ready: {
    empathic: "Sorry, I rushed you. Take your time — I'll wait until you're ready.",
    neutral: "Sorry, I started before you were ready. I'll wait for you.",
  },
  cancelled: {
    empathic: "Sorry for stopping — I'll continue when it's better for you.",
    neutral: 'Sorry, I stopped the handover.',
  },
  controller_lost: {
    empathic: "Sorry, I lost contact with the arm. I'm stopping safely.",
    neutral: 'Sorry, the arm is not responding. Stopping safely.',
  },
  error: {
    empathic: "I'm sorry, something went wrong on my side. I'll try again.",
    neutral: 'Sorry, something went wrong. Retrying.',
  },
};

/**
 * Behaviour of `Apologise`.
 *
 * YAML:
 * ```yaml
 * - Apologise: { minIntervalMs: 20000, maxFailureAgeMs: 10000 }
 * ```
 *
 * @example
 * ```ts
 * const node = APOLOGISE.create!(ctx); node.update(); // 'SUCCESS' after a fresh failure
 * ```
 */
export class Apologise extends Behaviour {
  private readonly io: BlackboardAccess;
  private readonly controller: Controller;
  private readonly frustratedKey: string;
  private readonly minIntervalMs: number;
  private readonly maxFailureAgeMs: number;
  private pendingUntil = NaN;

  constructor(ctx: LeafContext) {
    super();
    this.controller = ctx.controller;
    this.frustratedKey = String(ctx.ports.frustrated);
    this.minIntervalMs = Number(ctx.ports.minIntervalMs);
    this.maxFailureAgeMs = Number(ctx.ports.maxFailureAgeMs);
    this.io = ctx.access({
      reads: [this.frustratedKey, KEYS.lastFailure],
      writes: [KEYS.apologyLast, KEYS.apologyCount],
    });
  }

  update(): Status {
    const io = this.io;
    const now = io.now();
    this.pendingUntil = NaN;
    const f = io.get<FailureRecord>(KEYS.lastFailure);
    const last = io.get<ApologyRecord>(KEYS.apologyLast);
    if (f === undefined || (last !== undefined && last.failureAt >= f.at)) {
      this.feedback = 'nothing to apologise for';
      return 'FAILURE';
    }
    if (now - f.at > this.maxFailureAgeMs) {
      this.feedback = 'last failure too old to apologise for';
      return 'FAILURE';
    }
    if (last !== undefined && now - last.at < this.minIntervalMs) {
      this.pendingUntil = Math.min(last.at + this.minIntervalMs, f.at + this.maxFailureAgeMs + 1);
      this.feedback = 'rate-limited (minIntervalMs)';
      return 'FAILURE';
    }
    if (!this.controller.available) {
      this.feedback = 'controller unavailable';
      return 'FAILURE';
    }
    const tone = io.get<boolean>(this.frustratedKey) === true ? 'empathic' : 'neutral';
    const texts = APOLOGY_TEXTS[f.kind] ?? APOLOGY_TEXTS.error;
    const text = texts[tone];
    const actionId = this.controller.say({ text, kind: 'apology', failureKind: f.kind, tone });
    const record: ApologyRecord = { at: now, text, tone, failureKind: f.kind, failureAt: f.at, actionId };
    io.set(KEYS.apologyLast, record);
    io.set(KEYS.apologyCount, (io.get<number>(KEYS.apologyCount) ?? 0) + 1);
    this.feedback = `apologised (${f.kind}, ${tone})`;
    return 'SUCCESS';
  }

  override deadline(): number | undefined {
    return this.pendingUntil === this.pendingUntil ? this.pendingUntil : undefined;
  }
}

/**
 * Declaration of `Apologise` (ports, role, factory) for `nodeRegistry`.
 *
 * @example
 * ```ts
 * APOLOGISE.ports.map((p) => p.name);
 * ```
 */
export const APOLOGISE: NodeDef = {
  kind: 'Apologise',
  category: 'action',
  role: 'affect',
  description: 'Says an apology congruent with the last failure kind and the affect (empathic when frustrated), once per failure, rate-limited; records it.',
  ports: [
    { name: 'frustrated', type: 'key', default: '{frustrated}', valueType: 'boolean', description: 'boolean from DetectFrustration (tone)' },
    { name: 'minIntervalMs', type: 'integer', default: 20_000, min: 0, max: 3_600_000, description: 'no two apologies closer than this' },
    { name: 'maxFailureAgeMs', type: 'integer', default: 15_000, min: 0, max: 3_600_000, description: 'failures older than this are not apologised for' },
  ],
  children: { min: 0, max: 0 },
  example: 'Apologise: { minIntervalMs: 20000 }',
  create: (ctx) => new Apologise(ctx),
};

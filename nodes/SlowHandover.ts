/**
 * `SlowHandover` (action, affect): sets the pacing of the current or next handover.
 * While the person is frustrated it writes `pacing = {speedScale, approachWaitMs}`
 * (speed clamped into `[minSpeedScale, 1]`); when the frustration clears or the
 * affect goes stale it restores normal pacing. `Handover` reads `pacing` at start and
 * every tick while RUNNING, so a running handover is re-paced on the next tick.
 * Always SUCCESS (pacing is a modulation, never a task outcome).
 *
 * Design notes: the two pacing records are built once; a write happens only when the
 * pacing changes.
 */
import { Behaviour, type LeafContext, type NodeDef, type Status } from '../src/tree/node.ts';
import type { BlackboardAccess } from '../src/core/blackboard.ts';
import { clampSpeedScale } from '../src/core/controller.ts';
import type { Pacing } from './keys.ts';

/**
 * Behaviour of `SlowHandover`.
 *
 * YAML:
 * ```yaml
 * - SlowHandover: { speedScale: 0.6, approachWaitMs: 1500, minSpeedScale: 0.3 }
 * ```
 *
 * @example
 * ```ts
 * const node = SLOW_HANDOVER.create!(ctx); node.update(); // writes pacing, 'SUCCESS'
 * ```
 */
export class SlowHandover extends Behaviour {
  private readonly io: BlackboardAccess;
  private readonly frustratedKey: string;
  private readonly outKey: string;
  readonly slow: Pacing;
  readonly normal: Pacing;
  private current: Pacing | undefined;

  constructor(ctx: LeafContext) {
    super();
    this.frustratedKey = String(ctx.ports.frustrated);
    this.outKey = String(ctx.ports.output);
    const lo = Math.max(Number(ctx.ports.minSpeedScale), ctx.controller.speedRange[0]);
    this.slow = {
      speedScale: clampSpeedScale(Number(ctx.ports.speedScale), [lo, 1]),
      approachWaitMs: Number(ctx.ports.approachWaitMs),
      reason: 'slow',
    };
    this.normal = { speedScale: clampSpeedScale(Number(ctx.ports.normalSpeedScale), [lo, 1]), approachWaitMs: 0, reason: 'normal' };
    this.io = ctx.access({ reads: [this.frustratedKey], writes: [this.outKey] });
  }

  update(): Status {
    const target = this.io.get<boolean>(this.frustratedKey) === true ? this.slow : this.normal;
    if (target !== this.current || !this.io.isFresh(this.outKey)) {
      this.current = target;
      this.io.set(this.outKey, target);
    }
    this.feedback = target === this.slow ? 'slow pacing' : 'normal pacing';
    return 'SUCCESS';
  }
}

/**
 * Declaration of `SlowHandover` (ports, role, factory) for `nodeRegistry`.
 *
 * @example
 * ```ts
 * SLOW_HANDOVER.ports.map((p) => p.name);
 * ```
 */
export const SLOW_HANDOVER: NodeDef = {
  kind: 'SlowHandover',
  category: 'action',
  role: 'affect',
  description: 'Writes slow pacing (speedScale within [minSpeedScale, 1], approachWaitMs) while frustrated; restores normal pacing when it clears or goes stale. Always SUCCESS.',
  ports: [
    { name: 'frustrated', type: 'key', default: '{frustrated}', valueType: 'boolean', description: 'boolean from DetectFrustration' },
    { name: 'output', type: 'key', default: '{pacing}', valueType: 'object', description: 'pacing record read by Handover' },
    { name: 'speedScale', type: 'number', default: 0.6, min: 0.05, max: 1, description: 'speed scale while frustrated' },
    { name: 'approachWaitMs', type: 'integer', default: 1500, min: 0, max: 30_000, description: 'pause before the final approach while frustrated' },
    { name: 'minSpeedScale', type: 'number', default: 0.3, min: 0.05, max: 1, description: 'lower bound of the speed scale' },
    { name: 'normalSpeedScale', type: 'number', default: 1, min: 0.05, max: 1, description: 'speed scale when not frustrated' },
  ],
  children: { min: 0, max: 0 },
  example: 'SlowHandover: { speedScale: 0.6, approachWaitMs: 1500 }',
  check: (p) =>
    Number(p.speedScale) < Number(p.minSpeedScale)
      ? { message: `speedScale ${p.speedScale} is below minSpeedScale ${p.minSpeedScale}`, hint: 'pacing must stay within [minSpeedScale, 1]' }
      : undefined,
  create: (ctx) => new SlowHandover(ctx),
};

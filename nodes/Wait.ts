/**
 * `Wait` (action, task): RUNNING for `durationMs`, then SUCCESS — e.g. a pause before a
 * retry (`Retry` → `Sequence [Wait, Handover]`). Its end time feeds
 * `TreeRunner.nextDeadline()`, so the simulator skips straight to it.
 */
import { Behaviour, type LeafContext, type NodeDef, type Status } from '../src/tree/node.ts';
import type { Clock } from '../src/core/clock.ts';

/**
 * Behaviour of `Wait`.
 *
 * YAML:
 * ```yaml
 * - Wait: { durationMs: 2000 }
 * ```
 *
 * @example
 * ```ts
 * const w = WAIT.create!(ctx); w.initialise(); w.update(); // 'RUNNING' until durationMs passed
 * ```
 */
export class Wait extends Behaviour {
  private readonly clock: Clock;
  private readonly durationMs: number;
  private until = NaN;
  constructor(ctx: LeafContext) {
    super();
    this.clock = ctx.clock;
    this.durationMs = Number(ctx.ports.durationMs);
  }
  override initialise(): void {
    this.until = this.clock.now() + this.durationMs;
  }
  update(): Status {
    if (this.clock.now() >= this.until) {
      this.feedback = 'waited';
      return 'SUCCESS';
    }
    this.feedback = 'waiting';
    return 'RUNNING';
  }
  override terminate(): void {
    this.until = NaN;
  }
  override deadline(): number | undefined {
    return this.until === this.until ? this.until : undefined;
  }
}

/**
 * Declaration of `Wait` (ports, role, factory) for `nodeRegistry`.
 *
 * @example
 * ```ts
 * WAIT.ports.map((p) => p.name); // ['durationMs']
 * ```
 */
export const WAIT: NodeDef = {
  kind: 'Wait',
  category: 'action',
  role: 'task',
  description: 'RUNNING for durationMs, then SUCCESS (a pause, e.g. before a retry).',
  ports: [{ name: 'durationMs', type: 'integer', required: true, min: 0, max: 3_600_000, description: 'how long to wait, ms' }],
  children: { min: 0, max: 0 },
  example: 'Wait: { durationMs: 2000 }',
  create: (ctx) => new Wait(ctx),
};

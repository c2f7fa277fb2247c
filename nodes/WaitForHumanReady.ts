/**
 * `WaitForHumanReady` (action, task): RUNNING until the person is ready to take the
 * object (`human/ready` is true and fresh), FAILURE with kind `human_not_ready` in
 * `task/lastFailure` after `timeoutMs`. Its timer feeds `TreeRunner.nextDeadline()` so
 * the simulator can skip ahead to the timeout.
 */
import { Behaviour, type LeafContext, type NodeDef, type Status } from '../src/tree/node.ts';
import type { BlackboardAccess } from '../src/core/blackboard.ts';
import { KEYS, type FailureRecord } from './keys.ts';

/**
 * Behaviour of `WaitForHumanReady`.
 *
 * YAML:
 * ```yaml
 * - WaitForHumanReady: { timeoutMs: 15000 }
 * ```
 *
 * @example
 * ```ts
 * const node = WAIT_FOR_HUMAN_READY.create!(ctx); node.initialise(); node.update(); // 'RUNNING' until ready
 * ```
 */
export class WaitForHumanReady extends Behaviour {
  private readonly io: BlackboardAccess;
  private readonly readyKey: string;
  private readonly timeoutMs: number;
  private startedAt = NaN;

  constructor(ctx: LeafContext) {
    super();
    this.readyKey = String(ctx.ports.ready);
    this.timeoutMs = Number(ctx.ports.timeoutMs);
    this.io = ctx.access({ reads: [this.readyKey], writes: [KEYS.lastFailure] });
  }

  override initialise(): void {
    this.startedAt = this.io.now();
  }

  update(): Status {
    if (this.io.get<boolean>(this.readyKey) === true) {
      this.feedback = 'human ready';
      return 'SUCCESS';
    }
    const now = this.io.now();
    if (now - this.startedAt >= this.timeoutMs) {
      const rec: FailureRecord = { kind: 'human_not_ready', at: now };
      this.io.set(KEYS.lastFailure, rec);
      this.feedback = 'human not ready in time';
      return 'FAILURE';
    }
    this.feedback = 'waiting for human';
    return 'RUNNING';
  }

  override terminate(): void {
    this.startedAt = NaN;
  }

  override deadline(): number | undefined {
    return this.startedAt === this.startedAt ? this.startedAt + this.timeoutMs : undefined;
  }
}

/**
 * Declaration of `WaitForHumanReady` (ports, role, factory) for `nodeRegistry`.
 *
 * @example
 * ```ts
 * WAIT_FOR_HUMAN_READY.ports.map((p) => p.name);
 * ```
 */
export const WAIT_FOR_HUMAN_READY: NodeDef = {
  kind: 'WaitForHumanReady',
  category: 'action',
  role: 'task',
  description: 'RUNNING until human/ready is true; FAILURE (human_not_ready recorded) after timeoutMs.',
  ports: [
    { name: 'ready', type: 'key', default: '{@human/ready}', valueType: 'boolean', description: 'boolean: the person is ready (the root blackboard key the bridge writes)' },
    { name: 'timeoutMs', type: 'integer', default: 15_000, min: 0, max: 600_000, description: 'give up after this long' },
  ],
  children: { min: 0, max: 0 },
  example: 'WaitForHumanReady: { timeoutMs: 15000 }',
  create: (ctx) => new WaitForHumanReady(ctx),
};

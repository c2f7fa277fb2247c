/**
 * `Delay` (BehaviorTree.CPP's DelayNode): RUNNING for `delayMs` after it starts, then
 * ticks its child and returns what the child returns; once the child finishes, the next
 * start waits again. Halting cancels the wait. The end of the wait is reported through
 * `nextDeadline()`, so the runner is woken exactly then.
 */
import type { RunResult } from '../engine-types.ts';
import type { Clock } from '../../core/clock.ts';
import type { NodeDef } from '../node.ts';
import { NodeLogic, RUNNING, RuntimeNode } from '../runtime.ts';
import { ONE_CHILD } from './shared.ts';

/**
 * Logic of `Delay`.
 *
 * @example
 * ```ts
 * new RuntimeNode(info, [say], new DelayLogic(clock, 500)).run(bb); // RUNNING for 500 ms, then the child
 * ```
 */
export class DelayLogic extends NodeLogic {
  private until = 0;
  constructor(
    private readonly clock: Clock,
    private readonly delayMs: number,
  ) {
    super();
  }

  tick(n: RuntimeNode, bb: unknown, wasRunning: boolean): RunResult {
    const now = this.clock.now();
    if (!wasRunning) this.until = now + this.delayMs;
    if (now < this.until) return RUNNING;
    return n.children[0]!.run(bb);
  }

  override feedback(n: RuntimeNode): string {
    return n.running && this.clock.now() < this.until ? `waiting until ${new Date(this.until).toISOString()}` : '';
  }

  override deadline(n: RuntimeNode): number | undefined {
    if (n.running && this.clock.now() < this.until) return this.until;
    return n.children[0]!.deadline();
  }
}

/**
 * Declaration of `Delay`.
 *
 * @example
 * ```ts
 * DELAY.ports[0]?.alias; // 'delay_msec'
 * ```
 */
export const DELAY: NodeDef = {
  kind: 'Delay',
  category: 'decorator',
  role: 'control',
  description: 'RUNNING for delayMs after it starts, then ticks the child and returns its status; waits again on the next start. Wakes the runner when the wait ends.',
  ports: [{ name: 'delayMs', alias: 'delay_msec', type: 'integer', required: true, min: 0, max: 3_600_000, description: 'wait before ticking the child, ms' }],
  children: ONE_CHILD,
  example: 'Delay:\n  delayMs: 500\n  child:\n    Handover: { objectId: cup, target: right_hand }',
  createControl: (c) => new RuntimeNode(c.info, c.children, new DelayLogic(c.clock, Number(c.ports.delayMs))),
};

/**
 * `Timeout` (BehaviorTree.CPP's TimeoutNode): fails when its child is still RUNNING
 * `timeoutMs` after it started, halting the child (its controller action is cancelled).
 * The deadline is reported through `nextDeadline()`, so the planner's ticker wakes the
 * tree at that moment instead of waiting for the next regular tick.
 */
import type { RunResult } from '../engine-types.ts';
import type { Clock } from '../../core/clock.ts';
import type { NodeDef } from '../node.ts';
import { NodeLogic, RuntimeNode } from '../runtime.ts';
import { ONE_CHILD } from './shared.ts';

/**
 * Logic of `Timeout`.
 *
 * @example
 * ```ts
 * new RuntimeNode(info, [handover], new TimeoutLogic(clock, 20_000)).run(bb);
 * ```
 */
export class TimeoutLogic extends NodeLogic {
  private startedAt = 0;
  private timedOut = false;
  constructor(
    private readonly clock: Clock,
    private readonly limitMs: number,
  ) {
    super();
  }

  tick(n: RuntimeNode, bb: unknown, wasRunning: boolean): RunResult {
    const now = this.clock.now();
    const child = n.children[0]!;
    if (!wasRunning) {
      this.startedAt = now;
      this.timedOut = false;
    }
    if (now - this.startedAt >= this.limitMs) {
      child.halt();
      this.timedOut = true;
      return false;
    }
    return child.run(bb);
  }

  override feedback(n: RuntimeNode): string {
    return this.timedOut ? `timed out after ${this.limitMs} ms` : '';
  }

  override deadline(n: RuntimeNode): number | undefined {
    const d = n.children[0]!.deadline();
    if (!n.running) return d;
    const t = this.startedAt + this.limitMs;
    return d === undefined || t < d ? t : d;
  }
}

/**
 * Declaration of `Timeout`.
 *
 * @example
 * ```ts
 * TIMEOUT.ports[0]?.alias; // 'msec'
 * ```
 */
export const TIMEOUT: NodeDef = {
  kind: 'Timeout',
  category: 'decorator',
  role: 'control',
  description: 'Fails (halting the child) when the child is still RUNNING timeoutMs after it started; wakes the runner at that deadline.',
  ports: [{ name: 'timeoutMs', alias: 'msec', type: 'integer', required: true, min: 1, max: 3_600_000, description: 'time limit in ms' }],
  children: ONE_CHILD,
  example: 'Timeout:\n  timeoutMs: 20000\n  child:\n    WaitForHumanReady: {}',
  createControl: (c) => new RuntimeNode(c.info, c.children, new TimeoutLogic(c.clock, Number(c.ports.timeoutMs))),
};

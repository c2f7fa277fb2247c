/**
 * `RetryUntilSuccessful` (alias `Retry`; BehaviorTree.CPP's RetryNode): runs its child
 * again after a failure, up to `numAttempts` attempts in total (`-1`: no limit). An
 * attempt that fails after RUNNING is retried in the same tick; one that fails in the
 * tick it started (a synchronous failure) is retried on the next tick, as BT.CPP does
 * in trees built by its factory — so a tick never loops, even with no limit, and
 * reactive parents get to re-check their conditions between attempts.
 */
import type { RunResult } from '../engine-types.ts';
import type { NodeDef } from '../node.ts';
import { NodeLogic, RUNNING, RuntimeNode, SKIPPED } from '../runtime.ts';
import { ONE_CHILD } from './shared.ts';

/**
 * Logic of `RetryUntilSuccessful` (`retry = true`) and `Repeat` (`retry = false`):
 * the same loop, one repeating on failure, the other on success.
 *
 * @example
 * ```ts
 * new RuntimeNode(info, [handover], new LoopLogic(3, true)).run(bb);
 * ```
 */
export class LoopLogic extends NodeLogic {
  private count = 0;
  /** Attempts (cycles) started in the current or last run, for feedback. */
  private started = 0;
  constructor(
    private readonly limit: number,
    private readonly retry: boolean,
  ) {
    super();
  }

  tick(n: RuntimeNode, bb: unknown): RunResult {
    const child = n.children[0]!;
    const limit = this.limit;
    // `again`: the result that loops (FAILURE for retry, SUCCESS for repeat)
    const again = !this.retry;
    while (limit === -1 || this.count < limit) {
      const childWasRunning = child.running;
      this.started = this.count + 1;
      const r = child.run(bb);
      if (r === RUNNING) return RUNNING;
      if (r === SKIPPED) return SKIPPED;
      if (r !== again) {
        this.count = 0;
        return r;
      }
      this.count++;
      // a synchronous completion yields to the next tick (never loops within one tick)
      if (!childWasRunning && (limit === -1 || this.count < limit)) return RUNNING;
    }
    this.count = 0;
    return again;
  }

  override halt(n: RuntimeNode): void {
    this.count = 0;
    n.children[0]!.halt();
  }

  override feedback(n: RuntimeNode): string {
    const lim = this.limit === -1 ? '∞' : String(this.limit);
    return this.retry ? `attempt ${this.started}/${lim}` : `cycle ${this.started}/${lim}`;
  }
}

/**
 * Declaration of `RetryUntilSuccessful` (also `Retry`).
 *
 * @example
 * ```ts
 * RETRY.aliases; // ['Retry']
 * ```
 */
export const RETRY: NodeDef = {
  kind: 'RetryUntilSuccessful',
  aliases: ['Retry'],
  category: 'decorator',
  role: 'control',
  description: 'Runs the child again after a failure, up to numAttempts attempts in total (-1: no limit). A failure after RUNNING is retried in the same tick, a failure in the tick the attempt started on the next tick.',
  ports: [{ name: 'numAttempts', alias: 'num_attempts', type: 'integer', default: 3, min: -1, description: 'attempts in total, including the first; -1 = until it succeeds' }],
  children: ONE_CHILD,
  check: (ports) => (ports.numAttempts === 0 ? { message: 'numAttempts 0 would never run the child', hint: 'use 1 or more attempts, or -1 for no limit' } : undefined),
  example: 'RetryUntilSuccessful:\n  numAttempts: 3\n  child:\n    Handover: { objectId: cup, target: right_hand }',
  createControl: (c) => new RuntimeNode(c.info, c.children, new LoopLogic(Number(c.ports.numAttempts), true)),
};

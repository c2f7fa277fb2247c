/**
 * `Sequence` (BehaviorTree.CPP's SequenceNode): ticks children in order and fails at the
 * first failure. It remembers the RUNNING child and resumes there on the next tick
 * (earlier children are not re-ticked); a failure or success resets it to the first
 * child. Skipped children are stepped over; when all were skipped the Sequence is skipped.
 */
import type { RunResult } from '../engine-types.ts';
import type { NodeDef } from '../node.ts';
import { NodeLogic, RUNNING, RuntimeNode, SKIPPED, reachedChild } from '../runtime.ts';
import { MANY_CHILDREN, haltChildren } from './shared.ts';

/**
 * Logic of `Sequence` (`sequence = true`) and `Fallback` (`sequence = false`): the same
 * loop with SUCCESS and FAILURE swapped.
 *
 * @example
 * ```ts
 * new RuntimeNode(info, [check, act], new SequenceLogic(true)).run(bb); // RUNNING while act runs
 * ```
 */
export class SequenceLogic extends NodeLogic {
  private current = 0;
  private skipped = 0;
  constructor(private readonly sequence: boolean) {
    super();
  }

  tick(n: RuntimeNode, bb: unknown, wasRunning: boolean): RunResult {
    const cs = n.children;
    const count = cs.length;
    const seq = this.sequence;
    if (!wasRunning) this.skipped = 0;
    while (this.current < count) {
      const r = cs[this.current]!.run(bb);
      if (r === RUNNING) return RUNNING;
      if (r === SKIPPED) {
        this.current++;
        this.skipped++;
      } else if (r === seq) {
        this.current++;
      } else {
        haltChildren(cs);
        this.current = 0;
        return r;
      }
    }
    const allSkipped = this.skipped === count;
    haltChildren(cs);
    this.current = 0;
    this.skipped = 0;
    return allSkipped ? SKIPPED : seq;
  }

  override halt(n: RuntimeNode): void {
    this.current = 0;
    this.skipped = 0;
    haltChildren(n.children);
  }

  override feedback(n: RuntimeNode): string {
    return reachedChild(n);
  }
}

/**
 * Declaration of `Sequence`.
 *
 * @example
 * ```ts
 * SEQUENCE.children; // { min: 1, max: 10000 }
 * ```
 */
export const SEQUENCE: NodeDef = {
  kind: 'Sequence',
  category: 'composite',
  role: 'control',
  description: 'Ticks children in order; fails at the first failure. Resumes at the RUNNING child (earlier children are not re-ticked); starts over after it finishes. Skipped children are stepped over.',
  ports: [],
  children: MANY_CHILDREN,
  example: 'Sequence:\n  children:\n    - WaitForHumanReady: {}\n    - Handover: { objectId: cup, target: right_hand }',
  createControl: (c) => new RuntimeNode(c.info, c.children, new SequenceLogic(true)),
};

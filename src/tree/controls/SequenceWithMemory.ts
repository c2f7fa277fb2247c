/**
 * `SequenceWithMemory` (BehaviorTree.CPP): like `Sequence`, but a failure does not send
 * it back to the first child — the next tick resumes at the child that failed, so
 * children that already succeeded are not run again. Halting keeps that memory too;
 * it starts over only after the last child succeeds.
 */
import type { RunResult } from '../engine-types.ts';
import type { NodeDef } from '../node.ts';
import { NodeLogic, RUNNING, RuntimeNode, SKIPPED, reachedChild } from '../runtime.ts';
import { MANY_CHILDREN, haltChildren } from './shared.ts';

/**
 * Logic of `SequenceWithMemory`.
 *
 * @example
 * ```ts
 * new RuntimeNode(info, [a, b], new SequenceWithMemoryLogic()).run(bb);
 * ```
 */
export class SequenceWithMemoryLogic extends NodeLogic {
  private current = 0;
  private skipped = 0;

  tick(n: RuntimeNode, bb: unknown, wasRunning: boolean): RunResult {
    const cs = n.children;
    const count = cs.length;
    if (!wasRunning) this.skipped = 0;
    while (this.current < count) {
      const r = cs[this.current]!.run(bb);
      if (r === RUNNING) return RUNNING;
      if (r === false) {
        haltChildren(cs, this.current);
        return false;
      }
      if (r === SKIPPED) this.skipped++;
      this.current++;
    }
    const allSkipped = this.skipped === count;
    haltChildren(cs);
    this.current = 0;
    this.skipped = 0;
    return allSkipped ? SKIPPED : true;
  }

  override feedback(n: RuntimeNode): string {
    return `${reachedChild(n)}; resumes at child ${this.current + 1}`;
  }
}

/**
 * Declaration of `SequenceWithMemory`.
 *
 * @example
 * ```ts
 * SEQUENCE_WITH_MEMORY.kind; // 'SequenceWithMemory'
 * ```
 */
export const SEQUENCE_WITH_MEMORY: NodeDef = {
  kind: 'SequenceWithMemory',
  category: 'composite',
  role: 'control',
  description: 'Like Sequence, but after a failure (or a halt) the next tick resumes at the child that failed: children that already succeeded are not run again until the whole sequence has succeeded.',
  ports: [],
  children: MANY_CHILDREN,
  example: 'SequenceWithMemory:\n  children:\n    - Handover: { objectId: cup, target: right_hand }\n    - Handover: { objectId: plate, target: right_hand }',
  createControl: (c) => new RuntimeNode(c.info, c.children, new SequenceWithMemoryLogic()),
};

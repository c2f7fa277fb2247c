/**
 * `IfThenElse` (BehaviorTree.CPP): two or three children. The first is the condition
 * (ticked until it stops RUNNING); on SUCCESS the second child runs, on FAILURE the
 * third (or FAILURE when there is no third). Once a branch is chosen it is kept until
 * it finishes — the condition is not re-checked meanwhile (use WhileDoElse for that).
 */
import type { RunResult } from '../engine-types.ts';
import type { NodeDef } from '../node.ts';
import { NodeLogic, RUNNING, RuntimeNode, reachedChild } from '../runtime.ts';
import { haltChildren } from './shared.ts';

/**
 * Logic of `IfThenElse`.
 *
 * @example
 * ```ts
 * new RuntimeNode(info, [cond, then, otherwise], new IfThenElseLogic()).run(bb);
 * ```
 */
export class IfThenElseLogic extends NodeLogic {
  private branch = 0;

  tick(n: RuntimeNode, bb: unknown): RunResult {
    const cs = n.children;
    if (this.branch === 0) {
      const c = cs[0]!.run(bb);
      if (c === RUNNING) return RUNNING;
      if (c === true) this.branch = 1;
      else if (c === false) {
        if (cs.length === 3) this.branch = 2;
        else return false;
      } else return c; // the condition was skipped: so is the node
    }
    const r = cs[this.branch]!.run(bb);
    if (r === RUNNING) return RUNNING;
    haltChildren(cs);
    this.branch = 0;
    return r;
  }

  override halt(n: RuntimeNode): void {
    this.branch = 0;
    haltChildren(n.children);
  }

  override feedback(n: RuntimeNode): string {
    return reachedChild(n);
  }
}

/**
 * Declaration of `IfThenElse`.
 *
 * @example
 * ```ts
 * IF_THEN_ELSE.children; // { min: 2, max: 3 }
 * ```
 */
export const IF_THEN_ELSE: NodeDef = {
  kind: 'IfThenElse',
  category: 'composite',
  role: 'control',
  description: 'Children: condition, then, optional else. Runs `then` when the condition succeeds, `else` when it fails (FAILURE without an else); keeps the chosen branch until it finishes.',
  ports: [],
  children: { min: 2, max: 3 },
  example: 'IfThenElse:\n  children:\n    - ControllerAvailable: {}\n    - Handover: { objectId: cup, target: right_hand }\n    - Wait: { durationMs: 1000 }',
  createControl: (c) => new RuntimeNode(c.info, c.children, new IfThenElseLogic()),
};

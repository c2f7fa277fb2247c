/**
 * `WhileDoElse` (BehaviorTree.CPP): like IfThenElse, but reactive — the condition is
 * re-ticked every tick, and when it changes, the branch that was running is halted and
 * the other one runs.
 */
import type { RunResult } from '../engine-types.ts';
import type { NodeDef } from '../node.ts';
import { NodeLogic, RUNNING, RuntimeNode, reachedChild } from '../runtime.ts';
import { haltChildren } from './shared.ts';

/**
 * Logic of `WhileDoElse`.
 *
 * @example
 * ```ts
 * new RuntimeNode(info, [cond, work, otherwise], new WhileDoElseLogic()).run(bb);
 * ```
 */
export class WhileDoElseLogic extends NodeLogic {
  tick(n: RuntimeNode, bb: unknown): RunResult {
    const cs = n.children;
    const c = cs[0]!.run(bb);
    if (c === RUNNING) return RUNNING;
    let r: RunResult;
    if (c === true) {
      if (cs.length === 3) cs[2]!.halt();
      r = cs[1]!.run(bb);
    } else if (c === false) {
      if (cs.length === 3) {
        cs[1]!.halt();
        r = cs[2]!.run(bb);
      } else r = false;
    } else return c; // the condition was skipped
    if (r === RUNNING) return RUNNING;
    haltChildren(cs);
    return r;
  }

  override feedback(n: RuntimeNode): string {
    return reachedChild(n);
  }
}

/**
 * Declaration of `WhileDoElse`.
 *
 * @example
 * ```ts
 * WHILE_DO_ELSE.children; // { min: 2, max: 3 }
 * ```
 */
export const WHILE_DO_ELSE: NodeDef = {
  kind: 'WhileDoElse',
  category: 'composite',
  role: 'control',
  description: 'Children: condition, do, optional else. Re-checks the condition every tick: runs `do` while it succeeds and `else` while it fails (FAILURE without an else), halting the other branch when it flips.',
  ports: [],
  children: { min: 2, max: 3 },
  example: 'WhileDoElse:\n  children:\n    - ControllerAvailable: {}\n    - Handover: { objectId: cup, target: right_hand }\n    - Wait: { durationMs: 1000 }',
  createControl: (c) => new RuntimeNode(c.info, c.children, new WhileDoElseLogic()),
};

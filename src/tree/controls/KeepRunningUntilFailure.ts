/**
 * `KeepRunningUntilFailure` (BehaviorTree.CPP): RUNNING while its child succeeds (the
 * child starts again on the next tick), FAILURE when the child fails.
 */
import type { RunResult } from '../engine-types.ts';
import type { NodeDef } from '../node.ts';
import { NodeLogic, RUNNING, RuntimeNode } from '../runtime.ts';
import { ONE_CHILD } from './shared.ts';

/**
 * Logic of `KeepRunningUntilFailure`.
 *
 * @example
 * ```ts
 * new RuntimeNode(info, [check], new KeepRunningUntilFailureLogic()).run(bb); // RUNNING while check succeeds
 * ```
 */
export class KeepRunningUntilFailureLogic extends NodeLogic {
  tick(n: RuntimeNode, bb: unknown): RunResult {
    const r = n.children[0]!.run(bb);
    return r === true ? RUNNING : r;
  }
}

/**
 * Declaration of `KeepRunningUntilFailure`.
 *
 * @example
 * ```ts
 * KEEP_RUNNING_UNTIL_FAILURE.kind; // 'KeepRunningUntilFailure'
 * ```
 */
export const KEEP_RUNNING_UNTIL_FAILURE: NodeDef = {
  kind: 'KeepRunningUntilFailure',
  category: 'decorator',
  role: 'control',
  description: 'RUNNING while the child succeeds (it starts again next tick); FAILURE when the child fails.',
  ports: [],
  children: ONE_CHILD,
  example: 'KeepRunningUntilFailure:\n  child:\n    ControllerAvailable: {}',
  createControl: (c) => new RuntimeNode(c.info, c.children, new KeepRunningUntilFailureLogic()),
};

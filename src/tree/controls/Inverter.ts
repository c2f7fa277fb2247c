/**
 * `Inverter`, `ForceSuccess`, `ForceFailure` (BehaviorTree.CPP): decorators that map
 * their child's final status (SUCCESS ↔ FAILURE; FAILURE → SUCCESS; SUCCESS → FAILURE);
 * RUNNING and SKIPPED pass through. One runtime class with a mapping table.
 */
import type { RunResult } from '../engine-types.ts';
import type { NodeDef } from '../node.ts';
import { NodeLogic, RuntimeNode } from '../runtime.ts';
import { ONE_CHILD } from './shared.ts';

/**
 * Logic of the status-mapping decorators: `onSuccess` / `onFailure` are what
 * the child's SUCCESS / FAILURE become.
 *
 * @example
 * ```ts
 * new RuntimeNode(info, [check], new MapStatusLogic(false, true)).run(bb); // an Inverter
 * ```
 */
export class MapStatusLogic extends NodeLogic {
  constructor(
    private readonly onSuccess: boolean,
    private readonly onFailure: boolean,
  ) {
    super();
  }

  tick(n: RuntimeNode, bb: unknown): RunResult {
    const r = n.children[0]!.run(bb);
    return r === true ? this.onSuccess : r === false ? this.onFailure : r;
  }
}

/**
 * Declaration of `Inverter`.
 *
 * @example
 * ```ts
 * INVERTER.kind; // 'Inverter'
 * ```
 */
export const INVERTER: NodeDef = {
  kind: 'Inverter',
  category: 'decorator',
  role: 'control',
  description: 'SUCCESS ↔ FAILURE; RUNNING and SKIPPED pass through.',
  ports: [],
  children: ONE_CHILD,
  example: 'Inverter:\n  child:\n    ControllerAvailable: {}',
  createControl: (c) => new RuntimeNode(c.info, c.children, new MapStatusLogic(false, true)),
};

/**
 * Declaration of `ForceSuccess`.
 *
 * @example
 * ```ts
 * FORCE_SUCCESS.kind; // 'ForceSuccess'
 * ```
 */
export const FORCE_SUCCESS: NodeDef = {
  kind: 'ForceSuccess',
  category: 'decorator',
  role: 'control',
  description: 'FAILURE becomes SUCCESS; RUNNING and SKIPPED pass through.',
  ports: [],
  children: ONE_CHILD,
  example: 'ForceSuccess:\n  child:\n    WaitForHumanReady: { timeoutMs: 5000 }',
  createControl: (c) => new RuntimeNode(c.info, c.children, new MapStatusLogic(true, true)),
};

/**
 * Declaration of `ForceFailure`.
 *
 * @example
 * ```ts
 * FORCE_FAILURE.kind; // 'ForceFailure'
 * ```
 */
export const FORCE_FAILURE: NodeDef = {
  kind: 'ForceFailure',
  category: 'decorator',
  role: 'control',
  description: 'SUCCESS becomes FAILURE; RUNNING and SKIPPED pass through.',
  ports: [],
  children: ONE_CHILD,
  example: 'ForceFailure:\n  child:\n    ControllerAvailable: {}',
  createControl: (c) => new RuntimeNode(c.info, c.children, new MapStatusLogic(false, false)),
};

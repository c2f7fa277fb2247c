/**
 * `Repeat` (BehaviorTree.CPP's RepeatNode): runs its child again after a success, up to
 * `numCycles` successes (`-1`: forever); a failure stops it (FAILURE). Like
 * RetryUntilSuccessful, a cycle that finished in the tick it started yields to the next tick.
 */
import type { NodeDef } from '../node.ts';
import { RuntimeNode } from '../runtime.ts';
import { LoopLogic } from './Retry.ts';
import { ONE_CHILD } from './shared.ts';

/**
 * Declaration of `Repeat`.
 *
 * @example
 * ```ts
 * REPEAT.ports[0]?.alias; // 'num_cycles'
 * ```
 */
export const REPEAT: NodeDef = {
  kind: 'Repeat',
  category: 'decorator',
  role: 'control',
  description: 'Runs the child again after each success, numCycles successes in total (-1: forever); FAILURE as soon as the child fails. A cycle that finished in the tick it started continues on the next tick.',
  ports: [{ name: 'numCycles', alias: 'num_cycles', type: 'integer', required: true, min: -1, description: 'successful cycles before it succeeds; -1 = repeat forever' }],
  children: ONE_CHILD,
  check: (ports) => (ports.numCycles === 0 ? { message: 'numCycles 0 would succeed without running the child', hint: 'use 1 or more cycles, or -1 to repeat forever' } : undefined),
  example: 'Repeat:\n  numCycles: 3\n  child:\n    Handover: { objectId: cup, target: right_hand }',
  createControl: (c) => new RuntimeNode(c.info, c.children, new LoopLogic(Number(c.ports.numCycles), false)),
};

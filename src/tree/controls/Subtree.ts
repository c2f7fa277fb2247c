/**
 * `Subtree` (BehaviorTree.CPP's SubTree): inserts another tree of the document (or an
 * imported one) with its own blackboard scope. Only the subtree's ports connect it to
 * the caller: each declared port is bound to a caller key (`port: '{key}'`) or to a
 * literal (`port: 0.5`); keys that are not ports stay private to this instance
 * (`_autoremap: true` shares every key except `_private` ones). The runtime node is a
 * pass-through: it returns what the subtree's root returns.
 */
import type { RunResult } from '../engine-types.ts';
import type { NodeDef } from '../node.ts';
import { NodeLogic, RuntimeNode } from '../runtime.ts';

/**
 * Logic of `Subtree`.
 *
 * @example
 * ```ts
 * new RuntimeNode(info, [root], new SubtreeLogic()).run(bb);
 * ```
 */
export class SubtreeLogic extends NodeLogic {
  tick(n: RuntimeNode, bb: unknown): RunResult {
    return n.children[0]!.run(bb);
  }
}

/**
 * Declaration of `Subtree` (also `SubTree`). Its ports besides `tree` are the ports the
 * target tree declares; the loader checks them against that declaration.
 *
 * @example
 * ```ts
 * SUBTREE.ports[0]?.name; // 'tree'
 * ```
 */
export const SUBTREE: NodeDef = {
  kind: 'Subtree',
  aliases: ['SubTree'],
  category: 'decorator',
  role: 'control',
  description: "Inserts a named tree (same file or an imported one) with its own blackboard scope; its declared ports are bound to caller keys ('{key}') or literals; `_autoremap: true` shares all non-`_private` keys.",
  ports: [{ name: 'tree', alias: 'ID', type: 'string', required: true, description: 'name of the tree under `trees:`' }],
  children: { min: 0, max: 0 },
  example: "Subtree:\n  tree: AffectModulation\n  frustrated: '{upset}'",
  createControl: (c) => new RuntimeNode(c.info, c.children, new SubtreeLogic()),
};

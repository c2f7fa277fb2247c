/**
 * `AlwaysSuccess` (action, control): SUCCESS every tick, doing nothing — a placeholder
 * while a tree is being written, or the "nothing to do" branch of a Fallback
 * (BehaviorTree.CPP and py_trees have the same leaf). Allowed on both sides of the
 * task-first rule.
 */
import { defineNode } from '../src/tree/define.ts';
import { Behaviour, type Status } from '../src/tree/node.ts';

/**
 * Behaviour of `AlwaysSuccess`.
 *
 * @example
 * ```ts
 * new Succeed().update(); // 'SUCCESS'
 * ```
 */
export class Succeed extends Behaviour {
  update(): Status {
    this.feedback = 'success';
    return 'SUCCESS';
  }
}

/**
 * Declaration of `AlwaysSuccess`.
 *
 * @example
 * ```ts
 * ALWAYS_SUCCESS.kind; // 'AlwaysSuccess'
 * ```
 */
export const ALWAYS_SUCCESS = defineNode({
  kind: 'AlwaysSuccess',
  category: 'action',
  role: 'control',
  description: 'SUCCESS every tick; does nothing (a placeholder, or the empty branch of a Fallback).',
  ports: {},
  create: () => new Succeed(),
});

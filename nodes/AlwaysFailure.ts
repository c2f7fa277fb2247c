/**
 * `AlwaysFailure` (action, control): FAILURE every tick, doing nothing — e.g. to end a
 * Fallback explicitly or to stub a branch that is not written yet. Allowed on both
 * sides of the task-first rule.
 */
import { defineNode } from '../src/tree/define.ts';
import { Behaviour, type Status } from '../src/tree/node.ts';

/**
 * Behaviour of `AlwaysFailure`.
 *
 * @example
 * ```ts
 * new Fail().update(); // 'FAILURE'
 * ```
 */
export class Fail extends Behaviour {
  update(): Status {
    this.feedback = 'failure';
    return 'FAILURE';
  }
}

/**
 * Declaration of `AlwaysFailure`.
 *
 * @example
 * ```ts
 * ALWAYS_FAILURE.kind; // 'AlwaysFailure'
 * ```
 */
export const ALWAYS_FAILURE = defineNode({
  kind: 'AlwaysFailure',
  category: 'action',
  role: 'control',
  description: 'FAILURE every tick; does nothing (ends a Fallback, or stubs an unwritten branch).',
  ports: {},
  create: () => new Fail(),
});

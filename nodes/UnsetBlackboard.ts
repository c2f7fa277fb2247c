/**
 * `UnsetBlackboard` (action, task): removes a key's value and succeeds (whether or not
 * it had one); afterwards the key reads as unknown, like a stale one.
 */
import { defineNode } from '../src/tree/define.ts';
import { Behaviour, type Status } from '../src/tree/node.ts';
import type { BlackboardAccess } from '../src/core/blackboard.ts';

/**
 * Behaviour of `UnsetBlackboard`.
 *
 * YAML:
 * ```yaml
 * - UnsetBlackboard: { key: '{cell/mode}' }
 * ```
 *
 * @example
 * ```ts
 * new UnsetValue(io, 'cell/mode').update(); // 'SUCCESS', cell/mode unknown
 * ```
 */
export class UnsetValue extends Behaviour {
  constructor(
    private readonly io: BlackboardAccess,
    private readonly key: string,
  ) {
    super();
  }
  update(): Status {
    this.feedback = this.io.delete(this.key) ? `${this.key} removed` : `${this.key} was not set`;
    return 'SUCCESS';
  }
}

/**
 * Declaration of `UnsetBlackboard`.
 *
 * @example
 * ```ts
 * UNSET_BLACKBOARD.ports[0]?.name; // 'key'
 * ```
 */
export const UNSET_BLACKBOARD = defineNode({
  kind: 'UnsetBlackboard',
  category: 'action',
  role: 'task',
  description: "Removes the key's value (it then reads as unknown) and succeeds.",
  ports: {
    key: { type: 'key', required: true, description: 'blackboard key to remove' },
  },
  example: "UnsetBlackboard: { key: '{cell/mode}' }",
  create: (ctx) => new UnsetValue(ctx.access({ writes: [ctx.ports.key] }), ctx.ports.key),
});

/**
 * `SetBlackboard` (action, task): writes a value to a blackboard key and succeeds — a
 * mode flag, a counter reset, a value a later condition checks. The YAML value decides
 * the type (`value: 3` a number, `value: fast` a string, `value: true` a boolean); a key
 * declared with another type (e.g. by a node's port) makes the write fail loudly.
 * A task node: affect branches may not write task state.
 */
import { defineNode } from '../src/tree/define.ts';
import { Behaviour, type Status } from '../src/tree/node.ts';
import type { BlackboardAccess } from '../src/core/blackboard.ts';

/**
 * Behaviour of `SetBlackboard`.
 *
 * YAML:
 * ```yaml
 * - SetBlackboard: { key: '{cell/mode}', value: careful }
 * ```
 *
 * @example
 * ```ts
 * new SetValue(io, 'cell/mode', 'careful', undefined).update(); // 'SUCCESS', cell/mode = 'careful'
 * ```
 */
export class SetValue extends Behaviour {
  constructor(
    private readonly io: BlackboardAccess,
    private readonly key: string,
    private readonly value: string | number | boolean,
    private readonly maxAgeMs: number | undefined,
  ) {
    super();
  }
  update(): Status {
    this.io.set(this.key, this.value, this.maxAgeMs === undefined ? undefined : { maxAgeMs: this.maxAgeMs });
    this.feedback = `${this.key} = ${JSON.stringify(this.value)}`;
    return 'SUCCESS';
  }
}

/**
 * Declaration of `SetBlackboard`.
 *
 * @example
 * ```ts
 * SET_BLACKBOARD.ports.map((p) => p.name); // ['key', 'value', 'maxAgeMs']
 * ```
 */
export const SET_BLACKBOARD = defineNode({
  kind: 'SetBlackboard',
  category: 'action',
  role: 'task',
  description: 'Writes value to the key and succeeds; the YAML value decides the type (number, string or boolean).',
  ports: {
    key: { type: 'key', required: true, description: 'blackboard key to write' },
    value: { type: 'scalar', required: true, description: 'value to write (string, number or boolean)' },
    maxAgeMs: { type: 'integer', min: 1, max: 86_400_000, description: 'the value reads as unknown after this long (default: never, or the declared maxAgeMs of the key)' },
  },
  example: "SetBlackboard: { key: '{cell/mode}', value: careful }",
  create: (ctx) => new SetValue(ctx.access({ writes: [ctx.ports.key] }), ctx.ports.key, ctx.ports.value, ctx.ports.maxAgeMs),
});

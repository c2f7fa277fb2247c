/**
 * `CheckBlackboard` (condition, control): compares a blackboard entry with a value —
 * `==`, `!=`, `<`, `<=`, `>`, `>=` — without type coercion: `3` never equals `'3'`, and
 * the ordering operators compare numbers only (the loader rejects `<` with a string or
 * boolean value). A missing or stale entry is unknown and the check fails (stale is
 * unknown); so does an entry of another type, with a feedback message saying so.
 * It only reads, so it may be used on both sides of the task-first rule.
 */
import { defineNode } from '../src/tree/define.ts';
import { Behaviour, type Status } from '../src/tree/node.ts';
import type { BlackboardAccess } from '../src/core/blackboard.ts';

/** The comparison operators of CheckBlackboard. */
export type CompareOp = '==' | '!=' | '<' | '<=' | '>' | '>=';

/**
 * Compares without coercion; `undefined` when the types do not allow the comparison.
 *
 * @example
 * ```ts
 * compareValues(3, '>=', 2);   // true
 * compareValues('3', '==', 3); // undefined (string vs number)
 * ```
 */
export function compareValues(actual: unknown, op: CompareOp, expected: string | number | boolean): boolean | undefined {
  if (typeof actual !== typeof expected) return undefined;
  switch (op) {
    case '==':
      return actual === expected;
    case '!=':
      return actual !== expected;
    default: {
      if (typeof actual !== 'number' || typeof expected !== 'number') return undefined;
      return op === '<' ? actual < expected : op === '<=' ? actual <= expected : op === '>' ? actual > expected : actual >= expected;
    }
  }
}

/**
 * Behaviour of `CheckBlackboard`.
 *
 * YAML:
 * ```yaml
 * - CheckBlackboard: { key: '{apology/count}', op: '<', value: 3 }
 * ```
 *
 * @example
 * ```ts
 * new Compare(io, 'apology/count', '<', 3).update(); // 'SUCCESS' while fewer than 3 apologies
 * ```
 */
export class Compare extends Behaviour {
  constructor(
    private readonly io: BlackboardAccess,
    private readonly key: string,
    private readonly op: CompareOp,
    private readonly value: string | number | boolean,
  ) {
    super();
  }
  update(): Status {
    const actual = this.io.get(this.key);
    if (actual === undefined) {
      this.feedback = `${this.key} is unknown (missing or stale)`;
      return 'FAILURE';
    }
    const r = compareValues(actual, this.op, this.value);
    if (r === undefined) {
      this.feedback = `${this.key} is ${actual === null ? 'null' : Array.isArray(actual) ? 'a list' : `a ${typeof actual}`}, cannot compare with ${typeof this.value} ${JSON.stringify(this.value)}`;
      return 'FAILURE';
    }
    this.feedback = `${this.key} ${JSON.stringify(actual)} ${this.op} ${JSON.stringify(this.value)}: ${r}`;
    return r ? 'SUCCESS' : 'FAILURE';
  }
}

/**
 * Declaration of `CheckBlackboard`.
 *
 * @example
 * ```ts
 * CHECK_BLACKBOARD.ports.map((p) => p.name); // ['key', 'op', 'value']
 * ```
 */
export const CHECK_BLACKBOARD = defineNode({
  kind: 'CheckBlackboard',
  category: 'condition',
  role: 'control',
  description: 'SUCCESS when the entry compares true with value (==, !=, <, <=, >, >=; no type coercion, ordering for numbers only); FAILURE when false, of another type, missing or stale.',
  ports: {
    key: { type: 'key', required: true, description: 'blackboard key to read' },
    op: { type: 'enum', values: ['==', '!=', '<', '<=', '>', '>='], default: '==', description: 'comparison operator' },
    value: { type: 'scalar', required: true, description: 'value to compare with (its YAML type is the expected type)' },
  },
  example: "CheckBlackboard: { key: '{task/handoversDone}', op: '<', value: 3 }",
  check: (p) =>
    p.op !== '==' && p.op !== '!=' && typeof p.value !== 'number'
      ? { message: `op '${p.op}' compares numbers, but value is ${typeof p.value} ${JSON.stringify(p.value)}`, hint: "use '==' or '!=' for strings and booleans" }
      : undefined,
  create: (ctx) => new Compare(ctx.access({ reads: [ctx.ports.key] }), ctx.ports.key, ctx.ports.op, ctx.ports.value),
});

/**
 * Small pieces the control nodes share: child-count shapes for their declarations and
 * the halt helper (BehaviorTree.CPP's `haltChild` / `resetChildren`).
 */
import type { RtNode } from '../runtime.ts';

/**
 * Child count of a composite (no arbitrary cap: wide trees are allowed).
 *
 * @example
 * ```ts
 * { kind: 'Sequence', children: MANY_CHILDREN, … }
 * ```
 */
export const MANY_CHILDREN = { min: 1, max: 10_000 } as const;

/**
 * Child count of a decorator.
 *
 * @example
 * ```ts
 * { kind: 'Inverter', children: ONE_CHILD, … }
 * ```
 */
export const ONE_CHILD = { min: 1, max: 1 } as const;

/**
 * Halts the running children among `from..end`.
 *
 * @example
 * ```ts
 * haltChildren(this.children, 0); // resetChildren()
 * ```
 */
export function haltChildren(children: readonly RtNode[], from = 0): void {
  for (let i = from; i < children.length; i++) {
    const c = children[i]!;
    if (c.running) c.halt();
  }
}

/**
 * `ReactiveSequence` and `ReactiveFallback` (BehaviorTree.CPP): every tick they re-tick
 * their children from the first, so conditions are re-checked while an action runs.
 * When a child is RUNNING, every other child is halted (a RUNNING child that lost
 * priority is stopped — its controller action cancelled); when the outcome is decided,
 * all children are halted. Skipped children are stepped over; all skipped → SKIPPED.
 */
import type { RunResult } from '../engine-types.ts';
import type { NodeDef } from '../node.ts';
import { NodeLogic, RUNNING, RuntimeNode, SKIPPED, reachedChild } from '../runtime.ts';
import { MANY_CHILDREN, haltChildren } from './shared.ts';

/**
 * Logic of `ReactiveSequence` (`sequence = true`) and `ReactiveFallback`.
 *
 * @example
 * ```ts
 * const rs = new RuntimeNode(info, [condition, handover], new ReactiveLogic(true));
 * rs.run(bb); // condition fails → handover (if RUNNING) is halted
 * ```
 */
export class ReactiveLogic extends NodeLogic {
  constructor(
    private readonly sequence: boolean,
  ) {
    super();
  }

  tick(node: RuntimeNode, bb: unknown): RunResult {
    const cs = node.children;
    const n = cs.length;
    const seq = this.sequence;
    let allSkipped = true;
    for (let i = 0; i < n; i++) {
      const r = cs[i]!.run(bb);
      if (r === RUNNING) {
        for (let j = 0; j < n; j++) if (j !== i && cs[j]!.running) cs[j]!.halt();
        return RUNNING;
      }
      if (r === SKIPPED) continue;
      allSkipped = false;
      if (r !== seq) {
        haltChildren(cs);
        return r;
      }
    }
    haltChildren(cs);
    return allSkipped ? SKIPPED : seq;
  }

  override feedback(n: RuntimeNode): string {
    return reachedChild(n);
  }
}

/**
 * Declaration of `ReactiveSequence`.
 *
 * @example
 * ```ts
 * REACTIVE_SEQUENCE.kind; // 'ReactiveSequence'
 * ```
 */
export const REACTIVE_SEQUENCE: NodeDef = {
  kind: 'ReactiveSequence',
  category: 'composite',
  role: 'control',
  description: 'Re-ticks all children from the first every tick; when an earlier child fails, halts the RUNNING one.',
  ports: [],
  children: MANY_CHILDREN,
  example: 'ReactiveSequence:\n  children:\n    - ControllerAvailable: {}\n    - Handover: { objectId: cup, target: right_hand }',
  createControl: (c) => new RuntimeNode(c.info, c.children, new ReactiveLogic(true)),
};

/**
 * Declaration of `ReactiveFallback`.
 *
 * @example
 * ```ts
 * REACTIVE_FALLBACK.kind; // 'ReactiveFallback'
 * ```
 */
export const REACTIVE_FALLBACK: NodeDef = {
  kind: 'ReactiveFallback',
  category: 'composite',
  role: 'control',
  description: 'Re-ticks all children from the first every tick; when a higher-priority child succeeds or runs, halts the RUNNING lower one.',
  ports: [],
  children: MANY_CHILDREN,
  example: 'ReactiveFallback:\n  children:\n    - Inverter: { child: ControllerAvailable }\n    - Handover: { objectId: cup, target: right_hand }',
  createControl: (c) => new RuntimeNode(c.info, c.children, new ReactiveLogic(false)),
};

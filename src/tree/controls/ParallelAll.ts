/**
 * `ParallelAll` (BehaviorTree.CPP's ParallelAllNode): ticks every unfinished child every
 * tick until all of them have finished, then fails if at least `maxFailures` of them
 * failed (negative counts from the number of children), else succeeds.
 */
import type { RunResult } from '../engine-types.ts';
import type { NodeDef } from '../node.ts';
import { NodeLogic, RUNNING, RuntimeNode, SKIPPED } from '../runtime.ts';
import { resolveThreshold } from './Parallel.ts';
import { MANY_CHILDREN, haltChildren } from './shared.ts';

/**
 * Logic of `ParallelAll`.
 *
 * @example
 * ```ts
 * new RuntimeNode(info, [a, b], new ParallelAllLogic(2, 1)).run(bb);
 * ```
 */
export class ParallelAllLogic extends NodeLogic {
  private readonly done: Uint8Array;
  private finished = 0;
  private failures = 0;
  private readonly failureThreshold: number;

  constructor(children: number, maxFailures: number) {
    super();
    this.done = new Uint8Array(children);
    this.failureThreshold = resolveThreshold(maxFailures, children);
  }

  tick(node: RuntimeNode, bb: unknown): RunResult {
    const cs = node.children;
    const n = cs.length;
    const done = this.done;
    let skipped = 0;
    for (let i = 0; i < n; i++) {
      if (done[i] !== 0) continue;
      const r = cs[i]!.run(bb);
      if (r === SKIPPED) skipped++;
      else if (r === true || r === false) {
        done[i] = 1;
        this.finished++;
        if (r === false) this.failures++;
      }
    }
    if (skipped === n) return SKIPPED;
    if (skipped + this.finished < n) return RUNNING;
    const r = this.failures < this.failureThreshold;
    haltChildren(cs);
    this.clear();
    return r;
  }

  private clear(): void {
    this.done.fill(0);
    this.finished = 0;
    this.failures = 0;
  }

  override halt(n: RuntimeNode): void {
    this.clear();
    haltChildren(n.children);
  }

  override feedback(n: RuntimeNode): string {
    return `${this.finished}/${n.children.length} finished, ${this.failures} failed (fails at ${this.failureThreshold})`;
  }
}

/**
 * Declaration of `ParallelAll`.
 *
 * @example
 * ```ts
 * PARALLEL_ALL.ports[0]?.name; // 'maxFailures'
 * ```
 */
export const PARALLEL_ALL: NodeDef = {
  kind: 'ParallelAll',
  category: 'composite',
  role: 'control',
  description: 'Ticks all unfinished children every tick until every child has finished; then FAILURE if at least maxFailures failed, else SUCCESS.',
  ports: [{ name: 'maxFailures', alias: 'max_failures', type: 'integer', default: 1, description: 'failures that make it fail; negative counts from the number of children (-1 = all)' }],
  children: MANY_CHILDREN,
  checkChildren: (ports, n) => {
    const f = resolveThreshold(Number(ports.maxFailures), n);
    if (f === 0) return { message: `maxFailures ${String(ports.maxFailures)} resolves to 0 with ${n} children: it would always fail`, hint: 'use 1..children or -1 (all children)' };
    return f > n ? { message: `maxFailures ${String(ports.maxFailures)} needs ${f} failures of ${n} children: it can never fail`, hint: 'lower maxFailures or use -1 (all children)' } : undefined;
  },
  example: 'ParallelAll:\n  maxFailures: 1\n  children:\n    - Handover: { objectId: cup, target: right_hand }\n    - Wait: { durationMs: 500 }',
  createControl: (c) => new RuntimeNode(c.info, c.children, new ParallelAllLogic(c.children.length, Number(c.ports.maxFailures))),
};

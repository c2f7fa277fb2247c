/**
 * `Parallel` (BehaviorTree.CPP's ParallelNode): ticks every child that has not finished
 * yet, every tick (single-threaded: "parallel" means concurrently RUNNING). It succeeds
 * once `successCount` children succeeded and fails once `failureCount` failed, or as
 * soon as success has become impossible; then it halts the children still running.
 * Negative thresholds count from the number of children: -1 = all, -2 = all but one.
 * With a negative success threshold, skipped children count toward success.
 */
import type { RunResult } from '../engine-types.ts';
import type { NodeDef } from '../node.ts';
import { NodeLogic, RUNNING, RuntimeNode, SKIPPED } from '../runtime.ts';
import { MANY_CHILDREN, haltChildren } from './shared.ts';

/**
 * Resolves a BehaviorTree.CPP threshold against the child count (`-1` = all of them).
 *
 * @example
 * ```ts
 * resolveThreshold(-1, 4); // 4
 * resolveThreshold(-2, 4); // 3
 * resolveThreshold(2, 4);  // 2
 * ```
 */
export function resolveThreshold(t: number, children: number): number {
  return t < 0 ? Math.max(children + t + 1, 0) : t;
}

/**
 * Logic of `Parallel`.
 *
 * @example
 * ```ts
 * new RuntimeNode(info, [a, b, c], new ParallelLogic(3, -1, 1)).run(bb); // SUCCESS when all three succeed
 * ```
 */
export class ParallelLogic extends NodeLogic {
  /** 0 = not finished, 1 = succeeded, 2 = failed (per child, reset when the node finishes). */
  private readonly done: Uint8Array;
  private successes = 0;
  private failures = 0;
  private readonly successNeeded: number;
  private readonly failureLimit: number;
  private readonly skipCountsAsSuccess: boolean;

  constructor(children: number, successCount: number, failureCount: number) {
    super();
    this.done = new Uint8Array(children);
    this.successNeeded = resolveThreshold(successCount, children);
    this.failureLimit = resolveThreshold(failureCount, children);
    this.skipCountsAsSuccess = successCount < 0;
  }

  tick(node: RuntimeNode, bb: unknown): RunResult {
    const cs = node.children;
    const n = cs.length;
    const done = this.done;
    let skipped = 0;
    for (let i = 0; i < n; i++) {
      if (done[i] === 0) {
        const r = cs[i]!.run(bb);
        if (r === SKIPPED) skipped++;
        else if (r === true) {
          done[i] = 1;
          this.successes++;
        } else if (r === false) {
          done[i] = 2;
          this.failures++;
        }
      }
      if (this.successes >= this.successNeeded || (this.skipCountsAsSuccess && this.successes + skipped >= this.successNeeded)) return this.finish(node, true);
      if (n - this.failures < this.successNeeded || this.failures === this.failureLimit) return this.finish(node, false);
    }
    return skipped === n ? SKIPPED : RUNNING;
  }

  private finish(node: RuntimeNode, r: boolean): boolean {
    this.clear();
    haltChildren(node.children);
    return r;
  }

  private clear(): void {
    this.done.fill(0);
    this.successes = 0;
    this.failures = 0;
  }

  override halt(n: RuntimeNode): void {
    this.clear();
    haltChildren(n.children);
  }

  override feedback(): string {
    return `${this.successes}/${this.successNeeded} succeeded, ${this.failures}/${this.failureLimit} failed`;
  }
}

/** Port declarations shared by Parallel's checks. */
const SUCCESS_PORT = { name: 'successCount', alias: 'success_count', type: 'integer', default: -1, description: 'successes needed; negative counts from the number of children (-1 = all)' } as const;
const FAILURE_PORT = { name: 'failureCount', alias: 'failure_count', type: 'integer', default: 1, description: 'failures that fail it; negative counts from the number of children (-1 = all)' } as const;

/**
 * Declaration of `Parallel`.
 *
 * @example
 * ```ts
 * PARALLEL.ports.map((p) => p.name); // ['successCount', 'failureCount']
 * ```
 */
export const PARALLEL: NodeDef = {
  kind: 'Parallel',
  category: 'composite',
  role: 'control',
  description: 'Ticks all unfinished children every tick; SUCCESS once successCount succeeded, FAILURE once failureCount failed or success is out of reach; then halts the children still running.',
  ports: [SUCCESS_PORT, FAILURE_PORT],
  children: MANY_CHILDREN,
  checkChildren: (ports, n) => {
    const s = resolveThreshold(Number(ports.successCount), n);
    const f = resolveThreshold(Number(ports.failureCount), n);
    if (s === 0) return { message: `successCount ${String(ports.successCount)} resolves to 0 successes with ${n} children: it would succeed without ticking`, hint: 'use 1..children or -1 (all children)' };
    if (f === 0) return { message: `failureCount ${String(ports.failureCount)} resolves to 0 failures with ${n} children: it would fail without ticking`, hint: 'use 1..children or -1 (all children)' };
    if (s > n) return { message: `successCount ${String(ports.successCount)} needs ${s} successes of ${n} children: it can never succeed`, hint: 'lower successCount or use -1 (all children)' };
    if (f > n) return { message: `failureCount ${String(ports.failureCount)} needs ${f} failures of ${n} children: it can never fail`, hint: 'lower failureCount or use -1 (all children)' };
    return undefined;
  },
  example: 'Parallel:\n  successCount: -1\n  failureCount: 1\n  children:\n    - Handover: { objectId: cup, target: right_hand }\n    - Wait: { durationMs: 500 }',
  createControl: (c) => new RuntimeNode(c.info, c.children, new ParallelLogic(c.children.length, Number(c.ports.successCount), Number(c.ports.failureCount))),
};

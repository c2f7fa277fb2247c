/**
 * `RunOnce` (BehaviorTree.CPP's RunOnceNode): ticks its child until it finishes once;
 * afterwards it is SKIPPED (`thenSkip: true`, the default) or returns the child's final
 * status again without ticking it (`thenSkip: false`). A new tree (a rebuild) runs it again.
 */
import type { RunResult } from '../engine-types.ts';
import type { NodeDef } from '../node.ts';
import { NodeLogic, RuntimeNode, SKIPPED } from '../runtime.ts';
import { ONE_CHILD } from './shared.ts';

/**
 * Logic of `RunOnce`.
 *
 * @example
 * ```ts
 * new RuntimeNode(info, [greet], new RunOnceLogic(true)).run(bb);
 * ```
 */
export class RunOnceLogic extends NodeLogic {
  private done = false;
  private result = false;
  constructor(
    private readonly thenSkip: boolean,
  ) {
    super();
  }

  tick(n: RuntimeNode, bb: unknown): RunResult {
    if (this.done) return this.thenSkip ? SKIPPED : this.result;
    const r = n.children[0]!.run(bb);
    if (r === true || r === false) {
      this.done = true;
      this.result = r;
    }
    return r;
  }

  override feedback(n: RuntimeNode): string {
    return this.done ? `ran once (${this.result ? 'SUCCESS' : 'FAILURE'})` : 'not run yet';
  }
}

/**
 * Declaration of `RunOnce`.
 *
 * @example
 * ```ts
 * RUN_ONCE.ports[0]?.default; // true
 * ```
 */
export const RUN_ONCE: NodeDef = {
  kind: 'RunOnce',
  category: 'decorator',
  role: 'control',
  description: 'Ticks the child until it finishes once; afterwards SKIPPED (thenSkip) or the same final status without ticking it again.',
  ports: [{ name: 'thenSkip', alias: 'then_skip', type: 'boolean', default: true, description: 'after the first run: true = SKIPPED, false = repeat the child’s final status' }],
  children: ONE_CHILD,
  example: 'RunOnce:\n  child:\n    Wait: { durationMs: 200 }',
  createControl: (c) => new RuntimeNode(c.info, c.children, new RunOnceLogic(c.ports.thenSkip === true)),
};

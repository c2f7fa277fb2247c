/**
 * `AffectBranch`: the task-first wrapper and the only place affect nodes may appear.
 * It ticks its child from scratch every tick, catches anything it throws (counted in
 * `counters.affectErrors`, shown in its feedback), halts it if it is left RUNNING, and
 * always returns SUCCESS — so an affect branch can neither fail nor block the task.
 */
import type { RunResult } from '../engine-types.ts';
import type { NodeDef } from '../node.ts';
import { NodeLogic, RUNNING, RuntimeNode, SKIPPED } from '../runtime.ts';
import { ONE_CHILD } from './shared.ts';

/**
 * Logic of `AffectBranch`.
 *
 * @example
 * ```ts
 * new RuntimeNode(info, [modulation], new AffectBranchLogic()).run(bb); // always true
 * ```
 */
export class AffectBranchLogic extends NodeLogic {
  private note = '';

  tick(n: RuntimeNode, bb: unknown): RunResult {
    const child = n.children[0]!;
    try {
      const r = child.run(bb);
      if (r === RUNNING) {
        child.halt();
        this.note = 'affect branch left RUNNING: halted';
      } else this.note = r === true ? 'affect branch: SUCCESS' : r === SKIPPED ? 'affect branch: SKIPPED' : 'affect branch: FAILURE (ignored)';
    } catch (err) {
      n.shared.affectErrors++;
      this.note = `affect branch threw (ignored): ${err instanceof Error ? err.message : String(err)}`;
      try {
        child.halt();
      } catch {
        /* a broken halt hook must not fail the task either */
      }
    }
    return true;
  }

  override feedback(n: RuntimeNode): string {
    return this.note;
  }
}

/**
 * Declaration of `AffectBranch`.
 *
 * @example
 * ```ts
 * AFFECT_BRANCH.role; // 'control'
 * ```
 */
export const AFFECT_BRANCH: NodeDef = {
  kind: 'AffectBranch',
  category: 'decorator',
  role: 'control',
  description: 'Task-first wrapper: the only place affect nodes may appear. Always SUCCESS; catches throws; halts a child left RUNNING.',
  ports: [],
  children: ONE_CHILD,
  example: 'AffectBranch:\n  child:\n    SlowHandover: { speedScale: 0.6 }',
  createControl: (c) => new RuntimeNode(c.info, c.children, new AffectBranchLogic()),
};

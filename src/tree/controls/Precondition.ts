/**
 * `Precondition` (BehaviorTree.CPP's PreconditionNode): evaluates the script `if` when
 * it starts; when true it ticks its child until the child finishes (the condition is
 * not re-checked while the child runs), when false it returns `else` (default FAILURE)
 * without ticking the child.
 */
import type { RunResult } from '../engine-types.ts';
import type { NodeDef } from '../node.ts';
import { NodeLogic, RUNNING, RuntimeNode, SKIPPED } from '../runtime.ts';
import type { CompiledScript } from '../script/index.ts';
import { ONE_CHILD } from './shared.ts';

const STATUS: Record<string, RunResult> = { SUCCESS: true, FAILURE: false, RUNNING, SKIPPED };

/**
 * Logic of `Precondition`.
 *
 * @example
 * ```ts
 * new RuntimeNode(info, [handover], new PreconditionLogic(compiledIf, false)).run(bb);
 * ```
 */
export class PreconditionLogic extends NodeLogic {
  private childRunning = false;
  private refused = false;
  constructor(
    private readonly condition: CompiledScript,
    private readonly otherwise: RunResult,
  ) {
    super();
  }

  tick(n: RuntimeNode, bb: unknown): RunResult {
    if (!this.childRunning && !this.condition.test()) {
      this.refused = true;
      return this.otherwise;
    }
    this.refused = false;
    this.childRunning = true;
    const r = n.children[0]!.run(bb);
    if (r !== RUNNING) this.childRunning = false;
    return r;
  }

  override halt(n: RuntimeNode): void {
    this.childRunning = false;
    n.children[0]!.halt();
  }

  override feedback(n: RuntimeNode): string {
    return this.refused ? `\`${this.condition.source}\` is not true: returned else` : '';
  }
}

/**
 * Declaration of `Precondition`.
 *
 * @example
 * ```ts
 * PRECONDITION.ports.map((p) => p.name); // ['if', 'else']
 * ```
 */
export const PRECONDITION: NodeDef = {
  kind: 'Precondition',
  category: 'decorator',
  role: 'control',
  description: 'When it starts, runs the child only if the script `if` is true (then until the child finishes); otherwise returns `else` without ticking the child.',
  ports: [
    { name: 'if', type: 'script', required: true, description: 'condition script, e.g. `attempts < 3`' },
    { name: 'else', type: 'enum', values: ['FAILURE', 'SUCCESS', 'RUNNING', 'SKIPPED'], default: 'FAILURE', description: 'status returned when the condition is not true' },
  ],
  children: ONE_CHILD,
  example: "Precondition:\n  if: '{human/ready} == true'\n  else: FAILURE\n  child:\n    Handover: { objectId: cup, target: right_hand }",
  createControl: (c) => new RuntimeNode(c.info, c.children, new PreconditionLogic(c.scripts.if!, STATUS[String(c.ports.else)]!)),
};

/**
 * `Precondition` (BehaviorTree.CPP's PreconditionNode): evaluates the script `if` when
 * it starts; when true it ticks its child until the child finishes (the condition is
 * not re-checked while the child runs), when false it returns `else` (default FAILURE)
 * without ticking the child.
 */
import type { RunResult } from 'behaviortree';
import type { NodeDef } from '../node.ts';
import { RUNNING, RuntimeNode, SKIPPED } from '../runtime.ts';
import type { CompiledScript } from '../script/index.ts';
import { ONE_CHILD } from './shared.ts';

const STATUS: Record<string, RunResult> = { SUCCESS: true, FAILURE: false, RUNNING, SKIPPED };

/**
 * Runtime node of `Precondition`.
 *
 * @example
 * ```ts
 * new PreconditionNode(info, [handover], compiledIf, false).run(bb);
 * ```
 */
export class PreconditionNode extends RuntimeNode {
  private childRunning = false;
  private refused = false;
  constructor(
    info: ConstructorParameters<typeof RuntimeNode>[0],
    children: ConstructorParameters<typeof RuntimeNode>[1],
    private readonly condition: CompiledScript,
    private readonly otherwise: RunResult,
  ) {
    super(info, children);
  }

  protected tick(bb: unknown): RunResult {
    if (!this.childRunning && !this.condition.test()) {
      this.refused = true;
      return this.otherwise;
    }
    this.refused = false;
    this.childRunning = true;
    const child = this.children[0]!;
    const r = child.run(bb);
    if (r !== RUNNING) {
      child.halt();
      this.childRunning = false;
    }
    return r;
  }

  protected override onHalt(): void {
    this.childRunning = false;
    this.children[0]!.halt();
  }

  override feedback(): string {
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
  createControl: (c) => new PreconditionNode(c.info, c.children, c.scripts.if!, STATUS[String(c.ports.else)]!),
};

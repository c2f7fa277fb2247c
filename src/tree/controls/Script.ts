/**
 * `Script` and `ScriptCondition` (BehaviorTree.CPP): leaves that run a script.
 * `Script` runs `code` for its effects (assignments) and succeeds; `ScriptCondition`
 * succeeds when `code` ends true and fails otherwise (unknown counts as false).
 */
import type { RunResult } from '../engine-types.ts';
import type { NodeDef } from '../node.ts';
import { NodeLogic, RuntimeNode } from '../runtime.ts';
import type { CompiledScript } from '../script/index.ts';

/**
 * Logic of `Script` (`asCondition = false`) and `ScriptCondition`.
 *
 * @example
 * ```ts
 * new RuntimeNode(info, [], new ScriptLogic(compiled, false)).run(bb); // true after running the script
 * ```
 */
export class ScriptLogic extends NodeLogic {
  constructor(
    private readonly script: CompiledScript,
    private readonly asCondition: boolean,
  ) {
    super();
  }

  tick(): RunResult {
    if (this.asCondition) return this.script.test();
    this.script.run();
    return true;
  }

  override feedback(n: RuntimeNode): string {
    return `\`${this.script.source}\``;
  }
}

/**
 * Declaration of `Script`.
 *
 * @example
 * ```ts
 * SCRIPT.ports[0]?.type; // 'script'
 * ```
 */
export const SCRIPT: NodeDef = {
  kind: 'Script',
  category: 'action',
  role: 'control',
  description: 'Runs a script for its assignments and succeeds (e.g. `attempts := 0`).',
  ports: [{ name: 'code', type: 'script', required: true, description: 'statements separated by `;`' }],
  children: { min: 0, max: 0 },
  example: "Script: { code: 'attempts := 0; mode := \"careful\"' }",
  createControl: (c) => new RuntimeNode(c.info, c.children, new ScriptLogic(c.scripts.code!, false)),
};

/**
 * Declaration of `ScriptCondition`.
 *
 * @example
 * ```ts
 * SCRIPT_CONDITION.category; // 'condition'
 * ```
 */
export const SCRIPT_CONDITION: NodeDef = {
  kind: 'ScriptCondition',
  category: 'condition',
  role: 'control',
  description: 'SUCCESS when the script ends true, FAILURE otherwise (a missing or stale key makes it unknown, which fails).',
  ports: [{ name: 'code', type: 'script', required: true, description: 'a condition, e.g. `attempts < 3`' }],
  children: { min: 0, max: 0 },
  example: "ScriptCondition: { code: 'attempts < 3' }",
  createControl: (c) => new RuntimeNode(c.info, c.children, new ScriptLogic(c.scripts.code!, true)),
};

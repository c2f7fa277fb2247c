/**
 * Public API of the tree runtime: load YAML trees (with file:line:col diagnostics),
 * build them against a blackboard, a controller and a clock, and tick them.
 * The simulator, the planner (`affect-bt run`) and the CLI import from here only.
 *
 * @example
 * ```ts
 * import { loadTreeFile, buildTree } from './src/tree/index.ts';
 * const runner = buildTree(await loadTreeFile('trees/handover_affect.yaml'), { blackboard, controller, clock });
 * runner.tick();
 * ```
 */
export { loadTreeFile, loadTreeText, validateTreeFiles, formatDiagnostic, TreeLoadError, CONDITION_KEYS } from './loader.ts';
export type { Diagnostic, LoadOptions, TreeDocument, TreeNodeSpec, SourcePos, ScriptSource, SubtreeArg, PortRef, ConditionKey } from './loader.ts';
export { expandTree } from './expand.ts';
export type { Expansion, Instance } from './expand.ts';
export { buildTree, affectControllerView } from './build.ts';
export type { BuildContext } from './build.ts';
export { TreeRunner } from './runner.ts';
export { describeTree } from './describe.ts';
export type { TreeDescription } from './describe.ts';
export type { RunnerCounters } from './runner.ts';
export { NodeRegistry, NodeRegistryError, nodeRegistry, registerNode, CONTROL_ORIGIN } from './registry.ts';
export type { NodePlugin } from './registry.ts';
export { loadNodeModules, NodeModuleError, pluginOf } from './plugins.ts';
export type { LoadNodeModulesOptions } from './plugins.ts';
export { defineNode } from './define.ts';
export type { NodeSpec, PortDecl, PortValues } from './define.ts';
export { Behaviour, BehaviourLogic, EngineLogic } from './node.ts';
export type { NodeDef, LeafContext, ControlContext, NodeCategory, NodeRole } from './node.ts';
export { statusOf, RuntimeNode, NodeLogic, NodeError, RUNNING, SKIPPED } from './runtime.ts';
export type { Status, TickStatus, NodeStatus, TraceRecord, RtNode, NodeInfo, NodeConditions } from './runtime.ts';
export type { PortSpec, PortType, SubtreePortDecl, SubtreePortType } from './ports.ts';
export { parseScript, checkScript, compileScript, ScriptError } from './script/index.ts';
export type { CompiledScript, Program as ScriptProgram, ValueType } from './script/index.ts';
export { CONTROL_DEFS } from './composites.ts';
export { renderText, renderMermaid, renderDot } from './render.ts';
export type { RenderOptions } from './render.ts';
export { treeHarness, HARNESS_START } from './testing.ts';
export type { TreeHarness } from './testing.ts';
export { treeSchema } from './schema.ts';
export type { JsonSchema } from './schema.ts';
export type { EngineNode, RunOptions, RunResult } from './engine-types.ts';

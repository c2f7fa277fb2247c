/**
 * Types of the npm `behaviortree` package (BehaviorTree.js 2.1.0), which ships plain
 * JavaScript. Only the parts affect-bt's engine layer uses are declared. They live in
 * an ordinary module (not an ambient `declare module`) so that they are part of
 * affect-bt's published declarations: the public API exposes them (`RtNode` is an
 * engine node, `LeafTask` an engine `Task`). See `engine.ts` for how the engine is
 * loaded and docs/trees.md for why 2.1.0.
 */

/** What a node's `run` returns: `true`, `false`, the RUNNING symbol, or a resume path. */
export type RunResult = boolean | symbol | number[];

/** Options the engine passes down a tick. */
export interface RunOptions {
  indexes?: number[];
  introspector?: unknown;
  rerun?: boolean;
  registryLookUp?: (node: unknown) => EngineNode;
}

/** Any node the engine can tick. */
export interface EngineNode {
  nodeType: string;
  blueprint: Record<string, unknown>;
  run(blackboard: unknown, options?: RunOptions): RunResult;
}

/** A leaf's blueprint (start/run/end callbacks). */
export interface TaskBlueprint {
  start?: (blackboard: unknown) => void;
  end?: (blackboard: unknown) => void;
  run: (blackboard: unknown, options?: RunOptions) => RunResult;
}

/** The engine's base node. */
export declare class Node implements EngineNode {
  constructor(blueprint: TaskBlueprint);
  nodeType: string;
  blueprint: Record<string, unknown> & TaskBlueprint;
  run(blackboard: unknown, options?: RunOptions): RunResult;
}

/** The engine's leaf. */
export declare class Task extends Node {}

/** The engine's composite base (children resumed through an index path). */
export declare class BranchNode implements EngineNode {
  constructor(config: { nodes: EngineNode[]; start?: (b: unknown) => void; end?: (b: unknown) => void });
  nodeType: string;
  numNodes: number;
  blueprint: Record<string, unknown> & { nodes: EngineNode[] };
  run(blackboard: unknown, options?: RunOptions): RunResult;
}

/** The engine's memory sequence. */
export declare class Sequence extends BranchNode {}

/** The engine's memory selector (fallback). */
export declare class Selector extends BranchNode {}

/** The engine's decorator base. */
export declare class Decorator implements EngineNode {
  constructor(config: { node: EngineNode; config?: Record<string, unknown> });
  nodeType: string;
  blueprint: Record<string, unknown> & { node: EngineNode };
  run(blackboard: unknown, options?: RunOptions): RunResult;
}

/** The engine's stepper: keeps the RUNNING branch's resume path between steps. */
export declare class BehaviorTree {
  constructor(options: { tree: EngineNode; blackboard: unknown });
  tree: EngineNode;
  blackboard: unknown;
  lastResult: RunResult | undefined;
  step(options?: { introspector?: unknown }): void;
}

/** The `behaviortree` module object. */
export interface Engine {
  BehaviorTree: typeof BehaviorTree;
  Node: typeof Node;
  Task: typeof Task;
  BranchNode: typeof BranchNode;
  Sequence: typeof Sequence;
  Selector: typeof Selector;
  Decorator: typeof Decorator;
  SUCCESS: true;
  FAILURE: false;
  RUNNING: symbol;
}

/**
 * Type declarations for the npm `behaviortree` package (BehaviorTree.js 2.1.0), which
 * ships plain JavaScript. Only the parts affect-bt's engine layer uses are declared;
 * see `src/tree/engine.ts` for how they are used and docs/trees.md for why 2.1.0.
 */
declare module 'behaviortree' {
  /** What a node's `run` returns: `true`, `false`, the RUNNING symbol, or a resume path. */
  export type RunResult = boolean | symbol | number[];
  export interface RunOptions {
    indexes?: number[];
    introspector?: unknown;
    rerun?: boolean;
    registryLookUp?: (node: unknown) => EngineNode;
  }
  export interface EngineNode {
    nodeType: string;
    blueprint: Record<string, unknown>;
    run(blackboard: unknown, options?: RunOptions): RunResult;
  }
  export interface TaskBlueprint {
    start?: (blackboard: unknown) => void;
    end?: (blackboard: unknown) => void;
    run: (blackboard: unknown, options?: RunOptions) => RunResult;
  }
  export class Node implements EngineNode {
    constructor(blueprint: TaskBlueprint);
    nodeType: string;
    blueprint: Record<string, unknown> & TaskBlueprint;
    run(blackboard: unknown, options?: RunOptions): RunResult;
  }
  export class Task extends Node {}
  export class BranchNode implements EngineNode {
    constructor(config: { nodes: EngineNode[]; start?: (b: unknown) => void; end?: (b: unknown) => void });
    nodeType: string;
    numNodes: number;
    blueprint: Record<string, unknown> & { nodes: EngineNode[] };
    run(blackboard: unknown, options?: RunOptions): RunResult;
  }
  export class Sequence extends BranchNode {}
  export class Selector extends BranchNode {}
  export class Decorator implements EngineNode {
    constructor(config: { node: EngineNode; config?: Record<string, unknown> });
    nodeType: string;
    blueprint: Record<string, unknown> & { node: EngineNode };
    run(blackboard: unknown, options?: RunOptions): RunResult;
  }
  export class BehaviorTree {
    constructor(options: { tree: EngineNode; blackboard: unknown });
    tree: EngineNode;
    blackboard: unknown;
    lastResult: RunResult | undefined;
    step(options?: { introspector?: unknown }): void;
  }
  const engine: {
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
  };
  export default engine;
}

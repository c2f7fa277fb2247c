/**
 * What node authors write against: the py_trees-style {@link Behaviour} lifecycle every
 * leaf implements (`setup` once at build, `initialise` when (re)started, `update` each
 * tick, `terminate` with SUCCESS/FAILURE/HALTED, plus a `feedback` message and an
 * optional `deadline` for timers), the {@link NodeDef} declaration that drives
 * validation, docs and building, and the two leaf logics: {@link BehaviourLogic}
 * (drives a Behaviour) and {@link EngineLogic} (mounts a raw BehaviorTree.js node).
 * The runtime protocol itself (statuses, {@link RuntimeNode}, trace) is in runtime.ts.
 */
import type { RunOptions, RunResult, EngineNode } from './engine-types.ts';
import type { CompiledScript } from './script/index.ts';
import type { BlackboardAccess } from '../core/blackboard.ts';
import type { Clock } from '../core/clock.ts';
import type { Controller } from '../core/controller.ts';
import type { PortSpec } from './ports.ts';
import { NodeLogic, RUNNING, type NodeInfo, type RtNode, type RuntimeNode, type Status } from './runtime.ts';

export { RUNNING, SKIPPED, statusOf, TickShared, NodeError, RuntimeNode, NodeLogic } from './runtime.ts';
export type { Status, TickStatus, NodeStatus, TraceRecord, RtNode, NodeInfo, NodeConditions } from './runtime.ts';

/**
 * Everything a leaf gets at build time. `P` types the port values (`defineNode` infers
 * it from the port declarations).
 */
export interface LeafContext<P = Readonly<Record<string, string | number | boolean>>> {
  /** Port values with defaults applied; `key` ports hold the resolved blackboard key (no braces). */
  ports: P;
  /** Declares the node's blackboard reads/writes and returns its access window (owner = node path). */
  access(declared: { reads?: readonly string[]; writes?: readonly string[] }): BlackboardAccess;
  /** The controller (affect nodes get a restricted view: say only). */
  controller: Controller;
  clock: Clock;
  name: string;
  path: string;
}

/**
 * Base class of every leaf behaviour (py_trees lifecycle).
 *
 * @example
 * ```ts
 * class Succeed extends Behaviour {
 *   update(): Status { this.feedback = 'done'; return 'SUCCESS'; }
 * }
 * ```
 */
export abstract class Behaviour {
  /** What the node did last (shown in renders and traces). */
  feedback = '';
  /** Called once after build. */
  setup(): void {}
  /** Called when the node starts (first tick, or first tick after finishing/halting). */
  initialise(): void {}
  /** Called every tick. */
  abstract update(): Status;
  /** Called when the node finishes or is halted. */
  terminate(_how: 'SUCCESS' | 'FAILURE' | 'HALTED'): void {}
  /** Earliest clock time at which a timer of this node fires, if any. */
  deadline(): number | undefined {
    return undefined;
  }
}

/** Category of a node kind. */
export type NodeCategory = 'action' | 'condition' | 'composite' | 'decorator';
/**
 * Role for the task-first rule: affect nodes only under AffectBranch, task nodes never
 * there; control nodes (and helper leaves such as CheckBlackboard) on both sides. Only
 * task leaves get a controller that can start or cancel handovers.
 */
export type NodeRole = 'task' | 'affect' | 'control';

/** Everything a control node (composite or decorator) gets at build time. */
export interface ControlContext {
  info: NodeInfo;
  /** Built children, in order (a decorator has one; a Subtree has its tree's root). */
  children: RtNode[];
  /** Port values with defaults applied; `key` ports hold the resolved blackboard key. */
  ports: Readonly<Record<string, string | number | boolean>>;
  /** Compiled `script` ports (e.g. Precondition's `if`, Script's `code`). */
  scripts: Readonly<Record<string, CompiledScript>>;
  /** Blackboard window for the node's key ports (owner = node path). */
  access(declared: { reads?: readonly string[]; writes?: readonly string[] }): BlackboardAccess;
  clock: Clock;
}

/** Declaration of a node kind: drives validation, docs and building. */
export interface NodeDef {
  kind: string;
  /** Other names the kind is known by (e.g. `Retry` for `RetryUntilSuccessful`); same node, same ports. */
  aliases?: readonly string[];
  category: NodeCategory;
  role: NodeRole;
  description: string;
  ports: readonly PortSpec[];
  /** Allowed child count. */
  children: { min: number; max: number };
  /** YAML example for docs. */
  example: string;
  /** Cross-port check; returns an error message (and hint) when the combination is invalid. */
  check?(ports: Readonly<Record<string, string | number | boolean>>): { message: string; hint?: string } | undefined;
  /** Check of the ports against the number of children (e.g. Parallel's thresholds). */
  checkChildren?(ports: Readonly<Record<string, string | number | boolean>>, children: number): { message: string; hint?: string } | undefined;
  /** Leaf factory (a py_trees-style {@link Behaviour}). */
  create?(ctx: LeafContext): Behaviour;
  /** Leaf factory for a raw BehaviorTree.js node (e.g. an existing `engine.Task`), mounted as a leaf. */
  engineNode?(ctx: LeafContext): EngineNode;
  /** Control-node factory (composites, decorators). */
  createControl?(ctx: ControlContext): RtNode;
}

/**
 * Logic of a leaf that drives a {@link Behaviour}: `initialise` when (re)started,
 * `update` every tick, `terminate` when it finishes or is halted. Allocates nothing per tick.
 *
 * @example
 * ```ts
 * const leaf = new RuntimeNode(info, [], new BehaviourLogic(new MyBehaviour()));
 * leaf.run(undefined); // true
 * ```
 */
export class BehaviourLogic extends NodeLogic {
  constructor(readonly behaviour: Behaviour) {
    super();
  }

  tick(_n: RuntimeNode, _bb: unknown, wasRunning: boolean): RunResult {
    const b = this.behaviour;
    if (!wasRunning) b.initialise();
    const s = b.update();
    if (s === 'RUNNING') return RUNNING;
    if (s !== 'SUCCESS' && s !== 'FAILURE') throw new Error(`update() returned ${String(s)}; expected 'SUCCESS', 'FAILURE' or 'RUNNING'`);
    b.terminate(s);
    return s === 'SUCCESS';
  }

  override halt(n: RuntimeNode): void {
    n.shared.halts++;
    this.behaviour.terminate('HALTED');
    this.behaviour.feedback = `halted (${this.behaviour.feedback})`;
  }

  override feedback(): string {
    return this.behaviour.feedback;
  }

  override deadline(): number | undefined {
    return this.behaviour.deadline();
  }
}

/**
 * Logic of a leaf that mounts a raw BehaviorTree.js node (a `Task`, or a whole engine
 * subtree). It speaks the engine's protocol to it: `rerun: false` (so the engine calls
 * the blueprint's `start`) when it starts, `rerun: true` plus the engine's resume path
 * while it is RUNNING. The engine node gets the runner's blackboard. Halting simply
 * forgets the run (engine nodes have no halt): the next tick starts it again.
 *
 * @example
 * ```ts
 * const leaf = new RuntimeNode(info, [], new EngineLogic(new engine.Task({ run: () => engine.SUCCESS })));
 * leaf.run(blackboard); // true
 * ```
 */
export class EngineLogic extends NodeLogic {
  private readonly saved: number[] = [];
  private readonly work: number[] = [];
  private readonly opts: RunOptions;
  private note = '';
  constructor(readonly node: EngineNode) {
    super();
    this.opts = { indexes: this.work, rerun: false, registryLookUp: identity };
  }

  tick(_n: RuntimeNode, bb: unknown, wasRunning: boolean): RunResult {
    const o = this.opts;
    const w = this.work;
    w.length = 0;
    if (wasRunning) for (let i = 0; i < this.saved.length; i++) w.push(this.saved[i]!);
    else this.saved.length = 0;
    o.indexes = w;
    o.rerun = wasRunning;
    const r = this.node.run(bb, o);
    if (r === true || r === false) {
      this.note = r ? 'engine node: SUCCESS' : 'engine node: FAILURE';
      return r;
    }
    this.saved.length = 0;
    if (Array.isArray(r)) for (let i = 0; i < r.length; i++) this.saved.push(r[i]!);
    this.note = 'engine node: RUNNING';
    return RUNNING;
  }

  override halt(n: RuntimeNode): void {
    n.shared.halts++;
    this.saved.length = 0;
    this.note = 'engine node: halted (its next run starts over)';
  }

  override feedback(): string {
    return this.note;
  }
}

const identity = (n: unknown): EngineNode => n as EngineNode;

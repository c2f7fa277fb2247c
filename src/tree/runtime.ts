/**
 * The runtime node protocol every affect-bt node speaks, built on BehaviorTree.js.
 *
 * From the engine (the `behaviortree` package) affect-bt takes its node protocol —
 * `node.run(blackboard, options)` returning `true` (SUCCESS), `false` (FAILURE) or the
 * engine's `RUNNING` symbol — and its base class `Node` (every runtime node is an
 * `engine.Node`, so a raw engine `Task` can be mounted as a leaf and engine tools that
 * expect `Node`s accept ours). It replaces the engine's composites, decorators and
 * stepper: they resume through index-path arrays built every tick (~2 KB per tick) and
 * their Babel-compiled constructors give every instance its own V8 hidden class, which
 * makes the tick cost per node grow with tree size. Here every node is a
 * {@link RuntimeNode} (one class, fields fixed in its constructor: one hidden class for
 * all nodes of all kinds) holding its kind's {@link NodeLogic} (one class per kind). A
 * node keeps its own memory (running child, attempt, start time) instead of returning
 * paths, and the tick path allocates nothing.
 *
 * {@link RuntimeNode} is the one node class: `run()` updates status, trace and the
 * BehaviorTree.CPP pre/post conditions (`_skipIf`, `_while`, `_onSuccess`, …), then
 * calls its kind's {@link NodeLogic}. A throw is wrapped once, at the node that threw,
 * into a {@link NodeError} naming its path and kind. Statuses are BehaviorTree.CPP's:
 * SUCCESS, FAILURE, RUNNING and SKIPPED (a node whose precondition skipped it;
 * composites step over it).
 */
import engine from './engine.ts';
import type { RunResult, EngineNode } from './engine-types.ts';

/** A tick result as strings. */
export type Status = 'SUCCESS' | 'FAILURE' | 'RUNNING';
/** What a tick can end in: a {@link Status}, or SKIPPED (preconditions skipped the node). */
export type TickStatus = Status | 'SKIPPED';
/** What a node shows in renders: its last status, or IDLE (never ticked / halted). */
export type NodeStatus = TickStatus | 'IDLE';

/**
 * The engine's RUNNING marker.
 *
 * @example
 * ```ts
 * leaf.run(bb) === RUNNING; // the leaf is still running
 * ```
 */
export const RUNNING: symbol = engine.RUNNING;

/**
 * BehaviorTree.CPP's SKIPPED status: a precondition (`_skipIf`, `_while`) kept the node
 * from running. Composites step over a skipped child; a composite whose children were
 * all skipped is skipped itself. A raw engine composite treats it like any non-RUNNING,
 * non-opt-out result: it moves on to the next child.
 *
 * @example
 * ```ts
 * node.run(bb) === SKIPPED;
 * ```
 */
export const SKIPPED: unique symbol = Symbol('skipped');

/**
 * Maps a run result to a status string.
 *
 * @example
 * ```ts
 * statusOf(true);    // 'SUCCESS'
 * statusOf(SKIPPED); // 'SKIPPED'
 * statusOf([1, 0]);  // 'RUNNING' (an engine resume path)
 * ```
 */
export function statusOf(r: RunResult): TickStatus {
  return r === true ? 'SUCCESS' : r === false ? 'FAILURE' : r === SKIPPED ? 'SKIPPED' : 'RUNNING';
}

/** One node visited in a tick. */
export interface TraceRecord {
  /** Node path, e.g. `root/affect/DetectFrustration`. */
  path: string;
  status: TickStatus;
  /** Wall time spent in the node including its children, µs. */
  durationUs: number;
}

/**
 * Per-runner tick state shared by all nodes of one tree: tick number, trace buffer
 * and counters. Nodes only touch the trace when `traceOn` is set (allocation-free otherwise).
 *
 * @example
 * ```ts
 * const shared = new TickShared();
 * shared.traceOn = true;
 * ```
 */
export class TickShared {
  tick = 0;
  traceOn = false;
  readonly trace: TraceRecord[] = [];
  traceLen = 0;
  halts = 0;
  affectErrors = 0;
  /** Reserves a trace slot (pre-order) and returns its index. */
  open(path: string): number {
    const i = this.traceLen++;
    let r = this.trace[i];
    if (r === undefined) {
      r = { path, status: 'RUNNING', durationUs: 0 };
      this.trace[i] = r;
    } else r.path = path;
    return i;
  }
  close(i: number, status: TickStatus, t0: number): void {
    const r = this.trace[i]!;
    r.status = status;
    r.durationUs = (performance.now() - t0) * 1000;
  }
}

/** Runtime view of any node (leaf, composite, decorator). */
export interface RtNode extends EngineNode {
  readonly kind: string;
  readonly name: string;
  readonly path: string;
  readonly children: readonly RtNode[];
  lastStatus: NodeStatus;
  /** Tick number when last visited. */
  lastTick: number;
  /** How the node last finished (`SUCCESS`/`FAILURE`); `IDLE` before its first finish. */
  lastResult: 'SUCCESS' | 'FAILURE' | 'IDLE';
  /**
   * Finishes (SUCCESS or FAILURE) so far. A rate-limited trace compares it with the count
   * it last reported, so a finish between two traces is not lost (see the planner's `result` records).
   */
  results: number;
  /** True while the node is RUNNING (returned RUNNING and was neither finished nor halted). */
  readonly running: boolean;
  /** Human-readable note about what the node did last. */
  feedback(): string;
  /** Stops the node and everything running below it (cancels controller actions). No-op when not running. */
  halt(): void;
  /** Earliest clock time at which this node's timers change what a tick would do. */
  deadline(): number | undefined;
}

/**
 * A throw inside a node, wrapped once at the node that threw: names the node's path and
 * kind and keeps the original message (and the original error as `cause`).
 *
 * @example
 * ```ts
 * try { runner.tick(); } catch {}
 * const e = runner.lastError as NodeError;
 * e.path;            // 'root/task/handover_task/give_part'
 * e.nodeName;        // 'give_part'
 * e.kind;            // 'Handover'
 * e.originalMessage; // 'controller exploded'
 * ```
 */
export class NodeError extends Error {
  override name = 'NodeError';
  readonly originalMessage: string;
  /** The node's name (the last part of its path). */
  readonly nodeName: string;
  constructor(
    readonly path: string,
    readonly kind: string,
    cause: unknown,
  ) {
    const original = cause instanceof Error ? cause.message : String(cause);
    super(`${kind} at ${path} threw: ${original}`, { cause });
    this.originalMessage = original;
    this.nodeName = path.slice(path.lastIndexOf('/') + 1);
  }
}

/** A compiled script run for its effect (post-conditions). */
export interface ScriptAction {
  run(): void;
}
/** A compiled script whose value is tested (pre-conditions); unknown counts as false. */
export interface ScriptTest {
  test(): boolean;
}

/**
 * BehaviorTree.CPP's pre- and post-conditions of one node, compiled at build time.
 * Pre-conditions are checked in this order before the node would start (`_failureIf`,
 * `_successIf`, `_skipIf`, then `_while` false → SKIPPED); while it is RUNNING only
 * `_while` is checked (false → the node is halted and SKIPPED). Post-conditions run
 * when it finishes (`_onSuccess` / `_onFailure`, then `_post`) or is halted (`_onHalted`).
 */
export interface NodeConditions {
  failureIf: ScriptTest | null;
  successIf: ScriptTest | null;
  skipIf: ScriptTest | null;
  whileTrue: ScriptTest | null;
  onSuccess: ScriptAction | null;
  onFailure: ScriptAction | null;
  onHalted: ScriptAction | null;
  post: ScriptAction | null;
}

/** What every runtime node is built with. */
export interface NodeInfo {
  kind: string;
  name: string;
  path: string;
  shared: TickShared;
  conditions: NodeConditions | null;
}

const NO_CHILDREN: readonly RtNode[] = [];
const BLUEPRINT = { run: (): RunResult => false };

/**
 * What a node kind does: its tick logic and kind-specific state (running child, attempt,
 * start time …). One logic object per node; one class per kind.
 *
 * @example
 * ```ts
 * class AlwaysOk extends NodeLogic {
 *   tick(): RunResult { return true; }
 * }
 * new RuntimeNode(info, [], new AlwaysOk()).run(undefined); // true
 * ```
 */
export abstract class NodeLogic {
  /** One tick. `wasRunning`: the node returned RUNNING last time and was not halted since. */
  abstract tick(node: RuntimeNode, bb: unknown, wasRunning: boolean): RunResult;
  /** Kind-specific halt (halt running children, reset counters); the node handles status and `_onHalted`. */
  halt(node: RuntimeNode): void {
    const cs = node.children;
    for (let i = 0; i < cs.length; i++) {
      const c = cs[i]!;
      if (c.running) c.halt();
    }
  }
  feedback(_node: RuntimeNode): string {
    return '';
  }
  deadline(node: RuntimeNode): number | undefined {
    let best: number | undefined;
    const cs = node.children;
    for (let i = 0; i < cs.length; i++) {
      const d = cs[i]!.deadline();
      if (d !== undefined && (best === undefined || d < best)) best = d;
    }
    return best;
  }
}

/**
 * Every affect-bt runtime node (an `engine.Node`): status, trace, pre/post conditions,
 * error wrapping and halting, around its kind's {@link NodeLogic}. All nodes share this
 * one class (one V8 hidden class, so the tick path's property accesses and calls stay
 * monomorphic however many kinds a tree mixes); the kind's state lives in its logic object.
 *
 * @example
 * ```ts
 * const seq = new RuntimeNode(info, [check, act], new SequenceLogic(true));
 * seq.run(blackboard); // RUNNING while act runs
 * ```
 */
export class RuntimeNode extends engine.Node implements RtNode {
  readonly kind: string;
  readonly name: string;
  readonly path: string;
  readonly children: readonly RtNode[];
  lastStatus: NodeStatus = 'IDLE';
  lastTick = -1;
  lastResult: 'SUCCESS' | 'FAILURE' | 'IDLE' = 'IDLE';
  results = 0;
  running = false;
  /** Tick state shared by the tree's nodes (trace, counters). */
  readonly shared: TickShared;
  private readonly conditions: NodeConditions | null;

  constructor(
    info: NodeInfo,
    children: readonly RtNode[],
    readonly logic: NodeLogic,
  ) {
    super(BLUEPRINT);
    this.kind = info.kind;
    this.name = info.name;
    this.path = info.path;
    this.shared = info.shared;
    this.conditions = info.conditions;
    this.children = children.length === 0 ? NO_CHILDREN : children;
  }

  override run(bb?: unknown): RunResult {
    const sh = this.shared;
    const tr = sh.traceOn;
    const t0 = tr ? performance.now() : 0;
    const ti = tr ? sh.open(this.path) : 0;
    this.lastTick = sh.tick;
    const was = this.running;
    // RUNNING while being ticked (as BehaviorTree.CPP's setStatus(RUNNING)): if a throw
    // escapes, the runner's halt still reaches this node and what it started.
    this.running = true;
    let r: RunResult;
    try {
      r = this.conditions === null ? this.logic.tick(this, bb, was) : this.tickWithConditions(bb, was);
    } catch (err) {
      if (tr) sh.close(ti, 'FAILURE', t0);
      throw err instanceof NodeError ? err : new NodeError(this.path, this.kind, err);
    }
    this.running = r === RUNNING;
    const s = r === true ? 'SUCCESS' : r === false ? 'FAILURE' : r === RUNNING ? 'RUNNING' : 'SKIPPED';
    this.lastStatus = s;
    if (r === true || r === false) {
      this.lastResult = s as 'SUCCESS' | 'FAILURE';
      this.results++;
    }
    if (tr) sh.close(ti, s, t0);
    return r;
  }

  private tickWithConditions(bb: unknown, was: boolean): RunResult {
    const c = this.conditions!;
    let r: RunResult;
    if (!was) {
      if (c.failureIf !== null && c.failureIf.test()) r = false;
      else if (c.successIf !== null && c.successIf.test()) r = true;
      else if (c.skipIf !== null && c.skipIf.test()) return SKIPPED;
      else if (c.whileTrue !== null && !c.whileTrue.test()) return SKIPPED;
      else r = this.logic.tick(this, bb, was);
    } else if (c.whileTrue !== null && !c.whileTrue.test()) {
      this.halt();
      return SKIPPED;
    } else r = this.logic.tick(this, bb, was);
    if (r === true) {
      if (c.onSuccess !== null) c.onSuccess.run();
      if (c.post !== null) c.post.run();
    } else if (r === false) {
      if (c.onFailure !== null) c.onFailure.run();
      if (c.post !== null) c.post.run();
    }
    return r;
  }

  halt(): void {
    if (!this.running) return;
    this.running = false;
    this.lastStatus = 'IDLE';
    this.logic.halt(this);
    const c = this.conditions;
    if (c !== null && c.onHalted !== null) c.onHalted.run();
  }

  feedback(): string {
    return this.logic.feedback(this);
  }

  deadline(): number | undefined {
    return this.logic.deadline(this);
  }
}

/**
 * Feedback of a composite: the last child it reached in its last tick.
 *
 * @example
 * ```ts
 * reachedChild(sequence); // 'reached child 2/3 (give_part)'
 * ```
 */
export function reachedChild(node: RtNode): string {
  const cs = node.children;
  for (let i = cs.length - 1; i >= 0; i--) {
    if (cs[i]!.lastTick === node.lastTick) return `reached child ${i + 1}/${cs.length} (${cs[i]!.name})`;
  }
  return node.lastTick < 0 ? 'not ticked yet' : 'no child ticked';
}

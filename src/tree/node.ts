/**
 * The affect-bt node layer on top of BehaviorTree.js (the `behaviortree` package).
 *
 * The engine gives Task/Sequence/Selector/Decorator and a stepper that resumes a
 * RUNNING branch through an index path. It has no halting, no typed parameters and no
 * lifecycle beyond start/run/end. This module adds, without replacing the engine:
 *  - {@link Behaviour}: the py_trees-style lifecycle every leaf implements
 *    (`setup` once at build, `initialise` when (re)started, `update` each tick,
 *    `terminate` with SUCCESS/FAILURE/HALTED, plus a `feedback` message and an
 *    optional `deadline` for timers);
 *  - {@link LeafTask}: an engine `Task` subclass that drives a Behaviour (its `run`
 *    follows the engine's start/run/end protocol but allocates nothing per tick);
 *  - {@link RtNode}: the runtime facts every node exposes (path, kind, last status,
 *    halt hook) for tracing, rendering and halting.
 *
 * Statuses are the engine's own values (`true`, `false`, the RUNNING symbol, or an
 * index path for a RUNNING branch); {@link statusOf} maps them to strings.
 */
import engine from './engine.ts';
import type { RunOptions, RunResult, EngineNode } from './engine-types.ts';
import type { BlackboardAccess } from '../core/blackboard.ts';
import type { Clock } from '../core/clock.ts';
import type { Controller } from '../core/controller.ts';
import type { PortSpec } from './ports.ts';

/** A tick result as strings. */
export type Status = 'SUCCESS' | 'FAILURE' | 'RUNNING';
/** What a node shows in renders: its last status, or IDLE (never ticked / halted). */
export type NodeStatus = Status | 'IDLE';

/**
 * The engine's RUNNING marker.
 *
 * @example
 * ```ts
 * leafTask.run(bb) === RUNNING; // the leaf is still running
 * ```
 */
export const RUNNING: symbol = engine.RUNNING;

/**
 * Maps an engine result to a status string.
 *
 * @example
 * ```ts
 * statusOf(true); // 'SUCCESS'
 * statusOf([1, 0]); // 'RUNNING' (a resume path)
 * ```
 */
export function statusOf(r: RunResult): Status {
  return r === true ? 'SUCCESS' : r === false ? 'FAILURE' : 'RUNNING';
}

/** One node visited in a tick. */
export interface TraceRecord {
  /** Node path, e.g. `root/affect/DetectFrustration`. */
  path: string;
  status: Status;
  /** Wall time spent in the node including its children, µs. */
  durationUs: number;
}

/**
 * Per-runner tick state shared by all nodes of one tree: tick number, trace buffer
 * and counters. Nodes only touch it when `traceOn` is set (allocation-free otherwise).
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
  close(i: number, status: Status, t0: number): void {
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
  /** Human-readable note about what the node did last. */
  feedback(): string;
  /** Stops the node and everything running below it (cancels controller actions). */
  halt(): void;
  /** Earliest clock time at which this node's timers change what a tick would do. */
  deadline(): number | undefined;
}

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

/** Declaration of a node kind: drives validation, docs and building. */
export interface NodeDef {
  kind: string;
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
  /** Leaf factory. */
  create?(ctx: LeafContext): Behaviour;
}

const EMPTY_CHILDREN: readonly RtNode[] = [];

/**
 * Engine Task that drives a {@link Behaviour}. Its `run` implements the engine's
 * start/run/end protocol directly (no per-tick allocations) and adds trace, status and
 * halt bookkeeping.
 *
 * @example
 * ```ts
 * const task = new LeafTask('Succeed', 'ok', 'root/ok', new MyBehaviour(), shared);
 * task.run(undefined); // true
 * ```
 */
export class LeafTask extends engine.Task implements RtNode {
  readonly children = EMPTY_CHILDREN;
  lastStatus: NodeStatus = 'IDLE';
  lastTick = -1;
  running = false;

  constructor(
    readonly kind: string,
    readonly name: string,
    readonly path: string,
    readonly behaviour: Behaviour,
    private readonly shared: TickShared,
  ) {
    super({ run: () => false });
  }

  override run(_bb?: unknown, _opts?: RunOptions): RunResult {
    const sh = this.shared;
    const tr = sh.traceOn;
    const t0 = tr ? performance.now() : 0;
    const ti = tr ? sh.open(this.path) : 0;
    this.lastTick = sh.tick;
    const b = this.behaviour;
    if (!this.running) b.initialise();
    const s = b.update();
    let r: RunResult;
    if (s === 'RUNNING') {
      this.running = true;
      r = RUNNING;
    } else {
      this.running = false;
      b.terminate(s);
      r = s === 'SUCCESS';
    }
    this.lastStatus = s;
    if (tr) sh.close(ti, s, t0);
    return r;
  }

  feedback(): string {
    return this.behaviour.feedback;
  }

  halt(): void {
    if (this.running) {
      this.running = false;
      this.shared.halts++;
      this.behaviour.terminate('HALTED');
      this.behaviour.feedback = `halted (${this.behaviour.feedback})`;
      this.lastStatus = 'IDLE';
    }
  }

  deadline(): number | undefined {
    return this.behaviour.deadline();
  }
}

/**
 * `TreeRunner`: ticks a built tree and adds what a planner needs around it: halting
 * (`halt()`, plus a sweep that halts any leaf left RUNNING but not visited in a tick),
 * counters, an optional per-tick trace, `nextDeadline()` (timeouts, delays and other
 * timers: the planner's ticker wakes the tree then; the simulator skips its clock to
 * it) and text / Mermaid / DOT renders.
 *
 * `tick()` is synchronous and never awaits: nodes poll the controller and read the
 * blackboard snapshot. It calls the root node directly with the engine's `run`
 * protocol (BehaviorTree.js's own stepper allocates its options and resume path every
 * step; affect-bt's nodes keep their own memory), and allocates nothing with tracing off.
 * A node that throws outside an AffectBranch fails the tick safely — every running node
 * is halted (controller actions cancelled) — and the error, a {@link NodeError} naming
 * the node's path and kind, is kept in `lastError` and counted in `counters.errors`.
 */
import type { RunResult } from './engine-types.ts';
import type { Blackboard } from '../core/blackboard.ts';
import { NodeError, statusOf, type RtNode, type TickShared, type TickStatus, type TraceRecord } from './runtime.ts';
import { renderDot, renderMermaid, renderText } from './render.ts';

/** Counters a runner exposes (updated in place every tick). */
export interface RunnerCounters {
  ticks: number;
  success: number;
  failure: number;
  running: number;
  /** Ticks whose root was skipped by its preconditions. */
  skipped: number;
  /** Leaves halted (by composites, the sweep or `halt()`). */
  halts: number;
  /** Throws caught by AffectBranch wrappers. */
  affectErrors: number;
  /** Ticks that failed because a node threw outside an AffectBranch. */
  errors: number;
}

/**
 * Runs one tree tick by tick.
 *
 * @example
 * ```ts
 * const runner = buildTree(doc, { blackboard, controller, clock, trace: true });
 * runner.tick();                 // 'RUNNING'
 * console.log(runner.renderText());
 * runner.lastTrace;              // [{ path: 'root', status: 'RUNNING', durationUs: 3.1 }, …]
 * runner.nextDeadline();         // when a Timeout/Delay/Wait next needs a tick
 * runner.halt();                 // cancels the running handover
 * ```
 */
export class TreeRunner {
  readonly counters: RunnerCounters = { ticks: 0, success: 0, failure: 0, running: 0, skipped: 0, halts: 0, affectErrors: 0, errors: 0 };
  /** Status of the last tick. */
  lastStatus: TickStatus | undefined;
  /** The last error thrown by a node outside an AffectBranch (a {@link NodeError} naming the node). */
  lastError: NodeError | undefined;
  /** Tick number when `lastError` was set: lets a caller report each error once. */
  lastErrorTick = -1;

  constructor(
    readonly root: RtNode,
    private readonly shared: TickShared,
    private readonly leaves: readonly RtNode[],
    readonly treeName: string,
    readonly blackboard: Blackboard,
    /** Every node, each parent before its descendants. */
    private readonly nodes: readonly RtNode[] = [],
  ) {}

  /** Turns the per-tick trace on or off. */
  set trace(on: boolean) {
    this.shared.traceOn = on;
  }
  get trace(): boolean {
    return this.shared.traceOn;
  }

  /** One tick. Never awaits. */
  tick(): TickStatus {
    const sh = this.shared;
    sh.tick++;
    sh.traceLen = 0;
    let r: RunResult;
    try {
      r = this.root.run(this.blackboard);
    } catch (err) {
      this.counters.errors++;
      this.lastError = err instanceof NodeError ? err : new NodeError(this.root.path, this.root.kind, err);
      this.lastErrorTick = sh.tick;
      this.haltQuietly();
      r = false;
    }
    // Any leaf still RUNNING that this tick did not reach lost its branch: halt it.
    const leaves = this.leaves;
    for (let i = 0; i < leaves.length; i++) {
      const l = leaves[i]!;
      if (l.running && l.lastTick !== sh.tick) l.halt();
    }
    const s = statusOf(r);
    const c = this.counters;
    c.ticks++;
    if (s === 'SUCCESS') c.success++;
    else if (s === 'FAILURE') c.failure++;
    else if (s === 'RUNNING') c.running++;
    else c.skipped++;
    c.halts = sh.halts;
    c.affectErrors = sh.affectErrors;
    this.lastStatus = s;
    return s;
  }

  /**
   * Ticks only the tree's outermost `AffectBranch` nodes — no task node runs — as the
   * planner does between orders, so perception keeps its history (a frustration that
   * started before the order is already known when it starts) and an apology for the
   * failure that ended the last order is still said. Safe by construction: affect
   * branches hold only affect nodes, whose controller view can speak and pace but never
   * start or cancel a handover, and an AffectBranch never fails or throws. Returns how
   * many branches were ticked.
   *
   * @example
   * ```ts
   * runner.tickAffect(); // 1 for the shipped affect tree, 0 for the baseline tree
   * ```
   */
  tickAffect(): number {
    const branches = (this.affectBranches ??= this.findAffectBranches());
    if (branches.length === 0) return 0;
    const sh = this.shared;
    sh.tick++;
    sh.traceLen = 0;
    for (let i = 0; i < branches.length; i++) branches[i]!.run(this.blackboard);
    return branches.length;
  }

  private affectBranches: RtNode[] | undefined;

  private findAffectBranches(): RtNode[] {
    const out: RtNode[] = [];
    const walk = (n: RtNode): void => {
      if (n.kind === 'AffectBranch') {
        out.push(n);
        return;
      }
      for (const c of n.children) walk(c);
    };
    walk(this.root);
    return out;
  }

  /** Halts every running node, parents first; a throwing halt hook does not stop the others. */
  private haltQuietly(): void {
    const all = this.nodes.length > 0 ? this.nodes : [this.root];
    for (let i = 0; i < all.length; i++) {
      const n = all[i]!;
      if (!n.running) continue;
      try {
        n.halt();
      } catch (err) {
        this.lastError = err instanceof NodeError ? err : new NodeError(n.path, n.kind, err);
      }
    }
  }

  /** Halts every running node (cancelling controller actions). */
  halt(): void {
    this.haltQuietly();
    this.counters.halts = this.shared.halts;
  }

  /** Trace of the last tick, in visit order (copies; empty when tracing is off). */
  get lastTrace(): readonly TraceRecord[] {
    const out: TraceRecord[] = [];
    for (let i = 0; i < this.shared.traceLen; i++) {
      const r = this.shared.trace[i]!;
      out.push({ path: r.path, status: r.status, durationUs: r.durationUs });
    }
    return out;
  }

  /**
   * Earliest clock time (epoch ms) at which some node's timer (timeout, delay, wait,
   * minDurationMs, rate limit, affect staleness) changes what a tick would do;
   * `undefined` when nothing is pending. The planner's ticker ticks then; the simulator
   * may skip its clock ahead to it.
   */
  nextDeadline(): number | undefined {
    return this.root.deadline();
  }

  /** The tree as indented text with each node's last status and feedback. */
  renderText(): string {
    return renderText(this.root);
  }

  /** The tree as a Mermaid flowchart, nodes coloured by last status. */
  toMermaid(): string {
    return renderMermaid(this.root);
  }

  /** The tree as Graphviz DOT. */
  toDot(): string {
    return renderDot(this.root);
  }

  /** Finds a node by path (for tests and tools). */
  find(path: string): RtNode | undefined {
    const walk = (n: RtNode): RtNode | undefined => {
      if (n.path === path) return n;
      for (const c of n.children) {
        const f = walk(c);
        if (f) return f;
      }
      return undefined;
    };
    return walk(this.root);
  }
}

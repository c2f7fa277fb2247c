/**
 * `TreeRunner`: ticks a built tree through the BehaviorTree.js `BehaviorTree` stepper
 * (which keeps the RUNNING branch's resume path), and adds what the engine lacks:
 * halting (`halt()`, plus a sweep that halts any leaf left RUNNING but not visited in
 * a tick), counters, an optional per-tick trace, `nextDeadline()` for the simulator's
 * time skipping, and text / Mermaid / DOT renders.
 *
 * `tick()` is synchronous and never awaits: nodes poll the controller and read the
 * blackboard snapshot. With tracing off it allocates nothing in affect-bt's layer.
 * A node that throws outside an AffectBranch fails the tick (counted in
 * `counters.errors`, the tree is halted) instead of crashing the planner.
 */
import engine from './engine.ts';
import type { Blackboard } from '../core/blackboard.ts';
import { statusOf, type LeafTask, type RtNode, type Status, type TickShared, type TraceRecord } from './node.ts';
import { renderDot, renderMermaid, renderText } from './render.ts';

/** Counters a runner exposes (updated in place every tick). */
export interface RunnerCounters {
  ticks: number;
  success: number;
  failure: number;
  running: number;
  /** Nodes halted (by reactive composites, the sweep or `halt()`). */
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
 * runner.halt();                 // cancels the running handover
 * ```
 */
export class TreeRunner {
  readonly counters: RunnerCounters = { ticks: 0, success: 0, failure: 0, running: 0, halts: 0, affectErrors: 0, errors: 0 };
  /** Status of the last tick. */
  lastStatus: Status | undefined;
  /** The last error thrown by a node outside an AffectBranch. */
  lastError: unknown;
  private readonly bt: InstanceType<typeof engine.BehaviorTree>;

  constructor(
    readonly root: RtNode,
    private readonly shared: TickShared,
    private readonly leaves: readonly LeafTask[],
    readonly treeName: string,
    readonly blackboard: Blackboard,
  ) {
    this.bt = new engine.BehaviorTree({ tree: root, blackboard });
  }

  /** Turns the per-tick trace on or off. */
  set trace(on: boolean) {
    this.shared.traceOn = on;
  }
  get trace(): boolean {
    return this.shared.traceOn;
  }

  /** One tick. Never awaits. */
  tick(): Status {
    const sh = this.shared;
    sh.tick++;
    sh.traceLen = 0;
    let s: Status;
    try {
      this.bt.step();
      s = statusOf(this.bt.lastResult as boolean);
    } catch (err) {
      this.counters.errors++;
      this.lastError = err;
      this.haltQuietly();
      s = 'FAILURE';
    }
    // Any leaf still RUNNING that this tick did not reach lost its branch: halt it.
    const leaves = this.leaves;
    for (let i = 0; i < leaves.length; i++) {
      const l = leaves[i]!;
      if (l.running && l.lastTick !== sh.tick) l.halt();
    }
    const c = this.counters;
    c.ticks++;
    if (s === 'SUCCESS') c.success++;
    else if (s === 'FAILURE') c.failure++;
    else c.running++;
    c.halts = sh.halts;
    c.affectErrors = sh.affectErrors;
    this.lastStatus = s;
    return s;
  }

  private haltQuietly(): void {
    try {
      this.root.halt();
    } catch (err) {
      this.lastError = err;
    }
    this.bt.lastResult = undefined;
  }

  /** Halts every running node (cancelling controller actions) and resets the resume path. */
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
   * Earliest clock time (epoch ms) at which some node's timer (timeout, minDurationMs,
   * rate limit, wait, affect staleness) changes what a tick would do; `undefined` when
   * nothing is pending. The simulator may skip its clock ahead to it.
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

/**
 * Control nodes: composites and decorators, built as subclasses of the BehaviorTree.js
 * engine's own classes so they speak its resume-path protocol and can be mixed with
 * raw engine nodes.
 *
 * - `Sequence` / `Fallback`: the engine's memory Sequence/Selector (resume at the
 *   RUNNING child), wrapped for status, trace and halt.
 * - `ReactiveSequence` / `ReactiveFallback`: new here (the engine has none): every tick
 *   they re-tick earlier children; when a higher-priority child changes the outcome
 *   they **halt** the child that was RUNNING (BehaviorTree.CPP semantics).
 * - `AffectBranch`: the task-first wrapper. It ticks its child from scratch, catches
 *   anything it throws, halts it if it is left RUNNING, and always returns SUCCESS, so
 *   an affect branch can never fail (or block) the task. The loader only allows affect
 *   nodes below it.
 * - `Retry`, `Timeout`, `Inverter`, `ForceSuccess`, `ForceFailure`, `Subtree`.
 *
 * Design notes: option objects passed to children are preallocated per node and the
 * RUNNING path arrays are cached per child, so the tick path allocates nothing in this
 * layer (the engine's own Sequence/Selector still allocate, as in a raw engine tree).
 */
import engine from './engine.ts';
import type { RunOptions, RunResult, EngineNode } from './engine-types.ts';
import type { Clock } from '../core/clock.ts';
import { RUNNING, statusOf, type NodeDef, type NodeStatus, type RtNode, type Status, type TickShared } from './node.ts';

const identity = (n: unknown): EngineNode => n as EngineNode;
const EMPTY_PATH: number[] = [];
/** Options for ticking a child from scratch (never mutated: the engine only shift()s empty paths). */
const FRESH: RunOptions = { indexes: EMPTY_PATH, rerun: false, registryLookUp: identity };

function isRunning(r: RunResult): boolean {
  return r !== true && r !== false;
}

/** Shared fields/behaviour of control nodes. */
interface ControlInfo {
  kind: string;
  name: string;
  path: string;
  shared: TickShared;
}

function haltAll(children: readonly RtNode[]): void {
  for (let i = 0; i < children.length; i++) children[i]!.halt();
}

/** Feedback of a composite: the last child reached in its last tick. */
function reached(node: RtNode): string {
  const cs = node.children;
  for (let i = cs.length - 1; i >= 0; i--) {
    if (cs[i]!.lastTick === node.lastTick) return `reached child ${i + 1}/${cs.length} (${cs[i]!.name})`;
  }
  return node.lastTick < 0 ? 'not ticked yet' : 'no child ticked';
}

function minDeadline(children: readonly RtNode[]): number | undefined {
  let best: number | undefined;
  for (const c of children) {
    const d = c.deadline();
    if (d !== undefined && (best === undefined || d < best)) best = d;
  }
  return best;
}

/**
 * Adds affect-bt's runtime surface (name, path, status, trace, halt, deadline) to one
 * of the engine's branch nodes. The memory composites keep the engine's own `run`
 * (and so its resume logic); the reactive composite replaces `run`.
 */
function runtimeComposite(Base: typeof engine.BranchNode) {
  return class extends Base implements RtNode {
    readonly kind: string;
    readonly name: string;
    readonly path: string;
    lastStatus: NodeStatus = 'IDLE';
    lastTick = -1;
    /** Per-runner tick state (public: declaration emit cannot type a protected member of a mixin class). */
    readonly shared: TickShared;
    constructor(info: ControlInfo, readonly children: readonly RtNode[]) {
      super({ nodes: children as RtNode[] });
      this.kind = info.kind;
      this.name = info.name;
      this.path = info.path;
      this.shared = info.shared;
    }
    override run(bb?: unknown, opts?: RunOptions): RunResult {
      const sh = this.shared;
      const tr = sh.traceOn;
      const t0 = tr ? performance.now() : 0;
      const ti = tr ? sh.open(this.path) : 0;
      this.lastTick = sh.tick;
      const r = super.run(bb, opts);
      const s = statusOf(r);
      this.lastStatus = s;
      if (tr) sh.close(ti, s, t0);
      return r;
    }
    feedback(): string {
      return reached(this);
    }
    halt(): void {
      haltAll(this.children);
      this.lastStatus = 'IDLE';
    }
    deadline(): number | undefined {
      return minDeadline(this.children);
    }
  };
}

/**
 * Memory sequence: the engine's `Sequence` (resumes at the RUNNING child).
 *
 * @example
 * ```ts
 * new MemorySequence(info, [a, b]).run(undefined, {});
 * ```
 */
export class MemorySequence extends runtimeComposite(engine.Sequence) {}

/**
 * Memory fallback: the engine's `Selector` (resumes at the RUNNING child).
 *
 * @example
 * ```ts
 * new MemoryFallback(info, [a, b]).run(undefined, {});
 * ```
 */
export class MemoryFallback extends runtimeComposite(engine.Selector) {}

/**
 * Reactive sequence (`sequence=true`) or fallback (`sequence=false`): re-ticks all
 * earlier children every tick and halts a RUNNING child that lost priority.
 *
 * @example
 * ```ts
 * const rs = new ReactiveComposite(info, [condition, handover], true);
 * rs.run(undefined, {}); // condition fails → handover (if RUNNING) is halted
 * ```
 */
export class ReactiveComposite extends runtimeComposite(engine.BranchNode) {
  private runningChild = -1;
  private readonly resume: RunOptions = { indexes: EMPTY_PATH, rerun: true, registryLookUp: identity };
  private readonly paths: number[][];
  private readonly sequence: boolean;
  constructor(info: ControlInfo, children: readonly RtNode[], sequence: boolean) {
    super(info, children);
    this.sequence = sequence;
    this.paths = children.map((_, i) => [i]);
  }

  override run(_bb?: unknown, opts?: RunOptions): RunResult {
    const sh = this.shared;
    const tr = sh.traceOn;
    const t0 = tr ? performance.now() : 0;
    const ti = tr ? sh.open(this.path) : 0;
    this.lastTick = sh.tick;
    let prev = this.runningChild;
    if (prev >= 0) {
      if (opts !== undefined && opts.rerun === true && opts.indexes !== undefined && opts.indexes.length > 0) {
        opts.indexes.shift();
        this.resume.indexes = opts.indexes;
      } else {
        // Not resumed by the engine: start over, halting what was left running.
        this.children[prev]!.halt();
        this.runningChild = prev = -1;
      }
    }
    const seq = this.sequence;
    const n = this.children.length;
    let result: RunResult = seq;
    let last = n - 1;
    for (let i = 0; i < n; i++) {
      const child = this.children[i]!;
      const r = child.run(_bb, i === prev ? this.resume : FRESH);
      if (r === true || r === false) {
        if (r === seq) continue; // SUCCESS in a sequence / FAILURE in a fallback: next child
        result = r;
        last = i;
        break;
      }
      this.runningChild = i;
      last = i;
      if (r === RUNNING) {
        const p = this.paths[i]!;
        p.length = 1;
        p[0] = i;
        result = p;
      } else {
        (r as number[]).unshift(i);
        result = r;
      }
      break;
    }
    // A child that was RUNNING but was not reached this tick lost priority: halt it.
    if (prev > last) this.children[prev]!.halt();
    if (!isRunning(result)) this.runningChild = -1;
    const s: Status = statusOf(result);
    this.lastStatus = s;
    if (tr) sh.close(ti, s, t0);
    return result;
  }
  override halt(): void {
    super.halt();
    this.runningChild = -1;
  }
}

/** What a decorator does with its child. */
export type DecoratorMode = 'AffectBranch' | 'Retry' | 'Timeout' | 'Inverter' | 'ForceSuccess' | 'ForceFailure' | 'Subtree';

/**
 * All single-child control nodes (see the module comment for each mode).
 *
 * @example
 * ```ts
 * const retry = new ControlDecorator(info, handover, 'Retry', { numAttempts: 3 }, clock);
 * ```
 */
export class ControlDecorator extends engine.Decorator implements RtNode {
  readonly kind: string;
  readonly name: string;
  readonly path: string;
  readonly children: readonly RtNode[];
  lastStatus: NodeStatus = 'IDLE';
  lastTick = -1;
  private running = false;
  private attempt = 0;
  private startedAt = 0;
  private fb = '';
  private readonly shared: TickShared;
  private readonly limit: number;

  constructor(
    info: ControlInfo,
    private readonly child: RtNode,
    private readonly mode: DecoratorMode,
    ports: Readonly<Record<string, string | number | boolean>>,
    private readonly clock: Clock,
  ) {
    super({ node: child });
    this.kind = info.kind;
    this.name = info.name;
    this.path = info.path;
    this.shared = info.shared;
    this.children = [child];
    this.limit = mode === 'Retry' ? Number(ports.numAttempts ?? 1) : mode === 'Timeout' ? Number(ports.timeoutMs ?? 0) : 0;
  }

  override run(bb?: unknown, opts?: RunOptions): RunResult {
    const sh = this.shared;
    const tr = sh.traceOn;
    const t0 = tr ? performance.now() : 0;
    const ti = tr ? sh.open(this.path) : 0;
    this.lastTick = sh.tick;
    const o = opts ?? FRESH;
    const child = this.child;
    let r: RunResult;
    switch (this.mode) {
      case 'AffectBranch':
        r = true;
        try {
          const cr = child.run(bb, FRESH);
          if (isRunning(cr)) {
            child.halt();
            this.fb = 'affect branch left RUNNING: halted';
          } else this.fb = cr ? 'affect branch: SUCCESS' : 'affect branch: FAILURE (ignored)';
        } catch (err) {
          sh.affectErrors++;
          this.fb = `affect branch threw (ignored): ${err instanceof Error ? err.message : String(err)}`;
          try {
            child.halt();
          } catch {
            /* a broken halt hook must not fail the task either */
          }
        }
        break;
      case 'Retry':
        if (!this.running) this.attempt = 1;
        r = child.run(bb, this.running ? o : FRESH);
        while (r === false && this.attempt < this.limit) {
          this.attempt++;
          r = child.run(bb, FRESH);
        }
        this.running = isRunning(r);
        this.fb = `attempt ${this.attempt}/${this.limit}`;
        break;
      case 'Timeout': {
        const now = this.clock.now();
        if (!this.running) this.startedAt = now;
        if (now - this.startedAt >= this.limit) {
          child.halt();
          this.running = false;
          this.fb = `timed out after ${this.limit} ms`;
          r = false;
        } else {
          r = child.run(bb, this.running ? o : FRESH);
          this.running = isRunning(r);
          this.fb = '';
        }
        break;
      }
      case 'Inverter':
        r = child.run(bb, o);
        if (r === true || r === false) r = !r;
        break;
      case 'ForceSuccess':
        r = child.run(bb, o);
        if (r === false) r = true;
        break;
      case 'ForceFailure':
        r = child.run(bb, o);
        if (r === true) r = false;
        break;
      case 'Subtree':
        r = child.run(bb, o);
        break;
    }
    const s = statusOf(r);
    this.lastStatus = s;
    if (tr) sh.close(ti, s, t0);
    return r;
  }
  feedback(): string {
    return this.fb;
  }
  halt(): void {
    this.child.halt();
    this.running = false;
    this.lastStatus = 'IDLE';
  }
  deadline(): number | undefined {
    const d = this.child.deadline();
    if (this.mode === 'Timeout' && this.running) {
      const t = this.startedAt + this.limit;
      return d === undefined || t < d ? t : d;
    }
    return d;
  }
}

const COMPOSITE_CHILDREN = { min: 1, max: 64 };
const ONE_CHILD = { min: 1, max: 1 };

/**
 * Declarations of the control node kinds (ports, child counts, docs).
 *
 * @example
 * ```ts
 * CONTROL_DEFS.find((d) => d.kind === 'Retry')?.ports[0]?.name; // 'numAttempts'
 * ```
 */
export const CONTROL_DEFS: readonly NodeDef[] = [
  {
    kind: 'Sequence',
    category: 'composite',
    role: 'control',
    description: 'Ticks children in order; fails at the first failure; with memory (resumes at the RUNNING child). The engine\'s Sequence.',
    ports: [],
    children: COMPOSITE_CHILDREN,
    example: 'Sequence:\n  children:\n    - WaitForHumanReady: {}\n    - Handover: { objectId: cup, target: right_hand }',
  },
  {
    kind: 'Fallback',
    category: 'composite',
    role: 'control',
    description: 'Ticks children in order until one succeeds; with memory. The engine\'s Selector.',
    ports: [],
    children: COMPOSITE_CHILDREN,
    example: 'Fallback:\n  children:\n    - Handover: { objectId: cup, target: right_hand }\n    - Handover: { objectId: cup, target: table }',
  },
  {
    kind: 'ReactiveSequence',
    category: 'composite',
    role: 'control',
    description: 'Re-ticks all children from the first every tick; when an earlier child fails, halts the RUNNING one.',
    ports: [],
    children: COMPOSITE_CHILDREN,
    example: 'ReactiveSequence:\n  children:\n    - ControllerAvailable: {}\n    - Handover: { objectId: cup, target: right_hand }',
  },
  {
    kind: 'ReactiveFallback',
    category: 'composite',
    role: 'control',
    description: 'Re-ticks all children from the first every tick; when a higher-priority child succeeds or runs, halts the RUNNING lower one.',
    ports: [],
    children: COMPOSITE_CHILDREN,
    example: 'ReactiveFallback:\n  children:\n    - Inverter: { child: ControllerAvailable }\n    - Handover: { objectId: cup, target: right_hand }',
  },
  {
    kind: 'AffectBranch',
    category: 'decorator',
    role: 'control',
    description: 'Task-first wrapper: the only place affect nodes may appear. Always SUCCESS; catches throws; halts a child left RUNNING.',
    ports: [],
    children: ONE_CHILD,
    example: 'AffectBranch:\n  child:\n    SlowHandover: { speedScale: 0.6 }',
  },
  {
    kind: 'Retry',
    category: 'decorator',
    role: 'control',
    description: 'Re-ticks a failed child (in the same tick) up to numAttempts times in total.',
    ports: [{ name: 'numAttempts', type: 'integer', default: 3, min: 1, max: 100, description: 'total attempts, including the first' }],
    children: ONE_CHILD,
    example: 'Retry:\n  numAttempts: 3\n  child:\n    Handover: { objectId: cup, target: right_hand }',
  },
  {
    kind: 'Timeout',
    category: 'decorator',
    role: 'control',
    description: 'Fails (halting the child) when the child is still RUNNING timeoutMs after it started.',
    ports: [{ name: 'timeoutMs', type: 'integer', required: true, min: 1, max: 3_600_000, description: 'time limit in ms' }],
    children: ONE_CHILD,
    example: 'Timeout:\n  timeoutMs: 20000\n  child:\n    WaitForHumanReady: {}',
  },
  {
    kind: 'Inverter',
    category: 'decorator',
    role: 'control',
    description: 'SUCCESS ↔ FAILURE; RUNNING passes through.',
    ports: [],
    children: ONE_CHILD,
    example: 'Inverter:\n  child:\n    ControllerAvailable: {}',
  },
  {
    kind: 'ForceSuccess',
    category: 'decorator',
    role: 'control',
    description: 'FAILURE becomes SUCCESS; RUNNING passes through.',
    ports: [],
    children: ONE_CHILD,
    example: 'ForceSuccess:\n  child:\n    WaitForHumanReady: { timeoutMs: 5000 }',
  },
  {
    kind: 'ForceFailure',
    category: 'decorator',
    role: 'control',
    description: 'SUCCESS becomes FAILURE; RUNNING passes through.',
    ports: [],
    children: ONE_CHILD,
    example: 'ForceFailure:\n  child:\n    ControllerAvailable: {}',
  },
  {
    kind: 'Subtree',
    category: 'decorator',
    role: 'control',
    description: 'Inserts a named tree (same file or an imported one); `remap` renames its blackboard keys.',
    ports: [{ name: 'tree', type: 'string', required: true, description: 'name of the tree under `trees:`' }],
    children: { min: 0, max: 0 },
    example: "Subtree:\n  tree: AffectModulation\n  remap: { affect: '{affect_h2}' }",
  },
];

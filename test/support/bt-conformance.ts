/**
 * Test nodes and a harness for the BehaviorTree.CPP conformance suite (test/conformance):
 * affect-bt versions of BT.CPP's test helpers — `TestA`…`TestD` (RegisterTestTick: count
 * ticks, succeed), `Action` (AsyncActionTest: RUNNING for `ms` on the virtual clock,
 * then the expected result), `Cond` (ConditionTestNode), `KeepRunning`, `Say`
 * (SaySomething / PrintToConsole: records the value of its key), `CopyPorts`,
 * `Thrower` (ThrowingAction) — plus `AlwaysSuccess` / `AlwaysFailure` when the registry
 * does not have them. Time is a VirtualClock: BT.CPP's `sleep_for` becomes `advance`.
 *
 * BT.CPP resets a finished child's status to IDLE; affect-bt keeps a node's last result
 * for renders. The ports therefore read "IDLE" as "not running" ({@link btStatus}).
 */
import { Blackboard } from '../../src/core/blackboard.ts';
import { VirtualClock } from '../../src/core/clock.ts';
import { InMemoryController } from '../../src/core/in-memory-controller.ts';
import { Behaviour, buildTree, loadTreeText, NodeRegistry, type LeafContext, type NodeDef, type RtNode, type Status, type TickStatus, type TreeRunner } from '../../src/tree/index.ts';
import { WAIT } from '../../nodes/Wait.ts';
import type { BlackboardAccess } from '../../src/core/blackboard.ts';

/**
 * Per-test state the test nodes read and write.
 *
 * @example
 * ```ts
 * bt.expected.set('action_1', 'FAILURE');
 * bt.count('A'); // ticks of TestA
 * ```
 */
export const bt = {
  /** Ticks of TestA… (by letter) and Cond (by id); runs (starts) of Action (by id). */
  ticks: new Map<string, number>(),
  successes: new Map<string, number>(),
  failures: new Map<string, number>(),
  /** Expected result of Action / Cond by id (default SUCCESS). */
  expected: new Map<string, 'SUCCESS' | 'FAILURE' | 'RUNNING'>(),
  /** Durations of Action by id (overrides the `ms` port). */
  durations: new Map<string, number>(),
  /** What Say nodes said. */
  console: [] as unknown[],
  /** Lifecycle events: `id:halted`. */
  events: [] as string[],
  reset(): void {
    this.ticks.clear();
    this.successes.clear();
    this.failures.clear();
    this.expected.clear();
    this.durations.clear();
    this.console.length = 0;
    this.events.length = 0;
  },
  count(id: string): number {
    return this.ticks.get(id) ?? 0;
  },
};

const bump = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);

function result(id: string, s: Status, countTick = true): Status {
  if (countTick) bump(bt.ticks, id);
  if (s === 'SUCCESS') bump(bt.successes, id);
  if (s === 'FAILURE') bump(bt.failures, id);
  return s;
}

class Fixed extends Behaviour {
  constructor(private readonly s: Status) {
    super();
  }
  update(): Status {
    return this.s;
  }
}

class Counter extends Behaviour {
  constructor(private readonly id: string) {
    super();
  }
  update(): Status {
    return result(this.id, 'SUCCESS');
  }
}

class Action extends Behaviour {
  private until = 0;
  constructor(private readonly ctx: LeafContext) {
    super();
  }
  private get id(): string {
    return String(this.ctx.ports.id);
  }
  override initialise(): void {
    bump(bt.ticks, this.id); // like BT.CPP's AsyncActionTest, one tick per run, however many ticks it spans
    this.until = this.ctx.clock.now() + (bt.durations.get(this.id) ?? Number(this.ctx.ports.ms));
  }
  update(): Status {
    if (this.ctx.clock.now() < this.until) return 'RUNNING';
    return result(this.id, bt.expected.get(this.id) ?? 'SUCCESS', false);
  }
  override terminate(how: 'SUCCESS' | 'FAILURE' | 'HALTED'): void {
    if (how === 'HALTED') bt.events.push(`${this.id}:halted`);
  }
  override deadline(): number | undefined {
    return this.until;
  }
}

class Cond extends Behaviour {
  constructor(private readonly id: string) {
    super();
  }
  update(): Status {
    return result(this.id, bt.expected.get(this.id) ?? 'SUCCESS');
  }
}

class KeepRunning extends Behaviour {
  constructor(private readonly id: string) {
    super();
  }
  update(): Status {
    bump(bt.ticks, this.id);
    return 'RUNNING';
  }
  override terminate(how: 'SUCCESS' | 'FAILURE' | 'HALTED'): void {
    if (how === 'HALTED') bt.events.push(`${this.id}:halted`);
  }
}

class Say extends Behaviour {
  private readonly io: BlackboardAccess;
  private readonly key: string;
  constructor(ctx: LeafContext) {
    super();
    this.key = String(ctx.ports.message);
    this.io = ctx.access({ reads: [this.key] });
  }
  update(): Status {
    const v = this.io.get(this.key);
    if (v === undefined) return 'FAILURE';
    bt.console.push(v);
    return 'SUCCESS';
  }
}

class CopyPorts extends Behaviour {
  private readonly io: BlackboardAccess;
  constructor(private readonly ctx: LeafContext) {
    super();
    this.io = ctx.access({ reads: [String(ctx.ports.in)], writes: [String(ctx.ports.out)] });
  }
  update(): Status {
    const v = this.io.get(String(this.ctx.ports.in));
    if (v === undefined) throw new Error('missing required input [in]');
    this.io.set(String(this.ctx.ports.out), v);
    return 'SUCCESS';
  }
}

class Thrower extends Behaviour {
  update(): Status {
    throw new Error('Test exception from ThrowingAction');
  }
}

const leaf = (kind: string, ports: NodeDef['ports'], create: (ctx: LeafContext) => Behaviour): NodeDef => ({
  kind,
  category: 'action',
  role: 'control',
  description: `BT.CPP conformance test node ${kind}`,
  ports,
  children: { min: 0, max: 0 },
  example: `${kind}: {}`,
  create,
});

const ID = { name: 'id', type: 'string', required: true, description: 'test id' } as const;

let registry: NodeRegistry | undefined;

/**
 * The registry of the conformance trees (built once): control nodes and the test node kinds.
 *
 * @example
 * ```ts
 * conformanceRegistry().has('TestA'); // true: TestA…TestD, Action, Cond, KeepRunning, Say, CopyPorts, Thrower
 * ```
 */
export function conformanceRegistry(): NodeRegistry {
  if (registry !== undefined) return registry;
  // its own registry: BT.CPP's test nodes (e.g. its `Say`) next to the control nodes, not
  // mixed with affect-bt's built-in leaves of the same names
  const r = new NodeRegistry();
  const add = (def: NodeDef) => r.register(def, 'bt-conformance');
  for (const l of ['A', 'B', 'C', 'D']) add(leaf(`Test${l}`, [], () => new Counter(l)));
  add(leaf('Action', [ID, { name: 'ms', type: 'integer', default: 100, min: 0, description: 'time RUNNING' }], (ctx) => new Action(ctx)));
  add(leaf('Cond', [ID], (ctx) => new Cond(String(ctx.ports.id))));
  add(leaf('KeepRunning', [{ name: 'id', type: 'string', default: 'keep', description: 'test id' }], (ctx) => new KeepRunning(String(ctx.ports.id))));
  add(leaf('Say', [{ name: 'message', type: 'key', required: true, valueType: 'any', description: 'key whose value is said' }], (ctx) => new Say(ctx)));
  add(leaf('CopyPorts', [{ name: 'in', type: 'key', required: true, valueType: 'any', description: 'input' }, { name: 'out', type: 'key', required: true, valueType: 'any', description: 'output' }], (ctx) => new CopyPorts(ctx)));
  add(leaf('Thrower', [], () => new Thrower()));
  add(leaf('AlwaysSuccess', [], () => new Fixed('SUCCESS')));
  add(leaf('AlwaysFailure', [], () => new Fixed('FAILURE')));
  r.register(WAIT, 'affect-bt');
  registry = r;
  return r;
}

/** A built conformance tree on a virtual clock. */
export interface BtTree {
  runner: TreeRunner;
  clock: VirtualClock;
  blackboard: Blackboard;
  /** BT.CPP's `tickOnce` / `executeTick` on the root. */
  tickOnce(): TickStatus;
  /** BT.CPP's `tickWhileRunning`: ticks (advancing the clock `stepMs` between ticks) until not RUNNING. */
  tickWhileRunning(stepMs?: number): TickStatus;
  /** The node named `name` (names are unique in the ported trees). */
  node(name: string): RtNode;
  /** Advances the virtual clock (BT.CPP's sleep_for). */
  sleep(ms: number): void;
}

/**
 * Loads and builds a tree for a conformance case.
 *
 * @example
 * ```ts
 * const t = btTree('trees:\n  M:\n    Sequence:\n      children: [TestA, TestB]\n');
 * t.tickWhileRunning(); // 'SUCCESS'
 * ```
 */
export function btTree(yaml: string, setup?: (bb: Blackboard) => void): BtTree {
  const clock = new VirtualClock(Date.UTC(2026, 0, 1));
  const blackboard = new Blackboard({ clock });
  setup?.(blackboard);
  const runner = buildTree(loadTreeText(yaml, 'conformance.yaml', { registry: conformanceRegistry() }), { blackboard, controller: new InMemoryController({ clock }), clock });
  const find = (n: RtNode, name: string): RtNode | undefined => (n.name === name ? n : n.children.map((c) => find(c, name)).find((x) => x !== undefined));
  return {
    runner,
    clock,
    blackboard,
    tickOnce: () => runner.tick(),
    tickWhileRunning(stepMs = 1) {
      let s = runner.tick();
      for (let i = 0; s === 'RUNNING' && i < 100_000; i++) {
        clock.advance(stepMs);
        s = runner.tick();
      }
      return s;
    },
    node(name) {
      const n = find(runner.root, name);
      if (n === undefined) throw new Error(`no node named ${name}`);
      return n;
    },
    sleep: (ms) => clock.advance(ms),
  };
}

/**
 * A node's status for assertions: RUNNING while it runs, else its last result (IDLE when
 * never ticked or halted). BT.CPP additionally resets finished children to IDLE when
 * their parent finishes; the ports check that as "not running".
 *
 * @example
 * ```ts
 * btStatus(t.node('action_1')); // 'RUNNING'
 * ```
 */
export function btStatus(n: RtNode): 'IDLE' | TickStatus {
  return n.running ? 'RUNNING' : n.lastStatus;
}

// The runtime layer: one hidden class for every node, a raw BehaviorTree.js Task mounted
// as a leaf, node errors that name the node (and halt the tree safely), pre/post
// conditions halting a running node, SKIPPED through composites and the runner.
import { describe, expect, it } from 'vitest';
import v8 from 'node:v8';
import engine from './engine.ts';
import { Behaviour, buildTree, loadTreeText, NodeError, registerNode, RuntimeNode, treeHarness, type RtNode, type Status } from './index.ts';
import { Blackboard } from '../core/blackboard.ts';
import { VirtualClock } from '../core/clock.ts';
import { InMemoryController } from '../core/in-memory-controller.ts';
import { GEN_KEYS, generateTree } from '../../bench/gen-tree.ts';

function all(n: RtNode, out: RtNode[] = []): RtNode[] {
  out.push(n);
  for (const c of n.children) all(c, out);
  return out;
}

describe('flat cost: hidden classes', () => {
  it('every node of a 200-node tree shares one hidden class, and each kind’s logic one', () => {
    v8.setFlagsFromString('--allow-natives-syntax');
    // compiled after the flag is set; V8's own check, not a heuristic
    const sameMap = new Function('a', 'b', 'return %HaveSameMap(a, b)') as (a: object, b: object) => boolean;
    const clock = new VirtualClock(0);
    const runner = buildTree(loadTreeText(generateTree(200), 'g.yaml'), { blackboard: new Blackboard({ clock }), controller: new InMemoryController({ clock }), clock });
    const nodes = all(runner.root) as RuntimeNode[];
    expect(nodes).toHaveLength(200);
    expect(nodes.every((n) => n instanceof RuntimeNode && n instanceof engine.Node)).toBe(true);
    expect(nodes.every((n) => sameMap(n, nodes[0]!))).toBe(true);
    const byKind = new Map<string, object[]>();
    for (const n of nodes) byKind.set(n.logic.constructor.name, [...(byKind.get(n.logic.constructor.name) ?? []), n.logic]);
    expect(byKind.size).toBeGreaterThanOrEqual(6);
    for (const [, logics] of byKind) expect(logics.every((l) => sameMap(l, logics[0]!))).toBe(true);
    // the engine's own constructors give every instance a new hidden class (why the runtime replaces them)
    const f = () => true;
    expect(sameMap(new engine.Task({ run: f }), new engine.Task({ run: f }))).toBe(false);
  });

  it('the generated trees visit every node every tick and stay RUNNING (what bench tick --scale measures)', () => {
    const clock = new VirtualClock(0);
    const bb = new Blackboard({ clock });
    const runner = buildTree(loadTreeText(generateTree(50), 'g.yaml'), { blackboard: bb, controller: new InMemoryController({ clock }), clock, trace: true });
    for (const [k, v] of Object.entries(GEN_KEYS)) bb.set(k, v, { source: 'test' });
    for (let i = 0; i < 3; i++) {
      expect(runner.tick()).toBe('RUNNING');
      expect(runner.lastTrace).toHaveLength(50);
    }
  });
});

describe('a raw BehaviorTree.js node mounted in an affect-bt tree', () => {
  const calls: string[] = [];
  let result: boolean | symbol = engine.RUNNING;
  registerNode({
    kind: 'RawTask',
    category: 'action',
    role: 'control',
    description: 'a raw engine Task',
    ports: [],
    children: { min: 0, max: 0 },
    example: 'RawTask: {}',
    engineNode: () =>
      new engine.Task({
        start: (bb) => calls.push(`start:${(bb as Blackboard).get('who')}`),
        run: () => (calls.push('run'), result),
        end: () => calls.push('end'),
      }),
  });
  registerNode({
    kind: 'RawSequence',
    category: 'action',
    role: 'control',
    description: 'a raw engine Sequence resuming through its index path',
    ports: [],
    children: { min: 0, max: 0 },
    example: 'RawSequence: {}',
    engineNode: () =>
      new engine.Sequence({
        nodes: [new engine.Task({ run: () => (calls.push('first'), engine.SUCCESS) }), new engine.Task({ start: () => calls.push('second:start'), run: () => (calls.push('second'), result) })],
      }),
  });

  it('runs with the engine protocol: start once, run every tick, end when done; gets the blackboard', () => {
    calls.length = 0;
    result = engine.RUNNING;
    const h = treeHarness("trees:\n  M:\n    ReactiveSequence:\n      children:\n        - ControllerAvailable\n        - RawTask: { name: raw }\n");
    h.blackboard.set('who', 'affect-bt', { source: 'test' });
    expect([h.runner.tick(), h.runner.tick()]).toEqual(['RUNNING', 'RUNNING']);
    result = engine.SUCCESS;
    expect(h.runner.tick()).toBe('SUCCESS');
    expect(calls).toEqual(['start:affect-bt', 'run', 'run', 'run', 'end']);
    // halted by its parent: the next run starts it again
    calls.length = 0;
    result = engine.RUNNING;
    h.runner.tick();
    h.controller.available = false;
    expect(h.runner.tick()).toBe('FAILURE');
    h.controller.available = true;
    h.runner.tick();
    expect(calls).toEqual(['start:affect-bt', 'run', 'start:affect-bt', 'run']);
    expect(h.runner.find('ReactiveSequence/raw')!.feedback()).toBe('engine node: RUNNING');
  });

  it('a raw engine composite resumes at its RUNNING child through its index path', () => {
    calls.length = 0;
    result = engine.RUNNING;
    const h = treeHarness('trees:\n  M:\n    RawSequence\n');
    expect([h.runner.tick(), h.runner.tick()]).toEqual(['RUNNING', 'RUNNING']);
    result = engine.SUCCESS;
    expect(h.runner.tick()).toBe('SUCCESS');
    expect(calls).toEqual(['first', 'second:start', 'second', 'second', 'second']);
  });
});

describe('node errors', () => {
  it('a throw fails the tick, names the node (path, kind, original message), and halts what was running', () => {
    let explode = false;
    registerNode({
      kind: 'Fragile',
      category: 'action',
      role: 'control',
      description: 'throws on demand',
      ports: [],
      children: { min: 0, max: 0 },
      example: 'Fragile: {}',
      create: () =>
        new (class extends Behaviour {
          update(): Status {
            if (explode) throw new Error('sensor unplugged');
            return 'SUCCESS';
          }
        })(),
    });
    const h = treeHarness(
      'trees:\n  M:\n    Parallel:\n      name: root\n      children:\n        - Handover: { name: give, objectId: cup, target: right_hand }\n        - Subtree: { tree: Check, name: checks }\n  Check:\n    KeepRunningUntilFailure: { child: { Fragile: { name: probe } } }\n',
    );
    h.ready(true);
    expect(h.runner.tick()).toBe('RUNNING');
    const id = h.controller.runningHandover()!;
    explode = true;
    expect(h.step(10)).toBe('FAILURE');
    const e = h.runner.lastError!;
    expect(e).toBeInstanceOf(NodeError);
    expect([e.path, e.kind, e.nodeName, e.originalMessage]).toEqual(['root/checks/KeepRunningUntilFailure/probe', 'Fragile', 'probe', 'sensor unplugged']);
    expect(e.message).toBe('Fragile at root/checks/KeepRunningUntilFailure/probe threw: sensor unplugged');
    expect(h.runner.counters.errors).toBe(1);
    expect(h.controller.cancelled).toEqual([id]); // the running handover was cancelled
    expect(all(h.runner.root).some((n) => n.running)).toBe(false);
  });
});

describe('pre- and post-conditions on running nodes', () => {
  it('_while turning false halts a RUNNING node (its action is cancelled), runs _onHalted, and the node is SKIPPED', () => {
    const h = treeHarness("trees:\n  M:\n    Sequence:\n      children:\n        - Script: { code: 'halted := false' }\n        - Handover: { objectId: cup, target: right_hand, _while: '{@human/ready} == true', _onHalted: 'halted := true' }\n");
    h.ready(true);
    expect(h.runner.tick()).toBe('RUNNING');
    const id = h.controller.runningHandover()!;
    h.ready(false);
    expect(h.step(10)).toBe('SUCCESS'); // Sequence: the skipped child is stepped over
    expect(h.controller.cancelled).toEqual([id]);
    expect(h.blackboard.get('halted')).toBe(true);
    expect(h.runner.find('Sequence/Handover')!.lastStatus).toBe('SKIPPED');
  });

  it('_skipIf is checked only when a node starts, not while it runs; an unknown condition does not skip', () => {
    const h = treeHarness("trees:\n  M:\n    Handover: { objectId: cup, target: right_hand, _skipIf: 'skip' }\n");
    expect(h.runner.tick()).toBe('RUNNING'); // 'skip' is unknown: not skipped
    h.blackboard.set('skip', true, { source: 'test' });
    expect(h.step(10)).toBe('RUNNING');
    expect(h.controller.cancelled).toEqual([]);
    h.runner.halt();
    expect(h.step(10)).toBe('SKIPPED');
    expect(h.runner.counters.skipped).toBe(1);
    expect(h.controller.handovers).toHaveLength(1);
  });

  it('_successIf / _failureIf decide without running the node and still run _onSuccess / _onFailure / _post', () => {
    const h = treeHarness("trees:\n  M:\n    Sequence:\n      children:\n        - Script: { code: 'n := 0; done := false' }\n        - Handover: { objectId: cup, target: right_hand, _successIf: 'done == false', _onSuccess: 'n += 1', _post: 'n *= 10' }\n");
    expect(h.runner.tick()).toBe('SUCCESS');
    expect(h.controller.handovers).toHaveLength(0);
    expect(h.blackboard.get('n')).toBe(10);
  });
});

describe('last finish of a node (what rate-limited traces report)', () => {
  it('counts SUCCESS/FAILURE finishes and keeps the last one; RUNNING, SKIPPED and halts are not finishes', () => {
    const h = treeHarness(
      "trees:\n  M:\n    Sequence:\n      children:\n        - AlwaysSuccess: {}\n        - Handover: { objectId: cup, target: right_hand, _skipIf: 'skip == true' }\n        - AlwaysFailure: {}\n",
    );
    h.ready(true);
    const ok = h.runner.find('Sequence/AlwaysSuccess')!;
    const give = h.runner.find('Sequence/Handover')!;
    const fail = h.runner.find('Sequence/AlwaysFailure')!;
    expect([give.lastResult, give.results]).toEqual(['IDLE', 0]);
    expect(h.runner.tick()).toBe('RUNNING');
    expect([give.lastStatus, give.lastResult, give.results]).toEqual(['RUNNING', 'IDLE', 0]);
    h.controller.resolve(h.controller.runningHandover()!, 'success');
    expect(h.step(10)).toBe('FAILURE');
    expect([ok.lastResult, ok.results]).toEqual(['SUCCESS', 1]);
    expect([give.lastResult, give.results]).toEqual(['SUCCESS', 1]);
    expect([fail.lastResult, fail.results]).toEqual(['FAILURE', 1]);
    expect([h.runner.root.lastResult, h.runner.root.results]).toEqual(['FAILURE', 1]);
    // the next run: the handover fails; then one that is halted; then one that is skipped
    expect(h.step(10)).toBe('RUNNING');
    h.controller.resolve(h.controller.runningHandover()!, 'drop');
    expect(h.step(10)).toBe('FAILURE');
    expect([give.lastResult, give.results]).toEqual(['FAILURE', 2]);
    expect(h.step(10)).toBe('RUNNING');
    h.runner.halt();
    expect([give.lastStatus, give.lastResult, give.results]).toEqual(['IDLE', 'FAILURE', 2]);
    h.blackboard.set('skip', true, { source: 'test' });
    expect(h.step(10)).toBe('FAILURE');
    expect([give.lastStatus, give.lastResult, give.results]).toEqual(['SKIPPED', 'FAILURE', 2]);
    expect([ok.results, fail.results]).toEqual([4, 2]); // the failed handover ended run 2 before AlwaysFailure
  });
});

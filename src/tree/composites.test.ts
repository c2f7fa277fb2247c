// Control-node semantics: reactive composites halt lower-priority RUNNING children,
// memory composites resume, Retry/Timeout/Inverter/Force*, AffectBranch can never fail
// the task, and engine resume paths work through nested composites.
import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Behaviour, registerNode, treeHarness, type LeafContext, type Status } from './index.ts';
import type { BlackboardAccess } from '../core/blackboard.ts';

/** Lifecycle events of Probe nodes, in order. */
const events: string[] = [];

/** A leaf whose status is read from the blackboard key `probe/<id>` ('SUCCESS'|'FAILURE'|'RUNNING'|'THROW'). */
class Probe extends Behaviour {
  private readonly io: BlackboardAccess;
  private readonly key: string;
  constructor(private readonly ctx: LeafContext) {
    super();
    this.key = `probe/${String(ctx.ports.id)}`;
    this.io = ctx.access({ reads: [this.key] });
  }
  override initialise(): void {
    events.push(`${this.ctx.ports.id}:init`);
  }
  update(): Status {
    const s = this.io.get<string>(this.key) ?? 'SUCCESS';
    events.push(`${this.ctx.ports.id}:${s}`);
    if (s === 'THROW') throw new Error(`probe ${this.ctx.ports.id} exploded`);
    return s as Status;
  }
  override terminate(how: 'SUCCESS' | 'FAILURE' | 'HALTED'): void {
    if (how === 'HALTED') events.push(`${this.ctx.ports.id}:halted`);
  }
}

beforeAll(() => {
  registerNode({
    kind: 'Probe',
    category: 'action',
    role: 'control',
    description: 'test probe',
    ports: [{ name: 'id', type: 'string', required: true, description: 'probe id' }],
    children: { min: 0, max: 0 },
    example: 'Probe: { id: a }',
    create: (ctx) => new Probe(ctx),
  });
});

function harness(body: string, opts?: Parameters<typeof treeHarness>[1]) {
  const h = treeHarness(`trees:\n  T:\n${body.replace(/^/gm, '    ')}\n`, opts);
  const set = (id: string, s: string) => h.blackboard.set(`probe/${id}`, s, { source: 'test' });
  events.length = 0;
  return { ...h, set };
}

describe('ReactiveSequence', () => {
  it('re-checks earlier children every tick and halts the RUNNING child when one fails', () => {
    const h = harness('ReactiveSequence:\n  children:\n    - Probe: { id: cond }\n    - Probe: { id: act }');
    h.set('act', 'RUNNING');
    expect(h.runner.tick()).toBe('RUNNING');
    expect(h.runner.tick()).toBe('RUNNING');
    expect(events).toEqual(['cond:init', 'cond:SUCCESS', 'act:init', 'act:RUNNING', 'cond:init', 'cond:SUCCESS', 'act:RUNNING']);
    events.length = 0;
    h.set('cond', 'FAILURE');
    expect(h.runner.tick()).toBe('FAILURE');
    expect(events).toEqual(['cond:init', 'cond:FAILURE', 'act:halted']);
    expect(h.runner.counters.halts).toBe(1);
  });

  it('restarts a halted child from initialise', () => {
    const h = harness('ReactiveSequence:\n  children:\n    - Probe: { id: cond }\n    - Probe: { id: act }');
    h.set('act', 'RUNNING');
    h.runner.tick();
    h.set('cond', 'FAILURE');
    h.runner.tick();
    h.set('cond', 'SUCCESS');
    events.length = 0;
    h.runner.tick();
    expect(events).toEqual(['cond:init', 'cond:SUCCESS', 'act:init', 'act:RUNNING']);
  });
});

describe('ReactiveFallback', () => {
  it('halts a lower-priority RUNNING child when a higher-priority one succeeds', () => {
    const h = harness('ReactiveFallback:\n  children:\n    - Probe: { id: high }\n    - Probe: { id: low }');
    h.set('high', 'FAILURE');
    h.set('low', 'RUNNING');
    expect(h.runner.tick()).toBe('RUNNING');
    h.set('high', 'SUCCESS');
    events.length = 0;
    expect(h.runner.tick()).toBe('SUCCESS');
    expect(events).toEqual(['high:init', 'high:SUCCESS', 'low:halted']);
  });

  it('halts the lower child when a higher one starts RUNNING', () => {
    const h = harness('ReactiveFallback:\n  children:\n    - Probe: { id: high }\n    - Probe: { id: low }');
    h.set('high', 'FAILURE');
    h.set('low', 'RUNNING');
    h.runner.tick();
    h.set('high', 'RUNNING');
    events.length = 0;
    expect(h.runner.tick()).toBe('RUNNING');
    expect(events).toEqual(['high:init', 'high:RUNNING', 'low:halted']);
  });
});

describe('memory Sequence / Fallback (the engine\'s)', () => {
  it('Sequence resumes at the RUNNING child without re-ticking earlier ones', () => {
    const h = harness('Sequence:\n  children:\n    - Probe: { id: a }\n    - Probe: { id: b }');
    h.set('b', 'RUNNING');
    h.runner.tick();
    events.length = 0;
    h.runner.tick();
    expect(events).toEqual(['b:RUNNING']);
    h.set('b', 'SUCCESS');
    expect(h.runner.tick()).toBe('SUCCESS');
  });

  it('Fallback returns the first success', () => {
    const h = harness('Fallback:\n  children:\n    - Probe: { id: a }\n    - Probe: { id: b }');
    h.set('a', 'FAILURE');
    expect(h.runner.tick()).toBe('SUCCESS');
    expect(events).toEqual(['a:init', 'a:FAILURE', 'b:init', 'b:SUCCESS']);
  });

  it('a reactive node nested in a memory Sequence resumes through the engine path', () => {
    const h = harness(
      'Sequence:\n  children:\n    - Probe: { id: first }\n    - ReactiveSequence:\n        children:\n          - Probe: { id: cond }\n          - Probe: { id: act }',
    );
    h.set('act', 'RUNNING');
    h.runner.tick();
    events.length = 0;
    h.runner.tick();
    expect(events).toEqual(['cond:init', 'cond:SUCCESS', 'act:RUNNING']);
    h.set('cond', 'FAILURE');
    events.length = 0;
    expect(h.runner.tick()).toBe('FAILURE');
    expect(events).toEqual(['cond:init', 'cond:FAILURE', 'act:halted']);
  });
});

describe('decorators', () => {
  it('Retry retries a synchronous failure on the next tick (a tick never loops), up to numAttempts', () => {
    const h = harness('Retry:\n  numAttempts: 3\n  child:\n    Probe: { id: a }');
    h.set('a', 'FAILURE');
    expect([h.runner.tick(), h.runner.tick(), h.runner.tick()]).toEqual(['RUNNING', 'RUNNING', 'FAILURE']);
    expect(events.filter((e) => e === 'a:FAILURE')).toHaveLength(3);
    expect(h.runner.find('Retry')?.feedback()).toBe('attempt 3/3');
  });

  it('Retry retries a failure after RUNNING within the same tick', () => {
    const h = harness('Retry:\n  numAttempts: 3\n  child:\n    Probe: { id: a }');
    h.set('a', 'RUNNING');
    expect(h.runner.tick()).toBe('RUNNING');
    h.set('a', 'FAILURE');
    events.length = 0;
    // the failed attempt and the synchronous failure of the second attempt, in one tick
    expect(h.runner.tick()).toBe('RUNNING');
    expect(events).toEqual(['a:FAILURE', 'a:init', 'a:FAILURE']);
    expect(h.runner.tick()).toBe('FAILURE');
    expect(h.runner.find('Retry')?.feedback()).toBe('attempt 3/3');
  });

  it('Timeout halts a child RUNNING for too long and reports its deadline', () => {
    const h = harness('Timeout:\n  timeoutMs: 1000\n  child:\n    Probe: { id: a }');
    h.set('a', 'RUNNING');
    expect(h.runner.tick()).toBe('RUNNING');
    expect(h.runner.nextDeadline()).toBe(h.clock.now() + 1000);
    expect(h.step(999)).toBe('RUNNING');
    expect(h.step(1)).toBe('FAILURE');
    expect(events.at(-1)).toBe('a:halted');
    expect(h.runner.nextDeadline()).toBeUndefined();
  });

  it('Inverter, ForceSuccess and ForceFailure map results and pass RUNNING through', () => {
    const h = harness(
      'Sequence:\n  children:\n    - Inverter: { child: { Probe: { id: a } } }\n    - ForceSuccess: { child: { Probe: { id: b } } }\n    - ForceFailure: { child: { Probe: { id: c } } }',
    );
    h.set('a', 'FAILURE');
    h.set('b', 'FAILURE');
    expect(h.runner.tick()).toBe('FAILURE');
    expect(h.runner.renderText()).toContain('ForceFailure [FAILURE]');
    h.set('c', 'RUNNING');
    expect(h.runner.tick()).toBe('RUNNING');
  });
});

describe('AffectBranch (task first)', () => {
  const tree = 'ReactiveSequence:\n  children:\n    - AffectBranch:\n        child:\n          Probe: { id: affect }\n    - Probe: { id: task }';

  it('a failing affect branch never fails the task', () => {
    const h = harness(tree);
    h.set('affect', 'FAILURE');
    expect(h.runner.tick()).toBe('SUCCESS');
    expect(h.runner.renderText()).toContain('affect branch: FAILURE (ignored)');
  });

  it('a throwing affect branch never fails the task; the throw is counted', () => {
    const h = harness(tree);
    h.set('affect', 'THROW');
    h.set('task', 'RUNNING');
    expect(h.runner.tick()).toBe('RUNNING');
    h.set('task', 'SUCCESS');
    expect(h.runner.tick()).toBe('SUCCESS');
    expect(h.runner.counters.affectErrors).toBe(2);
    expect(h.runner.counters.errors).toBe(0);
    expect(h.runner.renderText()).toMatch(/affect branch threw \(ignored\): Probe at \S+ threw: probe affect exploded/);
  });

  it('an affect child left RUNNING is halted so it cannot block the task', () => {
    const h = harness(tree);
    h.set('affect', 'RUNNING');
    expect(h.runner.tick()).toBe('SUCCESS');
    expect(events).toEqual(['affect:init', 'affect:RUNNING', 'affect:halted', 'task:init', 'task:SUCCESS']);
  });

  it('a throw outside an AffectBranch fails the tick (counted) instead of crashing', () => {
    const h = harness('Probe: { id: a }');
    h.set('a', 'THROW');
    expect(h.runner.tick()).toBe('FAILURE');
    expect(h.runner.counters.errors).toBe(1);
    expect(String(h.runner.lastError)).toContain('probe a exploded');
  });
});

describe('runner observability', () => {
  it('records a pre-order trace with paths, statuses and durations only when enabled', () => {
    const h = harness('Sequence:\n  name: root\n  children:\n    - Probe: { id: a, name: first }\n    - Probe: { id: b }', { trace: true });
    h.runner.tick();
    expect(h.runner.lastTrace.map((r) => `${r.path}=${r.status}`)).toEqual(['root=SUCCESS', 'root/first=SUCCESS', 'root/Probe=SUCCESS']);
    expect(h.runner.lastTrace.every((r) => r.durationUs >= 0)).toBe(true);
    h.runner.trace = false;
    h.runner.tick();
    expect(h.runner.lastTrace).toEqual([]);
  });

  it('renders text, Mermaid and DOT with statuses', () => {
    const h = harness('Sequence:\n  name: root\n  children:\n    - Probe: { id: a }\n    - Probe: { id: b }');
    h.set('b', 'RUNNING');
    h.runner.tick();
    expect(h.runner.renderText()).toBe('Sequence "root" [RUNNING] reached child 2/2 (Probe)\n  Probe [SUCCESS]\n  Probe [RUNNING]');
    expect(h.runner.toMermaid()).toContain('n0["Sequence<br/>root"]:::running');
    expect(h.runner.toMermaid()).toContain('n0 --> n2');
    expect(h.runner.toDot()).toContain('n2 [label="Probe" fillcolor="#fff3c4"];');
  });

  it('runner.halt() halts running leaves and restarts the tree from scratch', () => {
    const h = harness('Sequence:\n  children:\n    - Probe: { id: a }\n    - Probe: { id: b }');
    h.set('b', 'RUNNING');
    h.runner.tick();
    h.runner.halt();
    expect(events.at(-1)).toBe('b:halted');
    events.length = 0;
    h.runner.tick();
    expect(events).toEqual(['a:init', 'a:SUCCESS', 'b:init', 'b:RUNNING']);
    expect(h.runner.counters).toMatchObject({ ticks: 2, running: 2, halts: 1 });
  });
});

describe('buildTree guards', () => {
  it('building a non-main tree by name still enforces the task-first rule', async () => {
    const { loadTreeText, buildTree } = await import('./index.ts');
    const { Blackboard } = await import('../core/blackboard.ts');
    const { VirtualClock } = await import('../core/clock.ts');
    const { InMemoryController } = await import('../core/in-memory-controller.ts');
    const doc = loadTreeText('trees:\n  M:\n    AffectBranch:\n      child:\n        Subtree: { tree: Pace }\n  Pace:\n    SlowHandover: {}\n', 'g.yaml');
    const clock = new VirtualClock(0);
    expect(() => buildTree(doc, { blackboard: new Blackboard({ clock }), controller: new InMemoryController({ clock }), clock, treeName: 'Pace' })).toThrow(
      'g.yaml:7:5: affect node SlowHandover must be inside an AffectBranch (task-first rule)',
    );
    expect(() => buildTree(doc, { blackboard: new Blackboard({ clock }), controller: new InMemoryController({ clock }), clock, treeName: 'Nope' })).toThrow(
      "buildTree: tree 'Nope' is not in g.yaml (trees: M, Pace)",
    );
  });

  it('affect nodes get a controller view that cannot start or cancel handovers', async () => {
    const { affectControllerView } = await import('./index.ts');
    const { VirtualClock } = await import('../core/clock.ts');
    const { InMemoryController } = await import('../core/in-memory-controller.ts');
    const c = new InMemoryController({ clock: new VirtualClock(0) });
    const view = affectControllerView(c, 'root/affect/Apologise');
    expect(() => view.startHandover({ objectId: 'a', target: 'b', speedScale: 1, approachWaitMs: 0, timeoutMs: 1000 })).toThrow(
      'root/affect/Apologise: affect nodes may not start handovers (task-first rule)',
    );
    expect(() => view.cancel('ho-1')).toThrow('may not cancel actions');
    expect(view.setSpeedScale(0.1)).toBe(0.3);
    expect(c.actionState(view.say({ text: 'hi', kind: 'info' }))!.status).toBe('FINISHED');
  });
});

describe('reactive composites against a reference model (property)', () => {
  const status = fc.constantFrom('SUCCESS', 'FAILURE', 'RUNNING');
  for (const kind of ['ReactiveSequence', 'ReactiveFallback'] as const) {
    it(`${kind}: results, ticked children, initialise and halt events match the model`, () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 1, max: 4 }).chain((n) => fc.array(fc.array(status, { minLength: n, maxLength: n }), { minLength: 1, maxLength: 8 })),
          (ticks) => {
            const n = ticks[0]!.length;
            const ids = Array.from({ length: n }, (_, i) => `c${i}`);
            const h = harness(`${kind}:\n  children:\n${ids.map((id) => `    - Probe: { id: ${id}, name: ${id} }`).join('\n')}`);
            const cont = kind === 'ReactiveSequence' ? 'SUCCESS' : 'FAILURE';
            let running = -1;
            for (const statuses of ticks) {
              statuses.forEach((s, i) => h.set(ids[i]!, s));
              events.length = 0;
              const got = h.runner.tick();
              const expected: string[] = [];
              let k = n - 1;
              let result = cont;
              for (let i = 0; i < n; i++) {
                if (i !== running) expected.push(`c${i}:init`);
                expected.push(`c${i}:${statuses[i]}`);
                if (statuses[i] !== cont) {
                  k = i;
                  result = statuses[i]!;
                  break;
                }
              }
              if (running > k) expected.push(`c${running}:halted`);
              running = result === 'RUNNING' ? k : -1;
              expect(got).toBe(result);
              expect(events).toEqual(expected);
            }
          },
        ),
        { numRuns: 150 },
      );
    });
  }
});

describe('subtrees and {key} remapping', () => {
  it('remap renames a subtree\'s keys to the caller\'s; unmapped keys are shared; paths include the subtree', () => {
    const h = treeHarness(
      "trees:\n  M:\n    AffectBranch:\n      name: affect\n      child:\n        Subtree: { name: pace, tree: Pace, remap: { frustrated: '{upset}', pacing: '{pacing_h2}' } }\n  Pace:\n    SlowHandover: { speedScale: 0.5 }\n",
    );
    h.blackboard.set('upset', true, { source: 'test' });
    h.runner.tick();
    expect(h.blackboard.get('pacing_h2')).toMatchObject({ speedScale: 0.5, reason: 'slow' });
    expect(h.blackboard.get('pacing')).toBeUndefined();
    expect(h.blackboard.entry('pacing_h2')!.source).toBe('node:affect/pace/SlowHandover');
    expect(h.blackboard.spec('upset')!.type).toBe('boolean');
  });

  it('the same subtree used twice gets distinct paths and separate state', () => {
    const h = treeHarness(
      "trees:\n  M:\n    AffectBranch:\n      child:\n        Sequence:\n          children:\n            - Subtree: { tree: P, remap: { frustrated: '{a}', pacing: '{pa}' } }\n            - Subtree: { tree: P, remap: { frustrated: '{b}', pacing: '{pb}' } }\n  P:\n    SlowHandover: {}\n",
    );
    h.blackboard.set('a', true, { source: 'test' });
    h.runner.tick();
    expect(h.blackboard.get('pa')).toMatchObject({ reason: 'slow' });
    expect(h.blackboard.get('pb')).toMatchObject({ reason: 'normal' });
    expect(h.runner.find('AffectBranch/Sequence/Subtree#2/SlowHandover')).toBeDefined();
  });
});

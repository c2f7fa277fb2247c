// Halt semantics of every control node kind: halted from above while RUNNING, a node
// halts what it started (the running handover is cancelled) and starts over fresh —
// except where BehaviorTree.CPP keeps memory on purpose (SequenceWithMemory, RunOnce).
// Also: every kind renders as text, Mermaid and DOT.
import { describe, expect, it } from 'vitest';
import { treeHarness } from '../index.ts';

/** `body` (a node whose first handover stays RUNNING) under a ReactiveSequence guarded by `go`. */
function guarded(body: string) {
  const h = treeHarness(`trees:\n  M:\n    ReactiveSequence:\n      name: root\n      children:\n        - ScriptCondition: { code: 'go' }\n        - ${body.replace(/\n/g, '\n          ')}\n`);
  h.blackboard.set('go', true, { source: 'test' });
  h.ready(true);
  return h;
}

const ho = (id: string) => `Handover: { name: ${id}, objectId: ${id}, target: right_hand }`;

const cases: [string, string, number?][] = [
  ['Sequence', `Sequence:\n  children:\n    - ${ho('a')}\n    - ${ho('b')}`],
  ['Fallback', `Fallback:\n  children:\n    - ${ho('a')}\n    - ${ho('b')}`],
  ['Parallel', `Parallel:\n  children:\n    - ${ho('a')}\n    - Wait: { durationMs: 60000 }`],
  ['ParallelAll', `ParallelAll:\n  children:\n    - ${ho('a')}\n    - Wait: { durationMs: 60000 }`],
  ['IfThenElse', `IfThenElse:\n  children:\n    - ControllerAvailable\n    - ${ho('a')}\n    - ${ho('b')}`],
  ['WhileDoElse', `WhileDoElse:\n  children:\n    - ControllerAvailable\n    - ${ho('a')}\n    - ${ho('b')}`],
  ['Switch2', `Switch2:\n  variable: '{mode}'\n  case1: x\n  case2: y\n  children:\n    - ${ho('a')}\n    - ${ho('b')}\n    - ${ho('c')}`],
  ['RetryUntilSuccessful', `RetryUntilSuccessful: { numAttempts: 2, child: { ${ho('a')} } }`],
  ['Repeat', `Repeat: { numCycles: 2, child: { ${ho('a')} } }`],
  ['Timeout', `Timeout: { timeoutMs: 60000, child: { ${ho('a')} } }`],
  ['Delay', `Delay: { delayMs: 0, child: { ${ho('a')} } }`],
  ['KeepRunningUntilFailure', `KeepRunningUntilFailure: { child: { ${ho('a')} } }`],
  ['Precondition', `Precondition: { if: 'go', child: { ${ho('a')} } }`],
  ['Inverter', `Inverter: { child: { ${ho('a')} } }`],
  ['ForceSuccess', `ForceSuccess: { child: { ${ho('a')} } }`],
  ['ForceFailure', `ForceFailure: { child: { ${ho('a')} } }`],
  ['RunOnce', `RunOnce: { child: { ${ho('a')} } }`],
];

describe('halt semantics of every control node kind', () => {
  for (const [kind, body] of cases) {
    it(`${kind}: halting it halts its running child (the handover is cancelled) and it starts over`, () => {
      const h = guarded(body);
      expect(h.runner.tick()).toBe('RUNNING');
      const first = h.controller.runningHandover()!;
      expect(first).toBeDefined();
      h.blackboard.set('go', false, { source: 'test' });
      expect(h.step(10)).toBe('FAILURE');
      expect(h.controller.cancelled).toEqual([first]);
      expect(h.runner.find(`root/${kind}`)!.running).toBe(false);
      h.blackboard.set('go', true, { source: 'test' });
      expect(h.step(10)).toBe('RUNNING');
      const second = h.controller.runningHandover()!;
      expect(second).not.toBe(first);
      expect(h.controller.handovers.at(-1)!.params.objectId).toBe(h.controller.handovers[0]!.params.objectId); // restarted from its first child
    });
  }

  it('SequenceWithMemory keeps its place through a halt (BehaviorTree.CPP does not reset it)', () => {
    const h = guarded(`SequenceWithMemory:\n  children:\n    - ${ho('a')}\n    - ${ho('b')}`);
    h.runner.tick();
    h.controller.resolve(h.controller.runningHandover()!, 'success');
    expect(h.step(10)).toBe('RUNNING'); // a done, b running
    expect(h.controller.handovers.at(-1)!.params.objectId).toBe('b');
    h.blackboard.set('go', false, { source: 'test' });
    h.step(10);
    h.blackboard.set('go', true, { source: 'test' });
    h.step(10);
    expect(h.controller.handovers.map((x) => x.params.objectId)).toEqual(['a', 'b', 'b']); // resumes at b, not a
  });

  it('RetryUntilSuccessful and Repeat count from zero again after a halt', () => {
    const h = guarded(`RetryUntilSuccessful: { numAttempts: 2, child: { ${ho('a')} } }`);
    h.runner.tick();
    h.controller.resolve(h.controller.runningHandover()!, 'drop');
    expect(h.step(10)).toBe('RUNNING'); // attempt 2 of 2
    h.blackboard.set('go', false, { source: 'test' });
    h.step(10);
    h.blackboard.set('go', true, { source: 'test' });
    h.step(10);
    h.controller.resolve(h.controller.runningHandover()!, 'drop');
    expect(h.step(10)).toBe('RUNNING'); // attempt 2 again, not "out of attempts"
    expect(h.runner.find('root/RetryUntilSuccessful')!.feedback()).toBe('attempt 2/2');
  });

  it('every kind renders as text, Mermaid and DOT with its last status', () => {
    for (const [kind, body] of cases) {
      const h = guarded(body);
      h.runner.tick();
      expect(h.runner.renderText()).toContain(`${kind} [RUNNING]`);
      expect(h.runner.toMermaid()).toContain(`["${kind}"]:::running`);
      expect(h.runner.toDot()).toContain(`label="${kind}" fillcolor="#fff3c4"`);
    }
    const skipped = treeHarness("trees:\n  M:\n    Sequence:\n      children:\n        - ControllerAvailable: { _skipIf: 'true' }\n        - ControllerAvailable\n");
    skipped.runner.tick();
    expect(skipped.runner.toMermaid()).toContain(':::skipped');
    expect(skipped.runner.renderText()).toContain('ControllerAvailable [SKIPPED]');
  });
});

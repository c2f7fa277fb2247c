// BehaviorTree.CPP conformance: tests/gtest_preconditions.cpp, tests/gtest_postconditions.cpp
// and tests/gtest_skipping.cpp ported to affect-bt (Precondition, Script, ScriptCondition,
// _skipIf, _successIf, _failureIf, _while, _onSuccess, _onFailure, _onHalted, _post).
// BT.CPP's SimpleOutput (writes true to its output) is a Script here; Sleep is Wait.
import { beforeEach, describe, expect, it } from 'vitest';
import { bt, btTree } from '../support/bt-conformance.ts';

beforeEach(() => bt.reset());

const seq = (...children: string[]) => `trees:\n  M:\n    Sequence:\n      children:\n${children.map((c) => `        - ${c.replace(/\n/g, '\n          ')}\n`).join('')}`;
const set = (t: ReturnType<typeof btTree>, k: string, v: number | boolean | string) => t.blackboard.set(k, v, { source: 'test' });

describe('gtest_preconditions.cpp', () => {
  const three = (init: string, a: string, b: string, c?: string) =>
    seq(`Script: { code: '${init}' }`, `Precondition: { if: '${a}', else: FAILURE, child: TestA }`, `Precondition: { if: '${b}', else: SUCCESS, child: TestB }`, ...(c ? [`Precondition: { if: '${c}', else: FAILURE, child: TestC }`] : []));

  it('PreconditionsDecorator.Integers', () => {
    expect(btTree(three('A:=1; B:=1; C:=3', 'A==B', 'A==C', 'A!=C')).tickWhileRunning()).toBe('SUCCESS');
    expect([bt.count('A'), bt.count('B'), bt.count('C')]).toEqual([1, 0, 1]);
  });
  it('PreconditionsDecorator.DoubleEquals', () => {
    expect(btTree(three(' A:=1.1; B:=(1.0+0.1); C:= 2.0 ', 'A==B', 'A==C', 'A!=C')).tickWhileRunning()).toBe('SUCCESS');
    expect([bt.count('A'), bt.count('B'), bt.count('C')]).toEqual([1, 0, 1]);
  });
  it('PreconditionsDecorator.StringEquals', () => {
    const t = btTree(seq(`Script: { code: "A:='hello'" }`, `Script: { code: "B:='world'" }`, `Script: { code: "C:='world'" }`, `Precondition: { if: ' A==B ', else: SUCCESS, child: TestA }`, `Precondition: { if: ' B==C ', else: FAILURE, child: TestB }`));
    expect(t.tickWhileRunning()).toBe('SUCCESS');
    expect([bt.count('A'), bt.count('B')]).toEqual([0, 1]);
  });
  it('PreconditionsDecorator.ChecksConditionOnce', () => {
    const t = btTree(seq(`Script: { code: 'A:=0' }`, `Script: { code: 'B:=0' }`, `Precondition: { if: ' A==0 ', else: FAILURE, child: { KeepRunning: { _while: 'B==0' } } }`));
    expect(t.tickOnce()).toBe('RUNNING');
    set(t, 'A', 1); // the child is running: the precondition is not checked again
    expect(t.tickOnce()).toBe('RUNNING');
    set(t, 'B', 1); // the else branch is not taken
    expect(t.tickOnce()).toBe('SUCCESS');
  });
  it('PreconditionsDecorator.CanRunChildrenMultipleTimes', () => {
    const t = btTree(
      seq(
        `Script: { code: 'A:=0' }`,
        `Script: { code: 'B:=0' }`,
        `Script: { code: 'C:=1' }`,
        `Repeat:\n  num_cycles: 3\n  child:\n    Sequence:\n      children:\n        - Precondition: { if: ' A==0 ', else: SUCCESS, child: TestA }\n        - KeepRunning: { id: k1, _while: 'C==0' }\n        - KeepRunning: { id: k2, _while: 'B==0' }`,
      ),
    );
    expect(t.tickOnce()).toBe('RUNNING');
    expect(bt.count('A')).toBe(1);
    set(t, 'A', 1);
    set(t, 'B', 1);
    set(t, 'C', 0);
    expect(t.tickOnce()).toBe('RUNNING');
    expect(bt.count('A')).toBe(1);
    set(t, 'A', 0);
    set(t, 'C', 1);
    expect(t.tickOnce()).toBe('SUCCESS');
    expect(bt.count('A')).toBe(2);
  });
  it('Preconditions.Basic', () => {
    const t = btTree(seq(`Script: { code: 'A:=1' }`, `TestA: { _successIf: 'A==1' }`, `TestB: { _successIf: 'A==2' }`, `Fallback:\n  children:\n    - TestC: { _failureIf: 'A==1' }\n    - TestD: { _failureIf: 'A!=1' }`));
    expect(t.tickWhileRunning()).toBe('SUCCESS');
    expect([bt.count('A'), bt.count('B'), bt.count('C'), bt.count('D')]).toEqual([0, 1, 0, 1]);
  });
  it('Preconditions.Issue533', () => {
    const t = btTree(seq(`TestA: { _skipIf: 'A!=1' }`, `TestB: { _skipIf: 'A!=2', _onSuccess: 'A=1' }`, `TestC: { _skipIf: 'A!=3', _onSuccess: 'A=2' }`), (bb) => bb.set('A', 3, { source: 'test' }));
    t.tickOnce();
    expect([bt.count('A'), bt.count('B'), bt.count('C')]).toEqual([0, 0, 1]);
    t.tickOnce();
    expect([bt.count('A'), bt.count('B'), bt.count('C')]).toEqual([0, 1, 1]);
    t.tickOnce();
    expect([bt.count('A'), bt.count('B'), bt.count('C')]).toEqual([1, 1, 1]);
  });
  it('Preconditions.Issue585', () => {
    const t = btTree(seq(`Script: { code: 'A:=1' }`, `KeepRunning: { id: coro, _skipIf: 'A==1' }`));
    expect(t.tickWhileRunning()).toBe('SUCCESS');
    expect(bt.count('coro')).toBe(0);
  });
  it('Preconditions.Issue615_NoSkipWhenRunning_A', () => {
    const t = btTree(`trees:\n  M:\n    KeepRunningUntilFailure:\n      _skipIf: check == true\n      child: AlwaysSuccess\n`, (bb) => bb.set('check', false, { source: 'test' }));
    expect(t.tickOnce()).toBe('RUNNING');
    set(t, 'check', true); // RUNNING: the precondition is not checked
    expect(t.tickOnce()).toBe('RUNNING');
  });
  it('Preconditions.Issue615_NoSkipWhenRunning_B', () => {
    const t = btTree(`trees:\n  M:\n    KeepRunning: { _skipIf: check==false }\n`, (bb) => bb.set('check', false, { source: 'test' }));
    expect(t.tickOnce()).toBe('SKIPPED');
    set(t, 'check', true);
    expect(t.tickOnce()).toBe('RUNNING');
    set(t, 'check', false); // ignored: the node is RUNNING, not idle
    expect(t.tickOnce()).toBe('RUNNING');
  });
  it('Preconditions.Remapping', () => {
    const t = btTree(`trees:
  Main:
    Sequence:
      children:
        - Script: { code: 'param := true' }
        - Script: { code: 'value:=true' }
        - Subtree: { tree: Sub1, param: '{param}' }
        - Subtree: { tree: Sub1, param: '{value}' }
        - Subtree: { tree: Sub1, param: true }
        - TestA
  Sub1:
    Sequence:
      children:
        - Subtree: { tree: Sub2, _skipIf: 'param != true' }
  Sub2:
    TestB
`);
    expect(t.tickWhileRunning()).toBe('SUCCESS');
    expect([bt.count('A'), bt.count('B')]).toEqual([1, 3]);
  });
  it('Preconditions.WhileCallsOnHalt', () => {
    const t = btTree(seq(`KeepRunning: { _while: 'A==1', _onHalted: 'B=69' }`), (bb) => {
      bb.set('A', 1, { source: 'test' });
      bb.set('B', 0, { source: 'test' });
    });
    expect(t.tickOnce()).toBe('RUNNING');
    expect(t.blackboard.get('B')).toBe(0);
    set(t, 'A', 0); // _while turns false: halted
    expect(t.tickOnce()).toBe('SKIPPED');
    expect(t.blackboard.get('B')).toBe(69);
  });
  it('Preconditions.SkippedSequence', () => {
    const t = btTree(seq(`AlwaysSuccess: { _skipIf: skip }`), (bb) => bb.set('skip', true, { source: 'test' }));
    const run = (skip: boolean) => (set(t, 'skip', skip), t.tickWhileRunning());
    expect([t.tickWhileRunning(), run(false), run(true), run(false)]).toEqual(['SKIPPED', 'SUCCESS', 'SKIPPED', 'SUCCESS']);
  });
});

describe('gtest_postconditions.cpp', () => {
  it('PostConditions.BasicTest', () => {
    const t = btTree(
      seq(`Script: { code: 'A:=1; B:=1; C:=1; D:=1' }`, `AlwaysSuccess: { _onSuccess: 'B=42' }`, `ForceSuccess:\n  child: { AlwaysSuccess: { _failureIf: 'A!=0', _onFailure: 'C=42' } }`, `ForceSuccess:\n  child: { AlwaysFailure: { _onFailure: 'D=42' } }`),
    );
    expect(t.tickWhileRunning()).toBe('SUCCESS');
    expect(['B', 'C', 'D'].map((k) => t.blackboard.get(k))).toEqual([42, 42, 42]);
  });
  it('PostConditions.Issue539', () => {
    const t = btTree(seq(`Script: { code: 'x:=0; y:=0' }`, `RetryUntilSuccessful:\n  num_attempts: 5\n  child: { AlwaysFailure: { _onFailure: 'x  += 1', _post: 'y  += 1' } }`));
    expect(t.tickWhileRunning()).toBe('FAILURE');
    expect([t.blackboard.get('x'), t.blackboard.get('y')]).toEqual([5, 5]);
  });
  it('PostConditions.Issue601', () => {
    const t = btTree(seq(`Script: { code: "test := 'start'" }`, `Parallel:\n  failure_count: 1\n  success_count: -1\n  children:\n    - Wait: { durationMs: 1000, _onHalted: "test = 'halted'", _post: "test = 'post'" }\n    - AlwaysFailure`));
    t.tickWhileRunning();
    expect(t.blackboard.get('test')).toBe('halted');
  });
});

describe('gtest_skipping.cpp', () => {
  it('SkippingLogic.Sequence', () => {
    const t = btTree(seq(`Script: { code: 'A:=1' }`, `TestA: { _successIf: 'A==2', _failureIf: 'A!=1', _skipIf: 'A==1' }`, 'TestB'));
    expect(t.tickWhileRunning()).toBe('SUCCESS');
    expect([bt.count('A'), bt.count('B')]).toEqual([0, 1]);
  });
  it('SkippingLogic.SkipAll', () => {
    const t = btTree(seq(`TestA: { _skipIf: 'A==1' }`, `TestB: { _skipIf: 'A<2' }`, `TestC: { _skipIf: 'A>0' }`), (bb) => bb.set('A', 1, { source: 'test' }));
    expect(t.tickWhileRunning()).toBe('SKIPPED');
    expect([bt.count('A'), bt.count('B'), bt.count('C')]).toEqual([0, 0, 0]);
  });
  it('SkippingLogic.SkipSubtree', () => {
    const t = btTree(`trees:\n  main:\n    Sequence:\n      children:\n        - TestA\n        - Script: { code: ' data:=true ' }\n        - Subtree: { tree: sub, _skipIf: data }\n  sub:\n    TestB\n`, (bb) => bb.set('A', 1, { source: 'test' }));
    expect(t.tickWhileRunning()).toBe('SUCCESS');
    expect([bt.count('A'), bt.count('B')]).toEqual([1, 0]);
  });
  it('SkippingLogic.ReactiveSingleChild', () => {
    const t = btTree(`trees:\n  M:\n    ReactiveSequence:\n      children:\n        - AlwaysSuccess: { _skipIf: flag }\n`, (bb) => bb.set('flag', true, { source: 'test' }));
    expect(t.tickWhileRunning()).toBe('SKIPPED');
  });
  it('SkippingLogic.SkippingReactiveSequence', () => {
    let expectedA = 0;
    for (const [value, node] of [[50, 'TestA'], [10, 'TestB']] as const) {
      const t = btTree(`trees:\n  M:\n    ReactiveSequence:\n      children:\n        - Script: { code: ' value:=${value} ' }\n        - ${node}: { _skipIf: 'value < 25' }\n        - Action: { id: async, ms: 100 }\n`);
      for (let repeat = 0; repeat < 3; repeat++) {
        let s = t.tickOnce();
        if (node === 'TestA') expectedA++;
        while (s === 'RUNNING') {
          t.sleep(15);
          s = t.tickOnce();
          if (node === 'TestA') expectedA++;
        }
        expect(s).toBe('SUCCESS');
      }
    }
    expect(bt.count('A')).toBe(expectedA);
    expect(bt.count('B')).toBe(0);
  });
  it('SkippingLogic.WhileSkip', () => {
    for (const [doit, node] of [['true', 'TestA'], ['false', 'TestB']] as const) {
      const t = btTree(`trees:\n  M:\n    Sequence:\n      children:\n        - Script: { code: ' doit:=${doit} ' }\n        - Sequence:\n            children:\n              - ${node}: { _while: doit }\n`);
      expect(t.tickWhileRunning()).toBe('SUCCESS');
    }
    expect([bt.count('A'), bt.count('B')]).toEqual([1, 0]);
  });
});

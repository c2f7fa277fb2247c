// BehaviorTree.CPP conformance: tests/gtest_parallel.cpp ported to affect-bt (Parallel,
// ParallelAll). BT.CPP's sleep_for is the virtual clock; "IDLE" is "not running".
import { beforeEach, describe, expect, it } from 'vitest';
import { bt, btStatus, btTree } from '../support/bt-conformance.ts';

beforeEach(() => bt.reset());

const simple = (ports = '') => `trees:
  M:
    Parallel:
      name: root_parallel
${ports}      children:
        - Cond: { id: condition_1, name: condition_1 }
        - Action: { id: action_1, ms: 100, name: action_1 }
        - Cond: { id: condition_2, name: condition_2 }
        - Action: { id: action_2, ms: 300, name: action_2 }
`;

describe('gtest_parallel.cpp', () => {
  it('SimpleParallelTest.ConditionsTrue', () => {
    const t = btTree(simple());
    expect(t.tickOnce()).toBe('RUNNING');
    expect(['condition_1', 'condition_2', 'action_1', 'action_2'].map((n) => btStatus(t.node(n)))).toEqual(['SUCCESS', 'SUCCESS', 'RUNNING', 'RUNNING']);
    t.sleep(200);
    expect(t.tickOnce()).toBe('RUNNING');
    expect(['condition_1', 'condition_2', 'action_1', 'action_2'].map((n) => btStatus(t.node(n)))).toEqual(['SUCCESS', 'SUCCESS', 'SUCCESS', 'RUNNING']);
    expect(bt.count('condition_1')).toBe(1); // finished children are not ticked again
    t.sleep(200);
    expect(t.tickOnce()).toBe('SUCCESS');
    for (const n of ['condition_1', 'condition_2', 'action_1', 'action_2']) expect(t.node(n).running).toBe(false);
  });

  it('SimpleParallelTest.Threshold_3', () => {
    const t = btTree(simple('      successCount: 3\n'));
    bt.durations.set('action_2', 500);
    expect(t.tickOnce()).toBe('RUNNING');
    t.sleep(150);
    expect(t.tickOnce()).toBe('SUCCESS');
    expect(t.node('action_2').running).toBe(false);
    expect(bt.events).toEqual(['action_2:halted']);
  });

  it('SimpleParallelTest.Threshold_neg2', () => {
    const t = btTree(simple('      success_count: -2\n'));
    bt.durations.set('action_2', 500);
    expect(t.tickOnce()).toBe('RUNNING');
    t.sleep(150);
    expect(t.tickOnce()).toBe('SUCCESS');
    expect(bt.events).toEqual(['action_2:halted']);
  });

  it('SimpleParallelTest.Threshold_neg1', () => {
    const t = btTree(simple('      successCount: -1\n'));
    bt.durations.set('action_2', 500);
    expect(t.tickOnce()).toBe('RUNNING');
    t.sleep(150);
    expect(t.tickOnce()).toBe('RUNNING');
    expect(['action_1', 'action_2'].map((n) => btStatus(t.node(n)))).toEqual(['SUCCESS', 'RUNNING']);
    t.sleep(650);
    expect(t.tickOnce()).toBe('SUCCESS');
    expect(bt.events).toEqual([]);
  });

  it('SimpleParallelTest.Threshold_thresholdFneg1', () => {
    const t = btTree(simple('      successCount: 1\n      failureCount: -1\n'));
    for (const id of ['condition_1', 'action_1', 'condition_2', 'action_2']) bt.expected.set(id, 'FAILURE');
    bt.durations.set('action_2', 200);
    expect(t.tickOnce()).toBe('RUNNING');
    t.sleep(250);
    expect(t.tickOnce()).toBe('FAILURE');
  });

  it('SimpleParallelTest.Threshold_2', () => {
    const t = btTree(simple('      successCount: 2\n'));
    expect(t.tickOnce()).toBe('SUCCESS');
    for (const n of ['condition_1', 'condition_2', 'action_1', 'action_2']) expect(t.node(n).running).toBe(false);
    expect(bt.events).toEqual(['action_1:halted']); // started before condition_2 made it two, then halted
  });

  const complex = (left = 'successCount: 3', right = 'successCount: 1') => `trees:
  M:
    Parallel:
      name: root
      successCount: 2
      children:
        - Parallel:
            name: par1
            ${left.replace(/\n/g, '\n            ')}
            children:
              - Cond: { id: condition_L1, name: condition_L1 }
              - Action: { id: action_L1, ms: 100, name: action_L1 }
              - Cond: { id: condition_L2, name: condition_L2 }
              - Action: { id: action_L2, ms: 200, name: action_L2 }
        - Parallel:
            name: par2
            ${right.replace(/\n/g, '\n            ')}
            children:
              - Cond: { id: condition_R, name: condition_R }
              - Action: { id: action_R, ms: 400, name: action_R }
`;

  it('ComplexParallelTest.ConditionsTrue', () => {
    const t = btTree(complex());
    expect(t.tickOnce()).toBe('RUNNING');
    expect(['par1', 'condition_L1', 'condition_L2', 'action_L1', 'action_L2'].map((n) => btStatus(t.node(n)))).toEqual(['RUNNING', 'SUCCESS', 'SUCCESS', 'RUNNING', 'RUNNING']);
    expect(btStatus(t.node('par2'))).toBe('SUCCESS');
    expect(btStatus(t.node('condition_R'))).toBe('SUCCESS');
    expect(btStatus(t.node('action_R'))).toBe('IDLE');
    t.sleep(200);
    expect(t.tickOnce()).toBe('SUCCESS');
    for (const n of ['par1', 'par2', 'action_L1', 'action_L2', 'action_R']) expect(t.node(n).running).toBe(false);
  });

  it('ComplexParallelTest.ConditionsLeftFalse', () => {
    const t = btTree(complex('failureCount: 3\nsuccessCount: 3'));
    bt.expected.set('condition_L1', 'FAILURE');
    bt.expected.set('condition_L2', 'FAILURE');
    // par1 fails: with two failures it can never reach 3 successes, even though failureCount is 3
    expect(t.tickOnce()).toBe('FAILURE');
    for (const n of ['par1', 'par2', 'action_L1', 'action_L2', 'action_R']) expect(t.node(n).running).toBe(false);
    expect(btStatus(t.node('par1'))).toBe('FAILURE');
  });

  it('ComplexParallelTest.ConditionRightFalse', () => {
    const t = btTree(complex());
    bt.expected.set('condition_R', 'FAILURE');
    expect(t.tickOnce()).toBe('FAILURE');
    for (const n of ['par1', 'par2', 'action_L1', 'action_L2', 'action_R']) expect(t.node(n).running).toBe(false);
    expect(bt.events.sort()).toEqual(['action_L1:halted', 'action_L2:halted']);
  });

  it('ComplexParallelTest.ConditionRightFalse_thresholdF_2', () => {
    const t = btTree(complex(undefined, 'successCount: 1\nfailureCount: 2'));
    bt.expected.set('condition_R', 'FAILURE');
    expect(t.tickOnce()).toBe('RUNNING');
    expect(['par1', 'action_L1', 'action_L2', 'par2', 'condition_R', 'action_R'].map((n) => btStatus(t.node(n)))).toEqual(['RUNNING', 'RUNNING', 'RUNNING', 'RUNNING', 'FAILURE', 'RUNNING']);
    t.sleep(500);
    expect(t.tickOnce()).toBe('SUCCESS');
    for (const n of ['par1', 'par2', 'action_L1', 'action_L2', 'action_R']) expect(t.node(n).running).toBe(false);
  });

  it('ComplexParallelTest.ConditionRightFalseAction1Done', () => {
    const t = btTree(complex('successCount: 4', 'successCount: 1\nfailureCount: 2'));
    bt.expected.set('condition_R', 'FAILURE');
    expect(t.tickOnce()).toBe('RUNNING');
    t.sleep(300);
    // par1 has not seen yet that its actions are done
    expect(btStatus(t.node('par1'))).toBe('RUNNING');
    expect(t.tickOnce()).toBe('RUNNING');
    expect(btStatus(t.node('par1'))).toBe('SUCCESS');
    expect(['par2', 'action_R'].map((n) => btStatus(t.node(n)))).toEqual(['RUNNING', 'RUNNING']);
    t.sleep(300);
    expect(t.tickOnce()).toBe('SUCCESS');
    for (const n of ['par1', 'par2', 'action_L1', 'action_R']) expect(t.node(n).running).toBe(false);
  });

  it('Parallel.FailingParallel', () => {
    const t = btTree(`trees:
  M:
    Parallel:
      name: parallel
      success_count: 1
      failure_count: 3
      children:
        - Action: { id: first, ms: 200, name: first }
        - Action: { id: second, ms: 100, name: second }
        - Action: { id: third, ms: 300, name: third }
`);
    bt.expected.set('second', 'FAILURE');
    expect(t.tickWhileRunning()).toBe('SUCCESS'); // since at least one succeeded
    expect(bt.successes.get('first')).toBe(1);
    expect(bt.failures.get('second')).toBe(1);
    expect(bt.failures.get('third') ?? 0).toBe(0);
  });

  it('Parallel.ParallelAll', () => {
    const tree = (max: number) => `trees:
  M:
    ParallelAll:
      max_failures: ${max}
      children:
        - Action: { id: first, ms: 100, name: first }
        - Action: { id: second, ms: 300, name: second }
        - Action: { id: third, ms: 300, name: third }
`;
    bt.expected.set('first', 'FAILURE');
    expect(btTree(tree(1)).tickWhileRunning()).toBe('FAILURE');
    expect([bt.failures.get('first'), bt.successes.get('second'), bt.successes.get('third')]).toEqual([1, 1, 1]);
    bt.successes.clear();
    bt.failures.clear();
    expect(btTree(tree(2)).tickWhileRunning()).toBe('SUCCESS');
    expect([bt.failures.get('first'), bt.successes.get('second'), bt.successes.get('third')]).toEqual([1, 1, 1]);
  });

  it('Parallel.Issue593', () => {
    const t = btTree(`trees:
  M:
    Sequence:
      children:
        - Script: { code: 'test := true' }
        - Parallel:
            failure_count: 1
            success_count: -1
            children:
              - TestA: { _skipIf: 'test == true' }
              - Wait: { durationMs: 100 }
`);
    expect(t.tickWhileRunning()).toBe('SUCCESS');
    expect(bt.count('A')).toBe(0);
  });

  it('Parallel.PauseWithRetry', () => {
    const t = btTree(`trees:
  M:
    Parallel:
      children:
        - Sequence:
            children:
              - Wait: { durationMs: 150 }
              - Script: { code: 'paused := false' }
              - Wait: { durationMs: 150 }
        - Sequence:
            children:
              - Script: { code: 'paused := true; done := false' }
              - RetryUntilSuccessful:
                  _while: paused
                  num_attempts: -1
                  _onHalted: done = true
                  child: AlwaysFailure
`);
    const start = t.clock.now();
    let doneAt = NaN;
    let s = t.tickOnce();
    while (s === 'RUNNING') {
      t.sleep(1);
      if (doneAt !== doneAt && t.blackboard.get('done') === true) doneAt = t.clock.now();
      s = t.tickOnce();
    }
    expect(s).toBe('SUCCESS');
    expect(doneAt - start).toBeGreaterThanOrEqual(150);
    expect(doneAt - start).toBeLessThanOrEqual(152); // the retry branch ends (halted by _while) when paused turns false
    expect(t.clock.now() - start).toBeGreaterThanOrEqual(300);
    expect(t.clock.now() - start).toBeLessThanOrEqual(302);
  });

  it('Parallel.Issue819_SequenceVsReactiveSequence', () => {
    const tree = (kind: string) => `trees:
  M:
    Parallel:
      success_count: 2
      failure_count: 1
      children:
        - ${kind}:
            children:
              - Cond: { id: cond1 }
              - Wait: { durationMs: 200 }
        - ${kind}:
            children:
              - Cond: { id: cond2 }
              - Wait: { durationMs: 200 }
`;
    const seq = btTree(tree('Sequence'));
    expect(seq.tickOnce()).toBe('RUNNING');
    expect([bt.count('cond1'), bt.count('cond2')]).toEqual([1, 1]);
    seq.sleep(50);
    expect(seq.tickOnce()).toBe('RUNNING');
    expect([bt.count('cond1'), bt.count('cond2')]).toEqual([1, 1]); // a Sequence does not re-check its conditions
    bt.reset();
    const reactive = btTree(tree('ReactiveSequence'));
    expect(reactive.tickOnce()).toBe('RUNNING');
    reactive.sleep(50);
    expect(reactive.tickOnce()).toBe('RUNNING');
    expect([bt.count('cond1'), bt.count('cond2')]).toEqual([2, 2]); // a ReactiveSequence does
  });
});

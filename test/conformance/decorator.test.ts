// BehaviorTree.CPP conformance: tests/gtest_decorator.cpp ported to affect-bt (Timeout,
// RetryUntilSuccessful, Repeat, RunOnce, Delay, ForceSuccess, ForceFailure, Inverter,
// KeepRunningUntilFailure). BT.CPP's fixtures build nodes without a factory, where Retry
// and Repeat loop inside one tick; trees built by its factory (and affect-bt's) continue
// a synchronous attempt on the next tick, so those cases tick until not RUNNING.
import { beforeEach, describe, expect, it } from 'vitest';
import { bt, btStatus, btTree } from '../support/bt-conformance.ts';

beforeEach(() => bt.reset());

const deco = (kind: string, ports: string, child: string) => `trees:\n  M:\n    ${kind}:\n      name: root\n${ports}      child:\n        ${child}\n`;

describe('gtest_decorator.cpp', () => {
  it('DeadlineTest.DeadlineTriggeredTest', () => {
    const t = btTree(deco('Timeout', '      msec: 100\n', 'Action: { id: action, ms: 150, name: action }'));
    expect(t.tickOnce()).toBe('RUNNING');
    expect(btStatus(t.node('action'))).toBe('RUNNING');
    t.sleep(170);
    expect(t.tickOnce()).toBe('FAILURE');
    expect(t.node('action').running).toBe(false);
    expect(bt.events).toEqual(['action:halted']);
  });

  it('DeadlineTest.DeadlineNotTriggeredTest', () => {
    const t = btTree(deco('Timeout', '      timeoutMs: 100\n', 'Action: { id: action, ms: 30, name: action }'));
    expect(t.tickOnce()).toBe('RUNNING');
    t.sleep(50);
    expect(t.tickOnce()).toBe('SUCCESS');
    expect(t.node('action').running).toBe(false);
  });

  it('RetryTest.RetryTestA', () => {
    const t = btTree(deco('RetryUntilSuccessful', '      num_attempts: 3\n', 'Cond: { id: action }'));
    bt.expected.set('action', 'FAILURE');
    expect(t.tickWhileRunning()).toBe('FAILURE');
    expect(bt.count('action')).toBe(3);
    bt.expected.set('action', 'SUCCESS');
    bt.ticks.clear();
    expect(t.tickWhileRunning()).toBe('SUCCESS');
    expect(bt.count('action')).toBe(1);
  });

  it('RepeatTestAsync.RepeatTestAsync', () => {
    const t = btTree(deco('Repeat', '      num_cycles: 3\n', 'Action: { id: action, ms: 20 }'));
    expect(t.tickWhileRunning(20)).toBe('SUCCESS');
    expect([bt.successes.get('action'), bt.failures.get('action') ?? 0]).toEqual([3, 0]);
    bt.expected.set('action', 'FAILURE');
    bt.successes.clear();
    expect(t.tickWhileRunning(20)).toBe('FAILURE');
    expect([bt.successes.get('action') ?? 0, bt.failures.get('action')]).toEqual([0, 1]);
  });

  it('RepeatTest.RepeatTestA', () => {
    const t = btTree(deco('Repeat', '      numCycles: 3\n', 'Cond: { id: action }'));
    bt.expected.set('action', 'FAILURE');
    expect(t.tickWhileRunning()).toBe('FAILURE');
    expect(bt.count('action')).toBe(1);
    bt.ticks.clear();
    bt.expected.set('action', 'SUCCESS');
    expect(t.tickWhileRunning()).toBe('SUCCESS');
    expect(bt.count('action')).toBe(3);
  });

  it('TimeoutAndRetry.Issue57', () => {
    const t = btTree(deco('Timeout', '      msec: 9\n', 'RetryUntilSuccessful: { num_attempts: 1000, child: { Cond: { id: action } } }'));
    bt.expected.set('action', 'FAILURE');
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      seen.add(t.tickOnce());
      t.sleep(1);
    }
    expect([...seen].sort()).toEqual(['FAILURE', 'RUNNING']); // never IDLE, never stuck
  });

  it('Decorator.RunOnce', () => {
    const t = btTree('trees:\n  M:\n    Sequence:\n      children:\n        - RunOnce: { child: TestA }\n        - TestB\n');
    for (let i = 0; i < 5; i++) expect(t.tickWhileRunning()).toBe('SUCCESS');
    expect([bt.count('A'), bt.count('B')]).toEqual([1, 5]);
  });

  it('Decorator.DelayWithXML', () => {
    const t = btTree(deco('Delay', '      delay_msec: 100\n', 'AlwaysSuccess'));
    const start = t.clock.now();
    expect(t.tickOnce()).toBe('RUNNING');
    t.sleep(50);
    expect(t.tickOnce()).toBe('RUNNING');
    expect(t.runner.nextDeadline()).toBe(start + 100);
    let s = t.tickOnce();
    while (s === 'RUNNING') {
      t.sleep(1);
      s = t.tickOnce();
    }
    expect(s).toBe('SUCCESS');
    expect(t.clock.now() - start).toBe(100);
  });

  const map = (kind: string, child: string) => btTree(`trees:\n  M:\n    ${kind}:\n      child: ${child}\n`).tickWhileRunning();
  it('Decorator.ForceFailure_ChildSuccess', () => expect(map('ForceFailure', 'AlwaysSuccess')).toBe('FAILURE'));
  it('Decorator.ForceFailure_ChildFailure', () => expect(map('ForceFailure', 'AlwaysFailure')).toBe('FAILURE'));
  it('Decorator.ForceSuccess_ChildFailure', () => expect(map('ForceSuccess', 'AlwaysFailure')).toBe('SUCCESS'));
  it('Decorator.ForceSuccess_ChildSuccess', () => expect(map('ForceSuccess', 'AlwaysSuccess')).toBe('SUCCESS'));
  it('Decorator.Inverter_ChildSuccess', () => expect(map('Inverter', 'AlwaysSuccess')).toBe('FAILURE'));
  it('Decorator.Inverter_ChildFailure', () => expect(map('Inverter', 'AlwaysFailure')).toBe('SUCCESS'));
  it('Decorator.Inverter_InSequence', () => {
    expect(btTree('trees:\n  M:\n    Sequence:\n      children:\n        - Inverter: { child: AlwaysFailure }\n        - AlwaysSuccess\n').tickWhileRunning()).toBe('SUCCESS');
  });

  it('Decorator.KeepRunningUntilFailure', () => {
    const t = btTree(deco('KeepRunningUntilFailure', '', 'Cond: { id: c }'));
    expect(t.tickOnce()).toBe('RUNNING');
    expect(bt.count('c')).toBe(1);
    expect(t.tickOnce()).toBe('RUNNING');
    expect(bt.count('c')).toBe(2);
    bt.expected.set('c', 'FAILURE');
    expect(t.tickOnce()).toBe('FAILURE');
    expect(bt.count('c')).toBe(3);
  });
});

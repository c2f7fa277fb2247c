// Handover (async task node): start → RUNNING → controller result; failure kinds,
// re-pacing while RUNNING, halt cancels, lost/silent controller. Also WaitForHumanReady
// and ControllerAvailable, the other task nodes.
import { describe, expect, it } from 'vitest';
import { treeHarness } from '../src/tree/index.ts';
import type { FailureRecord } from './keys.ts';

const HO = 'trees:\n  M:\n    Handover: { objectId: cup, target: right_hand, timeoutMs: 4000, graceMs: 1000 }\n';

describe('Handover', () => {
  it('starts a handover with the pacing, stays RUNNING, then succeeds and counts it', () => {
    const h = treeHarness(HO, { script: [{ afterMs: 1500, outcome: 'success' }] });
    h.blackboard.set('pacing', { speedScale: 0.6, approachWaitMs: 1200, reason: 'slow' }, { source: 'test' });
    expect(h.runner.tick()).toBe('RUNNING');
    expect(h.controller.handovers[0]!.params).toEqual({ objectId: 'cup', target: 'right_hand', speedScale: 0.6, approachWaitMs: 1200, timeoutMs: 4000 });
    expect(h.step(1000)).toBe('RUNNING');
    expect(h.step(500)).toBe('SUCCESS');
    expect(h.blackboard.get('task/handoversDone')).toBe(1);
  });

  it.each(['drop', 'timeout', 'human_not_ready'] as const)('reports a %s failure in task/lastFailure', (kind) => {
    const h = treeHarness(HO, { script: [{ afterMs: 200, outcome: kind }] });
    h.runner.tick();
    expect(h.step(200)).toBe('FAILURE');
    expect(h.blackboard.get<FailureRecord>('task/lastFailure')).toEqual({ kind, at: h.clock.now(), actionId: 'ho-1' });
    expect(h.runner.find('Handover')!.feedback()).toBe(`handover failed: ${kind}`);
  });

  it('re-paces the running handover on the next tick when pacing changes', () => {
    const h = treeHarness(HO);
    h.runner.tick();
    h.blackboard.set('pacing', { speedScale: 0.5, approachWaitMs: 0, reason: 'slow' }, { source: 'test' });
    h.step(100);
    expect(h.controller.speedCommands.map((c) => c.applied)).toEqual([0.5]);
    expect(h.runner.find('Handover')!.feedback()).toBe('re-paced');
    h.step(100);
    expect(h.controller.speedCommands).toHaveLength(1);
  });

  it('halting cancels the controller action', () => {
    const h = treeHarness(HO);
    h.runner.tick();
    h.runner.halt();
    expect(h.controller.cancelled).toEqual(['ho-1']);
    expect(h.controller.actionState('ho-1')).toMatchObject({ status: 'FAILED', failureKind: 'cancelled' });
  });

  it('fails with controller_lost when the controller is or becomes unavailable', () => {
    const h = treeHarness(HO);
    h.controller.available = false;
    expect(h.runner.tick()).toBe('FAILURE');
    expect(h.blackboard.get<FailureRecord>('task/lastFailure')!.kind).toBe('controller_lost');
    expect(h.controller.handovers).toHaveLength(0);
    h.controller.available = true;
    h.runner.tick();
    h.controller.available = false;
    expect(h.step(10)).toBe('FAILURE');
    expect(h.controller.cancelled).toEqual(['ho-1']);
  });

  it('a silent controller is caught locally after timeoutMs + graceMs (deadline reported)', () => {
    const h = treeHarness(HO);
    h.runner.tick();
    expect(h.runner.nextDeadline()).toBe(h.clock.now() + 5001);
    expect(h.step(5000)).toBe('RUNNING');
    expect(h.step(1)).toBe('FAILURE');
    expect(h.blackboard.get<FailureRecord>('task/lastFailure')!.kind).toBe('timeout');
  });
});

describe('WaitForHumanReady and ControllerAvailable', () => {
  it('waits until human/ready, failing with human_not_ready after timeoutMs', () => {
    const h = treeHarness('trees:\n  M:\n    WaitForHumanReady: { timeoutMs: 1000 }\n');
    expect(h.runner.tick()).toBe('RUNNING');
    expect(h.runner.nextDeadline()).toBe(h.clock.now() + 1000);
    h.ready(true);
    expect(h.step(10)).toBe('SUCCESS');
    h.ready(false);
    h.runner.tick();
    expect(h.step(1000)).toBe('FAILURE');
    expect(h.blackboard.get<FailureRecord>('task/lastFailure')!.kind).toBe('human_not_ready');
  });

  it('ControllerAvailable mirrors controller.available', () => {
    const h = treeHarness('trees:\n  M:\n    ControllerAvailable\n');
    expect(h.runner.tick()).toBe('SUCCESS');
    h.controller.available = false;
    expect(h.runner.tick()).toBe('FAILURE');
  });
});

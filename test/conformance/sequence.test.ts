// BehaviorTree.CPP conformance: tests/gtest_sequence.cpp ported to affect-bt (Sequence,
// SequenceWithMemory, and a Sequence under a ReactiveSequence). "IDLE" is "not running".
import { beforeEach, describe, expect, it } from 'vitest';
import { bt, btStatus, btTree } from '../support/bt-conformance.ts';

beforeEach(() => bt.reset());

const simple = (kind: string) => `trees:
  M:
    ${kind}:
      name: root_sequence
      children:
        - Cond: { id: condition, name: condition }
        - Action: { id: action, ms: 100, name: action }
`;
const complex = `trees:
  M:
    ReactiveSequence:
      name: root
      children:
        - Sequence:
            name: sequence_conditions
            children:
              - Cond: { id: condition_1, name: condition_1 }
              - Cond: { id: condition_2, name: condition_2 }
        - Action: { id: action_1, ms: 100, name: action_1 }
`;
const complexWithMemory = `trees:
  M:
    SequenceWithMemory:
      name: root_sequence
      children:
        - SequenceWithMemory:
            name: sequence_conditions
            children:
              - Cond: { id: condition_1, name: condition_1 }
              - Cond: { id: condition_2, name: condition_2 }
        - SequenceWithMemory:
            name: sequence_actions
            children:
              - Action: { id: action_1, ms: 100, name: action_1 }
              - Action: { id: action_2, ms: 100, name: action_2 }
`;

describe('gtest_sequence.cpp', () => {
  it('SimpleSequenceTest.ConditionTrue', () => {
    const t = btTree(simple('Sequence'));
    expect(t.tickOnce()).toBe('RUNNING');
    expect(btStatus(t.node('action'))).toBe('RUNNING');
  });

  it('SimpleSequenceTest.ConditionTurnToFalse', () => {
    const t = btTree(simple('Sequence'));
    bt.expected.set('condition', 'FAILURE');
    t.tickOnce();
    expect(t.tickOnce()).toBe('FAILURE');
    expect(t.node('condition').running).toBe(false);
    expect(t.node('action').running).toBe(false);
  });

  it('ComplexSequenceTest.ComplexSequenceConditionsTrue', () => {
    const t = btTree(complex);
    expect(t.tickOnce()).toBe('RUNNING');
    for (const n of ['sequence_conditions', 'condition_1', 'condition_2']) expect(t.node(n).running).toBe(false);
    expect(btStatus(t.node('action_1'))).toBe('RUNNING');
  });

  it('SequenceTripleActionTest.TripleAction', () => {
    const t = btTree(`trees:
  M:
    Sequence:
      name: root_sequence
      children:
        - Cond: { id: condition, name: condition }
        - Action: { id: action_1, ms: 300, name: action_1 }
        - Cond: { id: action_2, name: action_2 }
        - Action: { id: action_3, ms: 300, name: action_3 }
`);
    const start = t.clock.now();
    expect(t.tickOnce()).toBe('RUNNING');
    expect(['action_1', 'action_2', 'action_3'].map((n) => btStatus(t.node(n)))).toEqual(['RUNNING', 'IDLE', 'IDLE']);
    expect(t.tickWhileRunning()).toBe('SUCCESS');
    expect(t.clock.now() - start).toBeLessThanOrEqual(620); // 300 ms × 2
    expect(['condition', 'action_1', 'action_2', 'action_3'].map((id) => bt.count(id))).toEqual([1, 1, 1, 1]);
    for (const n of ['action_1', 'action_2', 'action_3']) expect(t.node(n).running).toBe(false);
  });

  it('ComplexSequence2ActionsTest.ConditionsTrue', () => {
    const t = btTree(`trees:
  M:
    Sequence:
      name: root_sequence
      children:
        - Sequence:
            name: sequence_1
            children:
              - Cond: { id: condition_1, name: condition_1 }
              - Action: { id: action_1, ms: 100, name: action_1 }
        - Sequence:
            name: sequence_2
            children:
              - Cond: { id: condition_2, name: condition_2 }
              - Action: { id: action_2, ms: 100, name: action_2 }
`);
    t.tickOnce();
    expect(t.tickOnce()).toBe('RUNNING');
    expect(['sequence_1', 'condition_1', 'action_1', 'sequence_2', 'condition_2', 'action_2'].map((n) => btStatus(t.node(n)))).toEqual(['RUNNING', 'SUCCESS', 'RUNNING', 'IDLE', 'IDLE', 'IDLE']);
    t.sleep(300);
    expect(t.tickOnce()).toBe('RUNNING');
    expect(btStatus(t.node('sequence_1'))).toBe('SUCCESS');
    expect(t.node('condition_1').running || t.node('action_1').running).toBe(false);
    expect(['sequence_2', 'condition_2', 'action_2'].map((n) => btStatus(t.node(n)))).toEqual(['RUNNING', 'SUCCESS', 'RUNNING']);
    expect(bt.count('condition_1')).toBe(1);
  });

  it('ComplexSequenceTest.ComplexSequenceConditions1ToFalse', () => {
    const t = btTree(complex);
    t.tickOnce();
    bt.expected.set('condition_1', 'FAILURE');
    expect(t.tickOnce()).toBe('FAILURE');
    for (const n of ['sequence_conditions', 'condition_1', 'condition_2', 'action_1']) expect(t.node(n).running).toBe(false);
    expect(bt.events).toEqual(['action_1:halted']);
  });

  it('ComplexSequenceTest.ComplexSequenceConditions2ToFalse', () => {
    const t = btTree(complex);
    t.tickOnce();
    bt.expected.set('condition_2', 'FAILURE');
    expect(t.tickOnce()).toBe('FAILURE');
    for (const n of ['sequence_conditions', 'condition_1', 'condition_2', 'action_1']) expect(t.node(n).running).toBe(false);
    expect(bt.events).toEqual(['action_1:halted']);
  });

  it('SimpleSequenceWithMemoryTest.ConditionTrue', () => {
    const t = btTree(simple('SequenceWithMemory'));
    expect(t.tickOnce()).toBe('RUNNING');
    t.sleep(50);
    expect(['condition', 'action'].map((n) => btStatus(t.node(n)))).toEqual(['SUCCESS', 'RUNNING']);
  });

  it('SimpleSequenceWithMemoryTest.ConditionTurnToFalse', () => {
    const t = btTree(simple('SequenceWithMemory'));
    expect(t.tickOnce()).toBe('RUNNING');
    expect(['condition', 'action'].map((n) => btStatus(t.node(n)))).toEqual(['SUCCESS', 'RUNNING']);
    bt.expected.set('condition', 'FAILURE');
    expect(t.tickOnce()).toBe('RUNNING'); // the condition is not re-checked
    expect(['condition', 'action'].map((n) => btStatus(t.node(n)))).toEqual(['SUCCESS', 'RUNNING']);
    expect(bt.count('condition')).toBe(1);
  });

  it('ComplexSequenceWithMemoryTest.ConditionsTrue', () => {
    const t = btTree(complexWithMemory);
    expect(t.tickOnce()).toBe('RUNNING');
    expect(btStatus(t.node('sequence_conditions'))).toBe('SUCCESS');
    expect(t.node('condition_1').running || t.node('condition_2').running).toBe(false);
    expect(['sequence_actions', 'action_1', 'action_2'].map((n) => btStatus(t.node(n)))).toEqual(['RUNNING', 'RUNNING', 'IDLE']);
  });

  it('ComplexSequenceWithMemoryTest.Conditions1ToFalse', () => {
    const t = btTree(complexWithMemory);
    t.tickOnce();
    bt.expected.set('condition_1', 'FAILURE');
    // the change does not matter: sequence_conditions already succeeded
    expect(t.tickOnce()).toBe('RUNNING');
    expect(btStatus(t.node('sequence_conditions'))).toBe('SUCCESS');
    expect(['sequence_actions', 'action_1', 'action_2'].map((n) => btStatus(t.node(n)))).toEqual(['RUNNING', 'RUNNING', 'IDLE']);
    expect(bt.count('condition_1')).toBe(1);
  });

  it('SequenceWithMemoryTest.Issue_636', () => {
    const t = btTree(`trees:
  M:
    SequenceWithMemory:
      children:
        - Script: { code: ' var := 0 ' }
        - TestA
        - ScriptCondition: { code: 'var+=1; var >= 5' }
        - TestB
        - TestC
`);
    let res = t.tickOnce();
    let ticks = 1;
    while (res !== 'SUCCESS' && ticks < 100) {
      res = t.tickOnce();
      ticks++;
    }
    expect([bt.count('A'), bt.count('B'), bt.count('C')]).toEqual([1, 1, 1]);
    expect(ticks).toBe(5);
  });
});

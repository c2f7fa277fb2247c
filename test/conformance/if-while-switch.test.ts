// BehaviorTree.CPP conformance: tests/gtest_if_then_else.cpp, tests/gtest_while_do_else.cpp
// and tests/gtest_switch.cpp ported to affect-bt (IfThenElse, WhileDoElse, Switch2).
// BT.CPP throws at tick time for a wrong child count; affect-bt rejects it when loading.
import { beforeEach, describe, expect, it } from 'vitest';
import { TreeLoadError } from '../../src/tree/index.ts';
import { bt, btStatus, btTree } from '../support/bt-conformance.ts';

beforeEach(() => bt.reset());

const three = (kind: string, a: string, b: string, c?: string) => `trees:\n  M:\n    ${kind}:\n      children:\n        - ${a}\n        - ${b}\n${c === undefined ? '' : `        - ${c}\n`}`;

describe('gtest_if_then_else.cpp', () => {
  it('IfThenElseTest.ConditionTrue_ThenBranch', () => {
    expect(btTree(three('IfThenElse', 'AlwaysSuccess', 'TestA', 'TestB')).tickWhileRunning()).toBe('SUCCESS');
    expect([bt.count('A'), bt.count('B')]).toEqual([1, 0]);
  });
  it('IfThenElseTest.ConditionFalse_ElseBranch', () => {
    expect(btTree(three('IfThenElse', 'AlwaysFailure', 'TestA', 'TestB')).tickWhileRunning()).toBe('SUCCESS');
    expect([bt.count('A'), bt.count('B')]).toEqual([0, 1]);
  });
  it('IfThenElseTest.ConditionFalse_TwoChildren_ReturnsFailure', () => {
    expect(btTree(three('IfThenElse', 'AlwaysFailure', 'TestA')).tickWhileRunning()).toBe('FAILURE');
    expect(bt.count('A')).toBe(0);
  });
  it('IfThenElseTest.ThenBranchFails', () => {
    expect(btTree(three('IfThenElse', 'AlwaysSuccess', 'AlwaysFailure', 'TestA')).tickWhileRunning()).toBe('FAILURE');
    expect(bt.count('A')).toBe(0);
  });
  it('IfThenElseTest.ElseBranchFails', () => {
    expect(btTree(three('IfThenElse', 'AlwaysFailure', 'TestA', 'AlwaysFailure')).tickWhileRunning()).toBe('FAILURE');
    expect(bt.count('A')).toBe(0);
  });
  it('IfThenElseTest.ConditionRunning', () => {
    const t = btTree(three('IfThenElse', 'Cond: { id: cond }', 'TestA', 'TestB'));
    bt.expected.set('cond', 'RUNNING');
    expect(t.tickOnce()).toBe('RUNNING');
    expect(bt.count('A')).toBe(0);
    bt.expected.set('cond', 'SUCCESS');
    expect(t.tickWhileRunning()).toBe('SUCCESS');
    expect(bt.count('A')).toBe(1);
  });
  it('IfThenElseTest.HaltBehavior', () => {
    const t = btTree(three('IfThenElse', 'AlwaysSuccess', 'TestA', 'TestB'));
    expect(t.tickWhileRunning()).toBe('SUCCESS');
    expect(bt.count('A')).toBe(1);
    t.runner.halt();
    expect(t.tickWhileRunning()).toBe('SUCCESS');
    expect(bt.count('A')).toBe(2);
  });
  it('IfThenElseTest.InvalidChildCount_One', () => {
    expect(() => btTree('trees:\n  M:\n    IfThenElse:\n      children:\n        - AlwaysSuccess\n')).toThrow(TreeLoadError);
    expect(() => btTree('trees:\n  M:\n    IfThenElse:\n      children:\n        - AlwaysSuccess\n')).toThrow('conformance.yaml:4:7: IfThenElse needs 2..3 children, got 1');
  });
  it('IfThenElseTest.InvalidChildCount_Four', () => {
    expect(() => btTree(`${three('IfThenElse', 'AlwaysSuccess', 'TestA', 'TestB')}        - TestC\n`)).toThrow('IfThenElse needs 2..3 children, got 4');
  });
});

describe('gtest_while_do_else.cpp', () => {
  it('WhileDoElseTest.ConditionTrue_DoBranch', () => {
    expect(btTree(three('WhileDoElse', 'AlwaysSuccess', 'TestA', 'TestB')).tickWhileRunning()).toBe('SUCCESS');
    expect([bt.count('A'), bt.count('B')]).toEqual([1, 0]);
  });
  it('WhileDoElseTest.ConditionFalse_ElseBranch', () => {
    expect(btTree(three('WhileDoElse', 'AlwaysFailure', 'TestA', 'TestB')).tickWhileRunning()).toBe('SUCCESS');
    expect([bt.count('A'), bt.count('B')]).toEqual([0, 1]);
  });
  it('WhileDoElseTest.ConditionFalse_TwoChildren_ReturnsFailure', () => {
    expect(btTree(three('WhileDoElse', 'AlwaysFailure', 'TestA')).tickWhileRunning()).toBe('FAILURE');
    expect(bt.count('A')).toBe(0);
  });
  it('WhileDoElseTest.DoBranchFails', () => {
    expect(btTree(three('WhileDoElse', 'AlwaysSuccess', 'AlwaysFailure', 'TestA')).tickWhileRunning()).toBe('FAILURE');
    expect(bt.count('A')).toBe(0);
  });
  it('WhileDoElseTest.ElseBranchFails', () => {
    expect(btTree(three('WhileDoElse', 'AlwaysFailure', 'TestA', 'AlwaysFailure')).tickWhileRunning()).toBe('FAILURE');
    expect(bt.count('A')).toBe(0);
  });
  it('WhileDoElseTest.ConditionChanges_HaltsElse', () => {
    const t = btTree(three('WhileDoElse', 'Cond: { id: toggle }', 'TestA', 'TestB'));
    bt.expected.set('toggle', 'FAILURE');
    expect(t.tickWhileRunning()).toBe('SUCCESS');
    expect([bt.count('A'), bt.count('B')]).toEqual([0, 1]);
  });
  it('WhileDoElseTest.ConditionChanges_HaltsDo', () => {
    const t = btTree(three('WhileDoElse', 'Cond: { id: toggle }', 'TestA', 'TestB'));
    expect(t.tickWhileRunning()).toBe('SUCCESS');
    expect([bt.count('A'), bt.count('B')]).toEqual([1, 0]);
  });
  it('WhileDoElseTest.HaltBehavior', () => {
    const t = btTree(three('WhileDoElse', 'AlwaysSuccess', 'TestA', 'TestB'));
    expect(t.tickWhileRunning()).toBe('SUCCESS');
    t.runner.halt();
    expect(t.tickWhileRunning()).toBe('SUCCESS');
    expect(bt.count('A')).toBe(2);
  });
  it('WhileDoElseTest.InvalidChildCount_One', () => {
    expect(() => btTree('trees:\n  M:\n    WhileDoElse:\n      children:\n        - AlwaysSuccess\n')).toThrow('WhileDoElse needs 2..3 children, got 1');
  });
  it('WhileDoElseTest.InvalidChildCount_Four', () => {
    expect(() => btTree(`${three('WhileDoElse', 'AlwaysSuccess', 'TestA', 'TestB')}        - TestC\n`)).toThrow('WhileDoElse needs 2..3 children, got 4');
  });
  it('affect-bt: when the condition flips while a branch is RUNNING, that branch is halted and the other runs', () => {
    const t = btTree(three('WhileDoElse', 'Cond: { id: c }', 'Action: { id: do, ms: 1000 }', 'Action: { id: else, ms: 1000 }'));
    expect(t.tickOnce()).toBe('RUNNING');
    bt.expected.set('c', 'FAILURE');
    expect(t.tickOnce()).toBe('RUNNING');
    expect(bt.events).toEqual(['do:halted']);
    expect([bt.count('do'), bt.count('else')]).toEqual([1, 1]);
  });
});

const switchTree = `trees:
  M:
    Switch2:
      name: simple_switch
      variable: '{my_var}'
      case_1: 1
      case_2: 42
      children:
        - Action: { id: action_1, ms: 200, name: action_1 }
        - Action: { id: action_42, ms: 200, name: action_42 }
        - Action: { id: action_default, ms: 200, name: action_default }
`;

describe('gtest_switch.cpp', () => {
  const statuses = (t: ReturnType<typeof btTree>) => ['action_1', 'action_42', 'action_default'].map((n) => (t.node(n).running ? 'RUNNING' : 'IDLE'));

  it('SwitchTest.DefaultCase', () => {
    const t = btTree(switchTree);
    expect(t.tickOnce()).toBe('RUNNING');
    expect(statuses(t)).toEqual(['IDLE', 'IDLE', 'RUNNING']);
    t.sleep(300);
    expect(t.tickOnce()).toBe('SUCCESS');
    expect(statuses(t)).toEqual(['IDLE', 'IDLE', 'IDLE']);
  });
  for (const [name, value, idx] of [['Case1', '1', 0], ['Case2', '42', 1], ['CaseNone', 'none', 2]] as const) {
    it(`SwitchTest.${name}`, () => {
      const t = btTree(switchTree, (bb) => bb.set('my_var', value, { source: 'test' }));
      expect(t.tickOnce()).toBe('RUNNING');
      const want = ['IDLE', 'IDLE', 'IDLE'];
      want[idx] = 'RUNNING';
      expect(statuses(t)).toEqual(want);
      t.sleep(300);
      expect(t.tickOnce()).toBe('SUCCESS');
      expect(statuses(t)).toEqual(['IDLE', 'IDLE', 'IDLE']);
    });
  }
  it('SwitchTest.CaseSwitchToDefault', () => {
    const t = btTree(switchTree, (bb) => bb.set('my_var', '1', { source: 'test' }));
    expect(t.tickOnce()).toBe('RUNNING');
    t.sleep(20);
    expect(t.tickOnce()).toBe('RUNNING');
    expect(statuses(t)).toEqual(['RUNNING', 'IDLE', 'IDLE']);
    // not reactive between ticks: nothing changes until the next tick
    t.blackboard.set('my_var', '', { source: 'test' });
    expect(statuses(t)).toEqual(['RUNNING', 'IDLE', 'IDLE']);
    expect(btStatus(t.node('simple_switch'))).toBe('RUNNING');
    t.sleep(20);
    expect(t.tickOnce()).toBe('RUNNING');
    expect(statuses(t)).toEqual(['IDLE', 'IDLE', 'RUNNING']);
    expect(bt.events).toEqual(['action_1:halted']);
    t.sleep(300);
    expect(t.tickOnce()).toBe('SUCCESS');
  });
  it('SwitchTest.CaseSwitchToAction2', () => {
    const t = btTree(switchTree, (bb) => bb.set('my_var', '1', { source: 'test' }));
    expect(t.tickOnce()).toBe('RUNNING');
    t.blackboard.set('my_var', '42', { source: 'test' });
    t.sleep(20);
    expect(t.tickOnce()).toBe('RUNNING');
    expect(statuses(t)).toEqual(['IDLE', 'RUNNING', 'IDLE']);
    t.sleep(300);
    expect(t.tickOnce()).toBe('SUCCESS');
  });
  it('SwitchTest.ActionFailure', () => {
    const t = btTree(switchTree, (bb) => bb.set('my_var', '1', { source: 'test' }));
    expect(t.tickOnce()).toBe('RUNNING');
    bt.expected.set('action_1', 'FAILURE');
    t.sleep(300);
    expect(t.tickOnce()).toBe('FAILURE');
    expect(statuses(t)).toEqual(['IDLE', 'IDLE', 'IDLE']);
  });
  it('SwitchStringEquality.RejectsTrailingCharacters', () => {
    const pick = (variable: string | number, c: string) => {
      const t = btTree(`trees:\n  M:\n    Switch2:\n      variable: '{v}'\n      case1: '${c}'\n      case2: never\n      children: [TestA, TestB, TestC]\n`, (bb) => bb.set('v', variable, { source: 'test' }));
      bt.reset();
      t.tickOnce();
      return bt.count('A') === 1;
    };
    expect([pick('5', '5'), pick('5', '5.0'), pick('42', '42'), pick('-7', '-7'), pick(5, '5.0')]).toEqual([true, true, true, true, true]);
    expect([pick('5abc', '5'), pick('42xxxx', '42'), pick('1.0junk', '1.0'), pick('5 ', '5'), pick('none', '1')]).toEqual([false, false, false, false, false]);
  });
});

// BehaviorTree.CPP conformance: tests/gtest_subtree.cpp ported to affect-bt (Subtree
// scopes, port remapping, literals, _autoremap, _private keys, cycles, unique paths).
// BT.CPP's SaySomething / PrintToConsole are `Say`, SetBlackboard is a Script, and an
// input read by a node constructor is read on its first tick. Not ported:
// StringConversions_Issue530 and Issue623_String_to_Pose2d (C++ type conversions),
// SubtreeNameNotRegistered (tree names and node kinds are separate namespaces here).
// BT.CPP throws from tick when a node throws; affect-bt fails the tick (FAILURE) and
// keeps the error in `runner.lastError`.
import { beforeEach, describe, expect, it } from 'vitest';
import { TreeLoadError } from '../../src/tree/index.ts';
import { bt, btTree } from '../support/bt-conformance.ts';

beforeEach(() => bt.reset());

function paths(t: ReturnType<typeof btTree>): string[] {
  const out: string[] = [];
  const walk = (n: { path: string; children: readonly any[] }) => (out.push(n.path), n.children.forEach(walk));
  walk(t.runner.root);
  return out;
}

describe('gtest_subtree.cpp', () => {
  it('SubTree.SiblingPorts_Issue_72', () => {
    const t = btTree(`main: MainTree
trees:
  MainTree:
    Sequence:
      children:
        - Script: { code: " myParam = 'hello' " }
        - Subtree: { tree: mySubtree, param: '{myParam}' }
        - Script: { code: " myParam = 'world' " }
        - Subtree: { tree: mySubtree, param: '{myParam}' }
  mySubtree:
    Say: { message: '{param}' }
`);
    expect(t.tickWhileRunning()).toBe('SUCCESS');
    expect(bt.console).toEqual(['hello', 'world']);
    expect(paths(t).filter((p) => p.endsWith('Subtree') || p.endsWith('Subtree#2'))).toEqual(['Sequence/Subtree', 'Sequence/Subtree#2']);
  });

  const copy = (args: string) => `main: MainTree
trees:
  MainTree:
    Sequence:
      children:
        - Script: { code: " thoughts = 'hello' " }
        - Subtree: { tree: CopySubtree${args} }
        - Say: { message: '{greetings}' }
  CopySubtree:
    CopyPorts: { in: '{in_arg}', out: '{out_arg}' }
`;

  it('SubTree.GoodRemapping', () => {
    expect(btTree(copy(", in_arg: '{thoughts}', out_arg: '{greetings}'")).tickWhileRunning()).toBe('SUCCESS');
    expect(bt.console).toEqual(['hello']);
  });

  it('SubTree.BadRemapping', () => {
    const badIn = btTree(copy(", out_arg: '{greetings}'").replace(" thoughts = 'hello' ", " thoughts := 'hello' "));
    expect(badIn.tickWhileRunning()).toBe('FAILURE');
    expect(badIn.runner.lastError?.originalMessage).toBe('missing required input [in]');
    const badOut = btTree(copy(", in_arg: '{thoughts}'"));
    expect(badOut.tickWhileRunning()).toBe('FAILURE'); // greetings never reaches the caller
    expect(bt.console).toEqual([]);
  });

  it('SubTree.SubtreePlusA', () => {
    const t = btTree(`trees:
  MainTree:
    Sequence:
      children:
        - Script: { code: "myParam = 'Hello' " }
        - Subtree: { tree: mySubtree, param: '{myParam}' }
        - Subtree: { tree: mySubtree, param: World }
        - Script: { code: "param = 'Auto remapped' " }
        - Subtree: { tree: mySubtree, _autoremap: true }
  mySubtree:
    Say: { message: '{param}' }
`);
    expect(t.tickWhileRunning()).toBe('SUCCESS');
    expect(bt.console).toEqual(['Hello', 'World', 'Auto remapped']);
  });

  it('SubTree.SubtreePlusB', () => {
    const t = btTree(`trees:
  MainTree:
    Sequence:
      children:
        - Script: { code: "myParam = 'Hello World'; param3:='Auto remapped' " }
        - Subtree: { tree: mySubtree, _autoremap: true, param1: '{myParam}', param2: Straight Talking }
  mySubtree:
    Sequence:
      children:
        - Say: { message: '{param1}' }
        - Say: { message: '{param2}' }
        - Say: { message: '{param3}' }
`);
    expect(t.tickWhileRunning()).toBe('SUCCESS');
    expect(bt.console).toEqual(['Hello World', 'Straight Talking', 'Auto remapped']);
  });

  it('SubTree.SubtreePlusD', () => {
    const t = btTree(`trees:\n  MainTree:\n    Sequence:\n      children:\n        - Subtree: { tree: mySubtree, _autoremap: true }\n  mySubtree:\n    Say: { message: '{message}' }\n`, (bb) => bb.set('message', 'hello', { source: 'test' }));
    expect(t.tickWhileRunning()).toBe('SUCCESS');
    expect(bt.console).toEqual(['hello']);
  });

  it('SubTree.ScriptRemap', () => {
    const t = btTree(`trees:\n  MainTree:\n    Sequence:\n      children:\n        - Script: { code: 'value:=0' }\n        - Subtree: { tree: mySubtree, value: '{value}' }\n  mySubtree:\n    Script: { code: 'value:=1' }\n`);
    t.tickOnce();
    expect(t.blackboard.get('value')).toBe(1);
  });

  it('SubTree.SubtreeNav2_Issue563', () => {
    const t = btTree(
      `trees:
  Tree1:
    Sequence:
      children:
        - Script: { code: "the_message := 'hello world'" }
        - Subtree: { tree: Tree2, _autoremap: true }
        - Say: { message: '{reply}' }
  Tree2:
    Subtree: { tree: Tree3, _autoremap: true }
  Tree3:
    Subtree: { tree: Talker, _autoremap: true }
  Talker:
    Sequence:
      children:
        - Say: { message: '{the_message}' }
        - Script: { code: " reply:='done' " }
        - Say: { message: '{ros_node}' }
`,
      (bb) => bb.set('ros_node', 'nav2_shouldnt_do_this', { source: 'test' }),
    );
    expect(t.tickOnce()).toBe('SUCCESS');
    expect(bt.console).toEqual(['hello world', 'nav2_shouldnt_do_this', 'done']);
  });

  it('SubTree.SubtreeNav2_Issue724', () => {
    const t = btTree(
      `trees:
  Tree1:
    Sequence:
      children:
        - Subtree: { tree: Tree2, ros_node: '{ros_node}' }
  Tree2:
    Subtree: { tree: Tree3, ros_node: '{ros_node}' }
  Tree3:
    Subtree: { tree: Talker, ros_node: '{ros_node}' }
  Talker:
    Sequence:
      children:
        - Say: { message: '{ros_node}' }
`,
      (bb) => bb.set('ros_node', 'nav2_shouldnt_do_this', { source: 'test' }),
    );
    expect(t.tickOnce()).toBe('SUCCESS');
    expect(bt.console).toEqual(['nav2_shouldnt_do_this']);
  });

  it('SubTree.SubtreeIssue592', () => {
    const t = btTree(`trees:
  Outer_Tree:
    Sequence:
      children:
        - Script: { code: "variable := 'test'" }
        - Script: { code: "var := 'test'" }
        - Subtree: { tree: Inner_Tree, _autoremap: false, variable: '{var}' }
        - Subtree: { tree: Inner_Tree, _autoremap: true }
  Inner_Tree:
    Sequence:
      children:
        - TestA: { _skipIf: "variable != 'test'" }
`);
    expect(t.tickWhileRunning()).toBe('SUCCESS');
    expect(bt.count('A')).toBe(2);
  });

  it('SubTree.Issue653_SetBlackboard', () => {
    const t = btTree(`main: MainTree
trees:
  MainTree:
    Sequence:
      children:
        - Subtree: { tree: Init, test: '{test}' }
        - ScriptCondition: { code: test }
  Init:
    Script: { code: 'test := true' }
`);
    expect(t.tickWhileRunning()).toBe('SUCCESS');
  });

  it('SubTree.SubtreeModels', () => {
    const t = btTree(`main: MainTree
trees:
  MySub:
    ports:
      in_value: { type: integer, default: 42 }
      in_name: string
      out_result: { type: integer, default: '{output}' }
      out_state: string
    Sequence:
      children:
        - ScriptCondition: { code: "in_name=='john' && in_value==42" }
        - Script: { code: "out_result:=69; out_state:='ACTIVE'" }
  MainTree:
    Sequence:
      children:
        - Script: { code: "my_name:= 'john' " }
        - Subtree: { tree: MySub, in_name: '{my_name}', out_state: '{my_state}' }
        - ScriptCondition: { code: " output==69 && my_state=='ACTIVE' " }
`);
    expect(t.tickWhileRunning()).toBe('SUCCESS');
  });

  it('SubTree.RemappingIssue696', () => {
    const t = btTree(`main: MainTree
trees:
  Subtree1:
    Sequence:
      children:
        - Say: { message: '{msg1}' }
        - Say: { message: '{msg2}' }
  Subtree2:
    Sequence:
      children:
        - Subtree: { tree: Subtree1, msg1: foo1, _autoremap: true }
        - Subtree: { tree: Subtree1, msg1: foo2, _autoremap: true }
  MainTree:
    Subtree: { tree: Subtree2, msg2: bar }
`);
    t.tickWhileRunning();
    expect(bt.console).toEqual(['foo1', 'bar', 'foo2', 'bar']);
  });

  it('SubTree.PrivateAutoRemapping', () => {
    const t = btTree(`main: MainTree
trees:
  Subtree:
    Sequence:
      children:
        - Script: { code: "public_value := 'hello'" }
        - Script: { code: "_private_value := 'world'" }
  MainTree:
    Sequence:
      children:
        - Subtree: { tree: Subtree, _autoremap: true }
        - Say: { message: '{public_value}' }
        - Say: { message: '{_private_value}' }
`);
    expect(t.tickWhileRunning()).toBe('FAILURE'); // _private_value is not auto-remapped
    expect(bt.console).toEqual(['hello']);
  });

  it('SubTree.RecursiveSubtree', () => {
    expect(() => btTree('main: MainTree\ntrees:\n  MainTree:\n    Sequence:\n      name: root\n      children:\n        - AlwaysSuccess\n        - Subtree: { tree: MainTree }\n')).toThrow(
      'conformance.yaml:8:11: subtree cycle: MainTree → MainTree',
    );
  });

  it('SubTree.RecursiveCycle', () => {
    const yaml = `main: MainTree
trees:
  MainTree:
    Sequence: { children: [AlwaysSuccess, { Subtree: { tree: TreeA } }] }
  TreeA:
    Sequence: { children: [AlwaysSuccess, { Subtree: { tree: TreeB } }] }
  TreeB:
    Sequence: { children: [AlwaysSuccess, { Subtree: { tree: MainTree } }] }
`;
    expect(() => btTree(yaml)).toThrow('subtree cycle: MainTree → TreeA → TreeB → MainTree');
  });

  it('SubTree.SubstringTreeIDsAreNotRecursive', () => {
    expect(btTree('main: Tree\ntrees:\n  Tree:\n    Subtree: { tree: TreeABC }\n  TreeABC:\n    AlwaysSuccess\n').tickOnce()).toBe('SUCCESS');
  });

  const workers = (a: string, b: string, kind = 'ParallelAll') => `main: MainTree
trees:
  MainTree:
    ${kind}:
      children:
        - Subtree: { tree: Worker${a} }
        - Subtree: { tree: Worker${b} }
  Worker:
    AlwaysSuccess: { name: do_work }
`;

  it('SubTree.DuplicateSubTreeName_Groot2Issue56', () => {
    expect(() => btTree(workers(', name: my_worker', ', name: my_worker'))).toThrow(TreeLoadError);
  });

  it('SubTree.DuplicateSubTreeName_ErrorMessage', () => {
    expect(() => btTree(workers(', name: my_task', ', name: my_task', 'Sequence'))).toThrow("duplicate node name 'my_task'");
  });

  it('SubTree.UniqueSubTreeNames_WorksCorrectly', () => {
    const t = btTree(workers(', name: worker_1', ', name: worker_2'));
    const p = paths(t);
    expect(new Set(p).size).toBe(p.length);
    expect(p).toContain('ParallelAll/worker_2/do_work');
    expect(t.tickWhileRunning()).toBe('SUCCESS');
  });

  it('SubTree.NoNameAttribute_AutoGeneratesUniquePaths', () => {
    const t = btTree(workers('', ''));
    const p = paths(t);
    expect(new Set(p).size).toBe(p.length);
    expect(p).toContain('ParallelAll/Subtree#2/do_work');
    expect(t.tickWhileRunning()).toBe('SUCCESS');
  });

  it('SubTree.NestedDuplicateNames_ShouldFail', () => {
    expect(() => btTree('main: MainTree\ntrees:\n  MainTree:\n    Sequence:\n      children:\n        - Subtree: { tree: Level1, name: task }\n        - Subtree: { tree: Level1, name: task }\n  Level1:\n    AlwaysSuccess: { name: work }\n')).toThrow(
      "duplicate node name 'task'",
    );
  });

  it('SubTree.LiteralNumericPortsPreserveType', () => {
    const t = btTree(
      `main: MainTree
trees:
  MainTree:
    Sequence:
      children:
        - Subtree: { tree: DoMath, int_val: 42, dbl_val: 3.14, str_val: hello, remapped_val: '{from_parent}' }
  DoMath:
    Sequence:
      children:
        - ScriptCondition: { code: ' int_val + 1 == 43 ' }
        - ScriptCondition: { code: ' dbl_val > 3.0 ' }
        - ScriptCondition: { code: " str_val == 'hello' " }
        - ScriptCondition: { code: ' remapped_val + 1 == 101 ' }
`,
      (bb) => bb.set('from_parent', 100, { source: 'test' }),
    );
    expect(t.tickWhileRunning()).toBe('SUCCESS');
  });
});

describe('gtest_exception_tracking.cpp', () => {
  it('ExceptionTracking.BasicExceptionCapture', () => {
    const t = btTree('trees:\n  MainTree:\n    Thrower: { name: thrower }\n');
    expect(t.tickOnce()).toBe('FAILURE');
    const e = t.runner.lastError!;
    expect([e.nodeName, e.kind, e.originalMessage]).toEqual(['thrower', 'Thrower', 'Test exception from ThrowingAction']);
  });

  it('ExceptionTracking.NestedExceptionBacktrace', () => {
    const t = btTree('trees:\n  MainTree:\n    Sequence:\n      name: main_seq\n      children:\n        - AlwaysSuccess: { name: first }\n        - RetryUntilSuccessful:\n            num_attempts: 1\n            name: retry\n            child: { Thrower: { name: nested_thrower } }\n');
    expect(t.tickOnce()).toBe('FAILURE');
    expect(t.runner.lastError!.nodeName).toBe('nested_thrower');
    expect(t.runner.lastError!.message).toContain('nested_thrower');
    expect(t.runner.lastError!.path).toBe('main_seq/retry/nested_thrower');
  });

  it('ExceptionTracking.SubtreeExceptionBacktrace', () => {
    const t = btTree('main: MainTree\ntrees:\n  MainTree:\n    Sequence:\n      name: outer_seq\n      children:\n        - Subtree: { tree: InnerTree, name: subtree_call }\n  InnerTree:\n    Sequence:\n      name: inner_seq\n      children:\n        - Thrower: { name: subtree_thrower }\n');
    expect(t.tickOnce()).toBe('FAILURE');
    expect(t.runner.lastError!.nodeName).toBe('subtree_thrower');
    expect(t.runner.lastError!.path).toBe('outer_seq/subtree_call/inner_seq/subtree_thrower');
  });

  it('ExceptionTracking.NoExceptionNoWrapping', () => {
    const t = btTree('trees:\n  MainTree:\n    Sequence:\n      children:\n        - AlwaysSuccess: { name: a }\n        - AlwaysSuccess: { name: b }\n');
    expect(t.tickOnce()).toBe('SUCCESS');
    expect(t.runner.lastError).toBeUndefined();
    expect(t.runner.counters.errors).toBe(0);
  });

  it('ExceptionTracking.BacktraceEntryContents', () => {
    const t = btTree('trees:\n  MainTree:\n    Thrower: { name: my_action }\n');
    t.tickOnce();
    const e = t.runner.lastError!;
    expect(e.nodeName).toBe('my_action');
    expect(e.kind).toBe('Thrower');
    expect(e.path.length).toBeGreaterThan(0);
  });
});

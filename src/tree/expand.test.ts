// Subtree scopes, subtree ports (declared and implicit), literals reaching nodes, root
// keys, BehaviorTree.CPP spellings, and the task-first rule for scripts and key ports —
// all checked when the tree is loaded, with file:line:col.
import { describe, expect, it } from 'vitest';
import { loadTreeText, TreeLoadError, treeHarness } from './index.ts';

function errors(yaml: string): string[] {
  try {
    loadTreeText(yaml, 'x.yaml');
  } catch (e) {
    if (e instanceof TreeLoadError) return e.message.split('\n');
    throw e;
  }
  return [];
}

describe('subtree scopes', () => {
  it('two instances of one subtree do not share internal keys; remapped ports connect them to the caller', () => {
    const h = treeHarness(`trees:
  M:
    Sequence:
      children:
        - Subtree: { tree: Count, name: a, total: '{total_a}' }
        - Subtree: { tree: Count, name: b, total: '{total_b}' }
        - Subtree: { tree: Count, name: c, total: '{total_b}' }
  Count:
    ports:
      total: { type: number, description: 'where the count is published' }
    Script: { code: 'n := (n ?? 0) + 1; _seen := true; total := n' }
`);
    expect(h.runner.tick()).toBe('SUCCESS');
    expect(h.runner.tick()).toBe('SUCCESS');
    // each instance has its own `n` (2 ticks each), not one shared counter (which would reach 6)
    expect(h.blackboard.get('Sequence/a:n')).toBe(2);
    expect(h.blackboard.get('Sequence/b:n')).toBe(2);
    expect(h.blackboard.get('Sequence/c:n')).toBe(2);
    expect([h.blackboard.get('total_a'), h.blackboard.get('total_b')]).toEqual([2, 2]);
    expect(h.blackboard.get('n')).toBeUndefined();
    expect(h.blackboard.get('_seen')).toBeUndefined();
  });

  it('a literal on a subtree port reaches the node; {@key} is the root blackboard from anywhere', () => {
    const h = treeHarness(`trees:
  M:
    Sequence:
      children:
        - Subtree: { tree: Give, part: cup, speed: 0.5 }
        - Subtree: { tree: Give, part: plate }
  Give:
    ports:
      part: { type: string, required: true, description: 'object to hand over' }
      speed: { type: number, default: 1, min: 0.05, max: 1 }
    Sequence:
      children:
        - WaitForHumanReady: { ready: '{@human/ready}' }
        - Handover: { objectId: '{part}', target: right_hand, speedScale: '{speed}' }
`);
    h.ready(true);
    h.runner.tick();
    expect(h.controller.handovers[0]!.params).toMatchObject({ objectId: 'cup', speedScale: 0.5 });
    h.controller.resolve(h.controller.runningHandover()!, 'success');
    h.step(10);
    expect(h.controller.handovers[1]!.params).toMatchObject({ objectId: 'plate', speedScale: 1 });
  });

  it("the old silent bug is a load error: '{part}' on a value port needs a subtree port to fill it", () => {
    expect(errors("trees:\n  M:\n    Subtree: { tree: Give, remap: { part: '{current}' } }\n  Give:\n    Handover: { objectId: '{part}', target: right_hand }\n")).toEqual([
      "x.yaml:5:27: port 'objectId' of Handover takes a fixed value, but subtree port 'part' of Give is bound to blackboard key 'current' (hint: pass a literal for 'part' (e.g. `part: cup`), or use a node port that reads a key)",
    ]);
    expect(errors("trees:\n  M:\n    Handover: { objectId: '{part}', target: right_hand }\n")).toEqual([
      "x.yaml:3:27: port 'objectId' of Handover is '{part}', but tree M has no port 'part' (hint: declare it under `ports:` of tree M (e.g. `ports: { part: string }`); a literal value is written without braces)",
    ]);
  });

  it('wrong remappings are load errors, for trees that declare ports and trees that do not', () => {
    const tree = "  Pace:\n    ports: { frustrated: { type: boolean, default: '{frustrated}' } }\n    SlowHandover: { frustrated: '{frustrated}' }\n";
    expect(errors(`trees:\n  M:\n    AffectBranch: { child: { Subtree: { tree: Pace, frustratd: '{upset}' } } }\n${tree}`)).toEqual([
      "x.yaml:3:53: tree Pace has no port 'frustratd' (hint: did you mean 'frustrated'?)",
    ]);
    expect(errors("trees:\n  M:\n    AffectBranch: { child: { Subtree: { tree: P, remap: { frustratd: '{upset}' } } } }\n  P:\n    SlowHandover: {}\n")).toEqual([
      "x.yaml:3:59: tree P never uses blackboard key 'frustratd', so it cannot be remapped (hint: did you mean 'frustrated'?)",
    ]);
    expect(errors(`trees:\n  M:\n    AffectBranch: { child: { Subtree: { tree: Pace, frustrated: 0.5 } } }\n${tree}`)[0]).toBe(
      "x.yaml:3:53: port 'frustrated' expects true or false, got number 0.5 (subtree Pace)",
    );
    expect(errors("trees:\n  M:\n    Subtree: { tree: G }\n  G:\n    ports: { part: { type: string, required: true } }\n    Handover: { objectId: '{part}', target: t }\n")).toContain(
      "x.yaml:3:5: missing required port 'part' of subtree G (hint: a string; add `part: …`)",
    );
  });

  it('declaring ports: unknown fields and types, bad defaults', () => {
    expect(errors("trees:\n  M:\n    ports:\n      a: { type: numbr }\n      b: { typ: number }\n      c: { type: number, default: fast }\n      d: { type: number, required: true, default: 1 }\n    ControllerAvailable: {}\n")).toEqual([
      "x.yaml:4:18: port 'a' has unknown type string \"numbr\" (hint: types: number, integer, string, boolean, object, any)",
      "x.yaml:5:12: unknown field 'typ' in the declaration of port 'b' (hint: did you mean 'type'?)",
      "x.yaml:6:7: default of port 'c': port 'c' expects a number, got string \"fast\"",
      'x.yaml:7:7: port \'d\' is required and has a default (hint: drop one of them)',
    ]);
  });

  it('_autoremap shares the caller’s keys except _private ones', () => {
    const h = treeHarness("trees:\n  M:\n    Subtree: { tree: S, _autoremap: true }\n  S:\n    Script: { code: 'shared := 1; _mine := 2' }\n");
    h.runner.tick();
    expect(h.blackboard.get('shared')).toBe(1);
    expect(h.blackboard.get('_mine')).toBeUndefined();
    expect(h.blackboard.get('Subtree:_mine')).toBe(2);
  });
});

describe('BehaviorTree.CPP spellings', () => {
  it('node aliases (Retry, SubTree) and port aliases (num_attempts, msec, ID) load as the same nodes', () => {
    const doc = loadTreeText('trees:\n  M:\n    Retry:\n      num_attempts: -1\n      child:\n        Timeout: { msec: 500, child: { SubTree: { ID: T } } }\n  T:\n    ControllerAvailable\n', 'x.yaml');
    const retry = doc.trees.get('M')!;
    expect([retry.kind, retry.name, retry.ports.numAttempts]).toEqual(['RetryUntilSuccessful', 'Retry', -1]);
    expect(retry.children[0]!.ports.timeoutMs).toBe(500);
    expect(retry.children[0]!.children[0]!.kind).toBe('Subtree');
    expect(errors('trees:\n  M:\n    Timeout: { msec: 5, timeoutMs: 5, child: ControllerAvailable }\n')[0]).toBe(
      "x.yaml:3:25: port 'timeoutMs' of Timeout is given twice (also as 'msec') (hint: keep one spelling)",
    );
  });

  it('port checks also run on values that come from subtree ports', () => {
    expect(errors("trees:\n  M:\n    AffectBranch: { child: { Subtree: { tree: P, s: 0.2 } } }\n  P:\n    ports: { s: number }\n    SlowHandover: { speedScale: '{s}', minSpeedScale: 0.3 }\n")).toEqual([
      'x.yaml:6:5: speedScale 0.2 is below minSpeedScale 0.3 on SlowHandover (hint: pacing must stay within [minSpeedScale, 1])',
    ]);
  });

  it('Parallel thresholds are checked against the number of children', () => {
    expect(errors('trees:\n  M:\n    Parallel:\n      success_count: 3\n      children: [ControllerAvailable, ControllerAvailable]\n')).toEqual([
      'x.yaml:3:5: successCount 3 needs 3 successes of 2 children: it can never succeed on Parallel (hint: lower successCount or use -1 (all children))',
    ]);
    expect(errors('trees:\n  M:\n    Parallel:\n      failureCount: -3\n      children: [ControllerAvailable, ControllerAvailable]\n')[0]).toContain('failureCount -3 resolves to 0 failures with 2 children');
  });
});

describe('task first, for scripts and key ports', () => {
  const affect = (extra: string) => `trees:\n  M:\n    ReactiveSequence:\n      children:\n        - AffectBranch:\n            child:\n              Sequence:\n                children:\n                  - PerceiveAffect: {}\n                  - DetectFrustration: {}\n${extra}`;

  it('no script outside an AffectBranch may read what the affect side writes', () => {
    expect(errors(affect("        - Handover: { objectId: cup, target: right_hand, _failureIf: 'frustrated' }\n"))).toEqual([
      "x.yaml:11:71: _failureIf of Handover uses blackboard key 'frustrated', which the affect side writes (task-first rule: affect cannot change the task's outcome) (hint: only scripts inside an AffectBranch may use affect keys)",
    ]);
    expect(errors(affect("        - Precondition: { if: '{affect/h1}.frustration < 0.5', child: { Handover: { objectId: cup, target: right_hand } } }\n"))[0]).toContain(
      "uses blackboard key 'affect/h1', which the affect side writes",
    );
  });

  it('no node port outside an AffectBranch may read an affect key (except Handover’s pacing)', () => {
    expect(errors(affect("        - WaitForHumanReady: { ready: '{frustrated}' }\n"))).toEqual([
      "x.yaml:11:39: port 'ready' of WaitForHumanReady reads blackboard key 'frustrated', which affect nodes write (task-first rule: affect cannot change the task's outcome) (hint: use another key, or move the decision into an AffectBranch where it can only change apology and pacing)",
    ]);
    expect(errors(affect("        - Switch2: { variable: '{frustrated}', case1: true, case2: false, children: [Wait: { durationMs: 1 }, Wait: { durationMs: 2 }, Wait: { durationMs: 3 }] }\n"))[0]).toContain(
      "port 'variable' of Switch2 reads blackboard key 'frustrated', which affect nodes write",
    );
    expect(errors(affect('                  - SlowHandover: {}\n        - Handover: { objectId: cup, target: right_hand }\n'))).toEqual([]);
  });

  it('no script inside an AffectBranch may write what the task reads; an AffectBranch cannot _failureIf', () => {
    expect(errors(affect("                  - Script: { code: '{human/ready} := false' }\n        - WaitForHumanReady: {}\n"))[0]).toBe(
      "x.yaml:11:38: code of Script inside an AffectBranch writes blackboard key 'human/ready', which port 'ready' of ReactiveSequence/WaitForHumanReady reads (task-first rule) (hint: affect scripts may only write keys the task branch does not use)",
    );
    expect(errors("trees:\n  M:\n    AffectBranch: { _failureIf: 'true', child: { PerceiveAffect: {} } }\n")[0]).toBe(
      'x.yaml:3:34: an AffectBranch cannot have _failureIf: it always succeeds (task-first rule) (hint: use _skipIf to switch the affect branch off)',
    );
  });

  it('scripts inside an AffectBranch may use affect keys freely', () => {
    expect(errors(affect("                  - Script: { code: \"mood := frustrated ? 'upset' : 'calm'\" }\n"))).toEqual([]);
  });
});

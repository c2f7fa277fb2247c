// SetBlackboard / UnsetBlackboard: typed writes with the node as source, optional
// staleness, loud type conflicts, removal; both are task nodes.
import { describe, expect, it } from 'vitest';
import { treeHarness } from '../src/tree/index.ts';

const seq = (...nodes: string[]) => `trees:\n  M:\n    Sequence:\n      children:\n${nodes.map((n) => `        - ${n}\n`).join('')}`;

describe('SetBlackboard / UnsetBlackboard', () => {
  it('writes the value with the YAML type, sourced from the node path', () => {
    const h = treeHarness(seq("SetBlackboard: { key: '{cell/mode}', value: careful }", "SetBlackboard: { key: '{cell/n}', value: 3, name: count }", "SetBlackboard: { key: '{cell/on}', value: true }"));
    expect(h.runner.tick()).toBe('SUCCESS');
    expect([h.blackboard.get('cell/mode'), h.blackboard.get('cell/n'), h.blackboard.get('cell/on')]).toEqual(['careful', 3, true]);
    expect(h.blackboard.entry('cell/n')!.source).toBe('node:Sequence/count');
  });

  it('gives the entry maxAgeMs, after which it reads as unknown', () => {
    const h = treeHarness(seq("SetBlackboard: { key: '{flag}', value: 1, maxAgeMs: 200 }"));
    h.runner.tick();
    h.clock.advance(200);
    expect(h.blackboard.get('flag')).toBe(1);
    h.clock.advance(1);
    expect(h.blackboard.get('flag')).toBeUndefined();
  });

  it('fails the tick loudly when the key is declared with another type', () => {
    const h = treeHarness(seq("SetBlackboard: { key: '{task/handoversDone}', value: lots }"));
    expect(h.runner.tick()).toBe('FAILURE');
    expect(h.runner.counters.errors).toBe(1);
    expect(String(h.runner.lastError)).toMatch(/task\/handoversDone/);
    expect(h.blackboard.get('task/handoversDone')).toBeUndefined();
  });

  it('UnsetBlackboard removes the value and succeeds either way', () => {
    const h = treeHarness(seq("UnsetBlackboard: { key: '{cell/mode}' }"));
    h.blackboard.set('cell/mode', 'careful', { source: 'test' });
    expect(h.runner.tick()).toBe('SUCCESS');
    expect(h.blackboard.get('cell/mode')).toBeUndefined();
    expect(h.runner.renderText()).toContain('cell/mode removed');
    h.runner.tick();
    expect(h.runner.renderText()).toContain('cell/mode was not set');
  });

  it('both are task nodes: not allowed inside an AffectBranch', () => {
    for (const node of ["SetBlackboard: { key: '{pacing}', value: 1 }", "UnsetBlackboard: { key: '{pacing}' }"]) {
      expect(() => treeHarness(`trees:\n  M:\n    AffectBranch:\n      child:\n        ${node}\n`)).toThrow(/cannot be inside an AffectBranch/);
    }
  });
});

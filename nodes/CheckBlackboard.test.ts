// CheckBlackboard: typed comparisons (no coercion), unknown = FAILURE, ordering
// operators for numbers only (rejected at load time otherwise), usable in affect branches.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { treeHarness, TreeLoadError } from '../src/tree/index.ts';
import { compareValues, type CompareOp } from './CheckBlackboard.ts';

const check = (op: string, value: string) => `trees:\n  M:\n    CheckBlackboard: { key: '{x}', op: '${op}', value: ${value} }\n`;

describe('CheckBlackboard', () => {
  it.each([
    ['==', '3', 3, 'SUCCESS'],
    ['==', '3', 4, 'FAILURE'],
    ['!=', '3', 4, 'SUCCESS'],
    ['<', '3', 2.5, 'SUCCESS'],
    ['<=', '3', 3, 'SUCCESS'],
    ['>', '3', 3, 'FAILURE'],
    ['>=', '3', 3, 'SUCCESS'],
    ['==', 'careful', 'careful', 'SUCCESS'],
    ['!=', 'careful', 'fast', 'SUCCESS'],
    ['==', 'true', true, 'SUCCESS'],
    ['==', 'false', true, 'FAILURE'],
  ] as const)('%s %s against %j → %s', (op, value, actual, want) => {
    const h = treeHarness(check(op, value));
    h.blackboard.set('x', actual, { source: 'test' });
    expect(h.runner.tick()).toBe(want);
  });

  it('never coerces: the string "3" is not the number 3, and says why', () => {
    const h = treeHarness(check('==', '3'));
    h.blackboard.set('x', '3', { source: 'test' });
    expect(h.runner.tick()).toBe('FAILURE');
    expect(h.runner.renderText()).toContain('x is a string, cannot compare with number 3');
  });

  it('fails while the entry is missing or stale (stale is unknown)', () => {
    const h = treeHarness(check('==', '1'));
    expect(h.runner.tick()).toBe('FAILURE');
    expect(h.runner.renderText()).toContain('x is unknown (missing or stale)');
    h.blackboard.set('x', 1, { source: 'test', maxAgeMs: 100 });
    expect(h.step(50)).toBe('SUCCESS');
    expect(h.step(100)).toBe('FAILURE');
  });

  it('rejects an ordering operator with a non-number value at load time, with the line', () => {
    expect(() => treeHarness(check('<', 'fast'))).toThrow(TreeLoadError);
    expect(() => treeHarness(check('<', 'fast'))).toThrow(/inline\.yaml:3:5: op '<' compares numbers, but value is string "fast" on CheckBlackboard \(hint: use '==' or '!=' for strings and booleans\)/);
  });

  it('is allowed inside an AffectBranch (it only reads)', () => {
    const h = treeHarness("trees:\n  M:\n    AffectBranch:\n      child:\n        CheckBlackboard: { key: '{apology/count}', op: '<', value: 3 }\n");
    expect(h.runner.tick()).toBe('SUCCESS');
  });

  it('compareValues agrees with JavaScript on numbers and is undefined across types', () => {
    const ops: CompareOp[] = ['==', '!=', '<', '<=', '>', '>='];
    fc.assert(
      fc.property(fc.double({ noNaN: true }), fc.double({ noNaN: true }), fc.constantFrom(...ops), (a, b, op) => {
        const js = { '==': a === b, '!=': a !== b, '<': a < b, '<=': a <= b, '>': a > b, '>=': a >= b }[op];
        return compareValues(a, op, b) === js && compareValues(String(a), op, b) === undefined;
      }),
    );
  });
});

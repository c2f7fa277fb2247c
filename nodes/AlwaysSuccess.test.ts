// AlwaysSuccess / AlwaysFailure: fixed results, usable on both sides of the task-first rule.
import { describe, expect, it } from 'vitest';
import { treeHarness } from '../src/tree/index.ts';

describe('AlwaysSuccess / AlwaysFailure', () => {
  it('return their status every tick', () => {
    expect(treeHarness('trees:\n  M:\n    AlwaysSuccess\n').runner.tick()).toBe('SUCCESS');
    expect(treeHarness('trees:\n  M:\n    AlwaysFailure: {}\n').runner.tick()).toBe('FAILURE');
    const h = treeHarness('trees:\n  M:\n    Fallback:\n      children:\n        - AlwaysFailure\n        - AlwaysSuccess\n');
    expect(h.runner.tick()).toBe('SUCCESS');
  });

  it('are allowed inside an AffectBranch', () => {
    expect(treeHarness('trees:\n  M:\n    AffectBranch:\n      child: AlwaysFailure\n').runner.tick()).toBe('SUCCESS');
  });
});

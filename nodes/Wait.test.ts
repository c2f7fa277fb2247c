// Wait: RUNNING for durationMs, deadline reported, restarts after a halt.
import { describe, expect, it } from 'vitest';
import { treeHarness } from '../src/tree/index.ts';

describe('Wait', () => {
  it('runs for durationMs and reports its end as the next deadline', () => {
    const h = treeHarness('trees:\n  M:\n    Wait: { durationMs: 1500 }\n');
    expect(h.runner.tick()).toBe('RUNNING');
    expect(h.runner.nextDeadline()).toBe(h.clock.now() + 1500);
    expect(h.step(1499)).toBe('RUNNING');
    expect(h.step(1)).toBe('SUCCESS');
    expect(h.runner.nextDeadline()).toBeUndefined();
  });

  it('starts over after a halt', () => {
    const h = treeHarness('trees:\n  M:\n    Wait: { durationMs: 1000 }\n');
    h.runner.tick();
    h.clock.advance(900);
    h.runner.halt();
    expect(h.runner.tick()).toBe('RUNNING');
    expect(h.step(900)).toBe('RUNNING');
    expect(h.step(100)).toBe('SUCCESS');
  });
});

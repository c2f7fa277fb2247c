import { describe, it, expect } from 'vitest';
import { VirtualClock, SystemClock } from './clock.ts';

describe('clocks', () => {
  it('a virtual clock moves only when told and never backwards', () => {
    const c = new VirtualClock(100);
    expect(c.now()).toBe(100);
    c.advance(50);
    c.set(200);
    expect(c.now()).toBe(200);
    expect(() => c.set(199)).toThrow('VirtualClock.set: time cannot go backwards (now 200, asked 199)');
    expect(() => c.advance(-1)).toThrow('VirtualClock.advance: ms must be a finite number ≥ 0, got -1');
  });

  it('the system clock follows Date.now', () => {
    const before = Date.now();
    const t = new SystemClock().now();
    expect(t).toBeGreaterThanOrEqual(before);
    expect(t).toBeLessThanOrEqual(Date.now());
  });
});

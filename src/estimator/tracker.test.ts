// Unit tests of main-person tracking.
import { describe, it, expect } from 'vitest';
import { MainPersonTracker } from './tracker.ts';

const box = (x: number, w: number, score = 0.9) => ({ x, y: 0, width: w, height: w, score });

describe('MainPersonTracker', () => {
  it('starts with the largest confident face and keeps following it when a bigger one appears', () => {
    const tr = new MainPersonTracker();
    expect(tr.update([box(0, 50), box(200, 80)])).toEqual(box(200, 80));
    // the followed face moved a little; a larger face appears elsewhere
    expect(tr.update([box(400, 120), box(205, 80)])).toEqual(box(205, 80));
    expect(tr.switches).toBe(0);
  });

  it('switches (and counts it) when the followed face is gone for good', () => {
    const tr = new MainPersonTracker(0.2, 2);
    tr.update([box(0, 50)]);
    tr.update([]);
    tr.update([]);
    tr.update([]);
    expect(tr.update([box(300, 60)])).toEqual(box(300, 60));
    expect(tr.switches).toBe(0); // track was dropped after maxMissed: a fresh start
    expect(tr.update([box(600, 60)])).toEqual(box(600, 60));
    expect(tr.switches).toBe(1);
  });
});

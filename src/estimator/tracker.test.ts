// Unit and property tests of tracking the person at the handover.
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { MainPersonTracker } from './tracker.ts';

const box = (x: number, w: number, y = 0) => ({ x, y, width: w, height: w, score: 0.9 });

describe('MainPersonTracker', () => {
  it('starts with the largest face and keeps following it when a bigger one (but < 1.5×) appears', () => {
    const tr = new MainPersonTracker();
    const a = tr.update([box(0, 50), box(200, 80)], 0);
    expect(a.face).toEqual(box(200, 80));
    expect(a.newPerson).toBe(true);
    // the followed face moved a little; a face 1.4× its area appears elsewhere
    const b = tr.update([box(400, 95), box(205, 80)], 33);
    expect(b.face).toEqual(box(205, 80));
    expect(b.trackId).toBe(a.trackId);
    expect(b.newPerson).toBe(false);
    expect(tr.switches).toBe(0);
  });

  it('hands over to a face at least 1.5× larger (someone stepped up to the robot)', () => {
    const tr = new MainPersonTracker();
    const a = tr.update([box(0, 60)], 0);
    const b = tr.update([box(2, 60), box(300, 70)], 33); // 1.36× the area
    expect(b.trackId).toBe(a.trackId);
    const c = tr.update([box(4, 60), box(300, 80)], 66); // 1.78× the area
    expect(c.face).toEqual(box(300, 80));
    expect(c.newPerson).toBe(true);
    expect(tr.switches).toBe(1);
  });

  it('a brief disappearance keeps an established person (no other face takes over); a long one ends their track', () => {
    const tr = new MainPersonTracker({ maxMissedMs: 500, holdAfterMs: 200 });
    const a = tr.update([box(100, 80), box(400, 40)], 0);
    tr.update([box(101, 80), box(400, 40)], 250); // established
    // the person turns away for 300 ms; only the bystander is seen
    const gap = tr.update([box(400, 40)], 550);
    expect(gap.face).toBeNull();
    expect(gap.trackId).toBe(a.trackId);
    const back = tr.update([box(104, 80), box(400, 40)], 650);
    expect(back.trackId).toBe(a.trackId);
    expect(back.newPerson).toBe(false);
    // they leave; after 500 ms someone steps into the same place: a new person, not a continuation
    tr.update([box(400, 40)], 700);
    const next = tr.update([box(100, 80), box(400, 40)], 1200);
    expect(next.trackId).not.toBe(a.trackId);
    expect(next.newPerson).toBe(true);
    expect(tr.switches).toBe(1);
  });

  it('a face seen only fleetingly is not held: the next face in view takes over at once', () => {
    const tr = new MainPersonTracker({ holdAfterMs: 500 });
    const a = tr.update([box(100, 80)], 0);
    const b = tr.update([box(400, 60)], 100);
    expect(b.face).toEqual(box(400, 60));
    expect(b.trackId).not.toBe(a.trackId);
    expect(b.newPerson).toBe(true);
  });

  it('only faces centred in the region of interest can be the person at the handover', () => {
    const tr = new MainPersonTracker({ roi: { x: 0, y: 0, width: 320, height: 480 } });
    // the big face is outside the ROI (a passer-by close to the camera)
    const r = tr.update([box(400, 200), box(100, 60)], 0);
    expect(r.face).toEqual(box(100, 60));
    const none = new MainPersonTracker({ roi: { x: 0, y: 0, width: 100, height: 100 } }).update([box(400, 200)], 0);
    expect(none.face).toBeNull();
    expect(none.trackId).toBeNull();
    expect(() => new MainPersonTracker({ roi: { x: 0, y: 0, width: 0, height: 10 } })).toThrow(/roi width and height must be > 0, got 0×10/);
  });

  it('property: the main face is always one of this frame’s detections inside the ROI', () => {
    const arbBox = fc.record({ x: fc.integer({ min: -50, max: 600 }), y: fc.integer({ min: -50, max: 440 }), width: fc.integer({ min: 10, max: 300 }), height: fc.integer({ min: 10, max: 300 }), score: fc.double({ min: 0.5, max: 1, noNaN: true }) });
    fc.assert(
      fc.property(fc.array(fc.array(arbBox, { maxLength: 5 }), { minLength: 1, maxLength: 30 }), fc.integer({ min: 10, max: 200 }), (frames, dt) => {
        const roi = { x: 100, y: 50, width: 400, height: 300 };
        const tr = new MainPersonTracker({ roi });
        let t = 0;
        for (const faces of frames) {
          const r = tr.update(faces, (t += dt));
          if (r.face === null) continue;
          if (!faces.includes(r.face)) return false;
          const cx = r.face.x + r.face.width / 2;
          const cy = r.face.y + r.face.height / 2;
          if (cx < roi.x || cx > roi.x + roi.width || cy < roi.y || cy > roi.y + roi.height) return false;
        }
        return true;
      }),
    );
  });
});

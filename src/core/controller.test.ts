import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { clampSpeedScale, controllerView } from './controller.ts';

describe('clampSpeedScale', () => {
  it('clamps into the safe range and sends non-finite values to the slow end', () => {
    expect(clampSpeedScale(1.7, [0.3, 1])).toBe(1);
    expect(clampSpeedScale(0.1, [0.3, 1])).toBe(0.3);
    expect(clampSpeedScale(0.6, [0.3, 1])).toBe(0.6);
    expect(clampSpeedScale(NaN, [0.3, 1])).toBe(0.3);
    expect(clampSpeedScale(Infinity, [0.3, 1])).toBe(0.3);
  });

  it('property: the result is always inside the range', () => {
    fc.assert(
      fc.property(fc.double(), fc.double({ min: 0.01, max: 1, noNaN: true }), (s, lo) => {
        const r = clampSpeedScale(s, [lo, 1]);
        expect(r).toBeGreaterThanOrEqual(lo);
        expect(r).toBeLessThanOrEqual(1);
      }),
    );
  });
});

describe('controllerView', () => {
  it('reads state live from the wrapped controller and delegates every method it does not replace', async () => {
    const { InMemoryController } = await import('./in-memory-controller.ts');
    const { VirtualClock } = await import('./clock.ts');
    const real = new InMemoryController({ clock: new VirtualClock(0) });
    const said: string[] = [];
    const view = controllerView(real, {
      say: (p) => {
        said.push(p.text);
        return real.say(p);
      },
    });
    expect(view.setSpeedScale(0.5)).toBe(real.speedScale);
    expect(view.speedScale).toBe(real.speedScale);
    expect(view.speedRange).toEqual(real.speedRange);
    expect(view.available).toBe(real.available);
    const id = view.say({ text: 'sorry', kind: 'apology' });
    expect(said).toEqual(['sorry']);
    expect(view.actionState(id)).toEqual(real.actionState(id));
    const h = view.startHandover({ objectId: 'p', target: 'right_hand', speedScale: 1, approachWaitMs: 0, timeoutMs: 1000 });
    view.cancel(h);
    expect(real.cancelled).toEqual([h]);
  });
});

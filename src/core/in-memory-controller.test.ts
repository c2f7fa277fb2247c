// InMemoryController: scripted and manual outcomes, clamping, availability, records.
import { describe, expect, it } from 'vitest';
import { VirtualClock } from './clock.ts';
import { InMemoryController } from './in-memory-controller.ts';

const params = { objectId: 'cup', target: 'right_hand', speedScale: 1, approachWaitMs: 0, timeoutMs: 5000 };

describe('InMemoryController', () => {
  it('keeps actions RUNNING until resolved, then reports the outcome', () => {
    const clock = new VirtualClock(1000);
    const c = new InMemoryController({ clock });
    const id = c.startHandover(params);
    expect(c.actionState(id)).toMatchObject({ actionId: 'ho-1', actionType: 'handover', status: 'RUNNING' });
    c.resolve(id, 'drop');
    expect(c.actionState(id)).toMatchObject({ status: 'FAILED', failureKind: 'drop', updatedAt: 1000 });
    expect(() => c.resolve(id, 'success')).toThrow("InMemoryController.resolve: action 'ho-1' already ended (FAILED)");
    expect(() => c.resolve('x', 'success')).toThrow("unknown action 'x'");
    expect(c.actionState('nope')).toBeUndefined();
  });

  it('applies scripted outcomes at their clock time', () => {
    const clock = new VirtualClock(0);
    const c = new InMemoryController({ clock, script: [{ afterMs: 100, outcome: 'success' }] });
    const id = c.startHandover(params);
    clock.advance(99);
    expect(c.actionState(id)!.status).toBe('RUNNING');
    clock.advance(1);
    expect(c.actionState(id)!.status).toBe('FINISHED');
    c.scriptNext({ afterMs: 5, outcome: 'timeout' });
    const id2 = c.startHandover(params);
    clock.advance(5);
    expect(c.actionState(id2)).toMatchObject({ status: 'FAILED', failureKind: 'timeout' });
  });

  it('clamps speeds into the safe range and records commands, utterances and cancels', () => {
    const clock = new VirtualClock(0);
    const c = new InMemoryController({ clock, speedRange: [0.3, 0.9] });
    expect(c.setSpeedScale(0.1)).toBe(0.3);
    expect(c.setSpeedScale(Number.NaN)).toBe(0.3);
    const id = c.startHandover({ ...params, speedScale: 2 });
    expect(c.handovers[0]!.params.speedScale).toBe(0.9);
    c.cancel(id);
    c.cancel(id);
    expect(c.cancelled).toEqual([id]);
    const s = c.say({ text: 'Sorry', kind: 'apology' });
    expect(c.actionState(s)!.status).toBe('FINISHED');
    expect(c.utterances[0]!.params.text).toBe('Sorry');
  });

  it('refuses handovers while unavailable and rejects a bad speed range', () => {
    const clock = new VirtualClock(0);
    const c = new InMemoryController({ clock });
    c.available = false;
    expect(() => c.startHandover(params)).toThrow('InMemoryController: unavailable (controller lost)');
    expect(() => new InMemoryController({ clock, speedRange: [0, 1] })).toThrow('speedRange must satisfy 0 < min ≤ max ≤ 1, got [0, 1]');
  });
});

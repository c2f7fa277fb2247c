import { describe, it, expect } from 'vitest';
import { VirtualClock } from '../core/clock.ts';
import { InMemoryController } from '../core/in-memory-controller.ts';
import { ObservedController } from './observed-controller.ts';

const HANDOVER = { objectId: 'part-7', target: 'right_hand', speedScale: 1, approachWaitMs: 0, timeoutMs: 8000 };

describe('ObservedController', () => {
  it('counts actions by type and outcome, once each, and passes everything through', () => {
    const clock = new VirtualClock(1000);
    const inner = new InMemoryController({ clock, speedRange: [0.3, 1] });
    const counts: string[] = [];
    const ctl = new ObservedController(inner, (type, outcome) => counts.push(`${type}:${outcome}`));
    const a = ctl.startHandover(HANDOVER);
    const b = ctl.startHandover(HANDOVER);
    const s = ctl.say({ text: 'Sorry', kind: 'apology', failureKind: 'drop', tone: 'empathic' });
    expect(ctl.setSpeedScale(0.1)).toBe(0.3);
    expect(ctl.speedScale).toBe(0.3);
    expect(ctl.speedRange).toEqual([0.3, 1]);
    expect(ctl.available).toBe(true);
    ctl.poll();
    inner.resolve(a, 'success');
    inner.resolve(b, 'drop');
    ctl.poll();
    ctl.poll();
    expect(ctl.actionState(a)?.status).toBe('FINISHED');
    expect(counts.sort()).toEqual(['apology:finished', 'apology:sent', 'handover:failed', 'handover:finished', 'handover:sent', 'handover:sent', 'setSpeedScale:sent'].sort());
    expect(ctl.pendingCount).toBe(0);
    void s;
  });

  it('counts a cancelled handover as cancelled', () => {
    const clock = new VirtualClock(0);
    const inner = new InMemoryController({ clock });
    const counts: string[] = [];
    const ctl = new ObservedController(inner, (type, outcome) => counts.push(`${type}:${outcome}`));
    const id = ctl.startHandover(HANDOVER);
    ctl.cancel(id);
    ctl.poll();
    expect(counts).toEqual(['handover:sent', 'handover:cancelled']);
  });
});

import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../core/clock.ts';
import { SafeStateMonitor } from './safe-state.ts';

describe('SafeStateMonitor', () => {
  it('is safe until a state arrives, then available until the state goes silent', () => {
    const clock = new VirtualClock(1000);
    const m = new SafeStateMonitor({ clock, stateTimeoutMs: 3000 });
    expect(m.reason()).toBe('no controller state received yet');
    m.stateSeen();
    expect(m.reason()).toBeUndefined();
    clock.advance(3000);
    expect(m.reason()).toBeUndefined();
    clock.advance(1);
    expect(m.reason()).toBe('controller state silent for 3001 ms (stateTimeoutMs 3000)');
  });

  it('goes safe on CONNECTION_BROKEN/OFFLINE and needs ONLINE plus a new state to resume', () => {
    const clock = new VirtualClock(0);
    const m = new SafeStateMonitor({ clock, stateTimeoutMs: 3000 });
    m.stateSeen();
    m.connection('CONNECTION_BROKEN');
    expect(m.reason()).toBe('controller connection is CONNECTION_BROKEN');
    m.connection('ONLINE');
    expect(m.reason()).toBe('no controller state received yet');
    m.stateSeen();
    expect(m.reason()).toBeUndefined();
    m.connection('OFFLINE');
    expect(m.reason()).toBe('controller connection is OFFLINE');
  });

  it('goes safe while the broker link is down and needs a state received after it is back', () => {
    const clock = new VirtualClock(0);
    const m = new SafeStateMonitor({ clock, stateTimeoutMs: 3000, ownSession: 's1' });
    m.connection('ONLINE');
    m.stateSeen('s1');
    expect(m.reason()).toBeUndefined();
    m.brokerLink(false);
    expect(m.reason()).toBe('broker connection lost');
    m.stateSeen('s1'); // a late delivery on the dying link changes nothing while it is down
    expect(m.reason()).toBe('broker connection lost');
    m.brokerLink(true);
    expect(m.reason()).toBe('no controller state received yet');
    m.stateSeen(undefined); // the controller is back but in its own safe stop: not obeying yet
    expect(m.reason()).toBe('controller has not accepted planner session s1 yet');
    m.stateSeen('s1');
    expect(m.reason()).toBeUndefined();
  });

  it('rejects a non-positive timeout with the value', () => {
    expect(() => new SafeStateMonitor({ clock: new VirtualClock(), stateTimeoutMs: 0 })).toThrow('stateTimeoutMs must be > 0, got 0');
  });
});

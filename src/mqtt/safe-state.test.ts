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

  it('rejects a non-positive timeout with the value', () => {
    expect(() => new SafeStateMonitor({ clock: new VirtualClock(), stateTimeoutMs: 0 })).toThrow('stateTimeoutMs must be > 0, got 0');
  });
});

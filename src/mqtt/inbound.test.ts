import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../core/clock.ts';
import { HeaderFactory, newSession } from '../contract/header.ts';
import { InboundGuard, MAX_SESSIONS_PER_TOPIC } from './inbound.ts';
import { silentLogger } from './rejections.ts';

const robot = { manufacturer: 'acme', serialNumber: 'c1' };
const T0 = Date.UTC(2026, 10, 29, 10, 0, 0);

function setup() {
  const clock = new VirtualClock(T0);
  const guard = new InboundGuard({ robot, clock, inbound: ['instantActions', 'connection/planner'], logger: silentLogger, maxClockSkewMs: 2000 });
  const session = newSession(T0);
  const h = new HeaderFactory(robot, session.sessionId);
  const cmd = (at: number, sessionId = session.sessionId) =>
    JSON.stringify({ ...h.next('instantActions', at), sessionId, actions: [{ actionId: `a${at}`, actionType: 'cancel', actionParameters: { targetActionId: 'x' } }] });
  return { clock, guard, session, cmd };
}

describe('InboundGuard', () => {
  it('obeys only the declared session on a sessionFrom topic', () => {
    const { guard, session, cmd } = setup();
    expect(guard.check(guard.topics.instantActions, cmd(T0))).toMatchObject({ ok: false, reason: 'session', detail: `session ${session.sessionId} is not obeyed: no session announced ONLINE on connection/planner` });
    guard.setSession('connection/planner', session.sessionId);
    expect(guard.check(guard.topics.instantActions, cmd(T0 + 1)).ok).toBe(true);
    expect(guard.check(guard.topics.instantActions, cmd(T0 + 2, 'other'))).toMatchObject({ ok: false, reason: 'session' });
  });

  it('refuses retained copies, far-future and too-old headers with the values in the detail', () => {
    const { guard, session, cmd } = setup();
    guard.setSession('connection/planner', session.sessionId);
    expect(guard.check(guard.topics.instantActions, cmd(T0), true)).toMatchObject({ ok: false, reason: 'retained' });
    expect(guard.check(guard.topics.instantActions, cmd(T0 + 2001))).toMatchObject({ ok: false, reason: 'clock_skew', detail: expect.stringContaining('is 2001 ms in the future (max skew 2000 ms)') });
    expect(guard.check(guard.topics.instantActions, cmd(T0 - 32_001))).toMatchObject({ ok: false, reason: 'stale', detail: expect.stringContaining('is 32001 ms old (max 30000 ms + 2000 ms skew for instantActions)') });
    expect(guard.check(guard.topics.instantActions, cmd(T0 - 31_999)).ok).toBe(true);
    expect(guard.rejections.counts).toMatchObject({ retained: 1, clock_skew: 1, stale: 1 });
  });

  it('keeps at most MAX_SESSIONS_PER_TOPIC ordering slots, whatever the number of sender sessions', () => {
    const { guard, clock } = setup();
    for (let i = 0; i < 500; i++) {
      const s = newSession(clock.now());
      const m = JSON.stringify({ ...new HeaderFactory(robot, s.sessionId).next('connection/planner', clock.now()), sessionId: s.sessionId, sessionStartedAt: new Date(s.startedAt).toISOString(), connectionState: 'OFFLINE' });
      expect(guard.check(guard.topics['connection/planner'], m).ok).toBe(true);
    }
    expect((guard as unknown as { order: Map<string, Map<string, unknown>> }).order.get('connection/planner')!.size).toBe(MAX_SESSIONS_PER_TOPIC);
  });
});

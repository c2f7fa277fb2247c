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

  it("accepts the broker's retained copy of the last accepted message again (a resubscribe), but no live duplicate or older copy", () => {
    const { guard, session, clock } = setup();
    const h = new HeaderFactory(robot, session.sessionId);
    const conn = (state: string) => JSON.stringify({ ...h.next('connection/planner', clock.now()), sessionId: session.sessionId, sessionStartedAt: new Date(session.startedAt).toISOString(), connectionState: state });
    const older = conn('ONLINE');
    clock.advance(10);
    const online = conn('ONLINE');
    const topic = guard.topics['connection/planner'];
    expect(guard.check(topic, online, true).ok).toBe(true); // first subscription: the retained copy
    expect(guard.check(topic, online, true).ok).toBe(true); // after a reconnect: the same retained copy again
    expect(guard.check(topic, online)).toMatchObject({ ok: false, reason: 'duplicate' }); // a live copy of it: a replay
    expect(guard.check(topic, older, true)).toMatchObject({ ok: false, reason: 'out_of_order' }); // an older one, even retained
    expect(guard.rejections.counts).toMatchObject({ duplicate: 1, out_of_order: 1 });
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

  it('drops messages beyond the per-second budget before reading them, and takes them again the next second', () => {
    const clock = new VirtualClock(T0);
    const guard = new InboundGuard({ robot, clock, inbound: ['affect'], logger: silentLogger, maxPerSecond: { affect: 3 } });
    const h = new HeaderFactory(robot, 'est');
    const msg = () => JSON.stringify({ ...h.next('affect', clock.now()), estimates: [{ humanId: 'h1', expression: 'neutral', valence: 0, arousal: 0, confidence: 0.5, frustration: 0, source: 'local', maxAgeMs: 1000, observedAt: new Date(clock.now()).toISOString() }] });
    const results = Array.from({ length: 5 }, () => guard.check(guard.topics.affect, msg()).ok);
    expect(results).toEqual([true, true, true, false, false]);
    expect(guard.check(guard.topics.affect, '{not even json')).toMatchObject({ ok: false, reason: 'rate_limited' }); // unread
    clock.advance(1000);
    expect(guard.check(guard.topics.affect, msg()).ok).toBe(true);
    expect(guard.rejections.counts.rate_limited).toBe(3);
  });
});

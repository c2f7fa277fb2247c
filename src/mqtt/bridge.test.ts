import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Blackboard } from '../core/blackboard.ts';
import { VirtualClock } from '../core/clock.ts';
import { HeaderFactory, newSession } from '../contract/header.ts';
import { MqttBridge, CONTROLLER_CONNECTION_KEY, CONTROLLER_STATE_KEY } from './bridge.ts';
import type { MqttLogger } from './rejections.ts';

const robot = { manufacturer: 'acme', serialNumber: 'c1' };
const T0 = Date.UTC(2026, 10, 21, 10, 0, 0);

function setup(opts: { maxPayloadBytes?: number } = {}) {
  const clock = new VirtualClock(T0);
  const bb = new Blackboard({ clock });
  const logs: Array<{ obj: Record<string, unknown>; msg: string }> = [];
  const logger: MqttLogger = { warn: (obj, msg) => logs.push({ obj: obj as Record<string, unknown>, msg }) };
  const bridge = new MqttBridge({ robot, blackboard: bb, clock, logger, logIntervalMs: 1000, ...opts });
  const headers = new HeaderFactory(robot);
  const est = (over: Record<string, unknown> = {}) => ({ humanId: 'h1', expression: 'frustrated', valence: -0.5, arousal: 0.4, confidence: 0.8, frustration: 0.7, source: 'local', maxAgeMs: 1500, observedAt: new Date(clock.now() - 20).toISOString(), ...over });
  const affect = (estimates: object[] = [est()]) => JSON.stringify({ ...headers.next('affect', clock.now()), estimates });
  return { clock, bb, logs, bridge, headers, est, affect, topics: bridge.topics };
}

/** A controller sender: its session, connection and state payloads. */
function controllerSession(startedAt: number) {
  const session = newSession(startedAt);
  const h = new HeaderFactory(robot, session.sessionId);
  return {
    session,
    conn: (connectionState: string, at: number) => JSON.stringify({ ...h.next('connection/controller', at), sessionId: session.sessionId, sessionStartedAt: new Date(startedAt).toISOString(), connectionState }),
    state: (at: number, headerId?: number) =>
      JSON.stringify({ ...h.next('state', at), ...(headerId === undefined ? {} : { headerId }), actionStates: [{ actionId: 'a1', actionType: 'handover', actionStatus: 'RUNNING' }], speedScale: 0.5, safeState: false, errors: [] }),
  };
}

describe('MqttBridge.handle', () => {
  it('writes a valid estimate at affect/<humanId> with its observation time, maxAgeMs and source', () => {
    const { bridge, bb, affect, topics, clock } = setup();
    expect(bridge.handle(topics.affect, affect())).toBe(true);
    const e = bb.entry('affect/h1')!;
    expect(e).toMatchObject({ timestamp: clock.now() - 20, maxAgeMs: 1500, source: 'mqtt:local' });
    expect((e.value as { frustration: number }).frustration).toBe(0.7);
    clock.advance(1500);
    expect(bb.get('affect/h1')).toBeUndefined(); // stale is unknown
    expect(bridge.counters.accepted.affect).toBe(1);
  });

  it('rejects each kind of bad input under its reason and keeps the last good value', () => {
    const { bridge, bb, affect, topics, headers, est, clock, logs } = setup({ maxPayloadBytes: 4096 });
    bridge.handle(topics.affect, affect());
    const before = bb.writeCount;
    const cases: Array<[string, string | Uint8Array, string]> = [
      [topics.affect, '{"headerId":', 'bad_json'],
      [topics.affect, new Uint8Array([0xff, 0xfe, 0x00]), 'bad_json'],
      [topics.affect, 'x'.repeat(5000), 'too_large'],
      [topics.affect, JSON.stringify({ ...headers.next('affect', clock.now()), estimates: [est({ valence: 7 })] }), 'out_of_range'],
      [topics.affect, JSON.stringify({ ...headers.next('affect', clock.now()), estimates: [est({ humanId: 5 })] }), 'schema'],
      [topics.affect, 'null', 'schema'],
      ['affectbt/v1/acme/c2/affect', affect(), 'wrong_topic'],
      [topics.instantActions, affect(), 'wrong_topic'],
      [topics.affect, JSON.stringify({ ...headers.next('affect', clock.now()), serialNumber: 'c2', estimates: [est()] }), 'wrong_topic'],
      [topics.affect, JSON.stringify({ ...headers.next('affect', clock.now()), version: '2.0.0', estimates: [est()] }), 'version'],
      [topics.affect, affect([est({ observedAt: new Date(clock.now() - 5000).toISOString() })]), 'stale'],
      [topics.affect, affect([est({ observedAt: new Date(clock.now() + 60_000).toISOString() })]), 'clock_skew'],
    ];
    for (const [topic, payload, reason] of cases) {
      const n = bridge.counters.rejected[reason as 'schema'];
      expect(bridge.handle(topic, payload), reason).toBe(false);
      expect(bridge.counters.rejected[reason as 'schema'], reason).toBe(n + 1);
    }
    expect(bb.writeCount).toBe(before);
    expect(bridge.rejectedTotal).toBe(cases.length);
    expect(logs.find((l) => l.obj['reason'] === 'too_large')).toMatchObject({ msg: 'mqtt payload rejected', obj: { topic: topics.affect, detail: 'payload of 5000 bytes exceeds maxPayloadBytes 4096' } });
  });

  it('keeps the newest by headerId: duplicates and older messages are ignored, a restarted sender is accepted', () => {
    const { bridge, bb, topics, est, clock } = setup();
    const msg = (headerId: number, at: number, frustration: number) => JSON.stringify({ headerId, timestamp: new Date(at).toISOString(), version: '1.0.0', ...robot, estimates: [est({ frustration, observedAt: new Date(at).toISOString() })] });
    const first = msg(10, clock.now(), 0.1);
    expect(bridge.handle(topics.affect, first)).toBe(true);
    expect(bridge.handle(topics.affect, first)).toBe(false);
    expect(bridge.counters.rejected.duplicate).toBe(1);
    expect(bridge.handle(topics.affect, msg(9, clock.now() - 5, 0.9))).toBe(false);
    expect(bridge.counters.rejected.out_of_order).toBe(1);
    clock.advance(100);
    expect(bridge.handle(topics.affect, msg(0, clock.now(), 0.5))).toBe(true); // sender restarted: headerId 0, newer time
    expect(bb.get<{ frustration: number }>('affect/h1')!.frustration).toBe(0.5);
  });

  it('accepts a CONNECTION_BROKEN last will although its header is older than the ONLINE that followed', () => {
    const { bridge, bb, topics, clock } = setup();
    const c = controllerSession(T0);
    const will = c.conn('CONNECTION_BROKEN', clock.now());
    clock.advance(10);
    expect(bridge.handle(topics['connection/controller'], c.conn('ONLINE', clock.now()))).toBe(true);
    clock.advance(10_000);
    expect(bridge.handle(topics['connection/controller'], will)).toBe(true);
    expect(bb.get(CONTROLLER_CONNECTION_KEY)).toBe('CONNECTION_BROKEN');
    // an old ONLINE of the same session is still out of order
    expect(bridge.handle(topics['connection/controller'], JSON.stringify({ ...JSON.parse(c.conn('ONLINE', T0 - 1)), headerId: 0 }))).toBe(false);
    expect(bridge.counters.rejected.out_of_order).toBe(1);
  });

  it('follows the newest controller session: its state only, and a late will of the old session is ignored', () => {
    const { bridge, bb, topics, clock } = setup();
    const old = controllerSession(T0 - 60_000);
    const fresh = controllerSession(T0);
    const oldWill = old.conn('CONNECTION_BROKEN', T0 - 60_000);
    expect(bridge.handle(topics['connection/controller'], old.conn('ONLINE', clock.now()))).toBe(true);
    expect(bridge.handle(topics.state, old.state(clock.now()))).toBe(true);
    expect(bridge.handle(topics['connection/controller'], fresh.conn('ONLINE', clock.now()))).toBe(true);
    expect(bridge.controllerSession).toBe(fresh.session.sessionId);
    // the restarted controller is ONLINE; the old process's will arrives late: ignored
    expect(bridge.handle(topics['connection/controller'], oldWill)).toBe(false);
    expect(bb.get(CONTROLLER_CONNECTION_KEY)).toBe('ONLINE');
    expect(bridge.handle(topics.state, old.state(clock.now()))).toBe(false);
    expect(bridge.counters.rejected.session).toBe(2);
    expect(bridge.handle(topics.state, fresh.state(clock.now()))).toBe(true);
    // an ONLINE of an older session cannot take over again
    expect(bridge.handle(topics['connection/controller'], old.conn('ONLINE', clock.now()))).toBe(false);
    expect(bridge.counters.rejected.session).toBe(3);
  });

  it('rejects future-dated and ancient headers on every topic, and they do not block genuine messages', () => {
    const { bridge, bb, topics, clock, est } = setup();
    const c = controllerSession(T0);
    expect(bridge.handle(topics['connection/controller'], c.conn('ONLINE', clock.now()))).toBe(true);
    const affectAt = (at: number, headerId: number, frustration: number) => JSON.stringify({ ...new HeaderFactory(robot, 'est-1').next('affect', at), headerId, estimates: [est({ frustration, observedAt: new Date(clock.now() - 10).toISOString() })] });
    const cases: Array<[string, string, 'clock_skew' | 'stale']> = [
      [topics.affect, affectAt(Date.UTC(9999, 0, 1), 2 ** 53 - 1, 0.9), 'clock_skew'],
      [topics.state, c.state(clock.now() + 3_600_000, 2 ** 53 - 1), 'clock_skew'],
      [topics['connection/controller'], JSON.stringify({ ...JSON.parse(c.conn('OFFLINE', Date.UTC(9999, 0, 1))), headerId: 2 ** 53 - 1 }), 'clock_skew'],
      [topics.state, c.state(0), 'stale'],
      [topics.affect, affectAt(0, 5, 0.9), 'stale'],
    ];
    for (const [topic, payload, reason] of cases) {
      const n = bridge.counters.rejected[reason];
      expect(bridge.handle(topic, payload), `${reason} on ${topic}`).toBe(false);
      expect(bridge.counters.rejected[reason]).toBe(n + 1);
    }
    // genuine traffic keeps flowing
    expect(bridge.handle(topics.affect, affectAt(clock.now(), 0, 0.2))).toBe(true);
    expect(bridge.handle(topics.state, c.state(clock.now()))).toBe(true);
    expect(bb.get(CONTROLLER_CONNECTION_KEY)).toBe('ONLINE');
    expect(bb.get<{ frustration: number }>('affect/h1')!.frustration).toBe(0.2);
  });

  it('refuses a retained copy of a topic the contract never retains', () => {
    const { bridge, topics, affect } = setup();
    expect(bridge.handle(topics.affect, affect(), true)).toBe(false);
    expect(bridge.counters.rejected.retained).toBe(1);
    expect(bridge.handle(topics.affect, affect(), false)).toBe(true);
  });

  it('logs once per reason per interval and reports how many were suppressed', () => {
    const { bridge, topics, logs, clock } = setup();
    for (let i = 0; i < 50; i++) bridge.handle(topics.affect, '{');
    expect(logs.filter((l) => l.obj['reason'] === 'bad_json')).toHaveLength(1);
    clock.advance(1000);
    bridge.handle(topics.affect, '{');
    const lines = logs.filter((l) => l.obj['reason'] === 'bad_json');
    expect(lines).toHaveLength(2);
    expect(lines[1]!.obj['suppressed']).toBe(49);
    expect(bridge.counters.rejected.bad_json).toBe(51);
  });

  it('stores controller state and connection and notifies listeners', () => {
    const { bridge, bb, topics, clock } = setup();
    const c = controllerSession(T0);
    const states: number[] = [];
    const conns: string[] = [];
    bridge.onState((m) => states.push(m.headerId));
    bridge.onConnection((m) => conns.push(m.connectionState));
    expect(bridge.handle(topics.state, c.state(clock.now()))).toBe(false); // no controller session announced yet
    expect(bridge.counters.rejected.session).toBe(1);
    expect(bridge.handle(topics['connection/controller'], c.conn('ONLINE', clock.now()))).toBe(true);
    expect(bridge.handle(topics.state, c.state(clock.now()))).toBe(true);
    expect(bridge.handle(topics['connection/controller'], c.conn('CONNECTION_BROKEN', clock.now()))).toBe(true);
    expect(states).toEqual([1]);
    expect(conns).toEqual(['ONLINE', 'CONNECTION_BROKEN']);
    expect(bb.get(CONTROLLER_CONNECTION_KEY)).toBe('CONNECTION_BROKEN');
    expect(bb.get<{ speedScale: number }>(CONTROLLER_STATE_KEY)!.speedScale).toBe(0.5);
  });

  it('never throws and never writes for arbitrary payloads (property)', () => {
    const { bridge, bb, topics } = setup();
    const topicArb = fc.constantFrom(topics.affect, topics.state, topics['connection/controller'], 'affectbt/v1/acme/c1/nope', '#');
    const payloadArb = fc.oneof(
      fc.string(),
      fc.uint8Array({ maxLength: 512 }),
      fc.json().map((j) => j),
      fc.anything().map((v) => {
        try {
          return JSON.stringify(v) ?? 'undefined';
        } catch {
          return '{';
        }
      }),
    );
    fc.assert(
      fc.property(topicArb, payloadArb, (topic, payload) => {
        const before = bridge.rejectedTotal;
        expect(bridge.handle(topic, payload)).toBe(false);
        expect(bridge.rejectedTotal).toBe(before + 1);
      }),
      { numRuns: 2000 },
    );
    expect(bb.writeCount).toBe(0);
  });
});

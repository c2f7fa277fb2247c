// Fuzz: ≥10,000 random and malformed payloads on every topic the planner subscribes
// to, published over a real broker. The planner must not crash, the blackboard must
// not change, and every payload must be counted under a rejection reason.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { MqttClient } from 'mqtt';
import { Blackboard } from '../src/core/blackboard.ts';
import { SystemClock } from '../src/core/clock.ts';
import { HeaderFactory, REJECT_REASONS, validateMessage, type RobotId, type TopicName } from '../src/contract/index.ts';
import { connectMqtt, connectPlanner, robotTopics, silentLogger, type MqttLogger, type PlannerLink } from '../src/mqtt/index.ts';
import { startControllerSim, type ControllerSim } from '../src/controller-sim/index.ts';
import { testBrokers, uniqueRobot, waitFor, type TestBroker } from './support/broker.ts';

const PER_TOPIC = 10_000;
const cases = await testBrokers();

type Inbound = 'affect' | 'state' | 'connection/controller';

function validMessage(topic: Inbound, headers: HeaderFactory): Record<string, unknown> {
  const h = headers.next(topic, Date.now());
  if (topic === 'affect') {
    return { ...h, estimates: [{ humanId: 'h1', expression: 'focused', valence: 0.1, arousal: 0.1, confidence: 0.9, frustration: 0.1, source: 'local', maxAgeMs: 600000, observedAt: new Date().toISOString() }] };
  }
  if (topic === 'state') return { ...h, actionStates: [{ actionId: 'a1', actionType: 'say', actionStatus: 'FINISHED' }], speedScale: 0.5, safeState: false, errors: [] };
  return { ...h, sessionId: headers.sessionId!, sessionStartedAt: new Date().toISOString(), connectionState: 'ONLINE' };
}

/** Values that are wrong for every leaf field of the contract (wrong type, empty, too long or out of range). */
const badValue = fc.constantFrom<unknown>(null, -1e9, 1e300, '', 'x'.repeat(700), [], {});

/** A deterministic list of payloads that are all invalid for `topic` (given the valid message already accepted). */
function fuzzPayloads(topic: string, valid: () => Record<string, unknown>, accepted: Record<string, unknown> | undefined, robot: RobotId): Array<string | Buffer> {
  const setDeep = (o: Record<string, unknown>, path: string[], v: unknown) => {
    let cur: Record<string, unknown> = o;
    for (const p of path.slice(0, -1)) cur = cur[p] as Record<string, unknown>;
    cur[path.at(-1)!] = v;
    return o;
  };
  const leafPaths = (o: unknown, prefix: string[] = []): string[][] => {
    if (o === null || typeof o !== 'object') return [prefix];
    return Object.entries(o as Record<string, unknown>).flatMap(([k, v]) => leafPaths(v, [...prefix, k]));
  };
  const paths = leafPaths(valid()).filter((p) => !(topic === 'state' && p[0] === 'errors'));
  const arb = fc.oneof(
    fc.string({ maxLength: 200 }).map((s) => s),
    fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)),
    fc.anything().map((v) => {
      try {
        return JSON.stringify(v) ?? '"undefined"';
      } catch {
        return '{';
      }
    }),
    // a valid message with one leaf replaced by a wrong value
    fc.tuple(fc.constantFrom(...paths), badValue).map(([p, v]) => {
      const m = valid();
      return JSON.stringify(setDeep(m, p, v));
    }),
    // a valid message with a required field removed (optional ones, e.g. sessionId on affect, are skipped)
    fc.constantFrom(...Object.keys(valid()).filter((k) => !validateMessage(topic as TopicName, (({ [k]: _, ...rest }) => rest)(valid())).ok)).map((k) => {
      const m = valid();
      delete m[k];
      return JSON.stringify(m);
    }),
    // an unknown extra field
    fc.string({ minLength: 1, maxLength: 10 }).map((k) => JSON.stringify({ ...valid(), [`x_${k}`]: 1 })),
    // truncated JSON
    fc.nat().map((n) => {
      const s = JSON.stringify(valid());
      return s.slice(0, n % (s.length - 1));
    }),
    // the accepted message again (duplicate) or an older one (receivers that order by header)
    ...(accepted ? [fc.constant(JSON.stringify(accepted)), fc.constant(JSON.stringify({ ...accepted, headerId: 0, timestamp: '2020-01-01T00:00:00.000Z' }))] : []),
    // someone else's robot in the header, a future major version
    fc.constant(JSON.stringify({ ...valid(), serialNumber: robot.serialNumber + 'x' })),
    fc.constant(JSON.stringify({ ...valid(), version: '9.0.0' })),
    // huge
    fc.constant(JSON.stringify({ ...valid(), pad: 'y'.repeat(70_000) })),
  );
  return fc.sample(arb, { numRuns: PER_TOPIC, seed: 20261121 + topic.length });
}

describe.each(cases)('fuzzing the planner over $name', ({ start }) => {
  let broker: TestBroker;
  let link: PlannerLink;
  let pub: MqttClient;
  let bb: Blackboard;
  let robot: RobotId;
  const logged: string[] = [];

  beforeAll(async () => {
    broker = await start();
    robot = uniqueRobot('fuzz');
    bb = new Blackboard({ clock: new SystemClock() });
    const logger: MqttLogger = { warn: (o) => logged.push((o as { reason: string }).reason) };
    // no affect budget here: this is about validation, not flood protection (see inbound.test.ts)
    link = await connectPlanner({ mqtt: { url: broker.url }, robot, blackboard: bb, logger, bridge: { maxAffectPerSecond: 1e9 }, controller: { checkIntervalMs: 0 } });
    pub = await connectMqtt({ url: broker.url });
    await waitFor(() => link.bridge.counters.accepted.connection >= 1, 5000, 'the planner hears its own ONLINE'); // so counts below are only the fuzz
  });

  afterAll(async () => {
    await link.close();
    await pub.endAsync();
    await broker.stop();
  });

  it(`rejects ${PER_TOPIC} bad payloads on each subscribed topic without touching the blackboard`, { timeout: 120_000 }, async () => {
    const headers = new HeaderFactory(robot, 'fuzz-controller-session');
    const topics = link.bridge.topics;
    // connection first: state is accepted only from the controller session announced ONLINE
    for (const name of ['affect', 'connection/controller', 'state'] as const) {
      // one good message first, so duplicates/out-of-order have something to collide with
      const good = validMessage(name, headers);
      const received0 = link.bridge.counters.received;
      pub.publish(topics[name], JSON.stringify(good));
      await waitFor(() => link.bridge.counters.received === received0 + 1, 5000, `good ${name} message`);
      const payloads = fuzzPayloads(name, () => validMessage(name, headers), good, robot);
      const writes = bb.writeCount;
      const rejected0 = link.bridge.rejectedTotal;
      const accepted0 = { ...link.bridge.counters.accepted };
      const base = link.bridge.counters.received;
      for (let i = 0; i < payloads.length; i += 500) {
        for (const p of payloads.slice(i, i + 500)) pub.publish(topics[name], p);
        const want = base + Math.min(payloads.length, i + 500);
        await waitFor(() => link.bridge.counters.received >= want, 20_000, `${want - base} fuzz payloads on ${name}`, 2);
      }
      expect(link.bridge.counters.received - base).toBe(PER_TOPIC);
      expect(link.bridge.rejectedTotal - rejected0).toBe(PER_TOPIC);
      expect(link.bridge.counters.accepted).toEqual(accepted0);
      expect(bb.writeCount).toBe(writes);
    }
    const rejected = link.bridge.counters.rejected;
    expect(Object.keys(rejected).sort()).toEqual([...REJECT_REASONS].sort());
    expect(rejected.rate_limited).toBe(0);
    for (const r of ['bad_json', 'schema', 'out_of_range', 'too_large', 'wrong_topic', 'version', 'duplicate', 'out_of_order'] as const) expect(rejected[r], r).toBeGreaterThan(0);
    // logged once per reason per interval, not once per payload
    expect(logged.length).toBeLessThanOrEqual(REJECT_REASONS.length * 2);
    expect(bb.get<{ frustration: number }>('affect/h1')!.frustration).toBe(0.1);
    expect(link.connected).toBe(true);
  });
});

describe.each(cases)('fuzzing the reference controller over $name', ({ start }) => {
  let broker: TestBroker;
  let sim: ControllerSim;
  let pub: MqttClient;
  let robot: RobotId;

  beforeAll(async () => {
    broker = await start();
    robot = uniqueRobot('fuzzctl');
    sim = await startControllerSim({ mqtt: { url: broker.url }, robot, logger: silentLogger });
    pub = await connectMqtt({ url: broker.url });
  });

  afterAll(async () => {
    await sim.stop();
    await pub.endAsync();
    await broker.stop();
  });

  it(`rejects ${PER_TOPIC} bad payloads on instantActions and connection/planner without executing anything`, { timeout: 120_000 }, async () => {
    const headers = new HeaderFactory(robot, 'fuzz-planner-session');
    const topics = robotTopics(robot);
    let n = 0;
    const valid = {
      instantActions: () => ({ ...headers.next('instantActions', Date.now()), actions: [{ actionId: `fz-${n++}`, actionType: 'say', actionParameters: { text: 'hello', kind: 'info' } }] }),
      'connection/planner': () => ({ ...headers.next('connection/planner', Date.now()), sessionStartedAt: new Date().toISOString(), connectionState: 'ONLINE' }),
    };
    for (const name of ['instantActions', 'connection/planner'] as const) {
      const payloads = fuzzPayloads(name, valid[name], undefined, robot);
      const base = sim.counters.messages;
      const invalid0 = sim.counters.invalid;
      for (let i = 0; i < payloads.length; i += 500) {
        for (const p of payloads.slice(i, i + 500)) pub.publish(topics[name], p, { qos: name === 'instantActions' ? 1 : 0 });
        const want = base + Math.min(payloads.length, i + 500);
        await waitFor(() => sim.counters.messages >= want, 20_000, `${want - base} fuzz payloads on ${name}`, 2);
      }
      expect(sim.counters.messages - base).toBe(PER_TOPIC);
      expect(sim.counters.invalid - invalid0).toBe(PER_TOPIC);
    }
    expect(sim.counters.executed).toBe(0);
    expect(sim.safeState).toBe(true); // started safe; no garbage gets it out
    expect(sim.plannerSessionId).toBeUndefined();
    const r = sim.rejected;
    expect(Object.values(r).reduce((a, b) => a + b, 0)).toBe(2 * PER_TOPIC);
    expect(r.bad_json + r.schema + r.out_of_range + r.version + r.wrong_topic + r.too_large).toBe(2 * PER_TOPIC);
    expect(r.too_large).toBeGreaterThan(0); // the 70 kB payloads are refused before parsing
    expect(sim.client.connected).toBe(true);
  });
});

// Controller contract details over a real broker: the reference controller's failure
// kinds, seeded determinism and speed scaling; the planner client's action timeouts,
// re-sends and state-silence safe state; MQTT 5 properties where the broker has them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import { Blackboard } from '../src/core/blackboard.ts';
import { SystemClock } from '../src/core/clock.ts';
import { HeaderFactory, newSession, type InstantActionsMessage, type RobotId, type StateMessage } from '../src/contract/index.ts';
import { AffectPublisher, connectMqtt, connectPlanner, robotTopics, silentLogger, type PlannerLink } from '../src/mqtt/index.ts';
import { startControllerSim } from '../src/controller-sim/index.ts';
import { startEmbeddedTestBroker, testBrokers, uniqueRobot, waitFor, type TestBroker } from './support/broker.ts';

const HANDOVER = { objectId: 'cup', target: 'h1', speedScale: 1, approachWaitMs: 0, timeoutMs: 5000 };

describe('reference controller behaviour (embedded broker)', () => {
  let broker: TestBroker;
  beforeAll(async () => {
    broker = await startEmbeddedTestBroker();
  });
  afterAll(() => broker.stop());

  async function pair(sim: Parameters<typeof startControllerSim>[0] extends infer O ? Omit<O & object, 'mqtt' | 'robot'> : never) {
    const robot = uniqueRobot('ctl');
    const link = await connectPlanner({ mqtt: { url: broker.url }, robot, blackboard: new Blackboard({ clock: new SystemClock() }), logger: silentLogger, controller: { speedRange: [0.25, 1] } });
    const s = await startControllerSim({ mqtt: { url: broker.url }, robot, stateIntervalMs: 100, speedRange: [0.25, 1], ...sim });
    await waitFor(() => link.controller.available, 3000, 'available');
    return { link, sim: s, close: async () => (await link.close(), await s.stop()) };
  }

  it.each([
    ['drop', { pDrop: 1 }],
    ['human_not_ready', { pHumanNotReady: 1 }],
    ['timeout', { pTimeout: 1 }],
  ] as const)('reports FAILED with failure kind %s', async (kind, probs) => {
    const { link, close } = await pair({ baseHandoverMs: 30, ...probs });
    try {
      const id = link.controller.startHandover({ ...HANDOVER, timeoutMs: 300 });
      await waitFor(() => link.controller.actionState(id)?.status === 'FAILED', 3000, 'FAILED');
      expect(link.controller.actionState(id)!.failureKind).toBe(kind);
    } finally {
      await close();
    }
  });

  it('draws the same outcomes for the same seed', async () => {
    const outcomes = async (seed: number) => {
      const { link, close } = await pair({ baseHandoverMs: 5, pDrop: 0.3, pHumanNotReady: 0.3, seed, maxQueuedHandovers: 16 });
      try {
        const ids = Array.from({ length: 12 }, () => link.controller.startHandover(HANDOVER));
        await waitFor(() => ids.every((id) => ['FINISHED', 'FAILED'].includes(link.controller.actionState(id)!.status)), 5000, 'all done');
        return ids.map((id) => link.controller.actionState(id)!.failureKind ?? 'ok');
      } finally {
        await close();
      }
    };
    const a = await outcomes(7);
    expect(await outcomes(7)).toEqual(a);
    expect(new Set(a).size).toBeGreaterThan(1);
  });

  it('scales handover duration with 1/speed', async () => {
    const { link, close } = await pair({ baseHandoverMs: 300 });
    try {
      const timed = async (speedScale: number) => {
        const t0 = Date.now();
        const id = link.controller.startHandover({ ...HANDOVER, speedScale });
        await waitFor(() => link.controller.actionState(id)?.status === 'FINISHED', 5000, 'FINISHED');
        return Date.now() - t0;
      };
      const fast = await timed(1);
      const slow = await timed(0.25);
      expect(slow).toBeGreaterThanOrEqual(1190); // 300 ms of motion at speed 0.25 (timers never fire early)
      expect(fast).toBeLessThan(slow / 2);
    } finally {
      await close();
    }
  });

  it('refuses schema-valid but implausible commands with the reason in state.errors, executing nothing', async () => {
    const { link, sim, close } = await pair({ speedRange: [0.5, 1], maxQueuedHandovers: 1, maxApproachWaitMs: 5000, handoverTimeoutRange: [100, 60_000], baseHandoverMs: 2000 });
    try {
      const slow = link.controller.startHandover({ ...HANDOVER, speedScale: 0.3 }); // the planner allows 0.25, this cell 0.5
      const wait = link.controller.startHandover({ ...HANDOVER, approachWaitMs: 20_000 });
      const long = link.controller.startHandover({ ...HANDOVER, timeoutMs: 300_000 });
      await waitFor(() => [slow, wait, long].every((id) => link.controller.actionState(id)?.status === 'FAILED'), 3000, 'three refused');
      expect(link.controller.actionState(slow)).toMatchObject({ failureKind: 'error', resultDescription: "implausible: speedScale 0.3 outside the cell's range [0.5, 1]" });
      expect(link.controller.actionState(wait)!.resultDescription).toBe('implausible: approachWaitMs 20000 above the limit 5000');
      expect(link.controller.actionState(long)!.resultDescription).toBe('implausible: timeoutMs 300000 outside [100, 60000]');
      const running = link.controller.startHandover(HANDOVER);
      const queued = link.controller.startHandover(HANDOVER);
      const overflow = link.controller.startHandover(HANDOVER);
      await waitFor(() => link.controller.actionState(overflow)?.status === 'FAILED', 3000, 'queue limit');
      expect(link.controller.actionState(overflow)!.resultDescription).toBe('implausible: 1 handovers already queued (limit 1)');
      expect(sim.counters.implausible).toBe(4);
      expect(sim.executedIds).toEqual([running, queued]);
      const errors = link.controller.lastState!.errors.filter((e) => e.errorType === 'implausibleAction');
      expect(errors.map((e) => e.errorReferences![0]!.referenceValue)).toEqual([slow, wait, long, overflow]);
    } finally {
      await close();
    }
  });

  it('rejects invalid instantActions without executing them and reports the error in state', async () => {
    const { link, sim, close } = await pair({});
    try {
      const raw = await connectMqtt({ url: broker.url });
      const robot = link.bridge.topics.instantActions.split('/').slice(2, 4);
      raw.publish(link.bridge.topics.instantActions, JSON.stringify({ ...new HeaderFactory({ manufacturer: robot[0]!, serialNumber: robot[1]! }, link.session.sessionId).next('x', Date.now()), actions: [{ actionId: 'bad', actionType: 'handover', actionParameters: { speedScale: 5 } }] }), { qos: 1 });
      raw.publish(link.bridge.topics.instantActions, 'not json', { qos: 1 });
      await waitFor(() => sim.counters.invalid === 2, 2000, 'two invalid');
      await waitFor(() => (link.controller.lastState?.errors.length ?? 0) >= 2, 2000, 'errors in state');
      expect(link.controller.lastState!.errors[0]!.errorDescription).toMatch(/instantActions: schema: \/actions\/0/);
      expect(sim.counters.executed).toBe(0);
      await raw.endAsync();
    } finally {
      await close();
    }
  });
});

describe('planner controller client against a scripted controller (embedded broker)', () => {
  let broker: TestBroker;
  let robot: RobotId;
  let link: PlannerLink;
  let fake: MqttClient;
  let headers: HeaderFactory;
  const received: InstantActionsMessage[] = [];
  let acks: string[] = [];

  const session = newSession(Date.now());
  const state = (actionStates: StateMessage['actionStates'] = []) => JSON.stringify({ ...headers.next('state', Date.now()), actionStates, speedScale: 0.5, safeState: false, plannerSessionId: link.session.sessionId, errors: [] });

  beforeAll(async () => {
    broker = await startEmbeddedTestBroker();
    robot = uniqueRobot('fake');
    headers = new HeaderFactory(robot, session.sessionId);
    link = await connectPlanner({ mqtt: { url: broker.url }, robot, blackboard: new Blackboard({ clock: new SystemClock() }), logger: silentLogger, controller: { stateTimeoutMs: 600, resendIntervalMs: 100, actionTimeoutMarginMs: 100 } });
    fake = await connectMqtt({ url: broker.url });
    await fake.publishAsync(robotTopics(robot)['connection/controller'], JSON.stringify({ ...headers.next('connection/controller', Date.now()), sessionId: session.sessionId, sessionStartedAt: new Date(session.startedAt).toISOString(), connectionState: 'ONLINE' }), { qos: 1 });
    await fake.subscribeAsync(robotTopics(robot).instantActions, { qos: 1 });
    fake.on('message', (_t, p) => received.push(JSON.parse(p.toString()) as InstantActionsMessage));
  });
  afterAll(async () => {
    await link.close();
    await fake.endAsync();
    await broker.stop();
  });

  const heartbeat = () => {
    const t = setInterval(() => fake.publish(robotTopics(robot).state, state(acks.map((id) => ({ actionId: id, actionType: 'handover', actionStatus: 'RUNNING' })))), 100);
    return () => clearInterval(t);
  };

  it('re-sends an action until the controller acknowledges it in state, then fails it locally at its deadline', async () => {
    const stop = heartbeat();
    try {
      await waitFor(() => link.controller.available, 2000, 'available');
      const id = link.controller.startHandover({ ...HANDOVER, timeoutMs: 400 });
      await waitFor(() => received.filter((m) => m.actions.some((a) => a.actionId === id)).length >= 3, 2000, 'three sends');
      acks = [id];
      await waitFor(() => link.controller.actionState(id)?.status === 'RUNNING', 2000, 'RUNNING from state');
      const sends = received.filter((m) => m.actions.some((a) => a.actionId === id)).length;
      await waitFor(() => link.controller.actionState(id)?.status === 'FAILED', 2000, 'local timeout');
      expect(link.controller.actionState(id)).toMatchObject({ failureKind: 'timeout' });
      expect(received.filter((m) => m.actions.some((a) => a.actionId === id)).length).toBeLessThanOrEqual(sends + 1); // no re-send after the ack (one may be in flight)
      await waitFor(() => received.flatMap((m) => m.actions).some((a) => a.actionType === 'cancel' && a.actionParameters.targetActionId === id), 2000, 'cancel sent');
      expect(link.controller.counters.timeouts).toBe(1);
    } finally {
      stop();
    }
  });

  it('ignores reported states for actions it never sent, of another action type, or going backwards', async () => {
    const stop = heartbeat();
    try {
      await waitFor(() => link.controller.available, 2000, 'available');
      const t = robotTopics(robot);
      const id = link.controller.startHandover({ ...HANDOVER, timeoutMs: 5000 });
      const before = link.controller.counters.illegalTransitions;
      fake.publish(t.state, state([{ actionId: 'never-sent', actionType: 'handover', actionStatus: 'FINISHED' }, { actionId: id, actionType: 'say', actionStatus: 'FINISHED' }]));
      fake.publish(t.state, state([{ actionId: id, actionType: 'handover', actionStatus: 'RUNNING' }]));
      await waitFor(() => link.controller.actionState(id)?.status === 'RUNNING', 2000, 'RUNNING');
      fake.publish(t.state, state([{ actionId: id, actionType: 'handover', actionStatus: 'WAITING' }]));
      await waitFor(() => link.controller.counters.illegalTransitions === before + 2, 2000, 'two illegal reports');
      expect(link.controller.actionState(id)!.status).toBe('RUNNING');
      expect(link.controller.actionState('never-sent')).toBeUndefined();
      link.controller.cancel(id);
    } finally {
      stop();
    }
  });

  it('enters the safe state when state goes silent past stateTimeoutMs, and resumes', async () => {
    let stop = heartbeat();
    await waitFor(() => link.controller.available, 2000, 'available');
    stop();
    const t0 = Date.now();
    await waitFor(() => !link.controller.available, 2000, 'safe state');
    expect(Date.now() - t0).toBeLessThan(600 + 500); // stateTimeoutMs plus check period and loop lag
    expect(link.controller.safeReason).toMatch(/^controller state silent for \d+ ms \(stateTimeoutMs 600\)$/);
    stop = heartbeat();
    await waitFor(() => link.controller.available, 2000, 'resumed');
    stop();
  });
});

describe.each(await testBrokers())('MQTT 5 properties over $name', ({ start }) => {
  it('sends content type and message expiry on MQTT 5, plain 3.1.1 publishes otherwise', async () => {
    const broker = await start();
    const robot = uniqueRobot('v5');
    const sub = await connectMqtt({ url: broker.url });
    const pub = await connectMqtt({ url: broker.url });
    const got: Array<Record<string, unknown> | undefined> = [];
    await sub.subscribeAsync(robotTopics(robot).affect);
    sub.on('message', (_t, _p, packet) => got.push(packet.properties as Record<string, unknown> | undefined));
    new AffectPublisher({ client: pub, robot }).publish([{ humanId: 'h1', expression: 'happy', valence: 0.5, arousal: 0, confidence: 0.9, frustration: 0, source: 'local', maxAgeMs: 1500, observedAt: new Date().toISOString() }]);
    await waitFor(() => got.length === 1, 2000, 'message');
    if (broker.kind === 'external') {
      expect(got[0]).toMatchObject({ contentType: 'application/json', payloadFormatIndicator: true });
      expect(got[0]!['messageExpiryInterval']).toBeGreaterThanOrEqual(1);
    } else {
      expect(got[0]?.['contentType']).toBeUndefined(); // aedes speaks 3.1.1: no properties on the wire
    }
    await sub.endAsync();
    await pub.endAsync();
    await broker.stop();
  });
});

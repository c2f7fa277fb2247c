// Planner link + reference controller over real TCP: embedded aedes always, MQTT_URL
// (Mosquitto in CI) when set and reachable.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import { Blackboard } from '../src/core/blackboard.ts';
import { SystemClock } from '../src/core/clock.ts';
import { AffectPublisher, connectMqtt, connectPlanner, robotTopics, silentLogger, startEmbeddedBroker, type PlannerLink } from '../src/mqtt/index.ts';
import { startControllerSim, type ControllerSim } from '../src/controller-sim/index.ts';
import type { AffectEstimate, InstantActionsMessage, RobotId } from '../src/contract/index.ts';
import { testBrokers, uniqueRobot, waitFor, type TestBroker } from './support/broker.ts';

const cases = await testBrokers();

const estimate = (over: Partial<AffectEstimate> = {}): AffectEstimate => ({
  humanId: 'h1', expression: 'frustrated', valence: -0.5, arousal: 0.4, confidence: 0.8, frustration: 0.7, source: 'local', maxAgeMs: 2000, observedAt: new Date().toISOString(), ...over,
});

describe.each(cases)('MQTT integration over $name', ({ start }) => {
  let broker: TestBroker;
  let robot: RobotId;
  let bb: Blackboard;
  let link: PlannerLink;
  let sim: ControllerSim;
  let estimator: MqttClient;
  let spy: MqttClient;
  const sent: InstantActionsMessage[] = [];

  beforeAll(async () => {
    broker = await start();
    robot = uniqueRobot('int');
    bb = new Blackboard({ clock: new SystemClock() });
    link = await connectPlanner({ mqtt: { url: broker.url }, robot, blackboard: bb, logger: silentLogger, controller: { stateTimeoutMs: 1500, speedRange: [0.3, 1] } });
    sim = await startControllerSim({ mqtt: { url: broker.url }, robot, baseHandoverMs: 60, stateIntervalMs: 100 });
    estimator = await connectMqtt({ url: broker.url });
    spy = await connectMqtt({ url: broker.url });
    await spy.subscribeAsync(robotTopics(robot).instantActions, { qos: 1 });
    spy.on('message', (_t, p) => sent.push(JSON.parse(p.toString()) as InstantActionsMessage));
    await waitFor(() => link.controller.available, 3000, 'controller available');
  });

  afterAll(async () => {
    await link.close();
    await sim.stop();
    await estimator.endAsync();
    await spy.endAsync();
    await broker.stop();
  });

  it('detects the protocol: MQTT 5 on Mosquitto, 3.1.1 on aedes', () => {
    expect(link.mqtt5).toBe(broker.kind === 'external');
  });

  it('delivers an affect estimate from another client onto the blackboard', async () => {
    const pub = new AffectPublisher({ client: estimator, robot });
    pub.publish([estimate({ frustration: 0.66 }), estimate({ humanId: 'h2', frustration: 0.1 })]);
    const e = await waitFor(() => bb.get<AffectEstimate>('affect/h2'), 2000, 'affect/h2');
    expect(e.frustration).toBe(0.1);
    expect(bb.get<AffectEstimate>('affect/h1')!.frustration).toBe(0.66);
    expect(bb.entry('affect/h1')!.source).toBe('mqtt:local');
  });

  it('drops a malformed affect payload, counts it and keeps the last good value', async () => {
    const before = link.bridge.counters.rejected.out_of_range;
    estimator.publish(robotTopics(robot).affect, JSON.stringify({ headerId: 999, timestamp: new Date().toISOString(), version: '1.0.0', ...robot, estimates: [estimate({ frustration: 3 })] }));
    await waitFor(() => link.bridge.counters.rejected.out_of_range === before + 1, 2000, 'out_of_range rejection');
    expect(bb.get<AffectEstimate>('affect/h1')!.frustration).toBe(0.66);
  });

  it('runs a handover to FINISHED and clamps the speed before it leaves the process', async () => {
    const id = link.controller.startHandover({ objectId: 'cup', target: 'h1', speedScale: 0.05, approachWaitMs: 0, timeoutMs: 5000 });
    expect(link.controller.actionState(id)!.status).toBe('WAITING');
    await waitFor(() => link.controller.actionState(id)?.status === 'FINISHED', 3000, 'handover FINISHED');
    const wire = sent.flatMap((m) => m.actions).find((a) => a.actionId === id)!;
    expect(wire.actionType === 'handover' && wire.actionParameters.speedScale).toBe(0.3);
    expect(link.controller.setSpeedScale(7)).toBe(1);
    await waitFor(() => sim.speedScale === 1, 2000, 'controller at speed 1');
    expect(sim.status(id)).toMatchObject({ actionStatus: 'FINISHED' });
  });

  it('fails an action that violates the contract at once, without sending it', async () => {
    const before = sent.length;
    const id = link.controller.startHandover({ objectId: '', target: 'h1', speedScale: 1, approachWaitMs: 0, timeoutMs: 1000 });
    expect(link.controller.actionState(id)).toMatchObject({ status: 'FAILED', failureKind: 'error', resultDescription: 'not sent: handover violates the contract: /actionParameters/objectId must NOT have fewer than 1 characters' });
    expect(link.controller.counters.rejectedActions).toBe(1);
    await new Promise((r) => setTimeout(r, 100));
    expect(sent.flatMap((m) => m.actions).some((a) => a.actionId === id)).toBe(false);
    expect(sent.length).toBeGreaterThanOrEqual(before);
  });

  it('cancels a running handover', async () => {
    const id = link.controller.startHandover({ objectId: 'cup', target: 'h1', speedScale: 1, approachWaitMs: 2000, timeoutMs: 5000 });
    await waitFor(() => link.controller.actionState(id)?.status === 'RUNNING', 2000, 'RUNNING');
    link.controller.cancel(id);
    expect(link.controller.actionState(id)).toMatchObject({ status: 'FAILED', failureKind: 'cancelled' });
    await waitFor(() => sim.status(id)?.actionStatus === 'FAILED', 2000, 'controller cancelled it');
    expect(sim.status(id)!.failureKind).toBe('cancelled');
  });

  it('controller graceful exit → OFFLINE → planner safe state; a new controller → resumes', async () => {
    const changes: Array<[boolean, string | undefined]> = [];
    link.controller.onAvailabilityChange((a, r) => changes.push([a, r]));
    await sim.stop();
    await waitFor(() => !link.controller.available, 2000, 'safe state');
    expect(link.controller.safeReason).toBe('controller connection is OFFLINE');
    const refused = link.controller.startHandover({ objectId: 'cup', target: 'h1', speedScale: 1, approachWaitMs: 0, timeoutMs: 1000 });
    expect(link.controller.actionState(refused)).toMatchObject({ status: 'FAILED', failureKind: 'controller_lost' });
    const unsaid = link.controller.say({ text: 'Sorry', kind: 'apology' });
    expect(link.controller.actionState(unsaid)).toMatchObject({ status: 'FAILED', failureKind: 'controller_lost' });
    expect(link.controller.setSpeedScale(0.5)).toBe(0.5); // kept, sent when the controller is back
    sim = await startControllerSim({ mqtt: { url: broker.url }, robot, baseHandoverMs: 60, stateIntervalMs: 100 });
    await waitFor(() => link.controller.available, 3000, 'available again');
    await waitFor(() => sim.speedScale === 0.5, 3000, 'pending speed applied');
    expect(changes).toEqual([[false, 'controller connection is OFFLINE'], [true, undefined]]);
  });

  it('a second planner is refused (both sides say so); the first keeps the cell; after its graceful exit a new planner takes over', async () => {
    const other = await connectPlanner({ mqtt: { url: broker.url }, robot, blackboard: new Blackboard({ clock: new SystemClock() }), logger: silentLogger });
    await waitFor(() => other.controller.refusedBecause, 3000, 'second planner refused');
    expect(other.controller.refusedBecause).toBe(`planner session ${other.session.sessionId} refused: the cell is held by planner session ${link.session.sessionId} (ONLINE, started ${new Date(link.session.startedAt).toISOString()}); run one planner per robot`);
    expect(other.controller.available).toBe(false);
    expect(other.controller.safeReason).toMatch(/^refused by the controller: planner session /);
    expect(sim.counters.plannersRefused).toBe(1);
    await other.close(); // its OFFLINE must not disturb the first planner
    await new Promise((r) => setTimeout(r, 300));
    expect(sim.safeState).toBe(false);
    expect(sim.plannerSessionId).toBe(link.session.sessionId);
    const kept = link.controller.startHandover({ objectId: 'cup', target: 'h1', speedScale: 1, approachWaitMs: 0, timeoutMs: 5000 });
    await waitFor(() => link.controller.actionState(kept)?.status === 'FINISHED', 3000, 'first planner still drives the cell');

    const id = link.controller.startHandover({ objectId: 'cup', target: 'h1', speedScale: 1, approachWaitMs: 3000, timeoutMs: 6000 });
    await waitFor(() => sim.status(id)?.actionStatus === 'RUNNING', 2000, 'RUNNING on controller');
    await link.close();
    await waitFor(() => sim.safeState, 2000, 'controller safe stop');
    expect(sim.speedScale).toBe(0.3);
    expect(sim.status(id)).toMatchObject({ actionStatus: 'FAILED', failureKind: 'cancelled' });
    link = await connectPlanner({ mqtt: { url: broker.url }, robot, blackboard: new Blackboard({ clock: new SystemClock() }), logger: silentLogger });
    await waitFor(() => !sim.safeState && link.controller.available, 3000, 'a new planner session holds the cell');
    expect(sim.plannerSessionId).toBe(link.session.sessionId);
  });
});

describe('credentials (embedded broker with a password)', () => {
  it('connects with the right password and fails fast with a readable error otherwise', async () => {
    const broker = await startEmbeddedBroker({ credentials: { username: 'planner', password: 's3cret' } });
    try {
      const ok = await connectMqtt({ url: broker.url, username: 'planner', password: 's3cret' });
      expect(ok.connected).toBe(true);
      await ok.endAsync();
      const t0 = Date.now();
      await expect(connectMqtt({ url: broker.url, username: 'planner', password: 'wrong' })).rejects.toThrow(`MQTT: ${broker.url} refused the connection: Connection refused: Bad username or password`);
      expect(Date.now() - t0).toBeLessThan(2000);
    } finally {
      await broker.stop();
    }
  });
});

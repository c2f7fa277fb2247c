// Resilience over real brokers: (1) the broker stops and restarts mid-run — both sides
// go to their safe state at once, nothing issued before or during the outage is
// delivered after it (a late handover could run after the tree gave up on it), the
// planner reconnects and resubscribes, and commands after it run exactly once by
// actionId; (2) the controller process is SIGKILLed — the planner sees
// CONNECTION_BROKEN (last will) and enters its safe state within the timeout.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { Blackboard } from '../src/core/blackboard.ts';
import { SystemClock } from '../src/core/clock.ts';
import { connectPlanner, silentLogger } from '../src/mqtt/index.ts';
import { startControllerSim } from '../src/controller-sim/index.ts';
import { startEmbeddedTestBroker, testBrokers, uniqueRobot, waitFor } from './support/broker.ts';
import { cliArgv } from './support/processes.ts';

describe('broker stop/restart mid-run (embedded aedes on the same port)', () => {
  it('both sides go safe at once, nothing crosses the outage, and commands after it run exactly once', { timeout: 30_000 }, async () => {
    const broker = await startEmbeddedTestBroker();
    const robot = uniqueRobot('restart');
    const bb = new Blackboard({ clock: new SystemClock() });
    const link = await connectPlanner({ mqtt: { url: broker.url, reconnectPeriodMs: 100 }, robot, blackboard: bb, logger: silentLogger, controller: { stateTimeoutMs: 5000, resendIntervalMs: 300 } });
    // handovers of 400 ms: the first burst is still running and queued when the broker goes
    const sim = await startControllerSim({ mqtt: { url: broker.url, reconnectPeriodMs: 100 }, robot, baseHandoverMs: 400, sayMs: 10, stateIntervalMs: 100, maxQueuedHandovers: 64 });
    try {
      await waitFor(() => link.controller.available, 3000, 'controller available');
      const burst = (n: number) => {
        const ids: string[] = [];
        for (let i = 0; i < n; i++) {
          ids.push(link.controller.startHandover({ objectId: `o${i}`, target: 'h1', speedScale: 1, approachWaitMs: 0, timeoutMs: 10_000 }));
          ids.push(link.controller.say({ text: `notice ${i}`, kind: 'info' }));
        }
        return ids;
      };
      // every instantActions packet the planner puts on the wire, with when it went and the header time it carries
      const wire: { at: number; stamped: number }[] = [];
      link.client.on('packetsend', (p: { cmd: string; topic?: string; payload?: Buffer | string }) => {
        if (p.cmd === 'publish' && p.topic === link.bridge.topics.instantActions) wire.push({ at: Date.now(), stamped: Date.parse(JSON.parse(String(p.payload)).timestamp) });
      });
      const before = burst(5);
      await waitFor(() => sim.status(before[0]!)?.actionStatus === 'RUNNING', 3000, 'the first handover running');
      await broker.pause();
      await waitFor(() => !link.connected && !sim.client.connected, 3000, 'both clients see the broker gone');
      const executedAtOutage = sim.executedIds.length;
      // planner: safe at once, every open action failed; controller: its own safe stop, work cancelled
      expect(link.controller.available).toBe(false);
      expect(link.controller.safeReason).toBe('broker connection lost');
      expect(before.filter((id) => link.controller.actionState(id)?.status !== 'FINISHED').map((id) => link.controller.actionState(id)?.failureKind)).toEqual(expect.arrayContaining(['controller_lost']));
      expect(before.every((id) => ['FINISHED', 'FAILED'].includes(link.controller.actionState(id)!.status))).toBe(true);
      expect(sim.safeState).toBe(true);
      expect(sim.status(before[0]!)).toMatchObject({ actionStatus: 'FAILED', failureKind: 'cancelled', resultDescription: 'safe stop: broker connection lost' });

      const during = burst(5); // issued while the broker is down: failed at once, never queued
      for (const id of during) expect(link.controller.actionState(id)).toMatchObject({ status: 'FAILED', failureKind: 'controller_lost' });
      await new Promise((r) => setTimeout(r, 300));
      const tRestart = Date.now();
      await broker.start();
      await waitFor(() => link.counters().reconnects >= 1 && link.connected, 5000, 'planner reconnected');
      await waitFor(() => link.controller.available, 5000, 'controller obeys the planner again');
      expect(sim.safeState).toBe(false);
      const after = burst(5);
      await waitFor(() => after.every((id) => link.controller.actionState(id)?.status === 'FINISHED'), 15_000, 'every action after the outage FINISHED');
      // nothing from before or during the outage ran after it; everything after it ran once
      expect(sim.executedIds.slice(executedAtOutage)).toEqual(after);
      expect(sim.executedIds.filter((id) => during.includes(id))).toEqual([]);
      expect(new Set(sim.executedIds).size).toBe(sim.executedIds.length);
      // the planner put no command from before the restart on the wire after it …
      expect(wire.filter((w) => w.at >= tRestart && w.stamped < tRestart)).toEqual([]);
      // … and no stale copy even reached the controller to be refused (the planner queued nothing for after the outage)
      expect(sim.counters.rejected).toBe(0);
      expect(link.controller.counters.safeStateEntered).toBe(1);
      expect(link.controller.counters.timeouts).toBe(0);
      // affect still flows after the restart: the planner resubscribed
      const { AffectPublisher, connectMqtt } = await import('../src/mqtt/index.ts');
      const est = await connectMqtt({ url: broker.url });
      new AffectPublisher({ client: est, robot }).publish([{ humanId: 'h9', expression: 'happy', valence: 0.5, arousal: 0, confidence: 0.9, frustration: 0, source: 'local', maxAgeMs: 2000, observedAt: new Date().toISOString() }]);
      await waitFor(() => bb.get('affect/h9'), 3000, 'affect after restart');
      await est.endAsync();
    } finally {
      await link.close();
      await sim.stop();
      await broker.stop();
    }
  });
});

describe('shutdown while the broker is down', () => {
  it('planner close() and controller stop() return promptly', { timeout: 15_000 }, async () => {
    const broker = await startEmbeddedTestBroker();
    const robot = uniqueRobot('down');
    const link = await connectPlanner({ mqtt: { url: broker.url }, robot, blackboard: new Blackboard({ clock: new SystemClock() }), logger: silentLogger });
    const sim = await startControllerSim({ mqtt: { url: broker.url }, robot });
    await waitFor(() => link.controller.available, 3000, 'available');
    link.controller.startHandover({ objectId: 'o', target: 'h1', speedScale: 1, approachWaitMs: 0, timeoutMs: 5000 });
    await broker.pause();
    link.controller.say({ text: 'queued while offline', kind: 'info' });
    const t0 = Date.now();
    await Promise.all([link.close(), sim.stop()]);
    expect(Date.now() - t0).toBeLessThan(3000);
    await broker.stop();
  });
});

const cases = await testBrokers();

function spawnControllerSim(url: string, robot: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, cliArgv(['controller-sim', '--mqtt', url, '--robot', robot, '--handover-ms', '5000', '--state-interval-ms', '100', '--keepalive', '2']), { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`controller-sim did not print 'ready' within 20 s`)), 20_000);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (line.startsWith('ready ')) {
        clearTimeout(timer);
        resolve(child);
      }
    });
    child.once('exit', (code) => reject(new Error(`controller-sim exited early with ${code}`)));
  });
}

describe.each(cases)('controller process killed over $name', ({ start }) => {
  it('planner sees CONNECTION_BROKEN and enters the safe state within stateTimeoutMs', { timeout: 40_000 }, async () => {
    const broker = await start();
    const robot = uniqueRobot('kill');
    const stateTimeoutMs = 2000;
    const link = await connectPlanner({ mqtt: { url: broker.url }, robot, blackboard: new Blackboard({ clock: new SystemClock() }), logger: silentLogger, controller: { stateTimeoutMs } });
    const child = await spawnControllerSim(broker.url, `${robot.manufacturer}/${robot.serialNumber}`);
    try {
      await waitFor(() => link.controller.available, 5000, 'controller available');
      const id = link.controller.startHandover({ objectId: 'cup', target: 'h1', speedScale: 1, approachWaitMs: 0, timeoutMs: 20_000 });
      await waitFor(() => link.controller.actionState(id)?.status === 'RUNNING', 3000, 'handover RUNNING');
      const killedAt = Date.now();
      child.kill('SIGKILL');
      await waitFor(() => !link.controller.available, stateTimeoutMs + 500, 'safe state');
      const elapsed = Date.now() - killedAt;
      expect(elapsed).toBeLessThanOrEqual(stateTimeoutMs + 250); // typically ~20 ms: the broker publishes the last will at once
      expect(link.controller.safeReason).toMatch(/^controller (connection is CONNECTION_BROKEN|state silent for \d+ ms \(stateTimeoutMs 2000\))$/);
      await waitFor(() => link.controller.controllerConnection === 'CONNECTION_BROKEN', 10_000, 'CONNECTION_BROKEN last will');
      expect(link.controller.actionState(id)).toMatchObject({ status: 'FAILED', failureKind: 'controller_lost' });
    } finally {
      child.kill('SIGKILL');
      await link.close();
      await broker.stop();
    }
  });
});

describe.each(cases)("the controller's own broker link drops while the broker runs on (a partition) over $name", ({ start }) => {
  it('the controller stops the cell at once and obeys the planner again from its retained ONLINE after reconnecting', { timeout: 30_000 }, async () => {
    const broker = await start();
    const robot = uniqueRobot('partition');
    const link = await connectPlanner({ mqtt: { url: broker.url }, robot, blackboard: new Blackboard({ clock: new SystemClock() }), logger: silentLogger, controller: { stateTimeoutMs: 2000 } });
    const sim = await startControllerSim({ mqtt: { url: broker.url, reconnectPeriodMs: 200 }, robot, baseHandoverMs: 5000, stateIntervalMs: 100 });
    try {
      await waitFor(() => link.controller.available, 5000, 'controller available');
      const id = link.controller.startHandover({ objectId: 'cup', target: 'h1', speedScale: 1, approachWaitMs: 0, timeoutMs: 20_000 });
      await waitFor(() => sim.status(id)?.actionStatus === 'RUNNING', 3000, 'handover RUNNING at the controller');
      (sim.client.stream as unknown as { destroy(): void }).destroy(); // the controller's network link breaks; the planner's does not
      await waitFor(() => sim.safeState, 1000, 'controller safe stop');
      expect(sim.status(id)).toMatchObject({ actionStatus: 'FAILED', failureKind: 'cancelled', resultDescription: 'safe stop: broker connection lost' });
      expect(sim.speedScale).toBe(0.3);
      await waitFor(() => !link.controller.available, 3000, 'planner safe state');
      expect(link.controller.actionState(id)).toMatchObject({ status: 'FAILED', failureKind: 'controller_lost' });
      // reconnected, the controller reads the planner's retained ONLINE again — the same message it accepted before — and obeys
      await waitFor(() => !sim.safeState && link.controller.available, 8000, 'the cell back under the same planner session');
      expect(sim.plannerSessionId).toBe(link.session.sessionId);
      const next = link.controller.startHandover({ objectId: 'cup', target: 'h1', speedScale: 1, approachWaitMs: 0, timeoutMs: 20_000 });
      await waitFor(() => sim.status(next)?.actionStatus === 'RUNNING', 3000, 'a new handover runs');
      expect(sim.executedIds.filter((x) => x === id || x === next)).toEqual([id, next]);
    } finally {
      await link.close();
      await sim.stop();
      await broker.stop();
    }
  });
});

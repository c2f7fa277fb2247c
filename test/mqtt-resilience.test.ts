// Resilience over real brokers: (1) the broker stops and restarts mid-run — the
// planner reconnects and resubscribes, every QoS 1 command is executed exactly once
// by actionId, nothing is lost; (2) the controller process is SIGKILLed — the planner
// sees CONNECTION_BROKEN (last will) and enters its safe state within the timeout.
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
  it('reconnects, resubscribes and executes every command exactly once', { timeout: 30_000 }, async () => {
    const broker = await startEmbeddedTestBroker();
    const robot = uniqueRobot('restart');
    const bb = new Blackboard({ clock: new SystemClock() });
    const link = await connectPlanner({ mqtt: { url: broker.url, reconnectPeriodMs: 100 }, robot, blackboard: bb, logger: silentLogger, controller: { stateTimeoutMs: 5000, resendIntervalMs: 300 } });
    const sim = await startControllerSim({ mqtt: { url: broker.url, reconnectPeriodMs: 100 }, robot, baseHandoverMs: 20, sayMs: 10, stateIntervalMs: 100, maxQueuedHandovers: 64 });
    try {
      await waitFor(() => link.controller.available, 3000, 'controller available');
      const ids: string[] = [];
      const burst = (n: number) => {
        for (let i = 0; i < n; i++) {
          ids.push(link.controller.startHandover({ objectId: `o${ids.length}`, target: 'h1', speedScale: 1, approachWaitMs: 0, timeoutMs: 10_000 }));
          ids.push(link.controller.say({ text: `notice ${ids.length}`, kind: 'info' }));
        }
      };
      burst(10);
      await broker.pause();
      await waitFor(() => !link.connected && !sim.client.connected, 3000, 'both clients see the broker gone');
      burst(10); // sent while the broker is down
      await new Promise((r) => setTimeout(r, 300));
      await broker.start();
      await waitFor(() => link.counters().reconnects >= 1 && link.connected, 5000, 'planner reconnected');
      burst(10); // after the restart
      await waitFor(() => ids.every((id) => link.controller.actionState(id)?.status === 'FINISHED'), 15_000, 'every action FINISHED');
      expect(link.controller.available).toBe(true);
      // the 20 actions issued while the broker was down were re-sent on reconnect …
      expect(link.controller.counters.resends).toBeGreaterThanOrEqual(20);
      // … and every copy beyond the first was recognised as a duplicate by actionId
      expect(sim.counters.actions - sim.counters.duplicates).toBe(sim.counters.executed);
      const executed = sim.executedIds.filter((id) => ids.includes(id));
      expect(executed.length).toBe(ids.length);
      expect(new Set(executed).size).toBe(ids.length);
      expect(link.controller.counters.timeouts).toBe(0);
      expect(link.controller.counters.safeStateEntered).toBe(0);
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

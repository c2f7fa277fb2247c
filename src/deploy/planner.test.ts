import { describe, it, expect } from 'vitest';
import { Writable } from 'node:stream';
import { startEmbeddedBroker } from '../mqtt/broker.ts';
import { startControllerSim } from '../controller-sim/controller-sim.ts';
import { silentLogger } from '../mqtt/rejections.ts';
import { loadTreeFile } from '../tree/loader.ts';
import { buildTree } from '../tree/build.ts';
import { describeTree } from '../tree/describe.ts';
import { connectMqtt, endClient } from '../mqtt/connection.ts';
import { validateMessage, type TraceMessage, type TreeMessage } from '../contract/index.ts';
import { parseCellConfig } from './config.ts';
import { createLogger } from './logger.ts';
import { Planner, HUMAN_READY_KEY } from './planner.ts';

async function until(check: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('Planner (in process)', () => {
  it('waits for the controller, runs, holds the safe state while it is gone, and stops cleanly', async () => {
    const broker = await startEmbeddedBroker();
    const robot = { manufacturer: 'acme', serialNumber: `p${process.pid}` };
    const lines: any[] = [];
    const sink = new Writable({ write: (c, _e, cb) => (lines.push(JSON.parse(String(c))), cb()) });
    const config = parseCellConfig(
      'cells/planner-test.yaml',
      `tree: ../trees/handover_affect.yaml\nrobot: {manufacturer: acme, serialNumber: ${robot.serialNumber}}\ntimeouts: {controllerSilenceMs: 600}\nmetrics: {port: 0}\n`,
      { brokerUrl: broker.url },
      {},
    );
    const doc = await loadTreeFile(config.tree);
    const planner = new Planner({ config, logger: createLogger({ level: 'info', destination: sink }), buildTree: (env) => buildTree(doc, env) });
    let sim: Awaited<ReturnType<typeof startControllerSim>> | undefined;
    try {
      await planner.start();
      expect(planner.phase).toBe('waiting_controller');
      expect(planner.blackboard.get(HUMAN_READY_KEY)).toBe(true);
      const health = await (await fetch(planner.metricsUrl!.replace('/metrics', '/healthz'))).json();
      expect(health).toMatchObject({ ok: false, phase: 'waiting_controller', brokerConnected: true, safeReason: 'no controller state received yet' });
      await new Promise((r) => setTimeout(r, 200));
      expect(planner.tickStats.ticks).toBeGreaterThan(3); // the loop runs, the tree does not

      sim = await startControllerSim({ mqtt: { url: broker.url }, robot, baseHandoverMs: 100, stateIntervalMs: 100, logger: silentLogger });
      await until(() => planner.phase === 'running', 5000, 'running');
      await until(() => sim!.counters.finished >= 1, 5000, 'a finished handover');

      await sim.stop(); // OFFLINE → planner safe at once
      await until(() => planner.phase === 'safe', 3000, 'safe state');
      expect(lines.find((l) => l.msg === 'safe state entered').reason).toBe('controller connection is OFFLINE');
      expect((await (await fetch(planner.metricsUrl!)).text())).toMatch(/affectbt_safe_state\{[^}]*\} 1/);

      sim = await startControllerSim({ mqtt: { url: broker.url }, robot, baseHandoverMs: 100, stateIntervalMs: 100, logger: silentLogger });
      await until(() => planner.phase === 'running', 5000, 'running again');
      expect(lines.map((l) => l.msg)).toContain('safe state left; resuming');
    } finally {
      await planner.stop('test over');
      await sim?.stop();
      await broker.stop();
    }
    expect(planner.phase).toBe('stopped');
    expect(lines.slice(-3).map((l) => l.msg)).toEqual(['planner stopping', 'OFFLINE published; disconnected', 'planner stopped']);
    await planner.stop('again'); // idempotent
  }, 30_000);

  it('publishes the tree description retained, and traces that name it with feedback and a blackboard snapshot', async () => {
    const broker = await startEmbeddedBroker();
    const robot = { manufacturer: 'acme', serialNumber: `pt${process.pid}` };
    const config = parseCellConfig(
      'cells/planner-test.yaml',
      `tree: ../trees/handover_affect.yaml\nrobot: {manufacturer: acme, serialNumber: ${robot.serialNumber}}\ntrace: {maxHz: 10}\n`,
      { brokerUrl: broker.url },
      {},
    );
    const doc = await loadTreeFile(config.tree);
    const sink = new Writable({ write: (_c, _e, cb) => cb() });
    const planner = new Planner({
      config,
      logger: createLogger({ level: 'info', destination: sink }),
      buildTree: (env) => {
        const runner = buildTree(doc, { ...env, trace: true });
        return Object.assign(runner, { description: describeTree(doc, runner) });
      },
    });
    let sim: Awaited<ReturnType<typeof startControllerSim>> | undefined;
    const observer = await connectMqtt({ url: broker.url, clientId: `obs-${process.pid}` });
    try {
      await planner.start();
      sim = await startControllerSim({ mqtt: { url: broker.url }, robot, baseHandoverMs: 100, stateIntervalMs: 100, logger: silentLogger });
      await until(() => planner.phase === 'running', 5000, 'running');
      // a late observer still gets the description (retained), then traces
      const seen: { topic: string; json: any; retain: boolean }[] = [];
      observer.on('message', (topic, payload, packet) => seen.push({ topic, json: JSON.parse(payload.toString()), retain: packet.retain }));
      await observer.subscribeAsync(`affectbt/v1/acme/${robot.serialNumber}/+`);
      await until(() => seen.some((m) => m.topic.endsWith('/tree')) && seen.filter((m) => m.topic.endsWith('/trace')).length >= 3, 5000, 'tree and traces');
      const tree = seen.find((m) => m.topic.endsWith('/tree'))!;
      expect(tree.retain).toBe(true);
      expect(validateMessage<TreeMessage>('tree', tree.json).ok).toBe(true);
      const traces = seen.filter((m) => m.topic.endsWith('/trace')).map((m) => m.json as TraceMessage);
      const last = traces[traces.length - 1]!;
      expect(validateMessage('trace', last).ok).toBe(true);
      expect(last.treeId).toBe(tree.json.treeId);
      const paths = new Set((tree.json as TreeMessage).nodes.map((n) => n.path));
      const nodeRecords = last.records.filter((r: any) => typeof r.path === 'string') as any[];
      expect(nodeRecords.length).toBeGreaterThan(3);
      for (const r of nodeRecords) {
        expect(paths.has(r.path)).toBe(true);
        expect(typeof r.feedback).toBe('string');
      }
      expect(last.blackboard?.find((e) => e.key === HUMAN_READY_KEY)).toMatchObject({ value: true, source: 'planner:assume', maxAgeMs: null, stale: false });
    } finally {
      await endClient(observer);
      await planner.stop('test over');
      await sim?.stop();
      await broker.stop();
    }
  }, 30_000);
});

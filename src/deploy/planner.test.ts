import { describe, it, expect } from 'vitest';
import { Writable } from 'node:stream';
import { startEmbeddedBroker } from '../mqtt/broker.ts';
import { startControllerSim } from '../controller-sim/controller-sim.ts';
import { silentLogger } from '../mqtt/rejections.ts';
import { loadTreeFile, loadTreeText } from '../tree/loader.ts';
import { buildTree } from '../tree/build.ts';
import { describeTree } from '../tree/describe.ts';
import { connectMqtt, endClient } from '../mqtt/connection.ts';
import { validateMessage, type TraceMessage, type TreeMessage } from '../contract/index.ts';
import { parseCellConfig } from './config.ts';
import { createLogger } from './logger.ts';
import { Planner, HUMAN_READY_KEY, type RunnableTree } from './planner.ts';

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
      `tree: ../trees/handover_affect.yaml\nrobot: {manufacturer: acme, serialNumber: ${robot.serialNumber}}\ntimeouts: {controllerSilenceMs: 600}\nmetrics: {port: 0}\norders: {loop: true}\n`,
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

  it('warns at start and in /healthz when TLS verification is disabled, and never shows the broker password', async () => {
    const lines: any[] = [];
    const sink = new Writable({ write: (c, _e, cb) => (lines.push(JSON.parse(String(c))), cb()) });
    const config = parseCellConfig(
      'cells/planner-test.yaml',
      `tree: ../trees/handover_affect.yaml\nrobot: {manufacturer: acme, serialNumber: tls${process.pid}}\nbroker: {connectTimeoutMs: 100, reconnectMinMs: 50, reconnectMaxMs: 100, tls: {rejectUnauthorized: false}}\nmetrics: {port: 0}\n`,
      {},
      { MQTT_URL: 'mqtts://planner:hunter2@127.0.0.1:1' },
    );
    const doc = await loadTreeFile(config.tree);
    const planner = new Planner({ config, logger: createLogger({ level: 'info', destination: sink }), buildTree: (env) => buildTree(doc, env) });
    const started = planner.start().catch((e: Error) => e.message);
    await until(() => lines.some((l) => l.msg === 'broker connection failed; retrying'), 5000, 'a failed attempt');
    const health = await (await fetch(planner.metricsUrl!.replace('/metrics', '/healthz'))).json();
    await planner.stop('test over');
    expect(await started).toBe('planner stopped before the broker connection was up');
    const warning = lines.find((l) => l.msg === 'insecure configuration');
    expect(warning.warning).toMatch(/^TLS certificate verification is disabled \(broker.tls.rejectUnauthorized: false\)/);
    expect(health).toMatchObject({ tlsVerify: false, broker: 'mqtts://***@127.0.0.1:1', warnings: [warning.warning] });
    expect(JSON.stringify(lines) + JSON.stringify(health)).not.toContain('hunter2');
  }, 30_000);

  /** A planner on the embedded broker with a running controller sim, ticking `yaml` at `rateHz`. */
  async function runningPlanner(yaml: string, rateHz: number, wrap: (r: ReturnType<typeof buildTree>) => RunnableTree = (r) => r, setup?: (p: Planner) => void) {
    const broker = await startEmbeddedBroker();
    const robot = { manufacturer: 'acme', serialNumber: `p${process.pid}-${Math.random().toString(36).slice(2, 8)}` };
    const lines: any[] = [];
    const sink = new Writable({ write: (c, _e, cb) => (lines.push(JSON.parse(String(c))), cb()) });
    const config = parseCellConfig('cells/planner-test.yaml', `tree: ../trees/handover_affect.yaml\nrobot: {manufacturer: acme, serialNumber: ${robot.serialNumber}}\ntick: {rateHz: ${rateHz}}\norders: {loop: true}\n`, { brokerUrl: broker.url }, {});
    const doc = loadTreeText(yaml, 'planner-test-tree.yaml');
    const planner = new Planner({ config, logger: createLogger({ level: 'info', destination: sink }), buildTree: (env) => wrap(buildTree(doc, env)) });
    setup?.(planner);
    const sim = await startControllerSim({ mqtt: { url: broker.url }, robot, baseHandoverMs: 100, stateIntervalMs: 100, logger: silentLogger });
    await planner.start();
    await until(() => planner.phase === 'running', 10_000, 'running');
    const stop = async () => {
      await planner.stop('test over');
      await sim.stop();
      await broker.stop();
    };
    return { planner, lines, stop };
  }

  it("a Timeout halts its child at the deadline: the ticker wakes the tree between regular ticks", async () => {
    let firstTick = NaN;
    let failedAt = NaN;
    let haltsAtFailure = 0;
    const p = await runningPlanner('trees:\n  M:\n    Timeout:\n      timeoutMs: 700\n      child:\n        Wait: { durationMs: 60000 }\n', 0.5, (r) => ({
      tick() {
        const s = r.tick();
        if (firstTick !== firstTick) firstTick = Date.now();
        if (s === 'FAILURE' && failedAt !== failedAt) {
          failedAt = Date.now();
          haltsAtFailure = r.counters.halts;
        }
        return s;
      },
      halt: () => r.halt(),
      nextDeadline: () => r.nextDeadline(),
    }));
    try {
      await until(() => failedAt === failedAt, 10_000, 'the Timeout to fail');
      // ticks are 2 s apart (0.5 Hz): without the wake-up the Timeout would fail 2 s after the start
      expect(failedAt - firstTick).toBeGreaterThanOrEqual(690);
      expect(failedAt - firstTick).toBeLessThan(1500);
      expect(haltsAtFailure).toBe(1); // the Wait was halted at the deadline
      expect(p.planner.tickStats.ticks).toBeLessThan(6);
      expect(p.planner.tickStats.wakeups).toBeGreaterThanOrEqual(1);
    } finally {
      await p.stop();
    }
  }, 30_000);

  it('a node that throws is logged once with its path and kind; repeats are counted, not logged', async () => {
    const p = await runningPlanner("trees:\n  M:\n    Sequence:\n      name: root\n      children:\n        - Script: { name: divide, code: 'x := 1 / d' }\n", 50, undefined, (pl) => pl.blackboard.set('d', 0, { source: 'test' }));
    try {
      await until(() => p.planner.tickStats.ticks > 20, 10_000, 'ticks');
      const thrown = () => p.lines.filter((l) => l.msg === 'tree node threw: tick failed and the tree was halted (running actions cancelled)');
      await until(() => thrown().length > 0, 5000, 'the error log');
      await new Promise((r) => setTimeout(r, 200));
      expect(thrown()).toHaveLength(1);
      expect(thrown()[0]).toMatchObject({ node: 'root/divide', kind: 'Script', err: 'script `x := 1 / d`: division by zero', level: 'error' });
      p.planner.blackboard.set('d', 1, { source: 'test' });
      await until(() => p.lines.some((l) => l.msg === 'tree node error repeated, then stopped'), 5000, 'the summary');
      expect(p.lines.find((l) => l.msg === 'tree node error repeated, then stopped').repeats).toBeGreaterThan(3);
      expect(thrown()).toHaveLength(1);
    } finally {
      await p.stop();
    }
  }, 30_000);

  /**
   * A planner (not started) on the shipped affect tree with traces at `maxHz`, as
   * `affect-bt run` builds it, an observer client on its broker, and `stop` for both
   * (and the test's controller-sim).
   */
  async function tracingPlanner(serial: string, maxHz: number) {
    const broker = await startEmbeddedBroker();
    const robot = { manufacturer: 'acme', serialNumber: `${serial}${process.pid}` };
    const config = parseCellConfig(
      'cells/planner-test.yaml',
      `tree: ../trees/handover_affect.yaml\nrobot: {manufacturer: acme, serialNumber: ${robot.serialNumber}}\ntrace: {maxHz: ${maxHz}}\norders: {loop: true}\n`,
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
    const observer = await connectMqtt({ url: broker.url, clientId: `obs-${serial}${process.pid}` });
    const stop = async (sim: { stop(): Promise<void> } | undefined) => {
      await endClient(observer);
      await planner.stop('test over');
      await sim?.stop();
      await broker.stop();
    };
    return { broker, robot, planner, observer, stop };
  }

  it('publishes the tree description retained, and traces that name it with feedback and a blackboard snapshot', async () => {
    const { broker, robot, planner, observer, stop } = await tracingPlanner('pt', 10);
    let sim: Awaited<ReturnType<typeof startControllerSim>> | undefined;
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
      const nodeRecords = last.records.filter((r: any) => typeof r.path === 'string' && r.kind !== 'result') as any[];
      expect(nodeRecords.length).toBeGreaterThan(3);
      for (const r of nodeRecords) {
        expect(paths.has(r.path)).toBe(true);
        expect(typeof r.feedback).toBe('string');
      }
      expect(last.blackboard?.find((e) => e.key === HUMAN_READY_KEY)).toMatchObject({ value: true, source: 'planner:assume', maxAgeMs: null, stale: false });
    } finally {
      await stop(sim);
    }
  }, 30_000);

  it('a trace carries a result record for every node that finished since the previous trace, so sampled ticks lose no handover outcome', async () => {
    // 50 Hz ticks, 2 traces/s: a trace samples one tick in 25; handovers take ~100 ms and half of them drop the object
    const { broker, robot, planner, observer, stop } = await tracingPlanner('pr', 2);
    let sim: Awaited<ReturnType<typeof startControllerSim>> | undefined;
    const leaf = 'root/task/handover_task/Retry/give_part';
    try {
      const traces: { records: any[]; finished: number; failed: number }[] = [];
      observer.on('message', (_t, payload) => traces.push({ records: (JSON.parse(payload.toString()) as TraceMessage).records as any[], finished: sim?.counters.finished ?? 0, failed: sim?.counters.failed ?? 0 }));
      await observer.subscribeAsync(`affectbt/v1/acme/${robot.serialNumber}/trace`);
      await planner.start();
      sim = await startControllerSim({ mqtt: { url: broker.url }, robot, baseHandoverMs: 100, stateIntervalMs: 50, pDrop: 0.5, seed: 3, logger: silentLogger });
      await until(() => planner.phase === 'running', 5000, 'running');
      const from = traces.length;
      await until(() => traces.length >= from + 8, 10_000, 'eight traces');
      const window = traces.slice(from + 1, from + 8);
      for (const t of window) {
        const kinds = t.records.map((r) => r.kind ?? 'visit');
        // planner record, then results, then the sampled tick's visits
        expect(kinds.join(' ')).toMatch(/^planner( result)*( visit)+$/);
        const results = t.records.filter((r) => r.kind === 'result');
        expect(new Set(results.map((r) => r.path)).size).toBe(results.length); // one per node: its last finish
        for (const r of results) expect(['SUCCESS', 'FAILURE']).toContain(r.status);
      }
      // a handover ends every ~200 ms (the controller's own count says so), so every 500 ms
      // window holds one; the traces report it although the sampled tick rarely shows it
      expect(window[window.length - 1]!.finished + window[window.length - 1]!.failed - (traces[from]!.finished + traces[from]!.failed)).toBeGreaterThanOrEqual(7);
      expect(window.filter((t) => t.records.some((r) => r.kind === 'result' && r.path === leaf)).length).toBeGreaterThanOrEqual(6);
      const outcomes = new Set(window.flatMap((t) => t.records.filter((r) => r.kind === 'result' && r.path === leaf).map((r) => r.status)));
      expect(outcomes).toEqual(new Set(['SUCCESS', 'FAILURE']));
    } finally {
      await stop(sim);
    }
  }, 30_000);
});

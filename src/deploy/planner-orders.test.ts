import { describe, it, expect } from 'vitest';
import { Writable } from 'node:stream';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedBroker } from '../mqtt/broker.ts';
import { startControllerSim, type ControllerSim } from '../controller-sim/controller-sim.ts';
import { silentLogger } from '../mqtt/rejections.ts';
import { loadTreeFile } from '../tree/loader.ts';
import { buildTree } from '../tree/build.ts';
import { describeTree } from '../tree/describe.ts';
import { connectMqtt, endClient } from '../mqtt/connection.ts';
import { HeaderFactory, newSession, validateMessage, type InstantActionsMessage } from '../contract/index.ts';
import type { PlannerStateMessage } from '../contract/orders.ts';
import { parseCellConfig } from './config.ts';
import { createLogger } from './logger.ts';
import { Planner } from './planner.ts';

async function until(check: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A planner in orders mode, the reference controller, an orderer client and an observer of the cell's topics. */
async function orderCell(o: { baseHandoverMs: number; yaml?: string; retainedOrderBeforeStart?: string; pDrop?: number; tree?: string }) {
  const broker = await startEmbeddedBroker();
  const robot = { manufacturer: 'acme', serialNumber: `o${process.pid}-${Math.random().toString(36).slice(2, 8)}` };
  const prefix = `affectbt/v1/acme/${robot.serialNumber}/`;
  const lines: any[] = [];
  const sink = new Writable({ write: (c, _e, cb) => (lines.push(JSON.parse(String(c))), cb()) });
  const config = parseCellConfig('cells/orders-test.yaml', `tree: ${o.tree ?? '../trees/handover_affect.yaml'}\nrobot: {manufacturer: acme, serialNumber: ${robot.serialNumber}}\ntimeouts: {controllerSilenceMs: 800}\nmetrics: {port: 0}\n${o.yaml ?? ''}`, { brokerUrl: broker.url }, {});
  const doc = await loadTreeFile(config.tree);
  const planner = new Planner({
    config,
    logger: createLogger({ level: 'info', destination: sink }),
    buildTree: (env) => {
      const runner = buildTree(doc, { ...env, trace: config.trace.enabled }); // as `affect-bt run` builds it
      return Object.assign(runner, { description: describeTree(doc, runner) });
    },
    trees: { main: doc.main, names: [...doc.trees.keys()] },
  });
  const executions: { event: string; actionType: string; actionId: string }[] = [];
  const startSim = () => startControllerSim({ mqtt: { url: broker.url }, robot, baseHandoverMs: o.baseHandoverMs, pDrop: o.pDrop ?? 0, stateIntervalMs: 100, logger: silentLogger, onExecution: (e) => executions.push(e) });
  let sim: ControllerSim | undefined = await startSim();
  const orderer = await connectMqtt({ url: broker.url, clientId: `orderer-${robot.serialNumber}` });
  const headers = new HeaderFactory(robot, newSession(Date.now()).sessionId);
  const publish = (topic: 'order' | 'orderActions', body: object, opts: { retain?: boolean; header?: object } = {}) =>
    orderer.publishAsync(prefix + topic, JSON.stringify({ ...headers.next(topic, Date.now()), ...opts.header, ...body }), { qos: 1, retain: opts.retain === true });
  // a retained order (left by a careless tool) is what a (re)starting planner reads first
  if (o.retainedOrderBeforeStart !== undefined) await publish('order', { orderId: o.retainedOrderBeforeStart }, { retain: true });
  await planner.start();
  const observer = await connectMqtt({ url: broker.url, clientId: `obs-${robot.serialNumber}` });
  const handovers: { actionId: string; objectId: string; target: string }[] = [];
  const says: { at: number; kind?: string; text: string }[] = [];
  const states: PlannerStateMessage[] = [];
  observer.on('message', (topic, payload) => {
    if (payload.length === 0) return;
    const m = JSON.parse(payload.toString());
    if (topic === `${prefix}instantActions`)
      for (const a of (m as InstantActionsMessage).actions) {
        if (a.actionType === 'handover') handovers.push({ actionId: a.actionId, objectId: a.actionParameters.objectId, target: a.actionParameters.target });
        if (a.actionType === 'say') says.push({ at: Date.now(), kind: a.actionParameters.kind, text: a.actionParameters.text });
      }
    if (topic === `${prefix}plannerState`) states.push(m as PlannerStateMessage);
  });
  await observer.subscribeAsync([`${prefix}instantActions`, `${prefix}plannerState`], { qos: 1 });
  const state = () => states.at(-1);
  const record = (orderId: string) => {
    const s = state();
    if (s === undefined) return undefined;
    return s.current?.orderId === orderId ? s.current : (s.queue.find((q) => q.orderId === orderId) ?? [...s.history].reverse().find((h) => h.orderId === orderId));
  };
  await until(() => planner.phase === 'running', 10_000, 'running');
  return {
    broker,
    robot,
    prefix,
    planner,
    lines,
    executions,
    handovers,
    says,
    states,
    state,
    record,
    get sim() {
      return sim!;
    },
    order: (orderId: string, extra: object = {}, opts?: { retain?: boolean; header?: object }) => publish('order', { orderId, ...extra }, opts),
    cancel: (orderId: string, actionId: string) => publish('orderActions', { actions: [{ actionId, actionType: 'cancelOrder', actionParameters: { orderId } }] }),
    rawOrder: (payload: string, opts: { retain?: boolean } = {}) => orderer.publishAsync(`${prefix}order`, payload, { qos: 1, retain: opts.retain === true }),
    async stopSim() {
      await sim?.stop();
      sim = undefined;
    },
    async restartSim() {
      sim = await startSim();
    },
    async stop() {
      await endClient(orderer);
      await endClient(observer);
      await planner.stop('test over');
      await sim?.stop();
      await broker.stop();
    },
  };
}

describe('Planner orders', () => {
  it('idles without an order; an order runs the tree once with its parameters and ends FINISHED in the retained plannerState', async () => {
    const c = await orderCell({ baseHandoverMs: 150 });
    try {
      await new Promise((r) => setTimeout(r, 800));
      expect(c.handovers).toEqual([]); // connected, controller available, yet no handover
      expect(c.executions.filter((e) => e.actionType === 'handover')).toEqual([]);
      expect(c.state()).toMatchObject({ phase: 'running', mode: 'orders', maxQueue: 8, queue: [], history: [] });
      expect(c.lines.map((l) => l.msg)).toContain('orders mode: idle until an order arrives');

      await c.order('o-1', { parameters: { objectId: 'part-9', target: 'left_hand' } });
      await until(() => c.record('o-1')?.status === 'FINISHED', 10_000, 'o-1 FINISHED');
      await new Promise((r) => setTimeout(r, 500));
      expect(c.handovers).toHaveLength(1); // exactly one handover, not one per tick or per restart
      expect(c.handovers[0]).toMatchObject({ objectId: 'part-9', target: 'left_hand' });
      const done = c.record('o-1')!;
      expect(done).toMatchObject({ orderId: 'o-1', tree: 'HandoverWithAffect', parameters: { objectId: 'part-9', target: 'left_hand' }, status: 'FINISHED' });
      expect(Date.parse(done.endedAt!)).toBeGreaterThanOrEqual(Date.parse(done.startedAt!));
      expect(c.states.map((s) => s.current?.status).filter(Boolean)).toContain('RUNNING');
      for (const s of c.states) expect(validateMessage('plannerState', s).ok).toBe(true);
      // the parameters are gone once the order ended: the next order starts clean
      expect(c.planner.blackboard.get('order/objectId')).toBeUndefined();
      expect(c.planner.blackboard.get('order/id')).toBeUndefined();

      // without parameters the tree's own ports apply; a subtree can be ordered by id
      await c.order('o-2', { tree: 'HandoverTask' });
      await until(() => c.record('o-2')?.status === 'FINISHED', 10_000, 'o-2 FINISHED');
      expect(c.handovers).toHaveLength(2);
      expect(c.handovers[1]).toMatchObject({ objectId: 'part-7', target: 'right_hand' });

      // retained: a client connecting now still reads the outcome
      const late = await connectMqtt({ url: c.broker.url, clientId: `late-${c.robot.serialNumber}` });
      const got = new Promise<{ retain: boolean; m: PlannerStateMessage }>((resolve) => late.on('message', (_t, p, packet) => resolve({ retain: packet.retain, m: JSON.parse(p.toString()) })));
      await late.subscribeAsync(`${c.prefix}plannerState`);
      const { retain, m } = await got;
      await endClient(late);
      expect(retain).toBe(true);
      expect(m.history.map((h) => [h.orderId, h.status])).toEqual([
        ['o-1', 'FINISHED'],
        ['o-2', 'FINISHED'],
      ]);
      const metrics = await (await fetch(c.planner.metricsUrl!)).text();
      expect(metrics).toMatch(/affectbt_orders_total\{[^}]*outcome="finished"[^}]*\} 2/);
      expect(metrics).toMatch(/affectbt_mqtt_messages_received_total\{[^}]*topic="order"[^}]*\} 2/);
    } finally {
      await c.stop();
    }
  }, 40_000);

  it('cancel while running halts the tree and cancels the handover at the controller; cancel while waiting removes the order; a cancel of an unknown order is refused', async () => {
    const c = await orderCell({ baseHandoverMs: 20_000 });
    try {
      await c.order('o-run');
      await until(() => c.executions.some((e) => e.event === 'execute' && e.actionType === 'handover'), 10_000, 'the handover at the controller');
      await c.order('o-wait');
      await until(() => c.record('o-wait')?.status === 'WAITING', 5000, 'o-wait WAITING');

      await c.cancel('o-wait', 'c-1');
      await until(() => c.record('o-wait')?.status === 'FAILED', 5000, 'o-wait cancelled');
      expect(c.record('o-wait')).toMatchObject({ status: 'FAILED', reason: 'cancelled before start (action c-1)' });
      expect(c.record('o-wait')!.startedAt).toBeUndefined();

      await c.cancel('o-run', 'c-2');
      await until(() => c.record('o-run')?.status === 'FAILED', 5000, 'o-run cancelled');
      expect(c.record('o-run')).toMatchObject({ status: 'FAILED', reason: 'cancelled (action c-2)' });
      await until(() => c.executions.some((e) => e.event === 'execute' && e.actionType === 'cancel'), 5000, 'the cancel at the controller');

      await c.cancel('nope', 'c-3');
      await c.cancel('o-run', 'c-4');
      await until(() => c.state()!.actionStates.length === 4, 5000, 'four action outcomes');
      expect(c.state()!.actionStates.map((a) => [a.actionId, a.actionStatus, a.resultDescription])).toEqual([
        ['c-1', 'FINISHED', 'waiting order removed'],
        ['c-2', 'FINISHED', 'running order halted'],
        ['c-3', 'FAILED', 'no waiting or running order nope'],
        ['c-4', 'FAILED', 'order o-run already ended (FAILED); nothing to cancel'],
      ]);
      await new Promise((r) => setTimeout(r, 400));
      expect(c.handovers).toHaveLength(1); // o-wait never started, o-run was not restarted
      expect(c.state()!.current).toBeUndefined();
      expect(c.lines.find((l) => l.msg === 'cancelOrder refused')).toMatchObject({ orderId: 'nope', reason: 'no waiting or running order nope' });
    } finally {
      await c.stop();
    }
  }, 40_000);

  it('refuses with a reason: a full queue, a duplicate orderId, an unknown tree; a tree that cannot run on its own fails', async () => {
    const c = await orderCell({ baseHandoverMs: 20_000, yaml: 'orders: {maxQueue: 2}\n' });
    try {
      await c.order('a');
      await until(() => c.record('a')?.status === 'RUNNING', 5000, 'a RUNNING');
      await c.order('b');
      await c.order('c');
      await c.order('d');
      await until(() => c.record('d')?.status === 'FAILED', 5000, 'd refused');
      expect(c.state()!.queue.map((q) => q.orderId)).toEqual(['b', 'c']);
      expect(c.record('d')).toMatchObject({ status: 'FAILED', rejected: true, reason: 'queue full: 2 orders waiting (orders.maxQueue = 2)' });

      await c.cancel('c', 'x-1');
      await c.order('b');
      await c.order('e', { tree: 'PickPlace' });
      await until(() => c.record('e')?.status === 'FAILED', 5000, 'e refused');
      const h = c.state()!.history;
      expect(h.find((r) => r.orderId === 'b')).toMatchObject({ status: 'FAILED', rejected: true, reason: 'duplicate orderId b (already WAITING): use a fresh orderId per order' });
      expect(c.record('b')!.status).toBe('WAITING'); // the original is untouched
      expect(c.record('e')).toMatchObject({ rejected: true, reason: "unknown tree 'PickPlace' (trees: HandoverWithAffect, AffectModulation, HandoverTask)" });

      // a refused order's id was not taken: it may be sent again
      await c.order('d', { tree: 'AffectModulation' });
      await c.cancel('a', 'x-2');
      await c.cancel('b', 'x-3');
      await until(() => c.record('d')?.status === 'FAILED' && c.record('d')!.rejected !== true, 10_000, 'd run and failed');
      expect(c.record('d')!.reason).toMatch(/^tree 'AffectModulation' cannot run on its own: .*task-first/);
      expect(c.handovers).toHaveLength(1);
      const metrics = await (await fetch(c.planner.metricsUrl!)).text();
      expect(metrics).toMatch(/affectbt_orders_total\{[^}]*outcome="rejected"[^}]*\} 3/);
    } finally {
      await c.stop();
    }
  }, 40_000);

  it('a bad, retained or stale order is refused and counted like any message; nothing runs', async () => {
    const c = await orderCell({ baseHandoverMs: 150, retainedOrderBeforeStart: 'kept-1' });
    try {
      const rejected = () => c.planner.mqtt!.bridge.counters.rejected;
      await c.order('bad-1', { parameters: { objectId: { nested: true } } });
      await c.rawOrder('{"orderId": ');
      await c.order('old-1', {}, { header: { timestamp: new Date(Date.now() - 120_000).toISOString() } });
      await until(() => rejected().schema === 1 && rejected().bad_json === 1 && rejected().stale === 1 && rejected().retained === 1, 5000, 'four rejections');
      await new Promise((r) => setTimeout(r, 400));
      expect(c.handovers).toEqual([]);
      expect(c.state()!.history).toEqual([]);
      expect(c.state()!.current).toBeUndefined();
      const metrics = await (await fetch(c.planner.metricsUrl!)).text();
      expect(metrics).toMatch(/affectbt_mqtt_messages_rejected_total\{[^}]*reason="retained"[^}]*\} 1/);
      expect(metrics).toMatch(/affectbt_mqtt_messages_rejected_total\{[^}]*reason="schema"[^}]*\} 1/);
      await c.rawOrder('', { retain: true }); // clear the retained copy
      // a parameter of the wrong type for the tree's key fails the order before anything moves
      await c.order('typed-1', { parameters: { objectId: 7 } });
      await until(() => c.record('typed-1')?.status === 'FAILED', 5000, 'typed-1 FAILED');
      expect(c.record('typed-1')!.reason).toMatch(/^parameter rejected by the blackboard: .*order\/objectId/);
      expect(c.handovers).toEqual([]);
      // the same message delivered twice (a QoS 1 re-delivery, or a replay) is applied once
      const again = JSON.stringify({ ...new HeaderFactory(c.robot, 'replayer').next('order', Date.now()), orderId: 'dup-1', tree: 'Nope' });
      await c.rawOrder(again);
      await c.rawOrder(again);
      await until(() => rejected().duplicate === 1 && c.record('dup-1') !== undefined, 5000, 'the replay rejected as duplicate');
      await new Promise((r) => setTimeout(r, 200));
      expect(c.state()!.history.filter((h) => h.orderId === 'dup-1')).toHaveLength(1);
    } finally {
      await c.stop();
    }
  }, 40_000);

  it('the safe state fails the running order and the waiting ones and refuses new ones; nothing starts when the controller comes back', async () => {
    const c = await orderCell({ baseHandoverMs: 20_000 });
    try {
      await c.order('s-1');
      await until(() => c.handovers.length === 1, 10_000, 'the handover');
      await c.order('s-2'); // waits behind s-1
      await until(() => c.record('s-2')?.status === 'WAITING', 5000, 's-2 waiting');
      await c.stopSim();
      await until(() => c.record('s-1')?.status === 'FAILED' && c.record('s-2')?.status === 'FAILED', 5000, 's-1 and s-2 failed');
      expect(c.record('s-1')!.reason).toBe('safe state: controller connection is OFFLINE');
      expect(c.record('s-2')!.reason).toBe('safe state before it started: controller connection is OFFLINE');
      expect(c.state()).toMatchObject({ phase: 'safe', safeReason: 'controller connection is OFFLINE', queue: [] });
      // an order sent during the safe stop is refused, not queued for later
      await c.order('s-3');
      await until(() => c.record('s-3')?.status === 'FAILED', 5000, 's-3 refused');
      expect(c.record('s-3')).toMatchObject({ rejected: true, reason: 'planner in safe state (controller connection is OFFLINE): orders are refused until it leaves it; send it again then' });
      const executed = c.executions.length;
      const sent = c.handovers.length;
      await c.restartSim();
      await until(() => c.planner.phase === 'running', 10_000, 'running again');
      await new Promise((r) => setTimeout(r, 600));
      // no silent restart after the safe stop: nothing new is sent, the new controller runs no handover
      expect(c.handovers.slice(sent)).toEqual([]);
      expect(c.executions.slice(executed).filter((e) => e.event === 'execute' && e.actionType === 'handover')).toEqual([]);
      expect(c.state()).toMatchObject({ phase: 'running', queue: [] });
      // the orderer sends again what still applies: it runs
      await c.order('s-4');
      await until(() => c.record('s-4')?.status === 'RUNNING', 10_000, 's-4 running after the safe stop');
    } finally {
      await c.stop();
    }
  }, 40_000);

  it('between orders only the affect branch runs: the failure that ended an order still gets its apology, and no handover starts', async () => {
    // one attempt, so the order ends on the tick its handover fails (before the affect branch could see it)
    const dir = mkdtempSync(join(tmpdir(), 'affect-bt-orders-'));
    const tree = join(dir, 'tree.yaml');
    writeFileSync(tree, readFileSync(new URL('../../trees/handover_affect.yaml', import.meta.url), 'utf8').replace('numAttempts: 3', 'numAttempts: 1'));
    const c = await orderCell({ baseHandoverMs: 50, pDrop: 1, tree });
    try {
      await c.order('a-1');
      await until(() => c.record('a-1')?.status === 'FAILED', 15_000, 'a-1 FAILED');
      const ended = Date.now();
      await until(() => c.says.some((s) => s.kind === 'apology'), 5000, 'an apology after the order failed');
      expect(c.says.filter((s) => s.kind === 'apology')).toHaveLength(1);
      expect(c.says[0]!.at).toBeGreaterThanOrEqual(ended - 50);
      await new Promise((r) => setTimeout(r, 500));
      expect(c.handovers).toHaveLength(1); // the idle affect ticks never start one
      expect(c.says.filter((s) => s.kind === 'apology')).toHaveLength(1); // and do not repeat the apology
    } finally {
      await c.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);

  it('a tree FAILURE fails the order with what failed, and the tree is not started again', async () => {
    const c = await orderCell({ baseHandoverMs: 50, pDrop: 1 });
    try {
      await c.order('f-1', { parameters: { objectId: 'glass' } });
      await until(() => c.record('f-1')?.status === 'FAILED', 15_000, 'f-1 FAILED');
      expect(c.record('f-1')!.reason).toMatch(/^tree FAILURE at root\/task\/.*give_part: handover failed: drop \(last task failure: drop\)$/);
      expect(c.handovers.map((h) => h.objectId)).toEqual(['glass', 'glass', 'glass']); // Retry's three attempts, then no more
      await new Promise((r) => setTimeout(r, 500));
      expect(c.handovers).toHaveLength(3);
    } finally {
      await c.stop();
    }
  }, 40_000);

  it('traces of a tree ordered again report only its new finishes, not those of its previous order', async () => {
    const c = await orderCell({ baseHandoverMs: 1500, yaml: 'trace: {maxHz: 4}\n' });
    const leaf = 'root/task/handover_task/Retry/give_part';
    const traces: { at: number; treeId?: string; records: any[] }[] = [];
    const observer = await connectMqtt({ url: c.broker.url, clientId: `traces-${c.robot.serialNumber}` });
    try {
      observer.on('message', (_t, p) => {
        const m = JSON.parse(p.toString());
        traces.push({ at: Date.now(), treeId: m.treeId, records: m.records });
      });
      await observer.subscribeAsync(`${c.prefix}trace`);
      await c.order('t-1');
      await until(() => c.record('t-1')?.status === 'FINISHED', 10_000, 't-1 FINISHED');
      const mainTree = traces.at(-1)!.treeId;
      await c.order('t-2', { tree: 'HandoverTask' });
      await until(() => c.record('t-2')?.status === 'FINISHED', 10_000, 't-2 FINISHED');
      await until(() => traces.at(-1)!.treeId !== mainTree, 2000, 'a trace of the other tree');
      const from = Date.now();
      await c.order('t-3');
      await until(() => c.record('t-3')?.status === 'FINISHED', 10_000, 't-3 FINISHED');
      // while t-3's handover runs (the sampled tick shows the leaf RUNNING), no trace may
      // report a finish of the leaf: its only finish so far belongs to t-1
      const during = traces.filter((t) => t.at > from && t.treeId === mainTree && t.records.some((r) => r.path === leaf && r.kind === undefined && r.status === 'RUNNING'));
      expect(during.length).toBeGreaterThanOrEqual(2);
      for (const t of during) expect(t.records.filter((r) => r.kind === 'result' && r.path === leaf)).toEqual([]);
      // and t-3's own finish is reported
      await until(() => traces.some((t) => t.at > from && t.records.some((r) => r.kind === 'result' && r.path === leaf && r.status === 'SUCCESS')), 3000, "t-3's finish in a trace");
    } finally {
      await endClient(observer);
      await c.stop();
    }
  }, 40_000);

  it('loop mode keeps the demo behaviour and refuses orders', async () => {
    const c = await orderCell({ baseHandoverMs: 100, yaml: 'orders: {loop: true}\n' });
    try {
      await until(() => c.handovers.length >= 2, 10_000, 'two handovers without an order');
      await c.order('l-1');
      await until(() => c.record('l-1')?.status === 'FAILED', 5000, 'l-1 refused');
      expect(c.record('l-1')).toMatchObject({ rejected: true, reason: 'planner runs in loop mode (orders.loop / --loop): the tree restarts on its own and orders are refused' });
      expect(c.state()!.mode).toBe('loop');
    } finally {
      await c.stop();
    }
  }, 40_000);
});

/**
 * Fault tests of the deployed planner, all with real OS processes: planner SIGKILL
 * (controller goes safe through the last will), broker stopped for a few seconds (both
 * sides recover; the controller-sim's `--log-executions` record shows every sent
 * actionId executed exactly once and a replayed command ignored), controller killed (planner safe state,
 * resumes when it is back), SIGTERM (OFFLINE retained, exit 0).
 */
import { describe, it, expect, afterEach } from 'vitest';
import mqtt from 'mqtt';
import { killAll, until } from './support/processes.ts';
import { cellBroker, startCell, reExecutions, type Cell, type CellBroker } from './support/cell.ts';

let cell: Cell | undefined;
let broker: CellBroker | undefined;

afterEach(async () => {
  await cell?.close();
  await broker?.close();
  cell = undefined;
  broker = undefined;
  await killAll();
});

const finished = (c: Cell, since: number) => {
  const ids = new Set(c.actions().filter((a) => a.actionType === 'handover' && a.at >= since).map((a) => a.actionId));
  let n = 0;
  const seen = new Set<string>();
  for (const s of c.states()) for (const a of s.json.actionStates) if (ids.has(a.actionId) && a.actionStatus === 'FINISHED' && !seen.has(a.actionId)) (seen.add(a.actionId), n++);
  return n;
};

describe('deployed planner faults', () => {
  it('SIGKILL of the planner: the controller goes safe within its timeout (last will), and resumes with a new planner', async () => {
    broker = await cellBroker(false);
    cell = await startCell({ broker, keepaliveS: 2 });
    const c = cell;
    await until(() => finished(c, 0) >= 1, 15_000, 'a finished handover');
    const t0 = Date.now();
    c.planner.kill('SIGKILL');
    const broken = await until(() => c.seen.find((s) => s.at >= t0 && s.name === 'connection/planner' && s.json?.connectionState === 'CONNECTION_BROKEN'), 5000, 'CONNECTION_BROKEN last will');
    const safe = await until(() => c.states().find((s) => s.at >= t0 && s.json.safeState === true), 5000, 'controller safeState true');
    // keepalive 2 s → the broker must publish the will within 1.5 × keepalive (a killed process closes its socket at once)
    expect(broken.at - t0).toBeLessThan(3000 + 500);
    expect(safe.json.speedScale).toBe(0.3);
    await c.controller.waitFor(/planner lost, safe stop/, 2000);

    const t1 = Date.now();
    c.restartPlanner();
    await c.planner.waitFor((l) => l.json?.msg === 'controller available; ticking', 15_000);
    await until(() => c.states().some((s) => s.at > t1 && s.json.safeState === false), 5000, 'controller leaves the safe stop');
    await until(() => finished(c, t1) >= 1, 15_000, 'handovers resume');
  }, 90_000);

  it('broker stopped for 3 s: planner and controller recover, no command is executed twice', async () => {
    broker = await cellBroker(true);
    cell = await startCell({ broker, keepaliveS: 2 });
    const c = cell;
    await until(() => finished(c, 0) >= 2, 15_000, 'two finished handovers');
    const before = c.planner.lines.length;
    await broker.pause();
    const tDown = Date.now();
    await c.planner.waitFor((l) => l.json?.msg === 'safe state entered', 5000, before);
    await new Promise((r) => setTimeout(r, 3000 - (Date.now() - tDown)));
    await broker.resume();
    const tUp = Date.now();
    await c.planner.waitFor((l) => l.json?.msg === 'broker reconnected', 15_000, before);
    await c.planner.waitFor((l) => l.json?.msg === 'safe state left; resuming', 15_000, before);
    await until(() => finished(c, tUp) >= 2, 20_000, 'two handovers finished after the restart');
    expect(reExecutions(c.states())).toEqual([]);

    // A re-delivery across the outage is ignored: replay, from the monitor, the last
    // handover command the planner sent before the broker went down (what a QoS 1
    // redelivery or a planner re-send looks like to the controller).
    const replay = c.seen.filter((s) => s.name === 'instantActions' && s.at < tDown && s.json?.actions?.some((a: any) => a.actionType === 'handover')).at(-1);
    expect(replay, 'a handover command seen before the outage').toBeDefined();
    const replayed = (replay!.json.actions as { actionId: string }[]).map((a) => a.actionId);
    await until(() => c.monitor.connected, 5000, 'monitor reconnected');
    const tReplay = Date.now();
    await new Promise<void>((res, rej) => c.monitor.publish(replay!.topic, JSON.stringify(replay!.json), { qos: 1 }, (err) => (err ? rej(err) : res())));
    // the replay is older than what the planner's session sent since: refused by ordering (or, if it got that far, a duplicate id)
    await until(() => replayed.every((id) => c.executions().some((e) => (e.event === 'duplicate' || e.event === 'rejected') && e.actionId === id && e.at >= tReplay)), 10_000, `ignored lines for replayed ${replayed.join(', ')}`);

    // Exactly once, from the controller's own execution record: every actionId the
    // planner sent (as seen on the broker) was executed once — or refused on the record
    // ('rejected' line; the planner carries no command across the outage, so only a copy
    // caught in the broker's own shutdown could arrive out of place) — none twice, none
    // unsent, none silently lost.
    const executedIds = () => new Set(c.executions().filter((e) => e.event === 'execute').map((e) => e.actionId));
    const refusedIds = () => new Set(c.executions().filter((e) => e.event === 'rejected').map((e) => e.actionId));
    const sentIds = () => new Set(c.actions().map((a) => a.actionId));
    const exec0 = executedIds();
    await until(() => [...exec0].every((id) => sentIds().has(id)), 5000, 'every executed actionId seen on the broker');
    const sent = sentIds();
    const unaccounted = () => [...sent].filter((id) => !executedIds().has(id) && !refusedIds().has(id));
    const describeSent = (id: string) => {
      const a = c.actions().find((x) => x.actionId === id)!;
      return `${id} (${a.actionType}, seen ${a.at - tDown} ms after the broker stopped)`;
    };
    await until(() => unaccounted().length === 0, 10_000, () => `every sent actionId executed or refused on the record; still neither: ${unaccounted().map(describeSent).join(', ')}`);
    const log = c.executions();
    const times = new Map<string, number>();
    for (const e of log) if (e.event === 'execute') times.set(e.actionId, (times.get(e.actionId) ?? 0) + 1);
    const refused = refusedIds();
    expect([...sent].filter((id) => times.get(id) !== 1 && !refused.has(id)), 'sent actions neither executed once nor refused').toEqual([]);
    expect(log.filter((e) => e.event === 'rejected').map((e) => e.reason).filter((r) => !['out_of_order', 'duplicate', 'session', 'stale'].includes(r!)), 'unexpected refusal reasons').toEqual([]);
    expect([...times].filter(([, n]) => n > 1), 'actions executed more than once').toEqual([]);
    expect(sent.size).toBeGreaterThanOrEqual(4);
    expect(log.filter((e) => e.actionType === 'handover' && e.event === 'execute').length).toBeGreaterThanOrEqual(4);
    // the running counts agree with the lines (no line lost, no execution unlogged)
    const execs = log.filter((e) => e.event === 'execute');
    expect(execs.map((e) => e.count)).toEqual(execs.map((_, i) => i + 1));
    const entered = c.planner.find((l) => l.json?.msg === 'safe state entered');
    expect(entered.at(-1)!.json!.reason).toMatch(/broker connection lost|controller/);
    expect(c.planner.exitCode).toBeUndefined();
    expect(c.controller.exitCode).toBeUndefined();
  }, 90_000);

  it('a second planner process for the same robot is refused (exit 1, fatal log) and the first keeps the cell', async () => {
    broker = await cellBroker(false);
    cell = await startCell({ broker, publisher: false });
    const c = cell;
    await until(() => finished(c, 0) >= 1, 15_000, 'a finished handover');
    const second = c.extraPlanner();
    const refused = await second.waitFor((l) => l.json?.msg === 'planner refused: another planner holds this robot', 30_000);
    expect(refused.json!.reason).toMatch(/^planner session \S+ refused: the cell is held by planner session \S+ \(ONLINE, started .+\); run one planner per robot$/);
    expect((await second.exited).code).toBe(1);
    await c.controller.waitFor(/second planner refused/, 5000);
    const tAfter = Date.now();
    await until(() => finished(c, tAfter) >= 1, 15_000, 'the first planner keeps handing over');
    expect(c.states().filter((s) => s.at > tAfter && s.json.safeState === true)).toEqual([]);
    expect(c.planner.exitCode).toBeUndefined();
  }, 90_000);

  it('controller killed: the planner holds the safe state (no new handovers) and resumes when the controller is back', async () => {
    broker = await cellBroker(false);
    cell = await startCell({ broker });
    const c = cell;
    await until(() => finished(c, 0) >= 1, 15_000, 'a finished handover');
    const before = c.planner.lines.length;
    c.controller.kill('SIGKILL');
    const entered = await c.planner.waitFor((l) => l.json?.msg === 'safe state entered', 5000, before);
    expect(entered.json!.reason).toMatch(/controller connection is CONNECTION_BROKEN|controller state silent/);
    const tSafe = Date.now();
    await new Promise((r) => setTimeout(r, 1500));
    expect(c.actions().filter((a) => a.actionType === 'handover' && a.at > tSafe + 100)).toEqual([]);
    await c.restartController();
    await c.planner.waitFor((l) => l.json?.msg === 'safe state left; resuming', 10_000, before);
    const tBack = Date.now();
    await until(() => finished(c, tBack) >= 1, 15_000, 'handovers resume with the new controller');
  }, 90_000);

  it('controller silent (process frozen): the planner goes safe on state silence and resumes when it reports again', async () => {
    broker = await cellBroker(false);
    cell = await startCell({ broker, publisher: false });
    const c = cell;
    await until(() => finished(c, 0) >= 1, 15_000, 'a finished handover');
    const before = c.planner.lines.length;
    const t0 = Date.now();
    c.controller.kill('SIGSTOP');
    try {
      const entered = await c.planner.waitFor((l) => l.json?.msg === 'safe state entered', 5000, before);
      expect(entered.json!.reason).toMatch(/^controller state silent for \d+ ms \(stateTimeoutMs 1500\)$/);
      expect(entered.at - t0).toBeLessThan(1500 + 1500);
    } finally {
      c.controller.kill('SIGCONT');
    }
    await c.planner.waitFor((l) => l.json?.msg === 'safe state left; resuming', 15_000, before);
    const tBack = Date.now();
    await until(() => finished(c, tBack) >= 1, 15_000, 'handovers resume');
    expect(reExecutions(c.states())).toEqual([]);
  }, 60_000);

  it('SIGTERM: stops ticking, cancels the running handover, publishes OFFLINE (retained) and exits 0', async () => {
    broker = await cellBroker(false);
    cell = await startCell({ broker, publisher: false, controllerArgs: ['--handover-ms', '20000'] });
    const c = cell;
    const running = await until(() => {
      const ids = new Set(c.actions().filter((a) => a.actionType === 'handover').map((a) => a.actionId));
      for (const s of c.states()) for (const a of s.json.actionStates) if (ids.has(a.actionId) && a.actionStatus === 'RUNNING') return a.actionId as string;
      return undefined;
    }, 10_000, 'a handover RUNNING at the controller');
    const exit = await c.planner.stop('SIGTERM', 8000);
    expect(exit).toEqual({ code: 0, signal: null });
    const msgs = c.planner.lines.map((l) => l.json?.msg).filter(Boolean);
    expect(msgs.slice(-3)).toEqual(['planner stopping', 'OFFLINE published; disconnected', 'planner stopped']);
    // a late subscriber still learns the planner is OFFLINE (retained)
    const late = mqtt.connect(broker.url, { protocolVersion: 4 });
    try {
      const retained = await new Promise<any>((res, rej) => {
        const t = setTimeout(() => rej(new Error('no retained connection/planner')), 5000);
        late.on('message', (_topic, payload) => {
          clearTimeout(t);
          res(JSON.parse(payload.toString()));
        });
        late.on('connect', () => late.subscribe(`${c.prefix}connection/planner`, { qos: 1 }));
      });
      expect(retained.connectionState).toBe('OFFLINE');
    } finally {
      late.end(true);
    }
    const cancel = c.actions().find((a) => a.actionType === 'cancel' && a.actionParameters.targetActionId === running);
    expect(cancel, 'a cancel for the running handover before OFFLINE').toBeDefined();
    await c.controller.waitFor(/planner lost, safe stop/, 3000);
  }, 60_000);
});

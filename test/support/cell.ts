/**
 * A robot cell made of real OS processes for the deploy e2e and fault tests: broker,
 * `affect-bt controller-sim`, `affect-bt run` (the planner) and the scripted affect
 * publisher, plus an in-test **monitor** MQTT client that records everything on the
 * robot's topics (what the planner commanded, what the controller reported, the
 * retained connection states). Assertions are made on what crossed the broker — the
 * same view an integrator has with `mosquitto_sub`. The controller-sim runs with
 * `--log-executions`, so what it actually executed (and which re-deliveries it ignored)
 * is read from its own stdout — {@link Cell.executions}.
 *
 * Broker: Mosquitto when `MQTT_URL` is set (a private `mosquitto -p PORT` process when
 * the test must stop/start it, the shared one otherwise), else the embedded aedes
 * broker. Every cell gets a unique serial number, so retained messages on a shared
 * broker never leak between tests.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { startEmbeddedBroker, type EmbeddedBroker } from '../../src/mqtt/broker.ts';
import { Child, freePort, spawnCli, spawnProcess, spawnTs, REPO_ROOT } from './processes.ts';
import { trackRetained } from './retained.ts';
import { isReachable } from './broker.ts';

/** One message seen by the monitor. */
export interface Seen {
  at: number;
  topic: string;
  /** Last topic levels after the robot prefix (`state`, `instantActions`, `connection/planner`…). */
  name: string;
  json: any;
  retain: boolean;
}

/** A broker the test controls. */
export interface CellBroker {
  url: string;
  kind: 'embedded' | 'mosquitto' | 'external';
  /** Stops the broker (only for `embedded`/`mosquitto`). */
  pause(): Promise<void>;
  resume(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A broker: `controllable` forces one the test can stop (embedded, or a private
 * Mosquitto process when `MQTT_URL` is set and the binary exists).
 *
 * @example
 * ```ts
 * const b = await cellBroker(true); await b.pause(); await b.resume(); await b.close();
 * ```
 */
export async function cellBroker(controllable: boolean): Promise<CellBroker> {
  const ext = process.env['MQTT_URL'];
  if (ext && (await isReachable(ext))) {
    if (!controllable) return { url: ext, kind: 'external', pause: async () => {}, resume: async () => {}, close: async () => {} };
    const port = await freePort();
    let proc: Child | undefined;
    const start = async () => {
      proc = spawnProcess('mosquitto', 'mosquitto', ['-p', String(port)]);
      const url = `mqtt://127.0.0.1:${port}`;
      const end = Date.now() + 5000;
      while (!(await isReachable(url, 200))) {
        if (Date.now() > end) throw new Error(`private mosquitto did not listen on ${port}:\n${proc.tail()}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    await start();
    return {
      url: `mqtt://127.0.0.1:${port}`,
      kind: 'mosquitto',
      pause: async () => void (await proc?.stop('SIGTERM')),
      resume: start,
      close: async () => void (await proc?.stop('SIGTERM')),
    };
  }
  const b: EmbeddedBroker = await startEmbeddedBroker();
  return { url: b.url, kind: 'embedded', pause: () => b.stop(), resume: () => b.restart(), close: () => b.stop() };
}

/** Options of {@link startCell}. */
export interface CellOptions {
  broker: CellBroker;
  /** Extra controller-sim flags. */
  controllerArgs?: string[];
  /** Extra planner flags. */
  plannerArgs?: string[];
  /** Apologise.minIntervalMs in the tree copy (the shipped tree uses 20 s; tests want faster). */
  apologyIntervalMs?: number;
  /** broker.keepaliveS in the cell config copy. */
  keepaliveS?: number;
  /** Start the affect publisher (default true). */
  publisher?: boolean;
  /** Run the planner with `--loop` (default true); false = it idles until an order comes. */
  loop?: boolean;
  /** Edits the tree copy's text (e.g. thresholds for a test clip). */
  editTree?: (text: string) => string;
}

/** A running cell. */
export interface Cell {
  robot: string;
  prefix: string;
  broker: CellBroker;
  monitor: MqttClient;
  seen: Seen[];
  controller: Child;
  planner: Child;
  publisher: Child | undefined;
  /** Starts the planner again (after it was stopped/killed). */
  restartPlanner(): Child;
  /** Starts one more planner process for the same robot (a second planner), not replacing `planner`. */
  extraPlanner(): Child;
  /** Starts the controller-sim again (after it was stopped/killed); resolves when ready. */
  restartController(): Promise<Child>;
  /** Instant actions the planner sent (flattened, first sighting of each actionId). */
  actions(): { at: number; actionId: string; actionType: string; actionParameters: any }[];
  /** Controller state messages. */
  states(): Seen[];
  /** The current controller-sim's execution record (`--log-executions` lines), in order. */
  executions(): { at: number; event: 'execute' | 'duplicate' | 'rejected'; actionId: string; actionType: string; count: number; reason?: string }[];
  /** Ends every process and the monitor. */
  close(): Promise<void>;
}

/**
 * Starts controller-sim, planner and (optionally) the affect publisher on `broker`.
 *
 * @example
 * ```ts
 * const cell = await startCell({ broker: await cellBroker(false) });
 * cell.publisher!.send('frustrated');
 * await cell.close();
 * ```
 */
export async function startCell(o: CellOptions): Promise<Cell> {
  const serial = `t${process.pid}-${Date.now().toString(36)}`;
  const robot = `acme/${serial}`;
  const prefix = `affectbt/v1/acme/${serial}/`;
  trackRetained(prefix);
  const dir = mkdtempSync(join(tmpdir(), 'affect-bt-cell-'));
  const treeText = (o.editTree ?? ((t: string) => t))(readFileSync(join(REPO_ROOT, 'trees/handover_affect.yaml'), 'utf8').replace(/minIntervalMs: \d+/, `minIntervalMs: ${o.apologyIntervalMs ?? 1500}`));
  const treePath = join(dir, 'tree.yaml');
  writeFileSync(treePath, treeText);
  const cfgText = readFileSync(join(REPO_ROOT, 'cells/example.yaml'), 'utf8')
    .replace(/^tree: .*$/m, `tree: ${treePath}`)
    .replace(/keepaliveS: \d+/, `keepaliveS: ${o.keepaliveS ?? 2}`)
    .replace(/^  port: 9464.*$/m, '  port: 0')
    .replace(/maxHz: \d+/, 'maxHz: 5');
  const cfgPath = join(dir, 'cell.yaml');
  writeFileSync(cfgPath, cfgText);

  const seen: Seen[] = [];
  const monitor = mqtt.connect(o.broker.url, { clientId: `monitor-${serial}`, reconnectPeriod: 200, protocolVersion: 4 });
  monitor.on('message', (topic, payload, packet) => {
    let json: unknown;
    try {
      json = JSON.parse(payload.toString('utf8'));
    } catch {
      json = undefined;
    }
    seen.push({ at: Date.now(), topic, name: topic.slice(prefix.length), json, retain: packet.retain });
  });
  monitor.on('connect', () => monitor.subscribe(`${prefix}#`, { qos: 1 }));
  await new Promise<void>((res, rej) => {
    const t = setTimeout(() => rej(new Error(`monitor: no connection to ${o.broker.url}`)), 5000);
    monitor.once('connect', () => {
      clearTimeout(t);
      res();
    });
  });

  const startController = () =>
    spawnCli('controller-sim', ['controller-sim', '--mqtt', o.broker.url, '--robot', robot, '--handover-ms', '300', '--state-interval-ms', '200', '--keepalive', '2', '--log-executions', ...(o.controllerArgs ?? [])]);
  const controller = startController();
  await controller.waitFor(/^ready /, 30_000);
  let publisher: Child | undefined;
  if (o.publisher ?? true) {
    publisher = spawnTs('affect', 'test/support/affect-publisher.ts', ['--mqtt', o.broker.url, '--robot', robot, '--hz', '30']);
    await publisher.waitFor(/^ready$/, 30_000);
  }
  const startPlanner = () =>
    // --loop (default): these cells exercise the running tree (handovers back to back) without an order feeder
    spawnCli('planner', ['run', '--config', cfgPath, '--mqtt', o.broker.url, '--robot', robot, '--controller-silence-ms', '1500', ...((o.loop ?? true) ? ['--loop'] : []), ...(o.plannerArgs ?? [])]);
  const cell: Cell = {
    robot,
    prefix,
    broker: o.broker,
    monitor,
    seen,
    controller,
    planner: startPlanner(),
    publisher,
    async restartController() {
      cell.controller = startController();
      await cell.controller.waitFor(/^ready /, 30_000);
      return cell.controller;
    },
    restartPlanner() {
      cell.planner = startPlanner();
      return cell.planner;
    },
    extraPlanner: () => startPlanner(),
    actions() {
      const out: ReturnType<Cell['actions']> = [];
      const ids = new Set<string>();
      for (const s of seen) {
        if (s.name !== 'instantActions' || !s.json) continue;
        for (const a of s.json.actions ?? []) {
          if (ids.has(a.actionId)) continue;
          ids.add(a.actionId);
          out.push({ at: s.at, ...a });
        }
      }
      return out;
    },
    states() {
      return seen.filter((s) => s.name === 'state' && s.json);
    },
    executions() {
      const out: ReturnType<Cell['executions']> = [];
      for (const l of cell.controller.lines) {
        const j = l.json;
        if (l.stream === 'stdout' && (j?.event === 'execute' || j?.event === 'duplicate' || j?.event === 'rejected')) out.push({ at: l.at, event: j.event, actionId: j.actionId, actionType: j.actionType, count: j.count, ...(j.reason ? { reason: j.reason } : {}) });
      }
      return out;
    },
    async close() {
      await Promise.all([cell.planner.stop('SIGKILL'), cell.controller.stop('SIGKILL'), publisher?.stop('SIGKILL')]);
      await new Promise<void>((r) => monitor.end(true, {}, () => r()));
    },
  };
  await cell.planner.waitFor((l) => l.json?.msg === 'controller available; ticking', 30_000);
  return cell;
}

/**
 * For every actionId, how many times the controller reported it entering RUNNING from
 * a non-RUNNING status after it had already reached a final status — i.e. executions
 * beyond the first. All zeros means no command was executed twice.
 *
 * @example
 * ```ts
 * expect(reExecutions(cell.states())).toEqual([]);
 * ```
 */
export function reExecutions(states: Seen[]): string[] {
  const last = new Map<string, string>();
  const finished = new Set<string>();
  const twice: string[] = [];
  for (const s of states) {
    for (const a of s.json.actionStates ?? []) {
      const prev = last.get(a.actionId);
      if (finished.has(a.actionId) && (a.actionStatus === 'RUNNING' || a.actionStatus === 'WAITING' || a.actionStatus === 'INITIALIZING') && prev !== a.actionStatus) twice.push(a.actionId);
      if (a.actionStatus === 'FINISHED' || a.actionStatus === 'FAILED') finished.add(a.actionId);
      last.set(a.actionId, a.actionStatus);
    }
  }
  return twice;
}

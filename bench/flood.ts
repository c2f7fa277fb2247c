/**
 * Flood bench of the planner: `npm run bench -- flood [--ids 50000] [--rate 5000]
 * [--seconds 20] [--hz 50]`. Two measurements against a broker (`MQTT_URL` when set,
 * else `affect-bt broker --allow-anonymous` as a child process):
 *
 * 1. **Memory under an id flood**: a real `affect-bt run` planner process receives
 *    `--ids` affect messages, each for a new person id, as fast as it processes them
 *    (batches of 1,000 paced by its `/healthz` progress, so none is lost at the broker);
 *    its RSS (`/proc/<pid>/status`) is read after a warm-up and after the flood, with the
 *    peak (`VmHWM`) and the bounded person count from `/healthz` (`affect.maxPersons`,
 *    default 64, plus the pinned `humanId`).
 * 2. **Tick latency under a message flood**: the real `Planner` runs in this process
 *    (tree, MQTT link, metrics) against `affect-bt controller-sim`, while a publisher
 *    process floods `affect` at `--rate` messages/s (new ids, so every message is work
 *    for the bridge and the blackboard bound) with the default inbound budget
 *    (`affect.maxMessagesPerSecond`, 2,000/s: the excess is dropped unread). Reports
 *    tick p50/p99/max, overruns and how many messages were dropped.
 *
 * In part 2 the flooding publisher runs in its own process (`--publish` mode of this
 * file), so its own work never lands on the planner's event loop. Ends with one JSON line
 * `{"bench":"flood",…}`. Budgets (the issue's): RSS growth under the id flood < 64 MiB,
 * tick p99 < 5 ms at 5,000 msg/s.
 */
import { parseArgs } from 'node:util';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import mqtt from 'mqtt';
import { HeaderFactory } from '../src/contract/header.ts';
import { parseRobotId, topicFor } from '../src/mqtt/topics.ts';
import { parseCellConfig } from '../src/deploy/config.ts';
import { createLogger } from '../src/deploy/logger.ts';
import { Planner } from '../src/deploy/planner.ts';
import '../src/builtins.ts';
import { loadTreeFile } from '../src/tree/loader.ts';
import { buildTree } from '../src/tree/build.ts';
import { spawnCli, spawnTs, freePort, killAll, REPO_ROOT, type Child } from '../test/support/processes.ts';

function pct(sorted: Float64Array, p: number): number {
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function procMiB(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

/** `--publish URL ROBOT RATE COUNT FIRST`: publishes COUNT affect messages for new ids at RATE/s, prints `done N`. */
async function publish(url: string, robotText: string, rate: number, count: number, first: number): Promise<void> {
  const robot = parseRobotId(robotText);
  const topic = topicFor(robot, 'affect');
  const headers = new HeaderFactory(robot, `flood-${process.pid}`);
  const client = mqtt.connect(url, { protocolVersion: 4, clientId: `flood-${process.pid}` });
  await new Promise<void>((r) => client.once('connect', () => r()));
  process.stdout.write('ready\n');
  const started = Date.now();
  let sent = 0;
  while (sent < count) {
    const due = Math.min(count, Math.floor(((Date.now() - started) / 1000) * rate) + 1);
    for (; sent < due; sent++) {
      const now = Date.now();
      const observedAt = new Date(now).toISOString();
      const estimate = { humanId: `p${first + sent}`, expression: 'neutral', valence: 0, arousal: 0, confidence: 0.8, frustration: 0.1, source: 'local', maxAgeMs: 5000, observedAt };
      client.publish(topic, JSON.stringify({ ...headers.next('affect', now), estimates: [estimate] }), { qos: 0 });
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  await client.publishAsync(topic, JSON.stringify({ ...headers.next('affect', Date.now()), estimates: [{ humanId: 'h1', expression: 'neutral', valence: 0, arousal: 0, confidence: 0.8, frustration: 0.1, source: 'local', maxAgeMs: 5000, observedAt: new Date().toISOString() }] }), { qos: 1 });
  process.stdout.write(`done ${sent} in ${Date.now() - started} ms\n`);
  await client.endAsync();
}

/**
 * Runs the bench.
 *
 * @example
 * ```ts
 * await main(['--ids', '50000', '--rate', '5000', '--seconds', '20']);
 * ```
 */
export async function main(argv: string[]): Promise<void> {
  if (argv[0] === '--publish') return publish(argv[1]!, argv[2]!, Number(argv[3]), Number(argv[4]), Number(argv[5] ?? 0));
  const { values } = parseArgs({ args: argv, options: { ids: { type: 'string' }, rate: { type: 'string' }, seconds: { type: 'string' }, hz: { type: 'string' } } });
  const ids = Number(values.ids ?? 50_000);
  const rate = Number(values.rate ?? 5000);
  const seconds = Number(values.seconds ?? 20);
  const hz = Number(values.hz ?? 50);
  if (!(ids >= 1000) || !(rate > 0) || !(seconds >= 5) || !(hz > 0)) throw new Error(`flood: need --ids ≥ 1000, --rate > 0, --seconds ≥ 5, --hz > 0 (got ${ids}, ${rate}, ${seconds}, ${hz})`);
  let url = process.env['MQTT_URL'];
  let brokerKind = 'mosquitto';
  if (!url) {
    const b = spawnCli('broker', ['broker', '--port', String(await freePort()), '--allow-anonymous']);
    url = (await b.waitFor(/^mqtt:\/\//, 15_000)).text.trim();
    brokerKind = 'embedded';
  }
  const dir = mkdtempSync(join(tmpdir(), 'affect-bt-flood-'));
  const tree = join(REPO_ROOT, 'trees/handover_affect.yaml');
  const flood = async (robot: string, r: number, count: number, first: number): Promise<Child> => {
    const p = spawnTs('flood', 'bench/run.ts', ['flood', '--publish', url!, robot, String(r), String(count), String(first)]);
    await p.waitFor(/^ready$/, 20_000);
    return p;
  };

  // 1. RSS of a planner process under an id flood
  const serialA = `flood-rss-${process.pid}`;
  writeFileSync(join(dir, 'rss.yaml'), `tree: ${tree}\nrobot: {manufacturer: acme, serialNumber: ${serialA}}\nmetrics: {port: 0}\naffect: {maxMessagesPerSecond: 1000000}\nlog: {level: info}\n`);
  const plannerProc = spawnCli('planner', ['run', '--config', join(dir, 'rss.yaml'), '--mqtt', url]);
  const health = String((await plannerProc.waitFor((l) => l.json?.msg === 'metrics server listening', 30_000)).json!.url).replace('/metrics', '/healthz');
  await plannerProc.waitFor((l) => l.json?.msg === 'waiting for the controller', 30_000);
  const pid = plannerProc.proc.pid!;
  const status = async () => (await (await fetch(health)).json()) as { affectPersons: number; affectPersonsEvicted: number };
  // the id flood is paced by the planner's own progress (a QoS 0 flood faster than the
  // planner reads would be thinned out by the broker, and then it would not be 50,000 ids)
  const robotA = parseRobotId(`acme/${serialA}`);
  const idClient = mqtt.connect(url, { protocolVersion: 4, clientId: `flood-ids-${process.pid}` });
  await new Promise<void>((r) => idClient.once('connect', () => r()));
  const idHeaders = new HeaderFactory(robotA, `flood-ids-${process.pid}`);
  const idTopic = topicFor(robotA, 'affect');
  const sendIds = async (from: number, n: number) => {
    for (let i = from; i < from + n; i++) {
      const now = Date.now();
      idClient.publish(idTopic, JSON.stringify({ ...idHeaders.next('affect', now), estimates: [{ humanId: `p${i}`, expression: 'neutral', valence: 0, arousal: 0, confidence: 0.8, frustration: 0.1, source: 'local', maxAgeMs: 5000, observedAt: new Date(now).toISOString() }] }), { qos: 0 });
    }
    const until = Date.now() + 30_000;
    while ((await status()).affectPersonsEvicted < 0.95 * (from + n) - 64) {
      if (Date.now() > until) throw new Error(`flood: the planner processed only ${(await status()).affectPersonsEvicted} of ${from + n} ids within 30 s`);
      await new Promise((r) => setTimeout(r, 10));
    }
  };
  await sendIds(0, 2000); // warm-up
  await new Promise((r) => setTimeout(r, 1000));
  const rssBefore = procMiB(pid, 'VmRSS');
  const t0 = Date.now();
  for (let i = 2000; i < 2000 + ids; i += 1000) await sendIds(i, Math.min(1000, 2000 + ids - i));
  let s = await status();
  await idClient.endAsync();
  const floodMs = Date.now() - t0;
  await new Promise((r) => setTimeout(r, 1000));
  const rssAfter = procMiB(pid, 'VmRSS');
  const rssPeak = procMiB(pid, 'VmHWM');
  s = await status();
  await plannerProc.stop('SIGTERM');
  process.stdout.write(
    [
      `flood: broker ${brokerKind} ${url}`,
      `id flood         ${ids} new person ids in ${floodMs} ms (${Math.round(ids / (floodMs / 1000))}/s, paced by the planner); persons held ${s.affectPersons}, evicted ${s.affectPersonsEvicted}`,
      `planner RSS      ${rssBefore.toFixed(1)} MiB → ${rssAfter.toFixed(1)} MiB (Δ ${(rssAfter - rssBefore).toFixed(1)} MiB, peak ${rssPeak.toFixed(1)} MiB)`,
    ].join('\n') + '\n',
  );

  // 2. tick latency of an in-process planner under a message flood
  const serialB = `flood-tick-${process.pid}`;
  const controller = spawnCli('controller-sim', ['controller-sim', '--mqtt', url, '--robot', `acme/${serialB}`, '--handover-ms', '400', '--state-interval-ms', '200']);
  await controller.waitFor(/^ready /, 20_000);
  const config = parseCellConfig(join(dir, 'tick.yaml'), `tree: ${tree}\nrobot: {manufacturer: acme, serialNumber: ${serialB}}\ntick: {rateHz: ${hz}}\nlog: {level: warn}\norders: {loop: true}\n`, { brokerUrl: url }, {});
  const doc = await loadTreeFile(config.tree);
  const maxTicks = Math.ceil(seconds * hz * 1.5) + 100;
  const durations = new Float64Array(maxTicks);
  let n = 0;
  let overruns = 0;
  let recording = false;
  const planner = new Planner({
    config,
    logger: createLogger({ level: 'warn', destination: new Writable({ write: (_c, _e, cb) => cb() }) }),
    buildTree: (env) => buildTree(doc, { ...env, trace: true }),
    onTick: (ms, over) => {
      if (!recording || n >= maxTicks) return;
      durations[n++] = ms;
      if (over) overruns++;
    },
  });
  await planner.start();
  const tReady = Date.now();
  while (planner.phase !== 'running') {
    if (Date.now() - tReady > 15_000) throw new Error(`flood: controller never became available (${JSON.stringify(planner.status())})`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const received0 = planner.mqtt!.bridge.counters.received;
  const publisher = await flood(`acme/${serialB}`, rate, Math.round(rate * seconds), 0);
  recording = true;
  await publisher.waitFor(/^done /, (seconds + 60) * 1000);
  recording = false;
  const received = planner.mqtt!.bridge.counters.received - received0;
  const rateLimited = planner.mqtt!.bridge.counters.rejected.rate_limited;
  const persons = planner.blackboard.familySize('affect/') ?? 0;
  await planner.stop('bench done');
  await killAll();
  const sorted = durations.slice(0, n).sort();
  const p50 = pct(sorted, 50);
  const p99 = pct(sorted, 99);
  const max = sorted[sorted.length - 1] ?? NaN;
  process.stdout.write(
    [
      `message flood    ${rate} msg/s for ${seconds} s: planner received ${received} (${(received / seconds).toFixed(0)}/s), ${rateLimited} dropped unread over its budget (affect.maxMessagesPerSecond ${config.affect.maxMessagesPerSecond}), persons held ${persons}`,
      `ticks            ${n} at ${hz} Hz; p50 ${(p50 * 1000).toFixed(0)} µs, p99 ${(p99 * 1000).toFixed(0)} µs, max ${max.toFixed(2)} ms; overruns ${overruns}`,
    ].join('\n') + '\n',
  );
  process.stdout.write(
    JSON.stringify({
      bench: 'flood',
      broker: brokerKind,
      ids,
      rss_before_mib: Number(rssBefore.toFixed(1)),
      rss_after_mib: Number(rssAfter.toFixed(1)),
      rss_delta_mib: Number((rssAfter - rssBefore).toFixed(1)),
      rss_peak_mib: Number(rssPeak.toFixed(1)),
      persons_held: s.affectPersons,
      persons_evicted: s.affectPersonsEvicted,
      rate_msg_s: rate,
      seconds,
      received,
      rate_limited: rateLimited,
      tick_hz: hz,
      ticks: n,
      tick_p50_us: Math.round(p50 * 1000),
      tick_p99_us: Math.round(p99 * 1000),
      tick_max_us: Math.round(max * 1000),
      overruns,
    }) + '\n',
  );
  setTimeout(() => process.exit(0), 100).unref();
}

/**
 * MQTT latency bench: affect publish (separate client) → estimate visible on the
 * planner's blackboard (through the real bridge: JSON parse, Ajv, ordering,
 * blackboard write), beside a raw mqtt.js publish → receive of the same payload
 * measured the same way (sequential ping, hrtime before publish, hrtime in the
 * receiving `message` listener). Blocks of raw and bridged samples alternate so
 * drift hits both equally. Samples are back-to-back by default (each waits for the
 * previous delivery); `--gap-ms N` idles N ms between samples (colder caches, closer
 * to a 30 fps stream on a busy host). Runs through the embedded aedes broker and, when
 * `MQTT_URL` is set and reachable, through that broker too.
 *
 * Budget: ratio_p50 ≤ 1.3 and p99 < 5 ms on loopback.
 *
 * `npm run bench -- mqtt [--samples N] [--gap-ms N]`
 */
import net from 'node:net';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { Blackboard } from '../src/core/blackboard.ts';
import { SystemClock } from '../src/core/clock.ts';
import { affectKey, HeaderFactory, type AffectEstimate } from '../src/contract/index.ts';
import { connectMqtt, connectPlanner, publishOptions, silentLogger, startEmbeddedBroker, topicFor } from '../src/mqtt/index.ts';

interface Result {
  broker: string;
  mqtt5: boolean;
  p50_us: number;
  p99_us: number;
  raw_p50_us: number;
  raw_p99_us: number;
  ratio_p50: number;
}

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function reachable(url: string): Promise<boolean> {
  const u = new URL(url);
  return new Promise((resolve) => {
    const s = net.connect({ host: u.hostname, port: Number(u.port || 1883) });
    s.setTimeout(500, () => (s.destroy(), resolve(false)));
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });
}

async function measure(url: string, label: string, samples: number, gapMs: number): Promise<Result> {
  const robot = { manufacturer: 'bench', serialNumber: `b${process.pid}${Date.now().toString(36)}` };
  const bb = new Blackboard({ clock: new SystemClock() });
  // back-to-back samples run at ~10,000 msg/s, above the planner's affect flood guard
  // (affect.maxMessagesPerSecond, 2000): raise it so every sample is read — the guard's
  // check itself stays on the measured path
  const link = await connectPlanner({ mqtt: { url }, robot, blackboard: bb, logger: silentLogger, controller: { checkIntervalMs: 0 }, bridge: { maxAffectPerSecond: 1_000_000 } });
  const pub = await connectMqtt({ url });
  const rawSub = await connectMqtt({ url });
  const rawTopic = `affectbt-bench/raw/${robot.serialNumber}`;
  await rawSub.subscribeAsync(rawTopic, { qos: 0 });
  await new Promise((r) => setTimeout(r, 200)); // planner subscriptions settle
  const affectTopic = topicFor(robot, 'affect');
  const headers = new HeaderFactory(robot);
  const key = affectKey('h1');

  let expectWrites = 0;
  let t0 = 0n;
  let t1 = 0n;
  let done: (() => void) | undefined;
  // Runs after the link's own listener (registration order): the bridge already wrote.
  link.client.on('message', () => {
    if (bb.writeCount >= expectWrites && bb.get<AffectEstimate>(key) !== undefined && done) {
      t1 = process.hrtime.bigint();
      const d = done;
      done = undefined;
      d();
    }
  });
  rawSub.on('message', (_t, payload) => {
    if (done && payload.length > 0) {
      t1 = process.hrtime.bigint();
      const d = done;
      done = undefined;
      d();
    }
  });
  const opts = publishOptions(pub, 0, false, 2);
  const pause = (): Promise<void> | undefined => (gapMs > 0 ? new Promise((r) => setTimeout(r, gapMs)) : undefined);
  const once = async (raw: boolean): Promise<number> => {
    const observedAt = new Date().toISOString();
    const est: AffectEstimate = { humanId: 'h1', expression: 'focused', valence: 0.1, arousal: 0.2, confidence: 0.8, frustration: 0.3, source: 'local', maxAgeMs: 2000, observedAt };
    const json = JSON.stringify({ ...headers.next('affect', Date.now()), estimates: [est] });
    expectWrites = bb.writeCount + 1;
    const got = new Promise<void>((r) => (done = r));
    const timeout = setTimeout(() => done?.(), 2000);
    t0 = process.hrtime.bigint();
    pub.publish(raw ? rawTopic : affectTopic, json, opts);
    await got;
    clearTimeout(timeout);
    return Number(t1 - t0) / 1000;
  };
  for (let i = 0; i < 300; i++) {
    await once(true);
    await once(false);
  }
  const raw: number[] = [];
  const bridged: number[] = [];
  const block = 100;
  while (bridged.length < samples) {
    for (let i = 0; i < block; i++) {
      raw.push(await once(true));
      await pause();
      bridged.push(await once(false));
      await pause();
    }
  }
  raw.sort((a, b) => a - b);
  bridged.sort((a, b) => a - b);
  const res: Result = {
    broker: label,
    mqtt5: link.mqtt5,
    p50_us: Math.round(pct(bridged, 50)),
    p99_us: Math.round(pct(bridged, 99)),
    raw_p50_us: Math.round(pct(raw, 50)),
    raw_p99_us: Math.round(pct(raw, 99)),
    ratio_p50: Math.round((pct(bridged, 50) / pct(raw, 50)) * 100) / 100,
  };
  const rejected = link.bridge.rejectedTotal;
  await link.close();
  await pub.endAsync();
  await rawSub.endAsync();
  if (rejected > 0) throw new Error(`bench: the bridge rejected ${rejected} bench payloads (${JSON.stringify(link.bridge.counters.rejected)})`);
  return res;
}

/**
 * Runs the bench and prints one JSON line at the end.
 *
 * @example
 * ```ts
 * await main(['--samples', '2000']);
 * ```
 */
export async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { samples: { type: 'string' }, 'gap-ms': { type: 'string' } } });
  const gapMs = values['gap-ms'] ? Number(values['gap-ms']) : 0;
  if (!(gapMs >= 0)) throw new Error(`--gap-ms must be a number ≥ 0, got ${values['gap-ms']}`);
  const samples = values.samples ? Number(values.samples) : 2000;
  if (!Number.isInteger(samples) || samples < 100) throw new Error(`--samples must be an integer ≥ 100, got ${values.samples}`);
  const results: Result[] = [];
  const broker = await startEmbeddedBroker();
  try {
    results.push(await measure(broker.url, 'embedded', samples, gapMs));
  } finally {
    await broker.stop();
  }
  const ext = process.env['MQTT_URL'];
  if (ext && (await reachable(ext))) results.push(await measure(ext, ext.replace(/\/\/[^@/]*@/, '//***@'), samples, gapMs));
  else process.stdout.write('MQTT_URL not set or unreachable: external broker skipped\n');
  for (const r of results) {
    const ok = r.ratio_p50 <= 1.3 && r.p99_us < 5000;
    process.stdout.write(
      `${r.broker.padEnd(26)} mqtt5=${String(r.mqtt5).padEnd(5)} publish→blackboard p50 ${r.p50_us} µs  p99 ${r.p99_us} µs | raw publish→receive p50 ${r.raw_p50_us} µs  p99 ${r.raw_p99_us} µs | ratio_p50 ${r.ratio_p50} ${ok ? 'within budget' : 'OVER BUDGET (ratio_p50 ≤ 1.3, p99 < 5 ms)'}\n`,
    );
  }
  process.stdout.write(`host: ${os.cpus().length} CPUs, load average ${os.loadavg()[0]!.toFixed(2)} (p99 on a loaded host is dominated by scheduling; compare with raw_p99_us)\n`);
  const primary = results[0]!;
  process.stdout.write(
    JSON.stringify({ bench: 'mqtt', broker: primary.broker, p50_us: primary.p50_us, p99_us: primary.p99_us, raw_p50_us: primary.raw_p50_us, ratio_p50: primary.ratio_p50, samples, gap_ms: gapMs, loadavg_1m: Math.round(os.loadavg()[0]! * 100) / 100, cpus: os.cpus().length, brokers: results }) + '\n',
  );
}

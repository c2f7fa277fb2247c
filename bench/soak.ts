/**
 * Soak bench of the deployed planner: `npm run bench -- soak [--seconds 60] [--hz 50]
 * [--affect-hz 30]`. Runs the real `Planner` (tree, MQTT link, metrics) in this process
 * against a broker (`MQTT_URL` when set, else `affect-bt broker` as a child process),
 * `affect-bt controller-sim` and the scripted affect publisher as child processes — the
 * person alternates calm/frustrated every 5 s, and goes silent (stale) one phase in four.
 *
 * With `--browser`, `affect-bt monitor` watches the cell and a headless Chromium keeps
 * its page open for the whole run, so two runs (with and without) show what a connected
 * browser costs the planner (tick p99); the monitor's own CPU share is reported too.
 *
 * Reports tick p50/p99/max, overruns, handovers, and heap used before/after (both after
 * a forced GC, after a warm-up) to show there is no memory growth. The controller client
 * keeps finished actions for 60 s, so a warm-up ≥ 60 s (`--warmup 70`) measures the true
 * steady state. Ends with one JSON
 * line `{"bench":"soak",…}`. Budgets belong here, not in unit tests: tick p99 < 5 ms,
 * overruns < 0.5 % of ticks, heap growth < 10 MiB.
 */
import v8 from 'node:v8';
import vm from 'node:vm';
import { parseArgs } from 'node:util';
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { parseCellConfig } from '../src/deploy/config.ts';
import { createLogger } from '../src/deploy/logger.ts';
import { Planner } from '../src/deploy/planner.ts';
import '../src/builtins.ts';
import { loadTreeFile } from '../src/tree/loader.ts';
import { buildTree } from '../src/tree/build.ts';
import { describeTree } from '../src/tree/describe.ts';
import { spawnCli, spawnTs, freePort, killAll, REPO_ROOT } from '../test/support/processes.ts';
import { launchBrowser } from '../test/support/browser.ts';

/** CPU seconds (user + system) a process has used so far, from /proc. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
}

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

function heapUsedMiB(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed / 2 ** 20;
}

function pct(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/**
 * Runs the soak.
 *
 * @example
 * ```ts
 * await main(['--seconds', '20']);
 * ```
 */
export async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { seconds: { type: 'string' }, hz: { type: 'string' }, 'affect-hz': { type: 'string' }, warmup: { type: 'string' }, browser: { type: 'boolean' } } });
  const seconds = Number(values.seconds ?? 60);
  const hz = Number(values.hz ?? 50);
  const affectHz = Number(values['affect-hz'] ?? 30);
  if (!(seconds >= 5) || !(hz > 0) || !(affectHz > 0)) throw new Error(`soak: need --seconds ≥ 5, --hz > 0, --affect-hz > 0 (got ${seconds}, ${hz}, ${affectHz})`);
  const warmupS = values.warmup !== undefined ? Number(values.warmup) : Math.min(5, Math.floor(seconds / 4));
  if (!(warmupS >= 0 && warmupS < seconds)) throw new Error(`soak: --warmup must be in [0, seconds), got ${values.warmup}`);

  let url = process.env['MQTT_URL'];
  let brokerKind = 'mosquitto';
  if (!url) {
    const port = await freePort();
    const b = spawnCli('broker', ['broker', '--port', String(port), '--allow-anonymous']);
    url = (await b.waitFor(/^mqtt:\/\//, 15_000)).text.trim();
    brokerKind = 'embedded';
  }
  const serial = `soak-${process.pid}`;
  const robot = `acme/${serial}`;
  const controller = spawnCli('controller-sim', ['controller-sim', '--mqtt', url, '--robot', robot, '--handover-ms', '400', '--p-drop', '0.15', '--state-interval-ms', '200']);
  const publisher = spawnTs('affect', 'test/support/affect-publisher.ts', ['--mqtt', url, '--robot', robot, '--hz', String(affectHz)]);
  await Promise.all([controller.waitFor(/^ready /, 20_000), publisher.waitFor(/^ready$/, 20_000)]);

  const dir = mkdtempSync(join(tmpdir(), 'affect-bt-soak-'));
  const tree = readFileSync(join(REPO_ROOT, 'trees/handover_affect.yaml'), 'utf8').replace(/minIntervalMs: \d+/, 'minIntervalMs: 3000');
  writeFileSync(join(dir, 'tree.yaml'), tree);
  const config = parseCellConfig(join(dir, 'cell.yaml'), `tree: tree.yaml\nrobot: {manufacturer: acme, serialNumber: ${serial}}\ntick: {rateHz: ${hz}}\nlog: {level: warn}\ntrace: {enabled: true, maxHz: 2}\norders: {loop: true}\n`, { brokerUrl: url }, {});
  const doc = await loadTreeFile(config.tree);
  const sink = new Writable({ write: (_c, _e, cb) => cb() });
  const logger = createLogger({ level: 'warn', destination: sink });
  const maxTicks = Math.ceil(seconds * hz * 1.2) + 100;
  const durations = new Float64Array(maxTicks);
  let n = 0;
  let recording = false;
  let overruns = 0;
  let slow = 0;
  const planner = new Planner({
    config,
    logger,
    buildTree: (env) => {
      const runner = buildTree(doc, { ...env, trace: true });
      return Object.assign(runner, { description: describeTree(doc, runner) });
    },
    onTick: (ms, over) => {
      if (!recording || n >= maxTicks) return;
      durations[n++] = ms;
      if (over) overruns++;
      if (ms > 1000 / hz) slow++;
    },
  });
  await planner.start();
  let browser: Awaited<ReturnType<typeof launchBrowser>> | undefined;
  let monitorPid: number | undefined;
  if (values.browser) {
    const monitor = spawnCli('monitor', ['monitor', '--mqtt', url, '--robot', robot, '--port', '0']);
    const monitorUrl = /http:\/\/\S+/.exec((await monitor.waitFor(/^monitor: http/, 30_000)).text)![0];
    monitorPid = monitor.proc.pid;
    browser = await launchBrowser();
    const page = await browser.browser.newPage({ viewport: { width: 1600, height: 1000 } });
    await page.goto(monitorUrl);
    await page.locator('g.node[data-path="root"]').waitFor({ timeout: 30_000 });
  }
  const t0 = Date.now();
  while (planner.phase !== 'running') {
    if (Date.now() - t0 > 15_000) throw new Error(`soak: controller never became available (${JSON.stringify(planner.status())})`);
    await new Promise((r) => setTimeout(r, 50));
  }
  process.stdout.write(`soak: broker ${brokerKind} ${url}, ${seconds} s at ${hz} Hz ticks, affect ${affectHz} Hz (warm-up ${warmupS} s)\n`);
  const moods = ['calm', 'frustrated', 'calm', 'silent'];
  let phase = 0;
  const moodTimer = setInterval(() => publisher.send(moods[++phase % moods.length]!), 5000);
  await new Promise((r) => setTimeout(r, warmupS * 1000));
  const heapBefore = heapUsedMiB();
  recording = true;
  const started = Date.now();
  const monitorCpu0 = monitorPid !== undefined ? cpuSeconds(monitorPid) : NaN;
  const selfCpu0 = process.cpuUsage();
  let lastPrint = started;
  while (Date.now() - started < (seconds - warmupS) * 1000) {
    await new Promise((r) => setTimeout(r, 1000));
    if (Date.now() - lastPrint >= 10_000) {
      lastPrint = Date.now();
      process.stdout.write(`  ${Math.round((lastPrint - started) / 1000)} s: ${n} ticks, ${overruns} overruns, heap ${(process.memoryUsage().heapUsed / 2 ** 20).toFixed(1)} MiB\n`);
    }
  }
  recording = false;
  const wallS = (Date.now() - started) / 1000;
  const monitorCpuPct = monitorPid !== undefined ? (100 * (cpuSeconds(monitorPid) - monitorCpu0)) / wallS : NaN;
  const selfCpu = process.cpuUsage(selfCpu0);
  const plannerCpuPct = (100 * (selfCpu.user + selfCpu.system)) / 1e6 / wallS;
  await browser?.close();
  clearInterval(moodTimer);
  const heapAfter = heapUsedMiB();
  const metricsText = await planner.metrics.registry.metrics();
  const finishedHandovers = Number(/affectbt_actions_total\{type="handover",outcome="finished"[^}]*\} (\d+)/.exec(metricsText)?.[1] ?? 0);
  const rejected = [...metricsText.matchAll(/affectbt_mqtt_messages_rejected_total\{[^}]*\} (\d+)/g)].reduce((s, m) => s + Number(m[1]), 0);
  const affectMsgs = Number(/affectbt_mqtt_messages_received_total\{topic="affect"[^}]*\} (\d+)/.exec(metricsText)?.[1] ?? 0);
  await planner.stop('bench done');
  publisher.send('exit');
  await killAll();

  const sorted = durations.slice(0, n).sort();
  const p50 = pct(sorted, 50);
  const p99 = pct(sorted, 99);
  const max = sorted[sorted.length - 1] ?? NaN;
  const elapsed = (seconds - warmupS);
  process.stdout.write(
    [
      `ticks            ${n} in ${elapsed} s (${(n / elapsed).toFixed(1)} Hz)`,
      `tick p50 / p99   ${(p50 * 1000).toFixed(0)} µs / ${(p99 * 1000).toFixed(0)} µs (max ${max.toFixed(2)} ms)`,
      `overruns         ${overruns} (${((100 * overruns) / Math.max(1, n)).toFixed(2)} %): ${slow} slow ticks, ${overruns - slow} late starts (event loop busy elsewhere)`,
      `handovers done   ${finishedHandovers}; affect messages ${affectMsgs}; rejected ${rejected}`,
      `heap used        ${heapBefore.toFixed(2)} MiB → ${heapAfter.toFixed(2)} MiB after GC (Δ ${(heapAfter - heapBefore).toFixed(2)} MiB)`,
      `CPU              planner process ${plannerCpuPct.toFixed(1)} %${values.browser ? `; monitor process ${monitorCpuPct.toFixed(1)} % (browser page open)` : ' (no monitor, no browser)'}`,
    ].join('\n') + '\n',
  );
  const out = {
    bench: 'soak',
    broker: brokerKind,
    browser: values.browser === true,
    seconds: elapsed,
    tick_hz: hz,
    affect_hz: affectHz,
    ticks: n,
    tick_p50_us: Math.round(p50 * 1000),
    tick_p99_us: Math.round(p99 * 1000),
    tick_max_us: Math.round(max * 1000),
    overruns,
    overruns_slow: slow,
    overruns_late: overruns - slow,
    handovers_finished: finishedHandovers,
    affect_messages: affectMsgs,
    heap_before_mib: Number(heapBefore.toFixed(2)),
    heap_after_mib: Number(heapAfter.toFixed(2)),
    heap_delta_mib: Number((heapAfter - heapBefore).toFixed(2)),
    planner_cpu_pct: Number(plannerCpuPct.toFixed(1)),
    ...(values.browser ? { monitor_cpu_pct: Number(monitorCpuPct.toFixed(1)) } : {}),
  };
  process.stdout.write(JSON.stringify(out) + '\n');
  setTimeout(() => process.exit(0), 100).unref();
}

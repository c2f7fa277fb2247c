// Runs the quick start of docs/deploy.md as written — the `<!-- quickstart:cell -->` block
// (ffmpeg, broker, controller-sim, estimator, planner) and the `<!-- quickstart:watch -->`
// block (send order --wait, curl, mosquitto_sub) — and checks that the cell does what the
// doc says it does: idle until the order, then one handover, the order FINISHED.
//
// What the test substitutes, and why (nothing else):
// - `npx affect-bt …` runs the CLI from the sources (test/support/processes.ts: never a
//   possibly stale build);
// - port 1883 → a free port (this machine's own Mosquitto listens on 1883) and the metrics
//   port 9464 → a free port, in the commands and in the copy of cells/example.yaml;
// - `/tmp/cell-01.executed` → a file in the scratch directory;
// - the commands run in a scratch directory holding that copy as `cells/example.yaml`, the
//   repository's `trees/` (the config names `../trees/…`) and one of the shared scene
//   photos as `face.jpg` (the doc: "any photo of a face").
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, killAll, REPO_ROOT, runProcess, spawnCli, spawnProcess, until, type Child } from './support/processes.ts';
import { SCENES_DIR } from './support/video.ts';

const DOC = readFileSync(join(REPO_ROOT, 'docs/deploy.md'), 'utf8');

/** The commands of the ```sh block after `<!-- quickstart:NAME`, comments stripped. */
function quickstart(name: string): string[] {
  const at = DOC.indexOf(`<!-- quickstart:${name}`);
  if (at < 0) throw new Error(`docs/deploy.md has no <!-- quickstart:${name} --> block`);
  const open = DOC.indexOf('```sh\n', at);
  const close = DOC.indexOf('\n```', open + 6);
  return DOC.slice(open + 6, close)
    .split('\n')
    .map((l) => l.replace(/\s+#\s.*$/, '').trim())
    .filter((l) => l.length > 0);
}

/** Shell words with single quotes (all the quick start uses). */
function words(line: string): string[] {
  const out: string[] = [];
  for (const m of line.matchAll(/'([^']*)'|(\S+)/g)) out.push(m[1] ?? m[2]!);
  return out;
}

let dir: string;
let sub: (line: string) => string;
beforeAll(async () => {
  const [mqttPort, metricsPort] = [await freePort(), await freePort()];
  dir = mkdtempSync(join(tmpdir(), 'affect-bt-quickstart-'));
  sub = (line) => line.replaceAll('1883', String(mqttPort)).replaceAll('9464', String(metricsPort)).replaceAll('/tmp/cell-01.executed', join(dir, 'cell-01.executed'));
  mkdirSync(join(dir, 'cells'));
  writeFileSync(join(dir, 'cells/example.yaml'), sub(readFileSync(join(REPO_ROOT, 'cells/example.yaml'), 'utf8')));
  symlinkSync(join(REPO_ROOT, 'trees'), join(dir, 'trees'));
  copyFileSync(join(SCENES_DIR, 'happy.jpg'), join(dir, 'face.jpg'));
});
afterEach(async () => killAll());
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// a clean environment: no credentials or broker URL of the developer's shell
const ENV = { MQTT_URL: undefined, AFFECT_BT_MQTT_USERNAME: undefined, AFFECT_BT_MQTT_PASSWORD: undefined, AFFECT_BT_MQTT_PASSWORD_FILE: undefined };

/** Runs one quick-start line: to completion if it is in the foreground and finite, else spawned. */
async function start(line: string, i: number, longRunning: boolean): Promise<Child | null> {
  const cmd = sub(line.replace(/\s*&$/, ''));
  const w = words(cmd);
  if (w[0] === 'npx' && w[1] === 'affect-bt') return spawnCli(`${i}:${w[2]}`, w.slice(2), ENV, dir);
  if (!longRunning) {
    const r = cmd.includes('|') ? await runProcess('sh', ['-c', cmd], { cwd: dir, timeoutMs: 60_000 }) : await runProcess(w[0]!, w.slice(1), { cwd: dir, timeoutMs: 60_000 });
    expect(r.code, `${cmd}\n${r.err}`).toBe(0);
    return null;
  }
  return spawnProcess(`${i}:${w[0]}`, w[0]!, w.slice(1), ENV, dir);
}

describe('docs/deploy.md quick start, as written', () => {
  it('runs the cell: affect from the estimator, idle until an order, one handover for it, state from the controller, OFFLINE on Ctrl-C', async () => {
    const cell = quickstart('cell');
    const watch = quickstart('watch');
    // the doc's shape: a clip, three background processes, the planner in the foreground, all for acme/cell-01
    expect(cell.map((l) => words(l).slice(0, 3).join(' '))).toEqual(['ffmpeg -loglevel error', 'npx affect-bt broker', 'npx affect-bt controller-sim', 'npx affect-bt estimate', 'npx affect-bt run']);
    expect(cell.slice(1, 4).every((l) => l.endsWith('&'))).toBe(true);
    expect([cell[2], watch[2]].every((l) => l!.includes('acme/cell-01'))).toBe(true);
    expect(watch.map((l) => words(l).slice(0, 4).join(' '))).toEqual(['npx affect-bt send order', 'curl -s http://127.0.0.1:9464/metrics |', 'mosquitto_sub -h 127.0.0.1 -p']);

    const procs: Child[] = [];
    for (const [i, line] of cell.entries()) {
      const c = await start(line, i, i > 0);
      if (c) procs.push(c);
      if (i === 1) await c!.waitFor(/^mqtt:\/\//, 20_000); // the broker prints its URL when it listens
    }
    const [broker, controller, estimator, planner] = procs as [Child, Child, Child, Child];
    const mqttSub = (await start(watch[2]!, 9, true))!;

    await planner.waitFor((l) => l.json?.msg === 'controller available; ticking', 90_000);
    const base = 'affectbt/v1/acme/cell-01/';
    const seen = () => mqttSub.lines.filter((l) => l.stream === 'stdout').map((l) => ({ topic: l.text.slice(0, l.text.indexOf(' ')), json: JSON.parse(l.text.slice(l.text.indexOf(' ') + 1)) }));
    // idle until the order: fresh affect arrives, no handover is sent
    await until(() => seen().some((m) => m.topic === base + 'affect'), 60_000, 'affect from the estimator');
    await new Promise((r) => setTimeout(r, 1000));
    expect(seen().some((m) => m.topic === base + 'instantActions' && m.json.actions.some((a: { actionType: string }) => a.actionType === 'handover'))).toBe(false);

    // the watch block: the order, run to its end (send --wait exits 0 on FINISHED)
    const order = (await start(watch[0]!, 8, true))!;
    const ordered = await order.exited;
    expect(ordered.code, order.tail()).toBe(0);
    // curl until the planner has sent a handover and holds fresh affect
    const metrics = await until(
      async () => {
        const r = await runProcess('sh', ['-c', sub(watch[1]!)], { cwd: dir, timeoutMs: 10_000 });
        const sent = /affectbt_actions_total\{[^}]*type="handover"[^}]*outcome="sent"[^}]*\} ([1-9]\d*)/.exec(r.out);
        const age = /affectbt_affect_age_seconds(?:\{[^}]*\})? ([0-9.e-]+)\n/.exec(r.out);
        return sent && age && Number(age[1]) < 2 ? r.out : null;
      },
      120_000,
      'a handover sent and fresh affect in /metrics',
      500,
    );
    expect(metrics).toMatch(/^affectbt_ticks_total(\{[^}]*\})? [1-9]/m);

    await until(() => seen().some((m) => m.topic === base + 'state' && m.json.actionStates.length > 0), 30_000, 'the controller reporting the handover on state');
    const affect = seen().filter((m) => m.topic === base + 'affect');
    expect(affect.length).toBeGreaterThan(0);
    expect(affect.every((m) => m.json.estimates[0].humanId === 'h1')).toBe(true);
    const handovers = seen().filter((m) => m.topic === base + 'instantActions').flatMap((m) => m.json.actions).filter((a: { actionType: string }) => a.actionType === 'handover');
    expect(new Set(handovers.map((a: { actionId: string }) => a.actionId)).size).toBe(1); // one order, one handover (QoS 1 re-sends share the id)
    expect(seen().some((m) => m.topic === base + 'plannerState' && m.json.history.some((r: { orderId: string; status: string }) => r.orderId === 'o-1' && r.status === 'FINISHED'))).toBe(true);
    expect(seen().some((m) => m.topic === base + 'connection/planner' && m.json.connectionState === 'ONLINE')).toBe(true);

    // Ctrl-C on the planner: OFFLINE published, exit 0, the controller goes to its safe stop
    planner.proc.kill('SIGINT');
    const { code } = await planner.exited;
    expect(code, planner.tail()).toBe(0);
    const offline = await until(() => seen().findIndex((m) => m.topic === base + 'connection/planner' && m.json.connectionState === 'OFFLINE') + 1, 10_000, 'planner OFFLINE');
    await until(() => seen().slice(offline).some((m) => m.topic === base + 'state' && m.json.safeState === true), 10_000, 'controller safe stop after OFFLINE');
    for (const c of [estimator, controller, broker]) expect(c.exitCode, c.tail()).toBeUndefined(); // still running until the test ends
  }, 240_000);
});

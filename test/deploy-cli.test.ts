/**
 * `affect-bt run` as a command: usage errors (exit 2), invalid config or tree (exit 1,
 * every problem as file:line:col), `--check` (exit 0, secrets never printed).
 */
import { describe, it, expect, afterAll } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnCli, killAll, freePort } from './support/processes.ts';
import { startEmbeddedBroker } from '../src/mqtt/broker.ts';

afterAll(killAll);

async function runCli(args: string[], env: Record<string, string> = {}) {
  const c = spawnCli('run', ['run', ...args], env);
  const { code } = await c.exited;
  return { code, stdout: c.lines.filter((l) => l.stream === 'stdout').map((l) => l.text).join('\n'), stderr: c.lines.filter((l) => l.stream === 'stderr').map((l) => l.text).join('\n') };
}

describe('affect-bt run (command line)', () => {
  it('needs --config and refuses credentials on the command line (exit 2)', async () => {
    const none = await runCli([]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('affect-bt run: --config FILE is required (start from cells/example.yaml)');
    const pw = await runCli(['--config', 'cells/example.yaml', '--password', 'hunter2']);
    expect(pw.code).toBe(2);
    expect(pw.stderr).toContain("Unknown option '--password'");
    expect(pw.stderr).toContain('(credentials come from the environment only, see --help)');
  }, 30_000);

  it('reports every config mistake as file:line:col and exits 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'affect-bt-cli-'));
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'tree: ../nowhere.yaml\nrobot:\n  manufacturer: acme\ntick:\n  rateHz: fast\nbroker:\n  password: x\n');
    const r = await runCli(['--config', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${file}:3:3: missing required key 'robot.serialNumber'`);
    expect(r.stderr).toContain(`${file}:5:11: tick.rateHz must be number, got "fast"`);
    expect(r.stderr).toContain(`${file}:7:3: 'broker.password' must not be in the config file`);
    expect(r.stderr).toContain('affect-bt run: 3 problem(s) in the configuration');
  }, 30_000);

  it('reports an invalid tree before connecting (exit 1)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'affect-bt-cli-'));
    writeFileSync(join(dir, 'tree.yaml'), 'version: 1\nmain: T\ntrees:\n  T:\n    Handovr: {}\n');
    writeFileSync(join(dir, 'cell.yaml'), 'tree: tree.yaml\nrobot: {manufacturer: acme, serialNumber: c1}\n');
    const r = await runCli(['--config', join(dir, 'cell.yaml'), '--mqtt', 'mqtt://127.0.0.1:9']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/tree\.yaml:5:5: unknown node type 'Handovr'/);
    expect(r.stderr).toContain('is invalid');
  }, 30_000);

  it('--check validates config and tree, applies flags, and never prints secrets', async () => {
    const r = await runCli(['--config', 'cells/example.yaml', '--check', '--tick-hz', '20', '--robot', 'acme/c9'], { AFFECT_BT_MQTT_USERNAME: 'planner', AFFECT_BT_MQTT_PASSWORD: 'hunter2' });
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.ok).toBe(true);
    expect(out.config.tick.rateHz).toBe(20);
    expect(out.config.robot).toEqual({ manufacturer: 'acme', serialNumber: 'c9' });
    expect(out.config.credentials).toEqual({ username: '(set)', password: '(set)' });
    expect(r.stdout).not.toContain('hunter2');
    // a password inside MQTT_URL (the one place a URL may carry it) is redacted too
    const dir = mkdtempSync(join(tmpdir(), 'affect-bt-cli-'));
    writeFileSync(join(dir, 'cell.yaml'), `tree: ${join(process.cwd(), 'trees/handover_affect.yaml')}\nrobot: {manufacturer: acme, serialNumber: c1}\n`);
    const u = await runCli(['--config', join(dir, 'cell.yaml'), '--check'], { MQTT_URL: 'mqtt://planner:hunter2@broker.plant:1883' });
    expect(u.code).toBe(0);
    expect(JSON.parse(u.stdout).config.broker.url).toBe('mqtt://***@broker.plant:1883');
    expect(u.stdout + u.stderr).not.toContain('hunter2');
  }, 30_000);

  it('waits for an absent broker with growing backoff, connects when it appears, and stops cleanly before the controller ever came', async () => {
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'affect-bt-cli-'));
    writeFileSync(join(dir, 'cell.yaml'), `tree: ${join(process.cwd(), 'trees/handover_affect.yaml')}\nrobot: {manufacturer: acme, serialNumber: wait-${process.pid}}\nbroker: {url: 'mqtt://127.0.0.1:${port}', connectTimeoutMs: 300, reconnectMinMs: 100, reconnectMaxMs: 800}\n`);
    const planner = spawnCli('planner', ['run', '--config', join(dir, 'cell.yaml')]);
    await planner.waitFor((l) => l.json?.msg === 'broker connection failed; retrying' && l.json.attempt === 3, 20_000);
    const delays = planner.find((l) => l.json?.msg === 'broker connection failed; retrying').map((l) => l.json!.retryInMs as number);
    expect(delays[0]).toBeGreaterThanOrEqual(50);
    expect(delays[0]).toBeLessThanOrEqual(100);
    expect(delays[2]).toBeGreaterThanOrEqual(200);
    expect(delays[2]).toBeLessThanOrEqual(400);
    const broker = await startEmbeddedBroker({ port });
    try {
      await planner.waitFor((l) => l.json?.msg === 'planner ONLINE', 10_000);
      await planner.waitFor((l) => l.json?.msg === 'waiting for the controller', 5000);
      expect(await planner.stop('SIGINT', 8000)).toEqual({ code: 0, signal: null });
      expect(planner.find((l) => l.json?.msg === 'controller available; ticking')).toEqual([]);
    } finally {
      await broker.stop();
    }
  }, 60_000);
});

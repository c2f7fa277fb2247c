// `affect-bt broker` and `affect-bt controller-sim` as commands: help, usage errors
// (exit 2 with a readable message), and the broker as a real process.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { describe, expect, it, vi } from 'vitest';
import { run as brokerRun } from '../src/cli/commands/broker.ts';
import { run as simRun } from '../src/cli/commands/controller-sim.ts';
import { connectMqtt } from '../src/mqtt/index.ts';
import { cliArgv } from './support/processes.ts';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((s) => (out.push(String(s)), true));
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((s) => (err.push(String(s)), true));
  return { out, err, restore: () => (o.mockRestore(), e.mockRestore()) };
}

describe('affect-bt broker / controller-sim arguments', () => {
  it('prints help with exit 0', async () => {
    const c = capture();
    try {
      expect(await brokerRun(['--help'])).toBe(0);
      expect(await simRun(['--help'])).toBe(0);
    } finally {
      c.restore();
    }
    expect(c.out.join('')).toContain('usage: affect-bt broker [--port N]');
    expect(c.out.join('')).toContain('usage: affect-bt controller-sim --mqtt URL --robot MANUFACTURER/SERIAL');
  });

  it.each([
    [brokerRun, ['--port', 'abc'], "--port must be an integer, got 'abc'"],
    [brokerRun, ['--port', '70000'], '--port must be ≤ 65535, got 70000'],
    [brokerRun, ['--bogus'], "Unknown option '--bogus'"],
    [brokerRun, ['--port', '0'], 'give users (--password-file FILE and/or --ca FILE for client certificates) or, for a loopback demo, --allow-anonymous'],
    [brokerRun, ['--password', 'x'], '(users come from --password-file, made with mosquitto_passwd; no secret on the command line)'],
    [simRun, ['--mqtt', 'mqtt://127.0.0.1:1', '--robot', 'a/b', '--password', 'x'], '(credentials come from the environment only, see --help)'],
    [simRun, ['--mqtt', 'mqtt://127.0.0.1:1'], '--robot MANUFACTURER/SERIAL is required'],
    [simRun, ['--mqtt', 'mqtt://127.0.0.1:1', '--robot', 'acme'], "robot id 'acme' must be MANUFACTURER/SERIAL"],
    [simRun, ['--mqtt', 'mqtt://127.0.0.1:1', '--robot', 'a/b', '--p-drop', '1.5'], '--p-drop must be ≤ 1, got 1.5'],
    [simRun, ['--mqtt', '127.0.0.1:1883', '--robot', 'a/b'], "--mqtt must be a broker URL such as mqtt://host:1883 (or mqtts://, ws://, wss://), got '127.0.0.1:1883' (did you mean mqtt://127.0.0.1:1883?)"],
  ] as const)('usage error → exit 2 with the reason (%#)', async (run, args, message) => {
    const c = capture();
    const saved = process.env['MQTT_URL'];
    try {
      expect(await run([...args])).toBe(2);
    } finally {
      c.restore();
      if (saved !== undefined) process.env['MQTT_URL'] = saved;
    }
    expect(c.err.join('')).toContain(message);
  });

  it('controller-sim: unreachable broker → exit 1 with a hint', async () => {
    const c = capture();
    try {
      expect(await simRun(['--mqtt', 'mqtt://127.0.0.1:1', '--robot', 'a/b'])).toBe(1);
    } finally {
      c.restore();
    }
    expect(c.err.join('')).toMatch(/no connection to mqtt:\/\/127\.0\.0\.1:1 within 5000 ms; is the broker running\?/);
  }, 15_000);

  it('broker process: prints its URL, accepts clients, exits 0 on SIGTERM', async () => {
    const child = spawn(process.execPath, cliArgv(['broker', '--port', '0', '--allow-anonymous']), { stdio: ['ignore', 'pipe', 'pipe'] });
    const url = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout! }).once('line', resolve);
      child.once('exit', (code) => reject(new Error(`broker exited with ${code}`)));
    });
    expect(url).toMatch(/^mqtt:\/\/127\.0\.0\.1:\d+$/);
    const client = await connectMqtt({ url });
    expect(client.connected).toBe(true);
    await client.endAsync();
    const code = await new Promise<number | null>((resolve) => {
      child.once('exit', resolve);
      child.kill('SIGTERM');
    });
    expect(code).toBe(0);
  }, 30_000);
});

import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { join, resolve } from 'node:path';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { parseCellConfig, loadCellConfig, ConfigError, formatDiagnostic } from './config.ts';

const MIN = 'tree: t.yaml\nrobot:\n  manufacturer: acme\n  serialNumber: cell-01\n';

function errorsOf(text: string, overrides = {}, env = {}): string[] {
  try {
    parseCellConfig('cells/x.yaml', text, overrides, env);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).diagnostics.map(formatDiagnostic);
  }
  throw new Error('expected a ConfigError');
}

describe('cell config', () => {
  it('applies defaults and resolves the tree against the config directory', () => {
    const cfg = parseCellConfig('cells/x.yaml', MIN, {}, {});
    expect(cfg.tree).toBe(resolve('cells/t.yaml'));
    expect(cfg.broker.url).toBe('mqtt://127.0.0.1:1883');
    expect(cfg.tick.rateHz).toBe(50);
    expect(cfg.speed).toEqual({ min: 0.3, max: 1 });
    expect(cfg.timeouts.controllerSilenceMs).toBe(3000);
    expect('vlm' in cfg).toBe(false); // the estimator's section: the planner neither checks nor carries it
    expect(cfg.log.level).toBe('info');
    expect(cfg.metrics.port).toBeUndefined();
    expect(cfg.credentials).toEqual({});
  });

  it('loads the shipped example', () => {
    const cfg = loadCellConfig('cells/example.yaml', {}, {});
    expect(cfg.robot).toEqual({ manufacturer: 'acme', serialNumber: 'cell-01' });
    expect(cfg.tree).toBe(resolve('trees/handover_affect.yaml'));
    expect(cfg.metrics.port).toBe(9464);
  });

  it('lets flags override the file', () => {
    const cfg = parseCellConfig('cells/x.yaml', MIN + 'tick: {rateHz: 50}\n', {
      tickHz: 20,
      brokerUrl: 'mqtt://10.0.0.5:1883',
      robot: 'other/r2',
      logLevel: 'debug',
      metricsPort: 0,
      minSpeed: 0.5,
      tree: 'trees/a.yaml',
    }, {});
    expect(cfg.tick.rateHz).toBe(20);
    expect(cfg.broker.url).toBe('mqtt://10.0.0.5:1883');
    expect(cfg.robot).toEqual({ manufacturer: 'other', serialNumber: 'r2' });
    expect(cfg.log.level).toBe('debug');
    expect(cfg.metrics.port).toBe(0);
    expect(cfg.speed.min).toBe(0.5);
    expect(cfg.tree).toBe(resolve('trees/a.yaml')); // flag paths resolve against the cwd
  });

  it('takes the broker URL from MQTT_URL only when neither flag nor file sets it', () => {
    const env = { MQTT_URL: 'mqtt://127.0.0.1:1999' };
    expect(parseCellConfig('cells/x.yaml', MIN, {}, env).broker.url).toBe('mqtt://127.0.0.1:1999');
    expect(parseCellConfig('cells/x.yaml', MIN + 'broker: {url: mqtt://file:1883}\n', {}, env).broker.url).toBe('mqtt://file:1883');
    expect(parseCellConfig('cells/x.yaml', MIN, { brokerUrl: 'mqtt://flag:1883' }, env).broker.url).toBe('mqtt://flag:1883');
  });

  it('reads credentials only from the named env variables', () => {
    const cfg = parseCellConfig('cells/x.yaml', MIN + 'broker:\n  usernameEnv: CELL_USER\n  passwordEnv: CELL_PASS\n', {}, { CELL_USER: 'planner', CELL_PASS: 's3cret' });
    expect(cfg.credentials).toEqual({ username: 'planner', password: 's3cret' });
  });

  it('reads the password from the file named by <passwordEnv>_FILE, with a clear error when it is missing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'affect-bt-cfg-'));
    writeFileSync(join(dir, 'pw'), 's3cret\n');
    expect(parseCellConfig('cells/x.yaml', MIN, {}, { AFFECT_BT_MQTT_USERNAME: 'planner', AFFECT_BT_MQTT_PASSWORD_FILE: join(dir, 'pw') }).credentials).toEqual({ username: 'planner', password: 's3cret' });
    expect(errorsOf(MIN, {}, { AFFECT_BT_MQTT_PASSWORD_FILE: join(dir, 'nope') })).toEqual([
      `cells/x.yaml:1:1: cannot read the password file named by AFFECT_BT_MQTT_PASSWORD_FILE ('${join(dir, 'nope')}'): ENOENT (hint: point the _FILE variable at a readable file, or set the password variable itself)`,
    ]);
  });

  it('refuses a password inside broker.url from the file or --mqtt (it would show in ps), allows it from MQTT_URL', () => {
    expect(errorsOf(MIN + 'broker: {url: "mqtt://planner:hunter2@h:1883"}\n')).toEqual([
      'cells/x.yaml:5:15: broker.url carries a password (mqtt://***@h:1883) (hint: a password in a URL shows in ps, shell history and the file: set broker.passwordEnv (default AFFECT_BT_MQTT_PASSWORD) instead)',
    ]);
    expect(errorsOf(MIN, { brokerUrl: 'mqtt://planner:hunter2@h:1883' })[0]).toMatch(/^--mqtt:1:1: broker.url carries a password \(mqtt:\/\/\*\*\*@h:1883, from --mqtt\)/);
    expect(parseCellConfig('cells/x.yaml', MIN, {}, { MQTT_URL: 'mqtt://planner:hunter2@h:1883' }).broker.url).toBe('mqtt://planner:hunter2@h:1883');
  });

  it('rejects a password in the file with its position and a hint', () => {
    const errs = errorsOf(MIN + 'broker:\n  url: mqtt://h:1883\n  password: hunter2\n');
    expect(errs).toEqual([
      "cells/x.yaml:7:3: 'broker.password' must not be in the config file (hint: secrets come from the environment only: set broker.passwordEnv to the name of an env variable (default AFFECT_BT_MQTT_PASSWORD))",
    ]);
  });

  it('reports every mistake as file:line:col', () => {
    const errs = errorsOf('tree: 5\nrobot:\n  manufacturer: acme\n  serial: b\nbroker:\n  url: http://x\ntick:\n  rateHz: -1\nlog: {level: loud}\nspeeed: {}\n');
    expect(errs).toContain('cells/x.yaml:1:7: tree must be string, got 5');
    expect(errs).toContain("cells/x.yaml:3:3: missing required key 'robot.serialNumber' (hint: add 'serialNumber:' under robot)");
    expect(errs).toContain("cells/x.yaml:4:3: unknown key 'robot.serial' (hint: known keys: manufacturer, serialNumber)");
    expect(errs).toContain('cells/x.yaml:6:8: broker.url must match pattern "^(mqtts?|wss?|tcp|ssl)://", got "http://x" (hint: e.g. mqtt://127.0.0.1:1883 or mqtts://broker.plant:8883)');
    expect(errs).toContain('cells/x.yaml:8:11: tick.rateHz must be > 0, got -1');
    expect(errs).toContain('cells/x.yaml:9:14: log.level has an invalid value "loud" (hint: one of fatal, error, warn, info, debug, trace, silent)');
    expect(errs).toContain("cells/x.yaml:10:1: unknown key 'speeed' (hint: did you mean 'speed'?)");
    expect(errs).toHaveLength(7);
  });

  it('reports missing tree and robot at the top', () => {
    expect(errorsOf('humanId: h1\n')).toEqual([
      "cells/x.yaml:1:1: missing required key 'tree' (hint: name the YAML tree file, e.g. tree: ../trees/handover_affect.yaml)",
      "cells/x.yaml:1:1: missing required key 'robot' (hint: add robot: { manufacturer: acme, serialNumber: cell-01 })",
    ]);
  });

  it('checks cross-field rules', () => {
    expect(errorsOf(MIN + 'speed:\n  min: 0.9\n  max: 0.5\n')).toEqual(['cells/x.yaml:6:8: speed.min (0.9) is above speed.max (0.5) (hint: minSpeedScale must be ≤ maxSpeedScale)']);
    expect(errorsOf(MIN + 'broker:\n  tls:\n    ca: ca.pem\n')).toEqual([
      "cells/x.yaml:7:9: TLS files are set but broker.url 'mqtt://127.0.0.1:1883' is plain mqtt:// (hint: use mqtts://host:8883 to enable TLS)",
    ]);
    expect(errorsOf(MIN + 'broker:\n  url: mqtts://h:8883\n  tls:\n    cert: c.pem\n')).toEqual([
      'cells/x.yaml:8:5: broker.tls.cert and broker.tls.key must be given together (hint: mutual TLS needs both the certificate and its key)',
    ]);
  });

  it('resolves TLS file paths against the config directory', () => {
    const cfg = parseCellConfig('cells/x.yaml', MIN + 'broker:\n  url: mqtts://h:8883\n  tls: {ca: ca.pem, cert: c.pem, key: c.key}\n', {}, {});
    expect(cfg.broker.tls.ca).toBe(resolve('cells/ca.pem'));
    expect(cfg.broker.tls.rejectUnauthorized).toBe(true);
  });

  it('names the flag when an override is invalid', () => {
    expect(errorsOf(MIN, { tickHz: -5 })).toEqual(['--tick-hz:1:1: tick.rateHz must be > 0, got -5 (from --tick-hz)']);
    expect(errorsOf(MIN, { robot: 'nope' })).toEqual(["--robot:1:1: --robot must be MANUFACTURER/SERIAL, got 'nope' (hint: for example --robot acme/cell-01)"]);
  });

  it('reports YAML syntax errors and non-mapping documents', () => {
    expect(errorsOf('tree: [a\n')[0]).toMatch(/^cells\/x\.yaml:\d+:\d+: YAML syntax: /);
    expect(errorsOf('- a\n- b\n')).toEqual(['cells/x.yaml:1:1: config must be a mapping, got a list (hint: start with `tree:` and `robot:` keys (see cells/example.yaml))']);
  });

  it('reports an unreadable file', () => {
    expect(() => loadCellConfig('cells/does-not-exist.yaml')).toThrow(/^cells\/does-not-exist\.yaml:1:1: cannot read config: ENOENT/);
  });

  it('never throws anything but ConfigError on random input', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.jsonValue().map((v) => JSON.stringify(v)), fc.constantFrom(MIN, MIN + 'tick: {rateHz: x}\n')), (text) => {
        try {
          parseCellConfig('r.yaml', text, {}, {});
        } catch (e) {
          if (!(e instanceof ConfigError)) throw e;
          for (const d of e.diagnostics) expect(d.line).toBeGreaterThanOrEqual(1);
        }
      }),
      { numRuns: 300 },
    );
  });
});

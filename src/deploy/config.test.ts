import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { join, resolve } from 'node:path';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { parseCellConfig, loadCellConfig, parseEstimatorConfig, loadEstimatorConfig, ConfigError, formatDiagnostic, ESTIMATOR_SECTIONS, SECTION_OWNERS, CellConfigSchema } from './config.ts';
import { VLM_DEFAULTS, VlmSettingsSchema } from '../vlm/settings.ts';
import { CAMERA_DEFAULTS, CameraSettingsSchema, ESTIMATOR_DEFAULTS } from '../estimator/settings.ts';

const MIN = 'tree: t.yaml\nrobot:\n  manufacturer: acme\n  serialNumber: cell-01\n';

function errorsOf(text: string, overrides = {}, env: NodeJS.ProcessEnv = {}, parse: (f: string, t: string, o: object, e: NodeJS.ProcessEnv) => unknown = parseCellConfig): string[] {
  try {
    parse('cells/x.yaml', text, overrides, env);
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

const estErrors = (text: string, overrides = {}, env: NodeJS.ProcessEnv = {}) => errorsOf(text, overrides, env, parseEstimatorConfig);
const ROBOT = 'robot:\n  manufacturer: acme\n  serialNumber: cell-01\n';

describe('one cell config, two processes', () => {
  it('the shipped example validates for both processes', () => {
    const planner = loadCellConfig('cells/example.yaml', {}, {});
    const est = loadEstimatorConfig('cells/example.yaml', {}, {});
    expect(planner.robot).toEqual(est.robot);
    expect(planner.humanId).toBe(est.humanId);
    expect(planner.broker.url).toBe(est.broker.url);
    expect(est.camera.source).toBe('/dev/video0');
    expect(est.vlm).toEqual({ ...VLM_DEFAULTS, enabled: false });
    expect([planner.broker.role, est.broker.role]).toEqual(['planner', 'estimator']);
  });

  it('the estimator needs no tree and ignores the planner sections, whatever they hold', () => {
    const text = ROBOT + 'tick: {rateHz: fast}\nspeed: [1, 2]\nmetrics: {prot: 1}\ncamera: {source: cam.mp4}\n';
    const cfg = parseEstimatorConfig('cells/x.yaml', text, {}, {});
    expect(cfg.camera).toEqual({ ...CAMERA_DEFAULTS, source: resolve('cells/cam.mp4') });
    expect(cfg.estimator).toEqual(ESTIMATOR_DEFAULTS);
    expect('tick' in cfg || 'tree' in cfg).toBe(false);
  });

  it('the planner ignores the estimator sections, whatever they hold', () => {
    const cfg = parseCellConfig('cells/x.yaml', MIN + 'camera: {sorce: 5}\nestimator: nonsense\nvlm: {budgetUsd: lots}\n', {}, {});
    expect(cfg.tick.rateHz).toBe(50);
    expect('camera' in cfg || 'estimator' in cfg || 'vlm' in cfg).toBe(false);
  });

  it('each process still catches typos in its own and the shared sections, with positions and did-you-mean', () => {
    const text = ROBOT + 'camra: {}\ncamera:\n  sorce: cam.mp4\n  fps: 0\nestimator: {detector: yolo, detectorSize: 100}\nvlm:\n  budgetUsd: 1\n  maxCallsPerMinute: 3\nbroker: {urll: mqtt://h}\n';
    expect(estErrors(text)).toEqual([
      "cells/x.yaml:4:1: unknown key 'camra' (hint: did you mean 'camera'?)",
      "cells/x.yaml:12:10: unknown key 'broker.urll' (hint: did you mean 'url'?)",
      "cells/x.yaml:6:3: unknown key 'camera.sorce' (hint: did you mean 'source'?)",
      'cells/x.yaml:7:8: camera.fps must be > 0, got 0',
      'cells/x.yaml:8:23: estimator.detector has an invalid value "yolo"',
      'cells/x.yaml:8:43: estimator.detectorSize must be multiple of 32, got 100',
      "cells/x.yaml:10:3: unknown key 'vlm.budgetUsd' (hint: renamed to 'vlm.budgetUsdPerHour': the budget is USD per rolling hour (default 0.1), there never was a per-lifetime cap)",
      "cells/x.yaml:11:3: unknown key 'vlm.maxCallsPerMinute' (hint: renamed to 'vlm.callsPerMinute' (calls per rolling minute))",
    ]);
    // the planner: the same top-level typo and shared-section typo; the estimator's sections are not its business
    expect(errorsOf(MIN + 'camra: {}\ncamera: {sorce: x}\nbroker: {urll: mqtt://h}\n')).toEqual([
      "cells/x.yaml:5:1: unknown key 'camra' (hint: did you mean 'camera'?)",
      "cells/x.yaml:7:10: unknown key 'broker.urll' (hint: did you mean 'url'?)",
    ]);
  });

  it('points a shared broker.clientId at the per-process keys (two processes cannot share a client id)', () => {
    const hint = "cells/x.yaml:6:3: unknown key 'broker.clientId' (hint: client ids are per process now (two processes cannot share one): broker.planner.clientId / broker.estimator.clientId)";
    expect(errorsOf(MIN + 'broker:\n  clientId: c1\n')).toEqual([hint]);
    expect(estErrors(MIN + 'broker:\n  clientId: c1\n')).toEqual([hint]);
    const text = MIN + 'broker:\n  planner: {clientId: planner-a}\n  estimator: {clientId: estimator-a}\n';
    expect(parseCellConfig('cells/x.yaml', text, {}, {}).broker.clientId).toBe('planner-a');
    expect(parseEstimatorConfig('cells/x.yaml', text, {}, {}).broker.clientId).toBe('estimator-a');
  });

  it('gives each process its own role credentials from one file and one environment (least privilege)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'affect-bt-cfg-'));
    writeFileSync(join(dir, 'est.pw'), 'est-secret\n');
    const text = MIN + 'broker:\n  planner: {usernameEnv: PLANNER_USER, passwordEnv: PLANNER_PASS}\n  estimator: {usernameEnv: EST_USER, passwordEnv: EST_PASS}\n';
    const env = { PLANNER_USER: 'planner-cell-01', PLANNER_PASS: 'p-secret', EST_USER: 'estimator-cell-01', EST_PASS_FILE: join(dir, 'est.pw'), AFFECT_BT_MQTT_USERNAME: 'shared', AFFECT_BT_MQTT_PASSWORD: 'shared-pw' };
    expect(parseCellConfig('cells/x.yaml', text, {}, env).credentials).toEqual({ username: 'planner-cell-01', password: 'p-secret' });
    expect(parseEstimatorConfig('cells/x.yaml', text, {}, env).credentials).toEqual({ username: 'estimator-cell-01', password: 'est-secret' });
    // without a per-process block both fall back to the shared names (one systemd unit / environment per process)
    expect(parseEstimatorConfig('cells/x.yaml', MIN, {}, env).credentials).toEqual({ username: 'shared', password: 'shared-pw' });
    // a missing password file names the estimator's variable, at the estimator's key
    expect(estErrors(text, {}, { EST_PASS_FILE: join(dir, 'nope') })).toEqual([
      `cells/x.yaml:7:51: cannot read the password file named by EST_PASS_FILE ('${join(dir, 'nope')}'): ENOENT (hint: point the _FILE variable at a readable file, or set the password variable itself)`,
    ]);
  });

  it('gives each process its own client certificate, both key and certificate or neither', () => {
    const text = MIN + 'broker:\n  url: mqtts://h:8883\n  tls: {ca: ca.pem}\n  planner: {cert: planner.pem, key: planner.key}\n  estimator: {cert: est.pem, key: est.key}\n';
    expect(parseCellConfig('cells/x.yaml', text, {}, {}).broker.tls).toEqual({ ca: resolve('cells/ca.pem'), cert: resolve('cells/planner.pem'), key: resolve('cells/planner.key'), rejectUnauthorized: true });
    expect(parseEstimatorConfig('cells/x.yaml', text, {}, {}).broker.tls).toEqual({ ca: resolve('cells/ca.pem'), cert: resolve('cells/est.pem'), key: resolve('cells/est.key'), rejectUnauthorized: true });
    expect(estErrors(MIN + 'broker:\n  url: mqtts://h:8883\n  estimator: {cert: est.pem}\n')).toEqual([
      'cells/x.yaml:7:14: broker.estimator.cert and broker.estimator.key must be given together (hint: mutual TLS needs both the certificate and its key)',
    ]);
  });

  it('refuses secrets anywhere in the file, in whichever process reads it', () => {
    const text = MIN + 'vlm:\n  apiKey: AIza-secret\n';
    const err = "cells/x.yaml:6:3: 'vlm.apiKey' must not be in the config file (hint: secrets come from the environment only: set vlm.apiKeyEnv to the name of an env variable (default GEMINI_API_KEY))";
    expect(errorsOf(text)).toEqual([err]);
    expect(estErrors(text)).toEqual([err]);
  });

  it('lets the estimate flags override the shared keys, naming the flag when a value is bad', () => {
    const cfg = parseEstimatorConfig('cells/x.yaml', ROBOT + 'humanId: h1\n', { humanId: 'p7', robot: 'other/r2', brokerUrl: 'mqtt://10.0.0.5:1883' }, {});
    expect([cfg.humanId, cfg.robot, cfg.broker.url]).toEqual(['p7', { manufacturer: 'other', serialNumber: 'r2' }, 'mqtt://10.0.0.5:1883']);
    expect(estErrors(ROBOT, { humanId: 'a b' })).toEqual(['--human-id:1:1: humanId must match pattern "^[A-Za-z0-9_.:-]+$", got "a b" (from --human-id)']);
  });

  it('keeps camera sources that are devices, URLs or absolute paths as written', () => {
    for (const source of ['/dev/video0', 'rtsp://cam.plant/stream', 'http://10.0.0.9:8080/video.mjpg']) {
      expect(parseEstimatorConfig('cells/x.yaml', ROBOT + `camera: {source: "${source}"}\n`, {}, {}).camera.source).toBe(source);
    }
  });

  it('has one set of VLM defaults: the config section is the schema the CLI flags and the escalator use', () => {
    expect(ESTIMATOR_SECTIONS.vlm).toBe(VlmSettingsSchema);
    expect(ESTIMATOR_SECTIONS.camera).toBe(CameraSettingsSchema);
    expect(parseEstimatorConfig('cells/x.yaml', ROBOT, {}, {}).vlm).toEqual(VLM_DEFAULTS);
    expect(VLM_DEFAULTS).toMatchObject({ timeoutMs: 8000, budgetUsdPerHour: 0.1, callsPerMinute: 6 }); // what docs/vlm.md measured with
  });

  it('assigns every top-level key to a process', () => {
    expect(Object.keys(SECTION_OWNERS).sort()).toEqual(Object.keys(CellConfigSchema.properties).sort());
    expect(Object.entries(SECTION_OWNERS).filter(([, o]) => o === 'both').map(([k]) => k)).toEqual(['humanId', 'robot', 'broker']);
  });
});

/**
 * The configuration of one robot cell, read by both of its affect-bt processes:
 * the planner (`affect-bt run --config cell.yaml`) and the estimator
 * (`affect-bt estimate --config cell.yaml`). One TypeBox schema is the single source of
 * validation, TypeScript types, defaults and the table in `docs/deploy.md` (types as data).
 *
 * Sections belong to a process ({@link SECTION_OWNERS}): `robot`, `humanId` and `broker`
 * are shared (one schema, checked by both); the planner's sections (`tree`, `tick`,
 * `speed`, …) are checked only by `run`, the estimator's (`camera`, `estimator`, `vlm`)
 * only by `estimate`. Each process ignores the content of the other's sections without a
 * word, but an unknown top-level key is an error for both (with did-you-mean). Secrets
 * are refused anywhere in the file, whoever reads it.
 *
 * Broker credentials are per process (least privilege: the planner and the estimator
 * have different broker roles): `broker.planner` / `broker.estimator` may name their own
 * env variables, client id and client certificate, falling back to the shared
 * `broker.usernameEnv` / `broker.passwordEnv` / `broker.tls`. With one systemd unit per
 * process each unit's environment can simply set the shared variable names.
 *
 * Loading: YAML parsed with positions → command-line overrides applied → schema
 * validation with defaults → cross-field checks. Every problem is collected and reported
 * as `file:line:col: message (hint)` in one {@link ConfigError}, like tree files.
 *
 * Secrets never come from the file or the command line: the broker username and
 * password are read from environment variables whose *names* the config may choose
 * (`broker.usernameEnv`, `broker.passwordEnv`; the password may instead be in the file
 * named by `<passwordEnv>_FILE`), and a literal `password:` key — or a password inside
 * `broker.url` from the file or `--mqtt` — is rejected with a hint. Relative paths (tree, node modules,
 * TLS files) resolve against the config file's directory.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { Ajv, type ErrorObject } from 'ajv';
import { parseYamlSource, positionOf, type YamlSource } from './yaml-source.ts';
import type { Diagnostic } from '../tree/loader.ts';
import { didYouMean } from '../tree/ports.ts';
import { credentialsFromEnv, redactUrl, urlHasPassword } from '../mqtt/credentials.ts';
import { CameraSettingsSchema, EstimatorSettingsSchema } from '../estimator/settings.ts';
import { VlmSettingsSchema } from '../vlm/settings.ts';

/**
 * Schema of the `broker.tls` block.
 *
 * @example
 * ```ts
 * Value.Check(TlsSchema, { ca: 'ca.pem', rejectUnauthorized: true }); // true
 * ```
 */
export const TlsSchema = Type.Object(
  {
    ca: Type.Optional(Type.String({ minLength: 1, description: 'PEM file of the CA that signed the broker certificate' })),
    cert: Type.Optional(Type.String({ minLength: 1, description: 'PEM client certificate (mutual TLS)' })),
    key: Type.Optional(Type.String({ minLength: 1, description: 'PEM private key of the client certificate' })),
    rejectUnauthorized: Type.Boolean({ default: true, description: 'verify the broker certificate (never disable in production)' }),
  },
  { additionalProperties: false, default: {} },
);

/**
 * Schema of `broker.planner` / `broker.estimator`: what one process uses instead of the
 * shared broker keys, so each logs in with its own role's credentials.
 *
 * @example
 * ```ts
 * Value.Check(BrokerRoleSchema('estimator'), { usernameEnv: 'ESTIMATOR_MQTT_USERNAME' }); // true
 * ```
 */
export const BrokerRoleSchema = (process: 'planner' | 'estimator') =>
  Type.Object(
    {
      clientId: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: `MQTT client id of the ${process} (default ${process}-<serialNumber>-<pid>)` })),
      usernameEnv: Type.Optional(Type.String({ pattern: '^[A-Z_][A-Z0-9_]*$', description: `env variable with the ${process}'s username (default broker.usernameEnv)` })),
      passwordEnv: Type.Optional(Type.String({ pattern: '^[A-Z_][A-Z0-9_]*$', description: `env variable with the ${process}'s password, or <name>_FILE (default broker.passwordEnv)` })),
      cert: Type.Optional(Type.String({ minLength: 1, description: `PEM client certificate of the ${process} (mutual TLS; default broker.tls.cert)` })),
      key: Type.Optional(Type.String({ minLength: 1, description: `its private key (default broker.tls.key)` })),
    },
    { additionalProperties: false, default: {} },
  );

/**
 * Schema of the shared `broker:` section (both processes check it).
 *
 * @example
 * ```ts
 * BrokerSchema.properties.keepaliveS.default; // 10
 * ```
 */
export const BrokerSchema = Type.Object(
  {
    url: Type.String({ pattern: '^(mqtts?|wss?|tcp|ssl)://', default: 'mqtt://127.0.0.1:1883', description: 'broker URL (mqtt://, mqtts://, ws://, wss://)' }),
    usernameEnv: Type.String({ pattern: '^[A-Z_][A-Z0-9_]*$', default: 'AFFECT_BT_MQTT_USERNAME', description: 'name of the env variable holding the username (both processes, unless overridden per process)' }),
    passwordEnv: Type.String({ pattern: '^[A-Z_][A-Z0-9_]*$', default: 'AFFECT_BT_MQTT_PASSWORD', description: 'name of the env variable holding the password (or <name>_FILE naming a file)' }),
    keepaliveS: Type.Integer({ minimum: 1, maximum: 600, default: 10, description: 'MQTT keepalive; the broker publishes the last will after ~1.5× this' }),
    connectTimeoutMs: Type.Integer({ minimum: 100, maximum: 120_000, default: 5000, description: 'one connection attempt gives up after this' }),
    reconnectMinMs: Type.Integer({ minimum: 10, maximum: 60_000, default: 250, description: 'first reconnect delay (doubles, with jitter)' }),
    reconnectMaxMs: Type.Integer({ minimum: 10, maximum: 600_000, default: 10_000, description: 'reconnect delay cap' }),
    tls: TlsSchema,
    planner: BrokerRoleSchema('planner'),
    estimator: BrokerRoleSchema('estimator'),
  },
  { additionalProperties: false, default: {} },
);

/**
 * The sections every process checks (one schema each).
 *
 * @example
 * ```ts
 * Object.keys(SHARED_SECTIONS); // ['humanId', 'robot', 'broker']
 * ```
 */
export const SHARED_SECTIONS = {
  humanId: Type.String({ minLength: 1, pattern: '^[A-Za-z0-9_.:-]+$', default: 'h1', description: 'the person the cell works with (affect/<humanId>): the estimator publishes under it, the planner reads it' }),
  robot: Type.Object(
    {
      manufacturer: Type.String({ minLength: 1, pattern: '^[A-Za-z0-9_.-]+$', description: 'topic segment {manufacturer}' }),
      serialNumber: Type.String({ minLength: 1, pattern: '^[A-Za-z0-9_.-]+$', description: 'topic segment {serialNumber}' }),
    },
    { additionalProperties: false },
  ),
  broker: BrokerSchema,
};

/**
 * The planner's sections (`affect-bt run` checks and uses them; the estimator ignores them).
 *
 * @example
 * ```ts
 * PLANNER_SECTIONS.tick.properties.rateHz.default; // 50
 * ```
 */
export const PLANNER_SECTIONS = {
  tree: Type.String({ minLength: 1, description: 'YAML tree file to run (relative to the config file)' }),
  nodes: Type.Array(Type.String({ minLength: 1 }), { default: [], description: 'node modules (JS/TS) with the cell\'s own nodes, relative to the config file' }),
  humanReady: Type.Union([Type.Literal('assume'), Type.Literal('affect')], {
    default: 'assume',
    description: "where 'human/ready' comes from: 'assume' = always ready (the controller's own sensors report human_not_ready), 'affect' = ready while a fresh affect estimate of the person exists",
  }),
  tick: Type.Object(
    {
      rateHz: Type.Number({ exclusiveMinimum: 0, maximum: 1000, default: 50, description: 'tick rate; a tick longer than 1/rateHz counts as an overrun' }),
    },
    { additionalProperties: false, default: {} },
  ),
  speed: Type.Object(
    {
      min: Type.Number({ exclusiveMinimum: 0, maximum: 1, default: 0.3, description: 'minSpeedScale: the slowest pacing affect may choose, and the safe-state pacing' }),
      max: Type.Number({ exclusiveMinimum: 0, maximum: 1, default: 1, description: 'maxSpeedScale' }),
    },
    { additionalProperties: false, default: {} },
  ),
  timeouts: Type.Object(
    {
      controllerSilenceMs: Type.Integer({ minimum: 100, maximum: 600_000, default: 3000, description: 'no controller state for this long → safe state' }),
      actionTimeoutMs: Type.Integer({ minimum: 100, maximum: 3_600_000, default: 30_000, description: 'an action with no result for this long fails with timeout' }),
      shutdownMs: Type.Integer({ minimum: 100, maximum: 60_000, default: 3000, description: 'graceful shutdown budget after SIGINT/SIGTERM' }),
      maxClockSkewMs: Type.Integer({ minimum: 0, maximum: 600_000, default: 5000, description: "allowed difference between a sender's clock and ours: headers further in the future are rejected (clock_skew), header ages get this allowance" }),
    },
    { additionalProperties: false, default: {} },
  ),
  affect: Type.Object(
    {
      maxPersons: Type.Integer({ minimum: 1, maximum: 100_000, default: 64, description: 'most persons besides humanId whose affect the blackboard keeps at once (a flood of new ids evicts the stalest; humanId is never evicted)' }),
      forgetAfterMs: Type.Integer({ minimum: 1000, maximum: 86_400_000, default: 60_000, description: 'a person not seen for this long is evicted when room is needed' }),
      maxMessagesPerSecond: Type.Integer({ minimum: 1, maximum: 1_000_000, default: 2000, description: 'affect messages read per second; a flood beyond is dropped unread (rate_limited) so it cannot starve the tick' }),
    },
    { additionalProperties: false, default: {} },
  ),
  log: Type.Object(
    {
      level: Type.Union(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)), { default: 'info', description: 'pino log level (JSON lines on stdout)' }),
    },
    { additionalProperties: false, default: {} },
  ),
  metrics: Type.Object(
    {
      port: Type.Optional(Type.Integer({ minimum: 0, maximum: 65535, description: 'Prometheus /metrics HTTP port (0 = any free port; absent = off)' })),
      host: Type.String({ minLength: 1, default: '127.0.0.1', description: 'bind address of the metrics server' }),
    },
    { additionalProperties: false, default: {} },
  ),
  trace: Type.Object(
    {
      enabled: Type.Boolean({ default: true, description: 'publish tick traces on the trace topic' }),
      maxHz: Type.Number({ exclusiveMinimum: 0, maximum: 50, default: 2, description: 'at most this many trace messages per second' }),
    },
    { additionalProperties: false, default: {} },
  ),
  orders: Type.Object(
    {
      loop: Type.Boolean({ default: false, description: 'demo mode (also `run --loop`): tick the tree without orders and restart it whenever it ends; orders are refused. Default: the tree runs only for orders' }),
      maxQueue: Type.Integer({ minimum: 1, maximum: 1000, default: 8, description: 'orders that may wait while one runs; one more is refused (queue full)' }),
      maxPerSecond: Type.Integer({ minimum: 1, maximum: 10_000, default: 20, description: 'order and orderActions messages read per second each; a flood beyond is dropped unread (rate_limited)' }),
    },
    { additionalProperties: false, default: {} },
  ),
};

/**
 * The estimator's sections (`affect-bt estimate --config` checks and uses them; the
 * planner ignores them). Their schemas live with the code that uses them
 * (src/estimator/settings.ts, src/vlm/settings.ts), so the CLI flags share their defaults.
 *
 * @example
 * ```ts
 * ESTIMATOR_SECTIONS.vlm.properties.timeoutMs.default; // 8000
 * ```
 */
export const ESTIMATOR_SECTIONS = {
  camera: CameraSettingsSchema,
  estimator: EstimatorSettingsSchema,
  vlm: VlmSettingsSchema,
};

/** A process that reads the cell config. */
export type CellProcess = 'planner' | 'estimator';

/**
 * Which process reads each top-level key (`both` = shared, one schema).
 *
 * @example
 * ```ts
 * SECTION_OWNERS.camera; // 'estimator'
 * ```
 */
export const SECTION_OWNERS: Readonly<Record<string, CellProcess | 'both'>> = Object.freeze({
  ...Object.fromEntries(Object.keys(SHARED_SECTIONS).map((k) => [k, 'both' as const])),
  ...Object.fromEntries(Object.keys(PLANNER_SECTIONS).map((k) => [k, 'planner' as const])),
  ...Object.fromEntries(Object.keys(ESTIMATOR_SECTIONS).map((k) => [k, 'estimator' as const])),
});

/**
 * Schema of a whole cell configuration file, every section (defaults included; see
 * docs/deploy.md for the table). Each process validates its view of it
 * ({@link cellConfigView}).
 *
 * @example
 * ```ts
 * CellConfigSchema.properties.tick.properties.rateHz.default; // 50
 * ```
 */
export const CellConfigSchema = Type.Object({ tree: PLANNER_SECTIONS.tree, ...SHARED_SECTIONS, ...plannerRest(), ...ESTIMATOR_SECTIONS }, { additionalProperties: false });

function plannerRest() {
  const { tree: _tree, ...rest } = PLANNER_SECTIONS;
  void _tree;
  return rest;
}

/**
 * The schema one process validates: its own and the shared sections in full; the other
 * process's sections accepted as anything (so neither complains about the other), while
 * an unknown top-level key is still an error.
 *
 * @example
 * ```ts
 * cellConfigView('estimator').required.includes('tree'); // false: the estimator needs no tree
 * ```
 */
export function cellConfigView(proc: CellProcess): TSchema {
  const foreign = proc === 'planner' ? ESTIMATOR_SECTIONS : PLANNER_SECTIONS;
  const own = proc === 'planner' ? PLANNER_SECTIONS : ESTIMATOR_SECTIONS;
  const ignored = Object.fromEntries(Object.keys(foreign).map((k) => [k, Type.Optional(Type.Unknown())]));
  const props: Record<string, TSchema> = proc === 'planner' ? { tree: PLANNER_SECTIONS.tree } : {}; // 'tree' reported before 'robot'
  Object.assign(props, SHARED_SECTIONS, own, ignored);
  return Type.Object(props, { additionalProperties: false });
}

/** The broker settings one process uses: shared keys with its `broker.<process>` block applied. */
export type ResolvedBroker = Omit<Static<typeof BrokerSchema>, 'planner' | 'estimator'> & {
  /** This process's client id (`broker.<process>.clientId`), if set. */
  clientId?: string;
  /** Which `broker.<process>` block was applied. */
  role: CellProcess;
};

type Shared = Omit<Static<ReturnType<typeof sharedObject>>, 'broker'> & { broker: ResolvedBroker };
const sharedObject = () => Type.Object(SHARED_SECTIONS);

/** A validated planner view of a cell config: defaults applied, paths absolute, secrets resolved. */
export type CellConfig = Shared &
  Static<ReturnType<typeof plannerObject>> & {
    /** Where the config came from (for logs). */
    source: string;
    /** Username/password read from the env variables (or `_FILE`) named for the planner. */
    credentials: { username?: string; password?: string };
  };
const plannerObject = () => Type.Object(PLANNER_SECTIONS);

/** A validated estimator view of a cell config: defaults applied, paths absolute, secrets resolved. */
export type EstimatorCellConfig = Shared &
  Static<ReturnType<typeof estimatorObject>> & {
    source: string;
    /** Username/password read from the env variables (or `_FILE`) named for the estimator. */
    credentials: { username?: string; password?: string };
  };
const estimatorObject = () => Type.Object(ESTIMATOR_SECTIONS);

/** One positioned configuration problem (the tree loader's diagnostic shape, shared). */
export type ConfigDiagnostic = Diagnostic;

/**
 * Raised when a config cannot be used; `message` lists every diagnostic, one per line.
 *
 * @example
 * ```ts
 * try { loadCellConfig('cell.yaml'); } catch (e) { if (e instanceof ConfigError) console.error(e.message); }
 * ```
 */
export class ConfigError extends Error {
  override name = 'ConfigError';
  constructor(readonly diagnostics: ConfigDiagnostic[]) {
    super(diagnostics.map(formatDiagnostic).join('\n'));
  }
}

/**
 * `file:line:col: message (hint: …)` — the same format as tree diagnostics (kept local so
 * loading a config never pulls in the node registry).
 *
 * @example
 * ```ts
 * formatDiagnostic({ file: 'c.yaml', line: 3, col: 5, message: 'bad', hint: 'fix it' });
 * // 'c.yaml:3:5: bad (hint: fix it)'
 * ```
 */
export function formatDiagnostic(d: ConfigDiagnostic): string {
  return `${d.file}:${d.line}:${d.col}: ${d.message}${d.hint ? ` (hint: ${d.hint})` : ''}`;
}

/** Command-line overrides of `run`; each wins over the file. Secrets are not accepted here by design. */
export interface ConfigOverrides {
  tree?: string;
  humanId?: string;
  brokerUrl?: string;
  /** `MANUFACTURER/SERIAL`. */
  robot?: string;
  tickHz?: number;
  minSpeed?: number;
  maxSpeed?: number;
  logLevel?: string;
  metricsPort?: number;
  controllerSilenceMs?: number;
}

/** Command-line overrides of `estimate --config` (the shared keys; camera/estimator/vlm flags are merged by the command). */
export interface EstimatorConfigOverrides {
  humanId?: string;
  brokerUrl?: string;
  /** `MANUFACTURER/SERIAL`. */
  robot?: string;
}

/** Keys that moved, so an old config gets a pointed hint instead of a bare "unknown key". */
const MOVED: Readonly<Record<string, string>> = {
  'broker.clientId': 'client ids are per process now (two processes cannot share one): broker.planner.clientId / broker.estimator.clientId',
  'vlm.maxCallsPerMinute': "renamed to 'vlm.callsPerMinute' (calls per rolling minute)",
  'vlm.budgetUsd': "renamed to 'vlm.budgetUsdPerHour': the budget is USD per rolling hour (default 0.1), there never was a per-lifetime cap",
};

const SECRET_KEYS = new Set(['password', 'username', 'apiKey', 'token', 'secret']);

const ajv = new Ajv({ allErrors: true, useDefaults: true, strict: false });
const validators = { planner: ajv.compile(cellConfigView('planner')), estimator: ajv.compile(cellConfigView('estimator')) };

/**
 * Loads, overrides, validates and resolves the planner's view of a cell config file.
 * Throws {@link ConfigError} listing every problem.
 *
 * @example
 * ```ts
 * const cfg = loadCellConfig('cells/example.yaml', { tickHz: 20 }, process.env);
 * cfg.tick.rateHz; // 20
 * ```
 */
export function loadCellConfig(file: string, overrides: ConfigOverrides = {}, env: NodeJS.ProcessEnv = process.env): CellConfig {
  return parseCellConfig(file, readConfig(file), overrides, env);
}

/**
 * Like {@link loadCellConfig} but from text (paths resolve against `dirname(file)`).
 *
 * @example
 * ```ts
 * const cfg = parseCellConfig('cells/x.yaml', 'tree: t.yaml\nrobot: {manufacturer: a, serialNumber: b}\n');
 * cfg.broker.url; // 'mqtt://127.0.0.1:1883'
 * ```
 */
export function parseCellConfig(file: string, text: string, overrides: ConfigOverrides = {}, env: NodeJS.ProcessEnv = process.env): CellConfig {
  const { obj, fromFlag } = parseView('planner', file, text, overrides, env, (put) => {
    if (overrides.tree !== undefined) put(['tree'], overrides.tree, '--tree');
    if (overrides.tickHz !== undefined) put(['tick', 'rateHz'], overrides.tickHz, '--tick-hz');
    if (overrides.minSpeed !== undefined) put(['speed', 'min'], overrides.minSpeed, '--min-speed');
    if (overrides.maxSpeed !== undefined) put(['speed', 'max'], overrides.maxSpeed, '--max-speed');
    if (overrides.logLevel !== undefined) put(['log', 'level'], overrides.logLevel, '--log-level');
    if (overrides.metricsPort !== undefined) put(['metrics', 'port'], overrides.metricsPort, '--metrics-port');
    if (overrides.controllerSilenceMs !== undefined) put(['timeouts', 'controllerSilenceMs'], overrides.controllerSilenceMs, '--controller-silence-ms');
  }, (cfg, diags, src) => {
    if (cfg.speed.min > cfg.speed.max) diags.push(at(src, ['speed', 'min'], `speed.min (${cfg.speed.min}) is above speed.max (${cfg.speed.max})`, 'minSpeedScale must be ≤ maxSpeedScale'));
  });
  const rel = (p: string) => resolve(dirname(resolve(file)), p);
  obj.tree = fromFlag.has('tree') ? resolve(obj.tree) : rel(obj.tree);
  obj.nodes = obj.nodes.map(rel);
  for (const k of ['camera', 'estimator', 'vlm']) delete obj[k]; // not the planner's: ignored, not carried
  return obj as CellConfig;
}

/**
 * Loads, overrides, validates and resolves the estimator's view of a cell config file
 * (`affect-bt estimate --config`): robot, humanId, broker (with `broker.estimator`
 * applied), camera, estimator, vlm. Planner sections are ignored; `tree` is not needed.
 *
 * @example
 * ```ts
 * const cfg = loadEstimatorConfig('cells/example.yaml', {}, process.env);
 * cfg.camera.source; // '/dev/video0'
 * ```
 */
export function loadEstimatorConfig(file: string, overrides: EstimatorConfigOverrides = {}, env: NodeJS.ProcessEnv = process.env): EstimatorCellConfig {
  return parseEstimatorConfig(file, readConfig(file), overrides, env);
}

/**
 * Like {@link loadEstimatorConfig} but from text (paths resolve against `dirname(file)`).
 *
 * @example
 * ```ts
 * const cfg = parseEstimatorConfig('cells/x.yaml', 'robot: {manufacturer: a, serialNumber: b}\ncamera: {source: cam.mp4}\n');
 * cfg.camera.source; // absolute path of cells/cam.mp4
 * ```
 */
export function parseEstimatorConfig(file: string, text: string, overrides: EstimatorConfigOverrides = {}, env: NodeJS.ProcessEnv = process.env): EstimatorCellConfig {
  const { obj } = parseView('estimator', file, text, overrides, env, () => {}, () => {});
  // a camera file path is relative to the config file; devices, URLs and absolute paths stay as written
  const source: string | undefined = obj.camera.source;
  if (source !== undefined && !/^[a-z][a-z0-9+.-]*:/i.test(source) && !source.startsWith('/')) obj.camera.source = resolve(dirname(resolve(file)), source);
  for (const k of Object.keys(PLANNER_SECTIONS)) delete obj[k]; // not the estimator's: ignored, not carried
  return obj as EstimatorCellConfig;
}

function readConfig(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError([{ file, line: 1, col: 1, message: `cannot read config: ${(e as Error).message}`, hint: 'check the --config path' }]);
  }
}

type Put = (path: string[], value: unknown, flag: string) => void;

/** Parse → shared overrides + the view's overrides → secrets → view schema → cross checks → broker role + credentials. */
function parseView(
  proc: CellProcess,
  file: string,
  text: string,
  shared: { humanId?: string; brokerUrl?: string; robot?: string },
  env: NodeJS.ProcessEnv,
  applyOwn: (put: Put) => void,
  checkOwn: (cfg: any, diags: ConfigDiagnostic[], src: YamlSource) => void,
): { obj: Record<string, any>; fromFlag: Map<string, string> } {
  const src = parseYamlSource(file, text);
  const diags: ConfigDiagnostic[] = src.syntaxErrors.map((e) => ({ file, ...e.pos, message: `YAML syntax: ${e.message}`, hint: 'fix the YAML syntax first' }));
  if (diags.length > 0) throw new ConfigError(diags);
  let raw: unknown;
  try {
    raw = src.doc.toJS({ maxAliasCount: 50 });
  } catch (e) {
    throw new ConfigError([{ file, line: 1, col: 1, message: `YAML cannot be read: ${(e as Error).message}`, hint: 'check anchors (&a) and aliases (*a)' }]);
  }
  if (raw === null || raw === undefined) raw = {};
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ConfigError([{ file, line: 1, col: 1, message: `config must be a mapping, got ${Array.isArray(raw) ? 'a list' : typeof raw}`, hint: 'start with `tree:` and `robot:` keys (see cells/example.yaml)' }]);
  }
  const obj = raw as Record<string, any>;
  const fromFlag = new Map<string, string>();
  const put: Put = (path, value, flag) => {
    let cur = obj;
    for (const seg of path.slice(0, -1)) {
      if (typeof cur[seg] !== 'object' || cur[seg] === null || Array.isArray(cur[seg])) cur[seg] = {};
      cur = cur[seg];
    }
    cur[path[path.length - 1]!] = value;
    fromFlag.set(path.join('/'), flag);
  };
  if (shared.humanId !== undefined) put(['humanId'], shared.humanId, proc === 'planner' ? '--human' : '--human-id');
  if (shared.brokerUrl !== undefined) put(['broker', 'url'], shared.brokerUrl, '--mqtt');
  if (shared.robot !== undefined) {
    const m = /^([^/]+)\/([^/]+)$/.exec(shared.robot);
    if (!m) diags.push({ file: '--robot', line: 1, col: 1, message: `--robot must be MANUFACTURER/SERIAL, got '${shared.robot}'`, hint: 'for example --robot acme/cell-01' });
    else {
      put(['robot', 'manufacturer'], m[1], '--robot');
      put(['robot', 'serialNumber'], m[2], '--robot');
    }
  }
  applyOwn(put);
  // broker URL precedence: --mqtt flag > broker.url in the file > MQTT_URL env > default
  if (shared.brokerUrl === undefined && env['MQTT_URL'] && (typeof obj.broker !== 'object' || obj.broker === null || obj.broker.url === undefined)) {
    if (typeof obj.broker !== 'object' || obj.broker === null || Array.isArray(obj.broker)) obj.broker = obj.broker ?? {};
    if (typeof obj.broker === 'object' && !Array.isArray(obj.broker)) {
      obj.broker.url = env['MQTT_URL'];
      fromFlag.set('broker/url', 'MQTT_URL');
    }
  }
  findSecrets(src, obj, [], diags);
  const validate = validators[proc];
  if (!validate(obj)) {
    const seen = new Set<string>();
    for (const err of validate.errors ?? []) {
      if (err.keyword === 'const' || err.keyword === 'if') continue; // the enclosing anyOf reports it once
      const d = toDiagnostic(src, obj, err, fromFlag);
      const k = formatDiagnostic(d);
      if (!seen.has(k)) {
        seen.add(k);
        diags.push(d);
      }
    }
  }
  if (diags.length === 0) {
    const b = obj.broker as Static<typeof BrokerSchema>;
    const role = b[proc];
    if (b.reconnectMinMs > b.reconnectMaxMs) diags.push(at(src, ['broker', 'reconnectMinMs'], `broker.reconnectMinMs (${b.reconnectMinMs}) is above broker.reconnectMaxMs (${b.reconnectMaxMs})`, 'the first delay cannot exceed the cap'));
    if (b.url.startsWith('mqtt://') && (b.tls.ca || b.tls.cert || role.cert)) diags.push(at(src, b.tls.ca || b.tls.cert ? ['broker', 'tls', b.tls.ca ? 'ca' : 'cert'] : ['broker', proc, 'cert'], `TLS files are set but broker.url '${b.url}' is plain mqtt://`, 'use mqtts://host:8883 to enable TLS'));
    if (Boolean(b.tls.cert) !== Boolean(b.tls.key)) diags.push(at(src, ['broker', 'tls'], 'broker.tls.cert and broker.tls.key must be given together', 'mutual TLS needs both the certificate and its key'));
    if (Boolean(role.cert) !== Boolean(role.key)) diags.push(at(src, ['broker', proc], `broker.${proc}.cert and broker.${proc}.key must be given together`, 'mutual TLS needs both the certificate and its key'));
    if (urlHasPassword(b.url) && fromFlag.get('broker/url') !== 'MQTT_URL') {
      const flag = fromFlag.get('broker/url');
      const d = at(src, ['broker', 'url'], `broker.url carries a password (${redactUrl(b.url)}${flag ? `, from ${flag}` : ''})`, `a password in a URL shows in ps, shell history and the file: set broker.passwordEnv (default AFFECT_BT_MQTT_PASSWORD) instead`);
      diags.push(flag ? { ...d, file: flag, line: 1, col: 1 } : d);
    }
    checkOwn(obj, diags, src);
  }
  if (diags.length > 0) throw new ConfigError(diags);
  // this process's broker view: its broker.<proc> block over the shared keys
  const b = obj.broker as Static<typeof BrokerSchema>;
  const role = b[proc];
  const rel = (p: string) => resolve(dirname(resolve(file)), p);
  const tls = { ...b.tls, ...(role.cert ? { cert: role.cert, key: role.key } : {}) };
  for (const k of ['ca', 'cert', 'key'] as const) if (tls[k]) tls[k] = rel(tls[k]!);
  const { planner: _p, estimator: _e, ...rest } = b;
  void _p;
  void _e;
  const usernameEnv = role.usernameEnv ?? b.usernameEnv;
  const passwordEnv = role.passwordEnv ?? b.passwordEnv;
  const broker: ResolvedBroker = { ...rest, usernameEnv, passwordEnv, tls, role: proc, ...(role.clientId ? { clientId: role.clientId } : {}) };
  obj.broker = broker;
  let credentials: CellConfig['credentials'];
  try {
    credentials = credentialsFromEnv(env, { username: usernameEnv, password: passwordEnv });
  } catch (e) {
    throw new ConfigError([at(src, role.passwordEnv ? ['broker', proc, 'passwordEnv'] : ['broker', 'passwordEnv'], (e as Error).message, 'point the _FILE variable at a readable file, or set the password variable itself')]);
  }
  obj.source = file;
  obj.credentials = credentials;
  return { obj, fromFlag };
}

function findSecrets(src: YamlSource, value: unknown, path: string[], diags: ConfigDiagnostic[]): void {
  if (typeof value !== 'object' || value === null) return;
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (SECRET_KEYS.has(k)) {
      diags.push(at(src, [...path, k], `'${[...path, k].join('.')}' must not be in the config file`, `secrets come from the environment only: set ${k === 'apiKey' ? 'vlm.apiKeyEnv' : `broker.${k}Env`} to the name of an env variable (default ${k === 'apiKey' ? 'GEMINI_API_KEY' : k === 'username' ? 'AFFECT_BT_MQTT_USERNAME' : 'AFFECT_BT_MQTT_PASSWORD'})`, true));
      delete (value as Record<string, unknown>)[k];
    } else findSecrets(src, v, [...path, k], diags);
  }
}

function at(src: YamlSource, path: (string | number)[], message: string, hint?: string, key = false): ConfigDiagnostic {
  const pos = positionOf(src, path, key);
  return { file: src.file, line: pos.line, col: pos.col, message, hint };
}

function toDiagnostic(src: YamlSource, obj: unknown, err: ErrorObject, fromFlag: Map<string, string>): ConfigDiagnostic {
  const path = err.instancePath.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  const name = path.join('.') || '(root)';
  const flag = fromFlag.get(path.join('/'));
  let message: string;
  let hint: string | undefined;
  let keyPath = path;
  let preferKey = false;
  switch (err.keyword) {
    case 'required': {
      const p = (err.params as { missingProperty: string }).missingProperty;
      message = `missing required key '${[...path, p].join('.')}'`;
      hint = p === 'tree' ? 'name the YAML tree file, e.g. tree: ../trees/handover_affect.yaml' : p === 'robot' ? 'add robot: { manufacturer: acme, serialNumber: cell-01 }' : `add '${p}:' under ${name}`;
      break;
    }
    case 'additionalProperties': {
      const p = (err.params as { additionalProperty: string }).additionalProperty;
      message = `unknown key '${[...path, p].join('.')}'`;
      const known = Object.keys(propertiesAt(path));
      const near = didYouMean(p, known);
      const moved = MOVED[[...path, p].join('.')];
      hint = moved ?? (near ? `did you mean '${near}'?` : `known keys: ${known.join(', ')}`);
      keyPath = [...path, p];
      preferKey = true;
      break;
    }
    case 'type':
      message = `${name} must be ${(err.params as { type: string }).type}, got ${describe(valueAt(obj, path))}`;
      break;
    case 'anyOf':
    case 'const':
    case 'enum':
      message = `${name} has an invalid value ${describe(valueAt(obj, path))}`;
      hint = name === 'log.level' ? 'one of fatal, error, warn, info, debug, trace, silent' : undefined;
      break;
    case 'pattern':
      message = `${name} ${err.message ?? 'is invalid'}, got ${describe(valueAt(obj, path))}`;
      hint = name === 'broker.url' ? 'e.g. mqtt://127.0.0.1:1883 or mqtts://broker.plant:8883' : undefined;
      break;
    default:
      message = `${name} ${err.message ?? 'is invalid'}, got ${describe(valueAt(obj, path))}`;
  }
  if (flag) return { file: flag, line: 1, col: 1, message: `${message} (from ${flag})`, hint };
  const pos = positionOf(src, keyPath, preferKey);
  return { file: src.file, line: pos.line, col: pos.col, message, hint };
}

function valueAt(obj: unknown, path: string[]): unknown {
  let cur: unknown = obj;
  for (const seg of path) cur = typeof cur === 'object' && cur !== null ? (cur as Record<string, unknown>)[seg] : undefined;
  return cur;
}

function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 40 ? s.slice(0, 37) + '...' : s;
}

function propertiesAt(path: string[]): Record<string, unknown> {
  let s: any = CellConfigSchema;
  for (const seg of path) s = s?.properties?.[seg];
  return (s?.properties ?? {}) as Record<string, unknown>;
}

/**
 * The cell configuration of a deployed planner (`affect-bt run --config cell.yaml`):
 * one TypeBox schema that is the single source of validation, TypeScript type, defaults
 * and the table in `docs/deploy.md` (types as data).
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
 * Schema of a cell configuration file (defaults included; see docs/deploy.md for the table).
 *
 * @example
 * ```ts
 * CellConfigSchema.properties.tick.properties.rateHz.default; // 50
 * ```
 */
export const CellConfigSchema = Type.Object(
  {
    tree: Type.String({ minLength: 1, description: 'YAML tree file to run (relative to the config file)' }),
    nodes: Type.Array(Type.String({ minLength: 1 }), { default: [], description: 'node modules (JS/TS) with the cell\'s own nodes, relative to the config file' }),
    humanId: Type.String({ minLength: 1, pattern: '^[A-Za-z0-9_.:-]+$', default: 'h1', description: 'the person the cell works with (affect/<humanId>)' }),
    humanReady: Type.Union([Type.Literal('assume'), Type.Literal('affect')], {
      default: 'assume',
      description: "where 'human/ready' comes from: 'assume' = always ready (the controller's own sensors report human_not_ready), 'affect' = ready while a fresh affect estimate of the person exists",
    }),
    robot: Type.Object(
      {
        manufacturer: Type.String({ minLength: 1, pattern: '^[A-Za-z0-9_.-]+$', description: 'topic segment {manufacturer}' }),
        serialNumber: Type.String({ minLength: 1, pattern: '^[A-Za-z0-9_.-]+$', description: 'topic segment {serialNumber}' }),
      },
      { additionalProperties: false },
    ),
    broker: Type.Object(
      {
        url: Type.String({ pattern: '^(mqtts?|wss?|tcp|ssl)://', default: 'mqtt://127.0.0.1:1883', description: 'broker URL (mqtt://, mqtts://, ws://, wss://)' }),
        clientId: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'MQTT client id (default planner-<serialNumber>)' })),
        usernameEnv: Type.String({ pattern: '^[A-Z_][A-Z0-9_]*$', default: 'AFFECT_BT_MQTT_USERNAME', description: 'name of the env variable holding the username' }),
        passwordEnv: Type.String({ pattern: '^[A-Z_][A-Z0-9_]*$', default: 'AFFECT_BT_MQTT_PASSWORD', description: 'name of the env variable holding the password' }),
        keepaliveS: Type.Integer({ minimum: 1, maximum: 600, default: 10, description: 'MQTT keepalive; the broker publishes the last will after ~1.5× this' }),
        connectTimeoutMs: Type.Integer({ minimum: 100, maximum: 120_000, default: 5000, description: 'one connection attempt gives up after this' }),
        reconnectMinMs: Type.Integer({ minimum: 10, maximum: 60_000, default: 250, description: 'first reconnect delay (doubles, with jitter)' }),
        reconnectMaxMs: Type.Integer({ minimum: 10, maximum: 600_000, default: 10_000, description: 'reconnect delay cap' }),
        tls: TlsSchema,
      },
      { additionalProperties: false, default: {} },
    ),
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
    vlm: Type.Object(
      {
        enabled: Type.Boolean({ default: false, description: 'escalate ambiguous moments to the cloud VLM (needs the API key env)' }),
        model: Type.String({ minLength: 1, default: 'gemini-2.5-flash', description: 'Gemini model name' }),
        apiKeyEnv: Type.String({ pattern: '^[A-Z_][A-Z0-9_]*$', default: 'GEMINI_API_KEY', description: 'env variable holding the API key' }),
        timeoutMs: Type.Integer({ minimum: 100, maximum: 120_000, default: 4000, description: 'a slower VLM answer is dropped (the local estimate stands)' }),
        maxCallsPerMinute: Type.Integer({ minimum: 0, maximum: 600, default: 6, description: 'escalation rate limit' }),
        budgetUsd: Type.Number({ minimum: 0, maximum: 10_000, default: 1, description: 'spend cap per process lifetime' }),
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
  },
  { additionalProperties: false },
);

/** A validated cell configuration, defaults applied, paths absolute, secrets resolved. */
export type CellConfig = Static<typeof CellConfigSchema> & {
  /** Where the config came from (for logs). */
  source: string;
  /** Username/password read from the env variables (or `_FILE`) named in `broker`. */
  credentials: { username?: string; password?: string };
};

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

/** Command-line overrides; each wins over the file. Secrets are not accepted here by design. */
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

const SECRET_KEYS = new Set(['password', 'username', 'apiKey', 'token', 'secret']);

const ajv = new Ajv({ allErrors: true, useDefaults: true, strict: false });
const validate = ajv.compile(CellConfigSchema as TSchema);

/**
 * Loads, overrides, validates and resolves a cell config file.
 * Throws {@link ConfigError} listing every problem.
 *
 * @example
 * ```ts
 * const cfg = loadCellConfig('cells/example.yaml', { tickHz: 20 }, process.env);
 * cfg.tick.rateHz; // 20
 * ```
 */
export function loadCellConfig(file: string, overrides: ConfigOverrides = {}, env: NodeJS.ProcessEnv = process.env): CellConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError([{ file, line: 1, col: 1, message: `cannot read config: ${(e as Error).message}`, hint: 'check the --config path' }]);
  }
  return parseCellConfig(file, text, overrides, env);
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
  applyOverrides(obj, overrides, fromFlag, diags, file);
  // broker URL precedence: --mqtt flag > broker.url in the file > MQTT_URL env > default
  if (overrides.brokerUrl === undefined && env['MQTT_URL'] && (typeof obj.broker !== 'object' || obj.broker === null || obj.broker.url === undefined)) {
    if (typeof obj.broker !== 'object' || obj.broker === null || Array.isArray(obj.broker)) obj.broker = obj.broker ?? {};
    if (typeof obj.broker === 'object' && !Array.isArray(obj.broker)) {
      obj.broker.url = env['MQTT_URL'];
      fromFlag.set('broker/url', 'MQTT_URL');
    }
  }
  findSecrets(src, obj, [], diags);
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
    const cfg = obj as Static<typeof CellConfigSchema>;
    if (cfg.speed.min > cfg.speed.max) diags.push(at(src, ['speed', 'min'], `speed.min (${cfg.speed.min}) is above speed.max (${cfg.speed.max})`, 'minSpeedScale must be ≤ maxSpeedScale'));
    if (cfg.broker.reconnectMinMs > cfg.broker.reconnectMaxMs) diags.push(at(src, ['broker', 'reconnectMinMs'], `broker.reconnectMinMs (${cfg.broker.reconnectMinMs}) is above broker.reconnectMaxMs (${cfg.broker.reconnectMaxMs})`, 'the first delay cannot exceed the cap'));
    if (cfg.broker.url.startsWith('mqtt://') && (cfg.broker.tls.ca || cfg.broker.tls.cert)) diags.push(at(src, ['broker', 'tls', cfg.broker.tls.ca ? 'ca' : 'cert'], `TLS files are set but broker.url '${cfg.broker.url}' is plain mqtt://`, 'use mqtts://host:8883 to enable TLS'));
    if (Boolean(cfg.broker.tls.cert) !== Boolean(cfg.broker.tls.key)) diags.push(at(src, ['broker', 'tls'], 'broker.tls.cert and broker.tls.key must be given together', 'mutual TLS needs both the certificate and its key'));
    if (urlHasPassword(cfg.broker.url) && fromFlag.get('broker/url') !== 'MQTT_URL') {
      const flag = fromFlag.get('broker/url');
      const d = at(src, ['broker', 'url'], `broker.url carries a password (${redactUrl(cfg.broker.url)}${flag ? `, from ${flag}` : ''})`, `a password in a URL shows in ps, shell history and the file: set broker.passwordEnv (default AFFECT_BT_MQTT_PASSWORD) instead`);
      diags.push(flag ? { ...d, file: flag, line: 1, col: 1 } : d);
    }
  }
  if (diags.length > 0) throw new ConfigError(diags);
  const cfg = obj as Static<typeof CellConfigSchema>;
  const base = dirname(resolve(file));
  const rel = (p: string) => resolve(base, p);
  cfg.tree = fromFlag.has('tree') ? resolve(cfg.tree) : rel(cfg.tree);
  cfg.nodes = cfg.nodes.map(rel);
  for (const k of ['ca', 'cert', 'key'] as const) if (cfg.broker.tls[k]) cfg.broker.tls[k] = rel(cfg.broker.tls[k]!);
  let credentials: CellConfig['credentials'];
  try {
    credentials = credentialsFromEnv(env, { username: cfg.broker.usernameEnv, password: cfg.broker.passwordEnv });
  } catch (e) {
    throw new ConfigError([at(src, ['broker', 'passwordEnv'], (e as Error).message, 'point the _FILE variable at a readable file, or set the password variable itself')]);
  }
  return { ...cfg, source: file, credentials };
}

function applyOverrides(obj: Record<string, any>, o: ConfigOverrides, fromFlag: Map<string, string>, diags: ConfigDiagnostic[], file: string): void {
  const put = (path: string[], value: unknown, flag: string) => {
    let cur = obj;
    for (const seg of path.slice(0, -1)) {
      if (typeof cur[seg] !== 'object' || cur[seg] === null || Array.isArray(cur[seg])) cur[seg] = {};
      cur = cur[seg];
    }
    cur[path[path.length - 1]!] = value;
    fromFlag.set(path.join('/'), flag);
  };
  if (o.tree !== undefined) put(['tree'], o.tree, '--tree');
  if (o.humanId !== undefined) put(['humanId'], o.humanId, '--human');
  if (o.brokerUrl !== undefined) put(['broker', 'url'], o.brokerUrl, '--mqtt');
  if (o.robot !== undefined) {
    const m = /^([^/]+)\/([^/]+)$/.exec(o.robot);
    if (!m) diags.push({ file: '--robot', line: 1, col: 1, message: `--robot must be MANUFACTURER/SERIAL, got '${o.robot}'`, hint: 'for example --robot acme/cell-01' });
    else {
      put(['robot', 'manufacturer'], m[1], '--robot');
      put(['robot', 'serialNumber'], m[2], '--robot');
    }
  }
  if (o.tickHz !== undefined) put(['tick', 'rateHz'], o.tickHz, '--tick-hz');
  if (o.minSpeed !== undefined) put(['speed', 'min'], o.minSpeed, '--min-speed');
  if (o.maxSpeed !== undefined) put(['speed', 'max'], o.maxSpeed, '--max-speed');
  if (o.logLevel !== undefined) put(['log', 'level'], o.logLevel, '--log-level');
  if (o.metricsPort !== undefined) put(['metrics', 'port'], o.metricsPort, '--metrics-port');
  if (o.controllerSilenceMs !== undefined) put(['timeouts', 'controllerSilenceMs'], o.controllerSilenceMs, '--controller-silence-ms');
  void file;
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
      hint = near ? `did you mean '${near}'?` : `known keys: ${known.join(', ')}`;
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

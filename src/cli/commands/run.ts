/**
 * `affect-bt run --config cell.yaml [flags]`: the deployable planner process of one
 * robot cell (see src/deploy/planner.ts for the lifecycle). Flags override the config
 * file; broker credentials come only from the environment (never from flags, which
 * would show up in `ps` and shell history).
 *
 * Exit codes: 0 after a graceful SIGINT/SIGTERM shutdown (or a successful `--check`),
 * 1 when the config, a node module or the tree is invalid or the planner fails, 2 on
 * usage errors (including a flag value the config rejects: the error names the flag).
 * Logs are JSON lines on stdout (pino); `--check` validates config and tree and exits.
 * Node modules come from `--nodes`, the config's `nodes:` and the tree's `nodes:`.
 * The tree runs only for orders (the `order` topic); `--loop` runs it on its own.
 */
import { readFileSync } from 'node:fs';
import { parseCommandArgs } from '../args.ts';
import { commandRegistry, NODES_HELP } from '../nodes.ts';
import type { LevelWithSilent } from 'pino';
import { loadCellConfig, ConfigError, type ConfigOverrides, type CellConfig } from '../../deploy/config.ts';
import { createLogger } from '../../deploy/logger.ts';
import { Planner, type TreeFactory } from '../../deploy/planner.ts';
import { redactUrl } from '../../mqtt/credentials.ts';

const HELP = `usage: affect-bt run --config CELL.yaml [options]

Runs the planner of one robot cell against its MQTT-connected cobot controller.
  --config FILE               cell configuration (YAML; see cells/example.yaml)   (required)
  --tree FILE                 tree file (overrides 'tree')
  --mqtt URL                  broker URL (overrides broker.url; without either, MQTT_URL env)
  --robot M/S                 manufacturer/serial (overrides robot)
  --human ID                  humanId
  --tick-hz N                 tick rate (overrides tick.rateHz)
  --min-speed S / --max-speed S   safe speed range
  --controller-silence-ms N   controller silence before the safe state
  --metrics-port N            serve Prometheus /metrics on this port (0 = any free port)
  --log-level L               fatal|error|warn|info|debug|trace|silent
  --loop                      demo mode (orders.loop): run the tree without orders and restart
                              it whenever it ends. Default: idle until an order arrives on the
                              cell's 'order' topic (see 'affect-bt send order')
  --check                     validate config and tree, print the resolved config, exit
${NODES_HELP.replace('--nodes FILE      ', '--nodes FILE               ')}
  --record FILE.mcap          record every message of the cell into an MCAP file (own MQTT
                              client; replay with 'affect-bt monitor --replay', or Foxglove)
  -h, --help

Credentials: set the env variables named by broker.usernameEnv / broker.passwordEnv
(default AFFECT_BT_MQTT_USERNAME / AFFECT_BT_MQTT_PASSWORD), or put the password in a
file named by AFFECT_BT_MQTT_PASSWORD_FILE. There is no --password flag.
Exit 1 also when the controller refuses this planner (another planner holds the robot).
Signals: SIGINT/SIGTERM stop ticking, cancel running actions, publish OFFLINE, exit 0.`;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** Points a `--password`/`--username` attempt at the environment variables. */
function credentialsHint(message: string): string {
  return /password|username/i.test(message) ? ' (credentials come from the environment only, see --help)' : '';
}

/**
 * Runs the command; resolves with the exit code after shutdown.
 *
 * @example
 * ```ts
 * const code = await run(['--config', 'cells/example.yaml', '--mqtt', 'mqtt://127.0.0.1:1883']);
 * ```
 */
export async function run(argv: string[]): Promise<number> {
  const parsed = parseCommandArgs(
    'run',
    HELP,
    argv,
    {
      config: { type: 'string', short: 'c' },
      tree: { type: 'string' },
      mqtt: { type: 'string' },
      robot: { type: 'string' },
      human: { type: 'string' },
      'tick-hz': { type: 'string' },
      'min-speed': { type: 'string' },
      'max-speed': { type: 'string' },
      'controller-silence-ms': { type: 'string' },
      'metrics-port': { type: 'string' },
      'log-level': { type: 'string' },
      check: { type: 'boolean' },
      loop: { type: 'boolean' },
      nodes: { type: 'string', multiple: true },
      record: { type: 'string' },
    },
    {
      hint: credentialsHint,
      numbers: {
        'tick-hz': { above: 0, max: 1000 },
        'min-speed': { above: 0, max: 1 },
        'max-speed': { above: 0, max: 1 },
        'controller-silence-ms': { integer: true, min: 100, max: 600_000 },
        'metrics-port': { integer: true, min: 0, max: 65_535 },
      },
      brokerUrls: { mqtt: 'url' },
      outputs: { record: 'file' },
    },
  );
  if (typeof parsed === 'number') return parsed;
  const { values, numbers } = parsed;
  if (!values.config) return parsed.usage('--config FILE is required (start from cells/example.yaml)');
  if (values.robot !== undefined && !/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(values.robot)) return parsed.usage(`--robot must be MANUFACTURER/SERIAL (letters, digits, _ . -), got '${values.robot}'`);
  if (values['log-level'] !== undefined && !LOG_LEVELS.includes(values['log-level'])) return parsed.usage(`--log-level must be one of ${LOG_LEVELS.join(', ')}, got '${values['log-level']}'`);
  const configPath = values.config;
  const check = values.check === true;
  const overrides: ConfigOverrides = {
    tree: values.tree,
    brokerUrl: values.mqtt,
    robot: values.robot,
    humanId: values.human,
    tickHz: numbers['tick-hz'],
    minSpeed: numbers['min-speed'],
    maxSpeed: numbers['max-speed'],
    controllerSilenceMs: numbers['controller-silence-ms'],
    metricsPort: numbers['metrics-port'],
    logLevel: values['log-level'],
  };

  let config: CellConfig;
  try {
    config = loadCellConfig(configPath, overrides);
  } catch (e) {
    if (e instanceof ConfigError) {
      // A flag value the schema rejects is a usage error that names the flag.
      const fromFlag = e.diagnostics.find((d) => d.file.startsWith('--'));
      if (fromFlag) return parsed.usage(`${fromFlag.message}${fromFlag.hint ? ` (hint: ${fromFlag.hint})` : ''}`);
      process.stderr.write(`${e.message}\naffect-bt run: ${e.diagnostics.length} problem(s) in the configuration\n`);
      return 1;
    }
    throw e;
  }
  if (values.loop === true) config.orders.loop = true;

  // Node modules (--nodes relative to the current directory, the config's nodes: already
  // resolved against the config file), then the tree: all validated before anything connects.
  const registry = await commandRegistry('run', [...(values.nodes ?? []), ...config.nodes]);
  if (typeof registry === 'number') return registry;
  const { loadTreeFile, TreeLoadError } = await import('../../tree/loader.ts');
  const { buildTree } = await import('../../tree/build.ts');
  const { describeTree } = await import('../../tree/describe.ts');
  let doc: Awaited<ReturnType<typeof loadTreeFile>>;
  try {
    doc = await loadTreeFile(config.tree, { registry });
  } catch (e) {
    if (e instanceof TreeLoadError) {
      process.stderr.write(`${e.message}\naffect-bt run: the tree named by ${config.source} is invalid\n`);
      return 1;
    }
    throw e;
  }
  if (check) {
    const { credentials, ...shown } = config;
    const broker = { ...shown.broker, url: redactUrl(shown.broker.url) };
    process.stdout.write(JSON.stringify({ ok: true, config: { ...shown, broker, credentials: { username: credentials.username ? '(set)' : '(unset)', password: credentials.password ? '(set)' : '(unset)' } } }, null, 2) + '\n');
    return 0;
  }

  const logger = createLogger({ level: config.log.level as LevelWithSilent, base: { robot: `${config.robot.manufacturer}/${config.robot.serialNumber}` } });
  const factory: TreeFactory = (env) => {
    const runner = buildTree(doc, { ...env, trace: config.trace.enabled });
    return Object.assign(runner, { description: describeTree(doc, runner) });
  };
  const planner = new Planner({ config, logger, buildTree: factory, trees: { main: doc.main, names: [...doc.trees.keys()] } });
  let recording: { close(): Promise<void> } | undefined;
  if (values.record !== undefined) {
    const { recordCell } = await import('../../monitor/record.ts');
    try {
      recording = await recordCell({
        file: values.record,
        url: config.broker.url,
        robot: config.robot,
        username: config.credentials.username,
        password: config.credentials.password,
        tls: tlsFiles(config),
        meta: { source: 'affect-bt run', tree: config.tree },
      });
      logger.info({ file: values.record }, 'recording the cell');
    } catch (e) {
      logger.fatal({ err: (e as Error).message }, 'cannot start the recording');
      return 1;
    }
  }

  let signalled: NodeJS.Signals | undefined;
  const stopped = new Promise<NodeJS.Signals>((resolve) => {
    const on = (sig: NodeJS.Signals) => {
      if (signalled) {
        logger.warn({ signal: sig }, 'second signal: exiting now');
        process.exit(1);
      }
      signalled = sig;
      resolve(sig);
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
  });
  logger.info({ config: config.source, tree: config.tree, tickHz: config.tick.rateHz, speed: config.speed, mode: config.orders.loop ? 'loop' : 'orders' }, 'planner starting');
  try {
    await Promise.race([planner.start(), stopped]);
  } catch (e) {
    if (!signalled) {
      logger.fatal({ err: (e as Error).message }, 'planner failed to start');
      await planner.stop('start failed');
      await recording?.close();
      return 1;
    }
  }
  const end = await Promise.race([stopped, planner.fatal.then((reason) => ({ fatal: reason }))]);
  if (typeof end === 'object') {
    await planner.stop(end.fatal);
    setTimeout(() => process.exit(1), 200).unref();
    return 1;
  }
  const sig = end;
  // hard bound: whatever happens, do not hang a systemd stop
  const hard = setTimeout(() => {
    logger.error({ shutdownMs: config.timeouts.shutdownMs }, 'shutdown took too long; exiting');
    process.exit(1);
  }, config.timeouts.shutdownMs + 2000);
  hard.unref();
  await planner.stop(sig);
  if (recording) {
    // let the recorder see the planner's OFFLINE, then write the index and footer
    await new Promise((r) => setTimeout(r, 200));
    await recording.close().catch((e: Error) => logger.error({ err: e.message }, 'recording failed'));
    logger.info({ file: values.record }, 'recording closed');
  }
  clearTimeout(hard);
  // leftover handles (sockets in TIME_WAIT callbacks…) must not keep a stopped planner alive
  setTimeout(() => process.exit(0), 200).unref();
  return 0;
}

/** The broker TLS files of the config, read for the recorder's own client. */
function tlsFiles(config: CellConfig): { ca?: Buffer; cert?: Buffer; key?: Buffer; rejectUnauthorized: boolean } | undefined {
  const t = config.broker.tls;
  if (!t.ca && !t.cert && !t.key) return undefined;
  return { ca: t.ca ? readFileSync(t.ca) : undefined, cert: t.cert ? readFileSync(t.cert) : undefined, key: t.key ? readFileSync(t.key) : undefined, rejectUnauthorized: t.rejectUnauthorized };
}

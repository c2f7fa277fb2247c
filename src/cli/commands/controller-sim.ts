/**
 * `affect-bt controller-sim --mqtt URL --robot M/S [...]`: the reference cobot
 * controller as a process (see src/controller-sim). Runs until SIGINT/SIGTERM, then
 * publishes OFFLINE; a SIGKILL leaves the broker to publish its CONNECTION_BROKEN
 * last will. Prints `ready <robot> <url> mqtt5=<bool>` on stdout once connected; with
 * `--log-executions` also one JSON line per accepted, ignored (duplicate) or refused
 * action, the record the fault and hostile-client tests check exactly-once against.
 * Credentials come from the environment only (`AFFECT_BT_MQTT_USERNAME`,
 * `AFFECT_BT_MQTT_PASSWORD` or `AFFECT_BT_MQTT_PASSWORD_FILE`); TLS files by path.
 */
import { checkBrokerUrl, parseCommandArgs } from '../args.ts';
import { startControllerSim } from '../../controller-sim/controller-sim.ts';
import { FileExecutedStore, type ExecutedStore } from '../../controller-sim/executed-store.ts';
import { parseRobotId } from '../../mqtt/topics.ts';
import { isMqtt5 } from '../../mqtt/connection.ts';
import { credentialsFromEnv, readPemFile, redactUrl } from '../../mqtt/credentials.ts';
import { stderrLogger } from '../../mqtt/rejections.ts';

const HELP = `usage: affect-bt controller-sim --mqtt URL --robot MANUFACTURER/SERIAL [options]

Reference cobot controller speaking the affect-bt MQTT contract.
  --mqtt URL              broker URL (default: MQTT_URL env)
  --robot M/S             robot id, e.g. acme/cell-1 (required)
  --seed N                RNG seed for failure draws (default 1)
  --p-drop P              probability a handover drops the object (default 0)
  --p-human-not-ready P   probability the human is not ready (default 0)
  --p-timeout P           probability a handover stalls until its timeout (default 0)
  --handover-ms N         handover motion time at speed 1 (default 1500)
  --min-speed S           the cell's minimum speed scale, also the safe-stop pacing (default 0.3)
  --max-speed S           the cell's maximum speed scale (default 1); commands outside are refused
  --max-queued N          handovers that may wait behind the running one (default 8)
  --state-interval-ms N   state heartbeat period (default 500)
  --keepalive S           MQTT keepalive seconds (default 5)
  --executed-ids FILE     remember executed actionIds in FILE (JSON lines, 24 h), so a restart
                          never runs a command twice (default: memory only, with a warning)
  --log-executions        print one JSON line per action on stdout:
                          {"event":"execute"|"duplicate"|"rejected","actionId":…,"actionType":…,"count":N[,"reason":…]}
  --ca FILE               PEM CA of the broker certificate (mqtts://)
  --cert FILE --key FILE  PEM client certificate and key (mutual TLS)

Credentials come from the environment only: AFFECT_BT_MQTT_USERNAME and
AFFECT_BT_MQTT_PASSWORD (or AFFECT_BT_MQTT_PASSWORD_FILE naming a file).`;

/**
 * Runs the command.
 *
 * @example
 * ```ts
 * await run(['--mqtt', 'mqtt://127.0.0.1:1883', '--robot', 'acme/c1', '--p-drop', '0.1']);
 * ```
 */
export async function run(argv: string[]): Promise<number> {
  const parsed = parseCommandArgs(
    'controller-sim',
    HELP,
    argv,
    {
      mqtt: { type: 'string' },
      robot: { type: 'string' },
      seed: { type: 'string', default: '1' },
      'p-drop': { type: 'string', default: '0' },
      'p-human-not-ready': { type: 'string', default: '0' },
      'p-timeout': { type: 'string', default: '0' },
      'handover-ms': { type: 'string', default: '1500' },
      'min-speed': { type: 'string', default: '0.3' },
      'state-interval-ms': { type: 'string', default: '500' },
      keepalive: { type: 'string', default: '5' },
      'max-speed': { type: 'string', default: '1' },
      'max-queued': { type: 'string', default: '8' },
      'executed-ids': { type: 'string' },
      'log-executions': { type: 'boolean' },
      ca: { type: 'string' },
      cert: { type: 'string' },
      key: { type: 'string' },
    },
    {
      hint: (m) => (/password|username/i.test(m) ? ' (credentials come from the environment only, see --help)' : ''),
      numbers: {
        seed: { integer: true, min: 0, max: 2 ** 32 - 1 },
        'p-drop': { min: 0, max: 1 },
        'p-human-not-ready': { min: 0, max: 1 },
        'p-timeout': { min: 0, max: 1 },
        'handover-ms': { min: 1, max: 600_000 },
        'min-speed': { min: 0.01, max: 1 },
        'max-speed': { min: 0.01, max: 1 },
        'max-queued': { min: 0, max: 1000 },
        'state-interval-ms': { min: 10, max: 60_000 },
        keepalive: { min: 1, max: 3600 },
      },
      brokerUrls: { mqtt: 'url' },
    },
  );
  if (typeof parsed === 'number') return parsed;
  const { values, numbers } = parsed;
  let opts;
  try {
    const url = values.mqtt ?? process.env['MQTT_URL'];
    if (!url) throw new Error('--mqtt URL is required (or set MQTT_URL)');
    const badUrl = values.mqtt === undefined ? checkBrokerUrl('MQTT_URL', url) : undefined;
    if (badUrl) throw new Error(badUrl);
    if (!values.robot) throw new Error('--robot MANUFACTURER/SERIAL is required');
    opts = {
      url,
      robot: parseRobotId(values.robot),
      seed: numbers.seed!,
      pDrop: numbers['p-drop']!,
      pHumanNotReady: numbers['p-human-not-ready']!,
      pTimeout: numbers['p-timeout']!,
      baseHandoverMs: numbers['handover-ms']!,
      minSpeed: numbers['min-speed']!,
      maxSpeed: numbers['max-speed']!,
      maxQueued: numbers['max-queued']!,
      stateIntervalMs: numbers['state-interval-ms']!,
      keepaliveS: numbers.keepalive!,
      logExecutions: values['log-executions'] === true,
    };
    if (opts.minSpeed > opts.maxSpeed) throw new Error(`--min-speed ${opts.minSpeed} is above --max-speed ${opts.maxSpeed}`);
    if (Boolean(values.cert) !== Boolean(values.key)) throw new Error('--cert and --key go together (mutual TLS needs both)');
  } catch (err) {
    return parsed.usage((err as Error).message);
  }
  let sim;
  let store: ExecutedStore | undefined;
  try {
    const auth = credentialsFromEnv(process.env);
    const tls = { ca: values.ca ? readPemFile('CA', values.ca) : undefined, cert: values.cert ? readPemFile('certificate', values.cert) : undefined, key: values.key ? readPemFile('key', values.key) : undefined };
    if (values['executed-ids']) store = new FileExecutedStore(values['executed-ids']);
    else process.stderr.write('affect-bt controller-sim: executed actionIds are kept in memory only; pass --executed-ids FILE so a restart never runs a command twice\n');
    sim = await startControllerSim({
      mqtt: { url: opts.url, keepaliveS: opts.keepaliveS, ...auth, ...tls },
      robot: opts.robot,
      seed: opts.seed,
      pDrop: opts.pDrop,
      pHumanNotReady: opts.pHumanNotReady,
      pTimeout: opts.pTimeout,
      baseHandoverMs: opts.baseHandoverMs,
      speedRange: [opts.minSpeed, opts.maxSpeed],
      maxQueuedHandovers: opts.maxQueued,
      executedStore: store,
      stateIntervalMs: opts.stateIntervalMs,
      logger: stderrLogger,
      onExecution: opts.logExecutions ? (e) => void process.stdout.write(JSON.stringify(e) + '\n') : undefined,
    });
  } catch (err) {
    store?.close();
    process.stderr.write(`affect-bt controller-sim: ${(err as Error).message}\n`);
    return 1;
  }
  process.stdout.write(`ready ${opts.robot.manufacturer}/${opts.robot.serialNumber} ${redactUrl(opts.url)} mqtt5=${isMqtt5(sim.client)} session=${sim.session.sessionId}\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await sim.stop();
  return 0;
}

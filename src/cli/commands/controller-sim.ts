/**
 * `affect-bt controller-sim --mqtt URL --robot M/S [...]`: the reference cobot
 * controller as a process (see src/controller-sim). Runs until SIGINT/SIGTERM, then
 * publishes OFFLINE; a SIGKILL leaves the broker to publish its CONNECTION_BROKEN
 * last will. Prints `ready <robot> <url> mqtt5=<bool>` on stdout once connected; with
 * `--log-executions` also one JSON line per accepted or ignored (duplicate) action, the
 * record the fault tests check exactly-once execution against.
 */
import { checkBrokerUrl, parseCommandArgs } from '../args.ts';
import { startControllerSim } from '../../controller-sim/controller-sim.ts';
import { parseRobotId } from '../../mqtt/topics.ts';
import { isMqtt5 } from '../../mqtt/connection.ts';
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
  --min-speed S           minimum safe speed scale (default 0.3)
  --state-interval-ms N   state heartbeat period (default 500)
  --keepalive S           MQTT keepalive seconds (default 5)
  --log-executions        print one JSON line per action on stdout:
                          {"event":"execute"|"duplicate","actionId":…,"actionType":…,"count":N}
  --username U / --password P   broker credentials (or MQTT_USERNAME / MQTT_PASSWORD)`;

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
      'log-executions': { type: 'boolean' },
      username: { type: 'string' },
      password: { type: 'string' },
    },
    {
      numbers: {
        seed: { integer: true, min: 0, max: 2 ** 32 - 1 },
        'p-drop': { min: 0, max: 1 },
        'p-human-not-ready': { min: 0, max: 1 },
        'p-timeout': { min: 0, max: 1 },
        'handover-ms': { min: 1, max: 600_000 },
        'min-speed': { min: 0.01, max: 1 },
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
      stateIntervalMs: numbers['state-interval-ms']!,
      keepaliveS: numbers.keepalive!,
      logExecutions: values['log-executions'] === true,
      username: values.username ?? process.env['MQTT_USERNAME'],
      password: values.password ?? process.env['MQTT_PASSWORD'],
    };
  } catch (err) {
    return parsed.usage((err as Error).message);
  }
  let sim;
  try {
    sim = await startControllerSim({
      mqtt: { url: opts.url, keepaliveS: opts.keepaliveS, username: opts.username, password: opts.password },
      robot: opts.robot,
      seed: opts.seed,
      pDrop: opts.pDrop,
      pHumanNotReady: opts.pHumanNotReady,
      pTimeout: opts.pTimeout,
      baseHandoverMs: opts.baseHandoverMs,
      speedRange: [opts.minSpeed, 1],
      stateIntervalMs: opts.stateIntervalMs,
      logger: stderrLogger,
      onExecution: opts.logExecutions ? (e) => void process.stdout.write(JSON.stringify(e) + '\n') : undefined,
    });
  } catch (err) {
    process.stderr.write(`affect-bt controller-sim: ${(err as Error).message}\n`);
    return 1;
  }
  process.stdout.write(`ready ${opts.robot.manufacturer}/${opts.robot.serialNumber} ${opts.url.replace(/\/\/[^@/]*@/, '//***@')} mqtt5=${isMqtt5(sim.client)}\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await sim.stop();
  return 0;
}

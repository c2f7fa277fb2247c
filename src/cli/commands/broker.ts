/**
 * `affect-bt broker [--port N] [--host H]`: runs the embedded aedes broker standalone
 * (MQTT 3.1.1, 127.0.0.1 by default) until SIGINT/SIGTERM. Prints the URL on stdout
 * (one line, so scripts can read it).
 */
import { parseCommandArgs } from '../args.ts';
import { startEmbeddedBroker } from '../../mqtt/broker.ts';

const HELP = `usage: affect-bt broker [--port N] [--host H] [--username U --password P]

Runs the embedded MQTT broker (aedes, MQTT 3.1.1) until interrupted.
  --port N       TCP port (default 1883; 0 picks a free one)
  --host H       interface to bind (default 127.0.0.1)
  --username U   require these credentials (with --password, or MQTT_PASSWORD)
Prints the broker URL (mqtt://host:port) on stdout.`;

/**
 * Runs the command.
 *
 * @example
 * ```ts
 * await run(['--port', '0']); // returns 0 after SIGINT
 * ```
 */
export async function run(argv: string[]): Promise<number> {
  const parsed = parseCommandArgs(
    'broker',
    HELP,
    argv,
    { port: { type: 'string', default: '1883' }, host: { type: 'string' }, username: { type: 'string' }, password: { type: 'string' } },
    { numbers: { port: { integer: true, min: 0, max: 65_535 } } },
  );
  if (typeof parsed === 'number') return parsed;
  const { values } = parsed;
  const port = parsed.numbers.port!;
  const password = values.password ?? process.env['MQTT_PASSWORD'];
  if ((values.username === undefined) !== (password === undefined)) {
    process.stderr.write('affect-bt broker: --username and --password (or MQTT_PASSWORD) go together\n');
    return 2;
  }
  let broker;
  try {
    broker = await startEmbeddedBroker({ port, host: values.host ?? '127.0.0.1', credentials: values.username !== undefined ? { username: values.username, password: password! } : undefined });
  } catch (err) {
    process.stderr.write(`affect-bt broker: ${(err as Error).message}\n`);
    return 1;
  }
  process.stdout.write(broker.url + '\n');
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await broker.stop();
  return 0;
}

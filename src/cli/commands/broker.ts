/**
 * `affect-bt broker`: runs the embedded aedes broker standalone (MQTT 3.1.1,
 * 127.0.0.1 by default) until SIGINT/SIGTERM. Prints the URL on stdout (one line, so
 * scripts can read it).
 *
 * Least privilege by default: it needs users — a Mosquitto password file
 * (`--password-file`, made with `mosquitto_passwd`) and/or client certificates
 * (`--ca`, mutual TLS) — plus an `--acl-file` in Mosquitto's format (the shipped
 * `cells/mosquitto/acl` style), or an explicit `--allow-anonymous` for a loopback demo.
 * No secret is ever taken from the command line. Refused connects, publishes and
 * subscribes are logged as JSON lines on stderr.
 */
import { readFileSync } from 'node:fs';
import { parseCommandArgs } from '../args.ts';
import { startEmbeddedBroker, type BrokerAuth } from '../../mqtt/broker.ts';
import { parseAclFile, parsePasswordFile } from '../../mqtt/broker-auth.ts';
import { readPemFile } from '../../mqtt/credentials.ts';

const HELP = `usage: affect-bt broker [--port N] [--host H] (--password-file F | --ca F) [--acl-file F] [TLS options]
       affect-bt broker [--port N] --allow-anonymous

Runs the embedded MQTT broker (aedes, MQTT 3.1.1) until interrupted.
  --port N                TCP port (default 1883; 0 picks a free one)
  --host H                interface to bind (default 127.0.0.1)
  --password-file F       users, in Mosquitto's password file format (mosquitto_passwd)
  --acl-file F            topic ACLs, in Mosquitto's acl_file format (see cells/mosquitto/acl);
                          without it every authenticated client may do anything
  --allow-anonymous       serve clients without credentials (loopback demos only)
  --cert F --key F        serve mqtts:// with this PEM certificate and key
  --ca F                  accept client certificates signed by this CA (mutual TLS; CN = username)
  --require-certificate   with --ca: refuse clients without a valid certificate
Prints the broker URL (mqtt://host:port or mqtts://…) on stdout.`;

/**
 * Runs the command.
 *
 * @example
 * ```ts
 * await run(['--port', '0', '--allow-anonymous']); // returns 0 after SIGINT
 * ```
 */
export async function run(argv: string[]): Promise<number> {
  const parsed = parseCommandArgs(
    'broker',
    HELP,
    argv,
    {
      port: { type: 'string', default: '1883' },
      host: { type: 'string' },
      'password-file': { type: 'string' },
      'acl-file': { type: 'string' },
      'allow-anonymous': { type: 'boolean' },
      cert: { type: 'string' },
      key: { type: 'string' },
      ca: { type: 'string' },
      'require-certificate': { type: 'boolean' },
    },
    {
      hint: (m) => (/password|username/i.test(m) ? ' (users come from --password-file, made with mosquitto_passwd; no secret on the command line)' : ''),
      numbers: { port: { integer: true, min: 0, max: 65_535 } },
    },
  );
  if (typeof parsed === 'number') return parsed;
  const { values } = parsed;
  const port = parsed.numbers.port!;
  const anonymous = values['allow-anonymous'] === true;
  const users = values['password-file'] !== undefined || values.ca !== undefined;
  if (!anonymous && !users) return parsed.usage('give users (--password-file FILE and/or --ca FILE for client certificates) or, for a loopback demo, --allow-anonymous');
  if (Boolean(values.cert) !== Boolean(values.key)) return parsed.usage('--cert and --key go together');
  if (values.ca && !values.cert) return parsed.usage('--ca (client certificates) needs TLS: give --cert and --key too');
  if (values['require-certificate'] && !values.ca) return parsed.usage('--require-certificate needs --ca');
  let broker;
  try {
    const auth: BrokerAuth | undefined = users || values['acl-file'] ? {} : undefined;
    if (auth && values['password-file']) auth.passwords = parsePasswordFile(readText(values['password-file'], 'password file'), values['password-file']);
    if (auth && values['acl-file']) auth.acl = parseAclFile(readText(values['acl-file'], 'ACL file'), values['acl-file']);
    if (auth && !auth.acl) process.stderr.write('affect-bt broker: no --acl-file: every authenticated client may publish and subscribe anything (give the cell ACL for least privilege)\n');
    const tls = values.cert ? { cert: readPemFile('certificate', values.cert), key: readPemFile('key', values.key!), ca: values.ca ? readPemFile('CA', values.ca) : undefined, requireCertificate: values['require-certificate'] === true } : undefined;
    broker = await startEmbeddedBroker({
      port,
      host: values.host ?? '127.0.0.1',
      auth,
      allowAnonymous: anonymous,
      tls,
      onDenied: (e) => process.stderr.write(JSON.stringify({ level: 'warn', time: new Date().toISOString(), msg: `broker refused ${e.action}`, ...e }) + '\n'),
    });
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

function readText(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new Error(`cannot read the ${what} '${path}': ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

/**
 * Test helper: brokers configured like a real cell — users per role and least-privilege
 * ACLs — for the hostile-client suite. The *same* files serve both brokers:
 *
 * - a Mosquitto password file (made with `mosquitto_passwd` when it is installed, as an
 *   integrator would; else with {@link hashPassword}, the same `$7$` format) and the
 *   `acl_file` rendered from the role table for role-wide test users (`+/+` robots, so
 *   every test can use a unique robot id);
 * - the embedded aedes broker reads them in-process ({@link secureBrokers} always
 *   includes it), with a TLS listener whose client certificates (test/fixtures/tls,
 *   CN = the role's username) log in without a password (mutual TLS);
 * - a second, private Mosquitto (never the shared one on 1883) started by `.ci/run` with
 *   these files, whose URL arrives in `AFFECT_BT_SECURE_MQTT_URL`.
 *
 * `.ci/run` writes the files and config with
 * `node --import tsx test/support/secure-broker.ts write DIR PORT` and starts
 * `mosquitto -c DIR/mosquitto.conf`. Do the same by hand while developing:
 * `mkdir -p /tmp/sec && node --import tsx test/support/secure-broker.ts write /tmp/sec 18883 && mosquitto -d -c /tmp/sec/mosquitto.conf`
 * then `AFFECT_BT_SECURE_MQTT_URL=mqtt://127.0.0.1:18883 npx vitest run test/mqtt-hostile.test.ts`.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startEmbeddedBroker } from '../../src/mqtt/broker.ts';
import { hashPassword, parseAclFile, parsePasswordFile, renderMosquittoAcl } from '../../src/mqtt/broker-auth.ts';
import { ROLES, type Role } from '../../src/contract/roles.ts';
import { isReachable } from './broker.ts';

/** Test users, one per role (passwords are test-only). */
export const TEST_USERS: Readonly<Record<Role, { username: string; password: string }>> = {
  planner: { username: 'planner-test', password: 'planner-pw-4d1f' },
  controller: { username: 'controller-test', password: 'controller-pw-9a2c' },
  estimator: { username: 'estimator-test', password: 'estimator-pw-7e30' },
  monitor: { username: 'monitor-test', password: 'monitor-pw-21b8' },
  orderer: { username: 'orderer-test', password: 'orderer-pw-5c77' },
};

/** The env variable `.ci/run` sets to the secured Mosquitto's URL. */
export const SECURE_URL_ENV = 'AFFECT_BT_SECURE_MQTT_URL';

const TLS_DIR = resolve(import.meta.dirname, '..', 'fixtures', 'tls');

/**
 * A PEM file of the test PKI (CA, broker, `<role>-test` client certificates, a rogue CA).
 *
 * @example
 * ```ts
 * const ca = tlsFixture('ca.pem');
 * ```
 */
export function tlsFixture(name: string): Buffer {
  return readFileSync(join(TLS_DIR, name));
}

function hasMosquittoPasswd(): boolean {
  try {
    execFileSync('mosquitto_passwd', ['-h'], { stdio: 'ignore' });
    return true;
  } catch (e) {
    return (e as { status?: number }).status !== undefined && (e as NodeJS.ErrnoException).code !== 'ENOENT';
  }
}

/**
 * Writes `passwd`, `acl` and `mosquitto.conf` (listener on 127.0.0.1:`port`) into `dir`.
 *
 * @example
 * ```ts
 * const files = writeSecureBrokerFiles(mkdtempSync(join(tmpdir(), 'sec-')), 18883);
 * ```
 */
export function writeSecureBrokerFiles(dir: string, port: number): { passwd: string; acl: string; conf: string; madeWith: 'mosquitto_passwd' | 'hashPassword' } {
  const passwd = join(dir, 'passwd');
  const acl = join(dir, 'acl');
  const conf = join(dir, 'mosquitto.conf');
  let madeWith: 'mosquitto_passwd' | 'hashPassword' = 'hashPassword';
  if (hasMosquittoPasswd()) {
    writeFileSync(passwd, '');
    for (const r of ROLES) execFileSync('mosquitto_passwd', ['-b', passwd, TEST_USERS[r].username, TEST_USERS[r].password], { stdio: 'ignore' });
    madeWith = 'mosquitto_passwd';
  } else {
    writeFileSync(passwd, ROLES.map((r) => `${TEST_USERS[r].username}:${hashPassword(TEST_USERS[r].password)}`).join('\n') + '\n');
  }
  writeFileSync(acl, renderMosquittoAcl(ROLES.map((role) => ({ username: TEST_USERS[role].username, role, robot: 'any' as const }))));
  writeFileSync(
    conf,
    [
      '# private Mosquitto for the hostile-client tests (never the shared one on 1883)',
      'per_listener_settings false',
      'allow_anonymous false',
      `password_file ${passwd}`,
      `acl_file ${acl}`,
      `listener ${port} 127.0.0.1`,
      'persistence false',
      'log_dest stderr',
      '',
    ].join('\n'),
  );
  // Mosquitto started as root drops to its own user: let it read the files
  for (const [p, mode] of [[dir, 0o755], [passwd, 0o644], [acl, 0o644], [conf, 0o644]] as const) chmodSync(p, mode);
  return { passwd, acl, conf, madeWith };
}

/** A secured broker for one test file. */
export interface SecureBroker {
  name: string;
  kind: 'embedded' | 'mosquitto';
  /** Plain MQTT URL (username/password). */
  url: string;
  /** `mqtts://` URL accepting the test client certificates (embedded only). */
  tlsUrl?: string;
  stop(): Promise<void>;
}

/** A broker factory for `describe.each`. */
export interface SecureBrokerCase {
  name: string;
  start(): Promise<SecureBroker>;
}

/**
 * The secured brokers a suite covers: the embedded one always (from the same files),
 * the private Mosquitto of `AFFECT_BT_SECURE_MQTT_URL` when it is reachable.
 *
 * @example
 * ```ts
 * describe.each(await secureBrokers())('over $name', ({ start }) => { … });
 * ```
 */
export async function secureBrokers(): Promise<SecureBrokerCase[]> {
  const out: SecureBrokerCase[] = [
    {
      name: 'embedded aedes with password file + ACL',
      start: async () => {
        const dir = mkdtempSync(join(tmpdir(), 'affect-bt-secure-'));
        const files = writeSecureBrokerFiles(dir, 0);
        const auth = { passwords: parsePasswordFile(readFileSync(files.passwd, 'utf8'), files.passwd), acl: parseAclFile(readFileSync(files.acl, 'utf8'), files.acl) };
        const plain = await startEmbeddedBroker({ auth });
        const secure = await startEmbeddedBroker({ auth, tls: { key: tlsFixture('broker.key'), cert: tlsFixture('broker.pem'), ca: tlsFixture('ca.pem') } });
        return { name: 'embedded', kind: 'embedded', url: plain.url, tlsUrl: secure.url, stop: async () => void (await Promise.all([plain.stop(), secure.stop()])) };
      },
    },
  ];
  const ext = process.env[SECURE_URL_ENV];
  if (ext && (await isReachable(ext))) out.push({ name: `secured Mosquitto ${ext}`, start: async () => ({ name: 'mosquitto', kind: 'mosquitto', url: ext, stop: async () => {} }) });
  return out;
}

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  const [cmd, dir, port] = process.argv.slice(2);
  if (cmd !== 'write' || !dir || !port || !/^\d+$/.test(port)) {
    process.stderr.write('usage: node --import tsx test/support/secure-broker.ts write DIR PORT\n');
    process.exit(2);
  }
  const files = writeSecureBrokerFiles(dir, Number(port));
  process.stdout.write(`${files.conf} (passwords made with ${files.madeWith})\n`);
}

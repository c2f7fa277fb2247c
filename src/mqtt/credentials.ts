/**
 * Broker secrets, handled in one place so they never reach argv, logs or output:
 * credentials come from environment variables or from files named by environment
 * variables (`NAME_FILE`, the convention of systemd credentials and container
 * secrets); URLs are redacted before anything prints them; TLS files are read with
 * errors that name the file, never its content.
 *
 * Every affect-bt process that connects to a broker (planner, controller-sim,
 * estimator) reads the same variables by default: `AFFECT_BT_MQTT_USERNAME`,
 * `AFFECT_BT_MQTT_PASSWORD` (or `AFFECT_BT_MQTT_PASSWORD_FILE`).
 */
import { readFileSync } from 'node:fs';

/**
 * Default names of the credential environment variables.
 *
 * @example
 * ```ts
 * process.env[DEFAULT_CREDENTIAL_ENV.password]; // AFFECT_BT_MQTT_PASSWORD
 * ```
 */
export const DEFAULT_CREDENTIAL_ENV = { username: 'AFFECT_BT_MQTT_USERNAME', password: 'AFFECT_BT_MQTT_PASSWORD' } as const;

/**
 * A username/password pair (either may be absent).
 *
 * @example
 * ```ts
 * const c: BrokerCredentials = { username: 'planner-cell-01', password: '…' };
 * ```
 */
export interface BrokerCredentials {
  username?: string;
  password?: string;
}

/**
 * Reads credentials from `env[usernameEnv]` and `env[passwordEnv]`, or, when the
 * latter is unset, from the file named by `env[passwordEnv + '_FILE']` (one trailing
 * newline stripped). Throws a clear error (naming the variable and path, not the
 * secret) when that file cannot be read.
 *
 * @example
 * ```ts
 * credentialsFromEnv(process.env); // { username: 'planner', password: 's3cret' }
 * credentialsFromEnv({ MY_PW_FILE: '/run/credentials/pw' }, { password: 'MY_PW' }); // { password: <file content> }
 * ```
 */
export function credentialsFromEnv(env: NodeJS.ProcessEnv, names: { username?: string; password?: string } = {}): BrokerCredentials {
  const userEnv = names.username ?? DEFAULT_CREDENTIAL_ENV.username;
  const passEnv = names.password ?? DEFAULT_CREDENTIAL_ENV.password;
  const out: BrokerCredentials = {};
  const user = env[userEnv];
  if (user) out.username = user;
  const pass = env[passEnv];
  const file = env[`${passEnv}_FILE`];
  if (pass) out.password = pass;
  else if (file) {
    try {
      out.password = readFileSync(file, 'utf8').replace(/\r?\n$/, '');
    } catch (e) {
      throw new Error(`cannot read the password file named by ${passEnv}_FILE ('${file}'): ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  }
  return out;
}

/**
 * The URL with any `user:password@` part masked, for logs, errors and `--check` output.
 *
 * @example
 * ```ts
 * redactUrl('mqtt://planner:s3cret@broker:1883'); // 'mqtt://***@broker:1883'
 * ```
 */
export function redactUrl(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@');
}

/**
 * True when the URL carries a password (`scheme://user:password@host`).
 *
 * @example
 * ```ts
 * urlHasPassword('mqtt://u:p@h:1883'); // true
 * ```
 */
export function urlHasPassword(url: string): boolean {
  return /^[a-z]+:\/\/[^@/]*:[^@/]*@/i.test(url);
}

/**
 * Reads a PEM file (CA, client certificate or key) with an error that names what it
 * is and the path.
 *
 * @example
 * ```ts
 * const ca = readPemFile('ca', '/etc/affect-bt/ca.pem');
 * ```
 */
export function readPemFile(what: string, path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (e) {
    throw new Error(`cannot read the TLS ${what} file '${path}': ${(e as NodeJS.ErrnoException).code ?? (e as Error).message} (check the path)`);
  }
}

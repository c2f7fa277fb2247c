/**
 * Broker-side authentication and authorisation in Mosquitto's own file formats, so one
 * cell setup serves both brokers: the embedded `affect-bt broker` reads the same
 * password file (made with `mosquitto_passwd`) and `acl_file` as Mosquitto does.
 *
 * - Password file: `username:$7$<iterations>$<salt b64>$<hash b64>` (PBKDF2-HMAC-SHA512,
 *   64-byte hash; `mosquitto_passwd`'s default) or `username:$6$<salt>$<hash>`
 *   (SHA-512 of password + salt; Mosquitto ≤ 1.6). {@link hashPassword} writes `$7$`.
 * - ACL file: `user <name>` starts a block; `topic [read|write|readwrite|deny] <filter>`
 *   grants within it (lines before any `user` apply to anonymous clients); `pattern …`
 *   lines apply to every client with `%u` (username) and `%c` (client id) substituted.
 *   Without a matching grant, access is denied; a matching `deny` wins.
 * - {@link renderMosquittoAcl} writes such a file from the role table
 *   (src/contract/roles.ts): least privilege per role, per robot (or `+/+` for a
 *   role-wide user).
 *
 * Subscriptions are checked by coverage: a subscription filter is allowed when a read
 * grant's filter covers every topic it could match (so `affectbt/v1/acme/c1/#` needs a
 * grant like `affectbt/v1/acme/c1/#` or `affectbt/v1/+/+/#`); delivered messages are
 * checked again per topic.
 */
import { createHash, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';
import type { RobotId } from '../contract/header.ts';
import { roleGrants, type Role } from '../contract/roles.ts';
import { TOPIC_SPECS, type TopicName } from '../contract/schemas.ts';
import { TOPIC_ROOT } from './topics.ts';

/**
 * A problem in an auth file, with its position.
 *
 * @example
 * ```ts
 * try { parseAclFile(text, 'acl'); } catch (e) { if (e instanceof AuthFileError) console.error(e.message); } // 'acl:3: unknown access …'
 * ```
 */
export class AuthFileError extends Error {
  override name = 'AuthFileError';
}

/**
 * Username → password hash, from a Mosquitto password file.
 *
 * @example
 * ```ts
 * const table: PasswordTable = parsePasswordFile(readFileSync('passwd', 'utf8'), 'passwd');
 * ```
 */
export type PasswordTable = ReadonlyMap<string, string>;

/**
 * Parses a Mosquitto password file (comments `#` and blank lines allowed).
 *
 * @example
 * ```ts
 * parsePasswordFile('planner:$7$101$…$…\n', 'passwd').has('planner'); // true
 * ```
 */
export function parsePasswordFile(text: string, source: string): PasswordTable {
  const out = new Map<string, string>();
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const colon = line.indexOf(':');
    const user = line.slice(0, colon);
    const hash = line.slice(colon + 1);
    if (colon < 1 || !/^\$[67]\$/.test(hash)) {
      throw new AuthFileError(`${source}:${i + 1}: expected 'username:$7$…' (a hashed password; make the file with mosquitto_passwd), got '${line.slice(0, 40)}${line.length > 40 ? '…' : ''}'`);
    }
    out.set(user, hash);
  });
  return out;
}

/**
 * Checks `password` against a `$7$` or `$6$` hash in constant time.
 *
 * @example
 * ```ts
 * verifyPassword(hashPassword('s3cret'), 's3cret'); // true
 * ```
 */
export function verifyPassword(hash: string, password: string): boolean {
  const parts = hash.split('$');
  let expected: Buffer;
  let actual: Buffer;
  if (parts[1] === '7' && parts.length === 5) {
    const iterations = Number(parts[2]);
    if (!Number.isInteger(iterations) || iterations < 1 || iterations > 10_000_000) return false;
    expected = Buffer.from(parts[4]!, 'base64');
    actual = pbkdf2Sync(password, Buffer.from(parts[3]!, 'base64'), iterations, expected.length || 64, 'sha512');
  } else if (parts[1] === '6' && parts.length === 4) {
    expected = Buffer.from(parts[3]!, 'base64');
    actual = createHash('sha512').update(password).update(Buffer.from(parts[2]!, 'base64')).digest();
  } else return false;
  return expected.length === actual.length && expected.length > 0 && timingSafeEqual(expected, actual);
}

/**
 * A `$7$` (PBKDF2-SHA512) hash as `mosquitto_passwd` writes it.
 *
 * @example
 * ```ts
 * `planner:${hashPassword('s3cret')}`; // a line of a password file both brokers accept
 * ```
 */
export function hashPassword(password: string, iterations = 101): string {
  const salt = randomBytes(12);
  return `$7$${iterations}$${salt.toString('base64')}$${pbkdf2Sync(password, salt, iterations, 64, 'sha512').toString('base64')}`;
}

type Access = 'read' | 'write' | 'readwrite' | 'deny';

interface Rule {
  access: Access;
  filter: string;
  pattern: boolean;
}

/**
 * Splits a topic or filter into levels.
 */
function levels(s: string): string[] {
  return s.split('/');
}

/**
 * True when MQTT filter `filter` matches the concrete `topic`.
 *
 * @example
 * ```ts
 * topicMatches('affectbt/v1/+/+/state', 'affectbt/v1/acme/c1/state'); // true
 * ```
 */
export function topicMatches(filter: string, topic: string): boolean {
  const f = levels(filter);
  const t = levels(topic);
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '#') return true;
    if (i >= t.length) return false;
    if (f[i] !== '+' && f[i] !== t[i]) return false;
  }
  return f.length === t.length;
}

/**
 * True when every topic `sub` can match is matched by `grant` (a grant covers a subscription).
 *
 * @example
 * ```ts
 * filterCovers('affectbt/v1/+/+/#', 'affectbt/v1/acme/c1/#'); // true
 * filterCovers('affectbt/v1/+/+/state', 'affectbt/v1/acme/c1/#'); // false
 * ```
 */
export function filterCovers(grant: string, sub: string): boolean {
  const g = levels(grant);
  const s = levels(sub);
  for (let i = 0; i < g.length; i++) {
    if (g[i] === '#') return true;
    if (i >= s.length) return false;
    if (s[i] === '#') return false; // the subscription reaches deeper than this grant allows
    if (g[i] === '+') continue;
    if (s[i] === '+' || s[i] !== g[i]) return false;
  }
  return g.length === s.length;
}

/**
 * A parsed ACL file.
 *
 * @example
 * ```ts
 * const acl = parseAclFile('user est\ntopic write affectbt/v1/+/+/affect\n', 'acl');
 * acl.canPublish('est', 'c1', 'affectbt/v1/acme/c1/affect');         // true
 * acl.canPublish('est', 'c1', 'affectbt/v1/acme/c1/instantActions'); // false
 * ```
 */
export class Acl {
  constructor(
    private readonly anonymous: readonly Rule[],
    private readonly users: ReadonlyMap<string, readonly Rule[]>,
    private readonly patterns: readonly Rule[],
  ) {}

  /** May this client publish on `topic`? */
  canPublish(user: string | undefined, clientId: string, topic: string): boolean {
    return this.decide(user, clientId, (r) => topicMatches(r, topic), 'write');
  }

  /** May this client receive a message on `topic`? */
  canRead(user: string | undefined, clientId: string, topic: string): boolean {
    return this.decide(user, clientId, (r) => topicMatches(r, topic), 'read');
  }

  /** May this client subscribe with `filter` (every topic it could match must be readable)? */
  canSubscribe(user: string | undefined, clientId: string, filter: string): boolean {
    return this.decide(user, clientId, (r) => filterCovers(r, filter), 'read', (r) => topicMatches(r, filter) || filterCovers(filter, r));
  }

  private decide(user: string | undefined, clientId: string, grants: (filter: string) => boolean, want: 'read' | 'write', denies: (filter: string) => boolean = grants): boolean {
    const rules = [...(user === undefined ? this.anonymous : (this.users.get(user) ?? [])), ...this.patterns];
    let granted = false;
    for (const r of rules) {
      const filter = r.pattern ? r.filter.replaceAll('%u', user ?? '\u0000').replaceAll('%c', clientId) : r.filter;
      if (r.access === 'deny') {
        if (denies(filter)) return false;
      } else if ((r.access === want || r.access === 'readwrite') && grants(filter)) granted = true;
    }
    return granted;
  }
}

/**
 * Parses a Mosquitto `acl_file`.
 *
 * @example
 * ```ts
 * const acl = parseAclFile(readFileSync('cells/mosquitto/acl', 'utf8'), 'cells/mosquitto/acl');
 * ```
 */
export function parseAclFile(text: string, source: string): Acl {
  const anonymous: Rule[] = [];
  const users = new Map<string, Rule[]>();
  const patterns: Rule[] = [];
  let current: Rule[] = anonymous;
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const m = /^(user|topic|pattern)\s+(.*)$/.exec(line);
    if (!m) throw new AuthFileError(`${source}:${i + 1}: expected 'user NAME', 'topic [read|write|readwrite|deny] FILTER' or 'pattern …', got '${line.slice(0, 60)}'`);
    const [, kind, rest] = m;
    if (kind === 'user') {
      const name = rest!.trim();
      current = users.get(name) ?? [];
      users.set(name, current);
      return;
    }
    const am = /^(read|write|readwrite|deny)\s+(\S.*)$/.exec(rest!);
    const access: Access = am ? (am[1] as Access) : 'readwrite';
    const filter = (am ? am[2]! : rest!).trim();
    if (/\s/.test(filter) || filter === '' || /#./.test(filter)) throw new AuthFileError(`${source}:${i + 1}: invalid topic filter '${filter}'`);
    (kind === 'pattern' ? patterns : current).push({ access, filter, pattern: kind === 'pattern' });
  });
  return new Acl(anonymous, users, patterns);
}

/**
 * One broker user of a cell: which role it has and which robot it serves (`'any'`:
 * every robot — a role-wide user, e.g. one monitor for the whole line).
 *
 * @example
 * ```ts
 * const u: CellUser = { username: 'planner-cell-01', role: 'planner', robot: { manufacturer: 'acme', serialNumber: 'cell-01' } };
 * ```
 */
export interface CellUser {
  username: string;
  role: Role;
  robot: RobotId | 'any';
}

/**
 * The Mosquitto `acl_file` text giving each user exactly its role's topics (from the
 * contract's role table). A role that may read every topic gets `…/#`, so later topics
 * are covered and `mosquitto_sub -t 'affectbt/v1/acme/cell-01/#'` is allowed.
 *
 * @example
 * ```ts
 * renderMosquittoAcl([{ username: 'est-cell-01', role: 'estimator', robot: { manufacturer: 'acme', serialNumber: 'cell-01' } }]);
 * // '…user est-cell-01\ntopic write affectbt/v1/acme/cell-01/affect\n'
 * ```
 */
export function renderMosquittoAcl(users: readonly CellUser[]): string {
  const out = [
    '# Mosquitto acl_file for affect-bt cells: least privilege per role.',
    '# Generated from the role table (src/contract/roles.ts) by renderMosquittoAcl(); do not edit by hand.',
    '# Anything not granted here is denied (anonymous clients get nothing).',
  ];
  const all = Object.keys(TOPIC_SPECS) as TopicName[];
  for (const u of users) {
    if (!/^[^\s]+$/.test(u.username)) throw new Error(`username '${u.username}' cannot be used in an ACL (no spaces)`);
    const prefix = `${TOPIC_ROOT}/${u.robot === 'any' ? '+/+' : `${u.robot.manufacturer}/${u.robot.serialNumber}`}/`;
    const g = roleGrants(u.role);
    out.push('', `# role ${u.role}`, `user ${u.username}`);
    const readAll = all.every((t) => g.subscribe.includes(t));
    for (const t of all) {
      const w = g.publish.includes(t);
      const r = g.subscribe.includes(t) && !readAll;
      if (w || r) out.push(`topic ${w && r ? 'readwrite' : w ? 'write' : 'read'} ${prefix}${t}`);
    }
    if (readAll) out.push(`topic read ${prefix}#`);
  }
  return out.join('\n') + '\n';
}

/**
 * The users of the example cell `acme/cell-01` (one per role), from which the shipped
 * `cells/mosquitto/acl` is generated (`npx tsx src/mqtt/broker-auth.ts --write`; a test
 * fails when the file drifts).
 *
 * @example
 * ```ts
 * renderMosquittoAcl(EXAMPLE_CELL_USERS) === readFileSync(EXAMPLE_CELL_ACL_PATH, 'utf8');
 * ```
 */
export const EXAMPLE_CELL_USERS: readonly CellUser[] = (['planner', 'controller', 'estimator', 'monitor', 'orderer'] as const).map((role) => ({
  username: `${role}-cell-01`,
  role,
  robot: { manufacturer: 'acme', serialNumber: 'cell-01' },
}));

/**
 * Repo-relative path of the shipped example ACL.
 *
 * @example
 * ```ts
 * readFileSync(EXAMPLE_CELL_ACL_PATH, 'utf8');
 * ```
 */
export const EXAMPLE_CELL_ACL_PATH = 'cells/mosquitto/acl';

if (process.argv[1] && import.meta.filename === process.argv[1] && process.argv.includes('--write')) {
  const { writeFileSync } = await import('node:fs');
  writeFileSync(EXAMPLE_CELL_ACL_PATH, renderMosquittoAcl(EXAMPLE_CELL_USERS));
  process.stdout.write(`wrote ${EXAMPLE_CELL_ACL_PATH}\n`);
}

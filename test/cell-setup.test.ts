// The shipped Mosquitto cell setup (cells/mosquitto/) is generated from the role table
// and is what both brokers enforce: the ACL file drifts → this fails; the embedded
// broker's reading of it grants exactly the role table.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EXAMPLE_CELL_ACL_PATH, EXAMPLE_CELL_USERS, filterCovers, hashPassword, parseAclFile, parsePasswordFile, renderMosquittoAcl, topicMatches, verifyPassword } from '../src/mqtt/broker-auth.ts';
import { ROLES, roleGrants, TOPIC_SPECS, type TopicName } from '../src/contract/index.ts';

const prefix = 'affectbt/v1/acme/cell-01/';

describe('cells/mosquitto (the cell broker setup)', () => {
  it('acl matches the role table (regenerate: npx tsx src/mqtt/broker-auth.ts --write)', () => {
    expect(readFileSync(EXAMPLE_CELL_ACL_PATH, 'utf8')).toBe(renderMosquittoAcl(EXAMPLE_CELL_USERS));
  });

  it('the parsed acl grants each role exactly its topics, on its own cell only', () => {
    const acl = parseAclFile(readFileSync(EXAMPLE_CELL_ACL_PATH, 'utf8'), EXAMPLE_CELL_ACL_PATH);
    for (const role of ROLES) {
      const user = `${role}-cell-01`;
      const g = roleGrants(role);
      for (const t of Object.keys(TOPIC_SPECS) as TopicName[]) {
        expect(acl.canPublish(user, 'c', prefix + t), `${role} publish ${t}`).toBe(g.publish.includes(t));
        expect(acl.canRead(user, 'c', prefix + t), `${role} read ${t}`).toBe(g.subscribe.includes(t));
        expect(acl.canPublish(user, 'c', `affectbt/v1/acme/cell-02/${t}`), `${role} publish on another cell`).toBe(false);
      }
      expect(acl.canPublish(undefined, 'c', prefix + 'affect')).toBe(false); // anonymous: nothing
    }
    expect(acl.canSubscribe('monitor-cell-01', 'c', `${prefix}#`)).toBe(true);
    expect(acl.canSubscribe('planner-cell-01', 'c', `${prefix}#`)).toBe(false);
    expect(acl.canSubscribe('estimator-cell-01', 'c', `${prefix}instantActions`)).toBe(false);
    expect(acl.canSubscribe('monitor-cell-01', 'c', 'affectbt/v1/#')).toBe(false);
  });

  it('reads the mosquitto.conf pieces it documents', () => {
    const conf = readFileSync('cells/mosquitto/mosquitto.conf', 'utf8');
    expect(conf).toMatch(/^allow_anonymous false$/m);
    expect(conf).toMatch(/^acl_file /m);
    expect(conf).toMatch(/^password_file /m);
  });
});

describe('Mosquitto file formats', () => {
  it('hashes and verifies $7$ passwords in constant time, and refuses a wrong one', () => {
    const h = hashPassword('s3cret');
    expect(h).toMatch(/^\$7\$101\$[A-Za-z0-9+/=]{16}\$[A-Za-z0-9+/=]{88}$/);
    expect(verifyPassword(h, 's3cret')).toBe(true);
    expect(verifyPassword(h, 's3cret ')).toBe(false);
    expect(verifyPassword('$7$101$AAAA$', 'x')).toBe(false);
  });

  it('verifies hashes written by mosquitto_passwd ($7$ and the older $6$)', () => {
    // made with `mosquitto_passwd -b` (Mosquitto 2.0.11) and `mosquitto_passwd -H sha512 -b`
    const table = parsePasswordFile('planner:$7$101$s2bxahAhCvg67mrX$df5GRliP5eYSO3XKMaSTPZux6Cvh3Vtm4G80JwKim5QCW4eO/6VCigNxx2IPX/QYH0akAjjr6S6Bq/lxprDs+Q==\n# comment\nu:$6$KCx2LwEH7SSBmnK6$1oMUgT+8Zo2sUtCpl4GhlUjg+wjAMELnJpSUmYIVNOxBh9V67hnpns0DwLPuCdGozjhKx7Z11XH7xf6EQzH76w==\n', 'passwd');
    expect(verifyPassword(table.get('planner')!, 's3cret')).toBe(true);
    expect(verifyPassword(table.get('planner')!, 'S3cret')).toBe(false);
    expect(verifyPassword(table.get('u')!, 'pw')).toBe(true);
  });

  it('reports a clear position for a plain-text password or a bad ACL line', () => {
    expect(() => parsePasswordFile('a:$7$1$x$y\nplanner:hunter2\n', 'passwd')).toThrow("passwd:2: expected 'username:$7$…' (a hashed password; make the file with mosquitto_passwd), got 'planner:hunter2'");
    expect(() => parseAclFile('user a\ntopic write a b\n', 'acl')).toThrow("acl:2: invalid topic filter 'a b'");
    expect(() => parseAclFile('usr a\n', 'acl')).toThrow("acl:1: expected 'user NAME'");
  });

  it('matches topics and covers subscriptions like MQTT filters', () => {
    expect(topicMatches('a/+/c', 'a/b/c')).toBe(true);
    expect(topicMatches('a/#', 'a')).toBe(true);
    expect(topicMatches('a/+', 'a/b/c')).toBe(false);
    expect(filterCovers('a/+/#', 'a/b/#')).toBe(true);
    expect(filterCovers('a/+/c', 'a/+/c')).toBe(true);
    expect(filterCovers('a/b/c', 'a/+/c')).toBe(false);
    expect(filterCovers('a/b/#', '#')).toBe(false);
  });

  it('applies pattern lines with %u and deny lines', () => {
    const acl = parseAclFile('pattern write devices/%u/#\nuser bob\ntopic deny devices/bob/secret\n', 'acl');
    expect(acl.canPublish('bob', 'c', 'devices/bob/x')).toBe(true);
    expect(acl.canPublish('bob', 'c', 'devices/bob/secret')).toBe(false);
    expect(acl.canPublish('eve', 'c', 'devices/bob/x')).toBe(false);
  });
});

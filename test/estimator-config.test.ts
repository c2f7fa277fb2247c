// `affect-bt estimate --config CELL.yaml`: the estimator process of a cell reads the same
// file as `affect-bt run`. The real CLI in a child process, real ffmpeg on a clip made at
// test time, the embedded broker secured like a cell (users per role + ACL), so the
// estimator's own credentials from the shared file are what lets it publish.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectMqtt } from '../src/mqtt/index.ts';
import { topicFor } from '../src/mqtt/topics.ts';
import type { AffectMessage } from '../src/contract/schemas.ts';
import { killAll, REPO_ROOT, runCli, spawnCli } from './support/processes.ts';
import { uniqueRobot } from './support/broker.ts';
import { secureBrokers, TEST_USERS, type SecureBroker } from './support/secure-broker.ts';
import { makeClip, removeClips } from './support/video.ts';

let dir: string;
let broker: SecureBroker;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'affect-bt-estcfg-'));
  copyFileSync(await makeClip({ scenes: [{ image: 'happy.jpg', seconds: 3 }], fps: 10 }), join(dir, 'cam.mp4'));
  broker = await (await secureBrokers())[0]!.start(); // the embedded one
});
afterEach(async () => killAll());
afterAll(async () => {
  await broker.stop();
  removeClips();
  rmSync(dir, { recursive: true, force: true });
});

/** One environment holding both processes' credentials, as a shared .env would. */
const ENV = {
  PLANNER_USER: TEST_USERS.planner.username,
  PLANNER_PASS: TEST_USERS.planner.password,
  EST_USER: TEST_USERS.estimator.username,
  EST_PASS: TEST_USERS.estimator.password,
  AFFECT_BT_MQTT_USERNAME: '',
  AFFECT_BT_MQTT_PASSWORD: '',
};

function cellFile(name: string, robot: { manufacturer: string; serialNumber: string }, estimatorUser = 'EST'): string {
  const file = join(dir, name);
  writeFileSync(
    file,
    [
      '# planner sections: the estimator neither needs nor checks them',
      'tree: no-such-tree.yaml',
      'tick: {rateHz: fast}',
      'humanId: p7',
      `robot: {manufacturer: ${robot.manufacturer}, serialNumber: ${robot.serialNumber}}`,
      'broker:',
      `  url: ${broker.url}`,
      '  planner: {usernameEnv: PLANNER_USER, passwordEnv: PLANNER_PASS}',
      `  estimator: {usernameEnv: ${estimatorUser}_USER, passwordEnv: ${estimatorUser}_PASS}`,
      'camera: {source: cam.mp4, fps: 10}',
      'estimator: {statsIntervalS: 0}',
      'vlm: {enabled: false}',
      '',
    ].join('\n'),
  );
  return file;
}

async function watchAffect(robot: { manufacturer: string; serialNumber: string }) {
  const client = await connectMqtt({ url: broker.url, ...TEST_USERS.monitor });
  const got: { topic: string; msg: AffectMessage }[] = [];
  client.on('message', (topic, payload) => got.push({ topic, msg: JSON.parse(payload.toString()) as AffectMessage }));
  await client.subscribeAsync(topicFor(robot, 'affect'));
  return { got, close: () => client.endAsync() };
}

describe('estimate --config', () => {
  it("publishes the camera's estimates for the configured person on the configured robot, logged in as the estimator", async () => {
    const robot = uniqueRobot('estcfg');
    const watch = await watchAffect(robot);
    const est = spawnCli('estimator', ['estimate', '--config', cellFile('cell.yaml', robot), '--quiet'], ENV);
    const { code } = await est.exited; // a 3 s file without --loop: end of file ends the run
    expect(code, est.tail()).toBe(0);
    await watch.close();
    expect(est.lines.map((l) => l.text)).toContain(`publishing on ${topicFor(robot, 'affect')}`);
    expect(est.tail()).not.toMatch(/warn|unknown key|tree/i); // the planner's sections pass without a word
    expect(watch.got.length).toBeGreaterThan(10); // ~30 frames at 10 fps
    for (const { topic, msg } of watch.got) {
      expect(topic).toBe(topicFor(robot, 'affect'));
      expect([msg.manufacturer, msg.serialNumber]).toEqual([robot.manufacturer, robot.serialNumber]);
      expect(msg.estimates.map((e) => e.humanId)).toEqual(['p7']);
    }
    expect(watch.got.some(({ msg }) => msg.estimates[0]!.expression === 'happy')).toBe(true);
  }, 120_000);

  it("with the planner's credentials named for it, the broker lets none of its estimates through (roles differ)", async () => {
    const robot = uniqueRobot('estcfg-wrong');
    const watch = await watchAffect(robot);
    const est = spawnCli('estimator', ['estimate', '--config', cellFile('wrong.yaml', robot, 'PLANNER'), '--quiet'], ENV);
    await est.exited;
    await watch.close();
    expect(est.lines.map((l) => l.text), est.tail()).toContain(`publishing on ${topicFor(robot, 'affect')}`); // it logged in and ran
    expect(watch.got).toEqual([]);
  }, 120_000);

  it('flags override the file; --check shows the result without opening camera or broker', async () => {
    const robot = uniqueRobot('estcfg-check');
    const r = await runCli(['estimate', '--config', cellFile('check.yaml', robot), '--check', '--human-id', 'h9', '--video', '/dev/video9', '--detector', 'tiny', '--robot', 'acme/cell-09']);
    expect(r.code, r.err).toBe(0);
    const { config, effective } = JSON.parse(r.out);
    expect(effective).toMatchObject({ input: '/dev/video9', detector: 'tiny', detectorSize: 224, crop: 'detect', fps: 10, humanId: 'h9', publish: `${broker.url} acme/cell-09` });
    expect(config.camera.source).toBe(join(dir, 'cam.mp4')); // relative to the config file
    expect(config.broker).toMatchObject({ role: 'estimator', usernameEnv: 'EST_USER', passwordEnv: 'EST_PASS' });
    expect(config.credentials).toEqual({ username: '(unset)', password: '(unset)' });
  });

  it('reports a bad config by file:line:col with did-you-mean, and a bad flag as a usage error', async () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'robot: {manufacturer: acme, serialNumber: cell-01}\ncamera:\n  sorce: /dev/video0\nvlm: {budgetUsd: 1}\nspeed: {min: 7}\n');
    const r = await runCli(['estimate', '--config', file]);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`${file}:3:3: unknown key 'camera.sorce' (hint: did you mean 'source'?)`);
    expect(r.err).toContain(`${file}:4:7: unknown key 'vlm.budgetUsd' (hint: renamed to 'vlm.budgetUsdPerHour'`);
    expect(r.err).toContain('affect-bt estimate: 2 problem(s) in the configuration'); // speed.min is the planner's business
    const noCam = join(dir, 'nocam.yaml');
    writeFileSync(noCam, 'robot: {manufacturer: acme, serialNumber: cell-01}\n');
    const u = await runCli(['estimate', '--config', noCam]);
    expect(u.code).toBe(2);
    expect(u.err).toContain(`give at least one IMAGE or DIR, or --video FILE|URL|DEVICE, or camera.source in ${noCam}`);
    const f = await runCli(['estimate', '--config', noCam, '--mqtt', 'http://x']);
    expect(f.code).toBe(2);
    expect(f.err).toContain('broker.url must match pattern');
    expect(f.err).toContain('(from --mqtt)');
  });

  it('`run` reads the same file and ignores the estimator sections', async () => {
    const file = join(dir, 'both.yaml');
    writeFileSync(file, `tree: ${join(REPO_ROOT, 'trees/handover_affect.yaml')}\nrobot: {manufacturer: acme, serialNumber: cell-01}\ncamera: {source: cam.mp4, sorce: typo-is-the-estimator's-business}\nvlm: {enabled: true}\n`);
    const r = await runCli(['run', '--config', file, '--check']);
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(r.out).config).not.toHaveProperty('vlm');
  });
});

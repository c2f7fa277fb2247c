// `affect-bt estimate --video` end to end: the real CLI process, real ffmpeg, the
// shipped models, clips made at test time from the shared scene photos, an HTTP MJPEG
// "camera" that can hang, and the planner's own MQTT bridge + blackboard to judge
// what the planner would see (fresh affect, or stale = unknown).
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MqttClient } from 'mqtt';
import { Blackboard } from '../src/core/blackboard.ts';
import { SystemClock } from '../src/core/clock.ts';
import { connectMqtt, MqttBridge, silentLogger } from '../src/mqtt/index.ts';
import type { AffectMessage } from '../src/contract/schemas.ts';
import type { RobotId } from '../src/contract/header.ts';
import { freePort, killAll, spawnCli, until, type Child } from './support/processes.ts';
import { startTestBroker, uniqueRobot, type TestBroker } from './support/broker.ts';
import { jpegFrames, makeClip, removeClips, serveMjpeg } from './support/video.ts';

const START_MS = 60_000; // model loading + ffmpeg start on a loaded 2-core machine

/** The planner's view of one robot's affect topic: its bridge and blackboard, plus arrival times. */
async function plannerView(broker: TestBroker, robot: RobotId) {
  const bb = new Blackboard({ clock: new SystemClock() });
  const bridge = new MqttBridge({ robot, blackboard: bb, logger: silentLogger });
  const client: MqttClient = await connectMqtt({ url: broker.url });
  const arrivals: { at: number; msg: AffectMessage }[] = [];
  client.on('message', (topic, payload) => {
    if (bridge.handle(topic, payload)) arrivals.push({ at: Date.now(), msg: JSON.parse(payload.toString()) as AffectMessage });
  });
  await client.subscribeAsync([...bridge.subscriptions]);
  return {
    arrivals,
    fresh: () => bb.get('affect/h1') !== undefined,
    close: () => client.endAsync(),
  };
}

const jsonLines = (c: Child) => c.lines.filter((l) => l.stream === 'stdout' && l.json).map((l) => l.json!);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

let clip: string;
let tmp: string;
beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'affect-bt-video-'));
  clip = await makeClip({ scenes: [{ image: 'happy.jpg', seconds: 2 }, { image: 'angry.jpg', seconds: 2 }], fps: 15 });
});
afterEach(async () => {
  await killAll();
});
afterAll(() => {
  removeClips();
  rmSync(tmp, { recursive: true, force: true });
});

describe('estimate --video: a clip', () => {
  it('plays at the clip’s rate with stream timestamps, follows the person through the cut, and ends at end of file', async () => {
    const est = spawnCli('estimator', ['estimate', '--video', clip, '--json', '--stats-interval-s', '0']);
    const { code } = await est.exited;
    expect(code, est.tail()).toBe(0);
    const frames = jsonLines(est);
    expect(frames.length).toBeGreaterThanOrEqual(45); // 60 in the clip; a starved machine may drop some
    // frame times come from the stream: 15 fps = 66.7 ms apart
    const gaps = frames.slice(1).map((f, i) => f.t - frames[i]!.t);
    expect(median(gaps)).toBeGreaterThan(60);
    expect(median(gaps)).toBeLessThan(75);
    const labels = frames.map((f) => f.label);
    expect(labels.slice(0, 15).filter((l) => l === 'happy').length).toBeGreaterThan(10);
    expect(labels.slice(-10).filter((l) => l === 'angry').length).toBeGreaterThan(6);
    // the happy and the angry person are different tracks
    expect(frames[0]!.trackId).not.toBe(frames.at(-1)!.trackId);
    expect(est.find(/^video: end of stream after 60 frames$/)).toHaveLength(1);
    expect(est.find(/^stats: processed \d+ frames \([\d.]+ fps\), decoded 60, dropped \d+, CPU [\d.]+ ms\/frame \(ffmpeg [\d.]+\), latency p50 [\d.]+ ms p99 [\d.]+ ms$/)).toHaveLength(1);
  }, 120_000);

  it('--fps caps processing: ffmpeg passes at most N frames per second, no duplicates', async () => {
    const est = spawnCli('estimator', ['estimate', '--video', clip, '--fps', '5', '--json', '--stats-interval-s', '0']);
    expect((await est.exited).code, est.tail()).toBe(0);
    const frames = jsonLines(est);
    expect(frames.length).toBeGreaterThanOrEqual(15); // 4 s at 5 fps = 20
    expect(frames.length).toBeLessThanOrEqual(21);
    const gaps = frames.slice(1).map((f, i) => f.t - frames[i]!.t);
    expect(median(gaps)).toBeGreaterThan(180);
    expect(median(gaps)).toBeLessThan(220);
    expect(est.find(/^stats: processed \d+ frames .*, decoded (1[5-9]|2[01]), /)).toHaveLength(1);
  }, 120_000);

  it('--loop plays the file again at its end, with time running on; SIGTERM ends the run', async () => {
    const short = await makeClip({ scenes: [{ image: 'happy.jpg', seconds: 1 }], fps: 10 });
    const est = spawnCli('estimator', ['estimate', '--video', short, '--loop', '--json', '--stats-interval-s', '0']);
    await until(() => jsonLines(est).length >= 25, START_MS, 'more frames than the 10 in the file');
    expect((await est.stop('SIGTERM')).code).toBe(0);
    const frames = jsonLines(est);
    for (let i = 1; i < frames.length; i++) expect(frames[i]!.t).toBeGreaterThanOrEqual(frames[i - 1]!.t);
    expect(frames.at(-1)!.t - frames[0]!.t).toBeGreaterThan(2000);
    expect(est.find(/^video: end of stream/)).toHaveLength(0);
    expect(est.find(/^stats: processed \d+ frames/)).toHaveLength(1);
  }, 120_000);

  it('the clip ends mid-run: nothing more is published and the affect goes stale within its maxAgeMs', async () => {
    const broker = await startTestBroker();
    const robot = uniqueRobot('video-eof');
    const view = await plannerView(broker, robot);
    try {
      const est = spawnCli('estimator', ['estimate', '--video', clip, '--mqtt', broker.url, '--robot', `${robot.manufacturer}/${robot.serialNumber}`, '--quiet']);
      await until(view.fresh, START_MS, 'a fresh affect estimate on the planner blackboard');
      const { code } = await est.exited;
      expect(code, est.tail()).toBe(0);
      const last = view.arrivals.at(-1)!;
      const maxAgeMs = last.msg.estimates[0]!.maxAgeMs;
      expect(maxAgeMs).toBe(1000);
      await until(() => !view.fresh(), maxAgeMs + 2000, 'the affect to go stale');
      const staleAfter = Date.now() - Date.parse(last.msg.estimates[0]!.observedAt);
      expect(staleAfter).toBeLessThan(maxAgeMs + 500);
      expect(view.arrivals.at(-1)).toBe(last); // nothing after the end of the clip
      expect(view.arrivals.length).toBeGreaterThanOrEqual(30);
    } finally {
      await view.close();
      await broker.stop();
    }
  }, 120_000);

  it('ffmpeg killed: reported, restarted with backoff, and the file resumes where it was', async () => {
    const long = await makeClip({ scenes: [{ image: 'happy.jpg', seconds: 2 }, { image: 'neutral.jpg', seconds: 2 }, { image: 'surprised.jpg', seconds: 2 }], fps: 15 });
    const est = spawnCli('estimator', ['estimate', '--video', long, '--json', '--stats-interval-s', '0']);
    const started = await est.waitFor(/^video: ffmpeg started \(pid (\d+), attempt 1\)$/, START_MS);
    await until(() => jsonLines(est).length >= 10, START_MS, 'ten frames');
    process.kill(Number(/pid (\d+)/.exec(started.text)![1]), 'SIGKILL');
    await est.waitFor(/^video: ffmpeg exited after \d+ frames: killed by SIGKILL$/, 10_000);
    const restart = await est.waitFor(/^video: restarting ffmpeg in (\d+) ms \(attempt 2\), resuming at ([\d.]+) s$/, 10_000);
    const [, delay, resumeAt] = /in (\d+) ms .* at ([\d.]+) s/.exec(restart.text)!;
    expect(Number(delay)).toBeGreaterThanOrEqual(250); // first backoff step: 250..500 ms
    expect(Number(delay)).toBeLessThanOrEqual(500);
    const restarted = await est.waitFor(/^video: ffmpeg restarted \(pid \d+, attempt 2\)$/, 10_000);
    const { code } = await est.exited;
    expect(code, est.tail()).toBe(0);
    // after the restart the stream continues from the resume point instead of starting over
    const position = (file: string) => Number(/@([\d.]+)s$/.exec(file)![1]);
    const after = est.lines.filter((l) => l.stream === 'stdout' && l.json && l.at >= restarted.at).map((l) => position(l.json!.file));
    expect(after.length).toBeGreaterThan(20);
    expect(Math.min(...after)).toBeGreaterThanOrEqual(Number(resumeAt) - 0.1);
    expect(Math.min(...after)).toBeLessThan(Number(resumeAt) + 1);
    expect(Math.max(...after)).toBeGreaterThan(5.5);
    expect(est.find(/^video: end of stream after \d+ frames$/)).toHaveLength(1);
  }, 120_000);
});

describe('estimate --video: a network stream', () => {
  it('a camera that hangs is detected within the stall timeout, restarted; the affect is stale meanwhile and fresh again after', async () => {
    const cam = await serveMjpeg(await jpegFrames(['happy.jpg']), 10);
    const broker = await startTestBroker();
    const robot = uniqueRobot('video-stall');
    const view = await plannerView(broker, robot);
    try {
      const est = spawnCli('estimator', ['estimate', '--video', cam.url, '--mqtt', broker.url, '--robot', `${robot.manufacturer}/${robot.serialNumber}`, '--quiet', '--stall-timeout-ms', '1500']);
      await until(view.fresh, START_MS, 'a fresh affect estimate');
      cam.stall(true);
      const stall = await est.waitFor(/^video: stalled: no frame for (\d+) ms; killing ffmpeg/, 15_000);
      const silentMs = Number(/for (\d+) ms/.exec(stall.text)![1]);
      expect(silentMs).toBeGreaterThanOrEqual(1500); // stated: detected within stall timeout + 250 ms (+ scheduling delay)
      expect(silentMs).toBeLessThan(1500 + 250 + 1000);
      await until(() => !view.fresh(), 3000, 'stale affect while the camera hangs');
      await est.waitFor(/^video: restarting ffmpeg in \d+ ms \(attempt 2\)$/, 5000);
      const connections = cam.connections;
      cam.stall(false);
      await until(() => cam.connections > connections || est.find(/^video: streaming/).length >= 2, 30_000, 'ffmpeg reconnects');
      await until(view.fresh, 30_000, 'fresh affect again after the restart');
      expect(est.find(/^video: streaming/).length).toBeGreaterThanOrEqual(2);
      // SIGTERM ends the run cleanly: ffmpeg stopped, final stats, exit 0
      const ffmpegPids = est.find(/^video: ffmpeg (re)?started \(pid/).map((l) => Number(/pid (\d+)/.exec(l.text)![1]));
      expect((await est.stop('SIGTERM')).code).toBe(0);
      expect(est.find(/^stats: processed \d+ frames .*, 1 restart, 1 stall, /)).toHaveLength(1);
      for (const pid of ffmpegPids) expect(() => process.kill(pid, 0)).toThrow(/ESRCH/);
    } finally {
      await view.close();
      await broker.stop();
      await cam.close();
    }
  }, 120_000);

  it('a URL nobody serves: retried with growing backoff, or one clear error after --max-restarts', async () => {
    const url = `http://127.0.0.1:${await freePort()}/stream.mjpg`;
    const giveUp = spawnCli('estimator', ['estimate', '--video', url, '--max-restarts', '2']);
    const { code } = await giveUp.exited;
    expect(code).toBe(1);
    expect(giveUp.find(new RegExp(`^affect-bt estimate: ${url.replace(/[.]/g, '\\.')}: no video after 3 attempts: .*Connection refused \\(exit code 1\\)$`))).toHaveLength(1);
    const retry = spawnCli('estimator', ['estimate', '--video', url]);
    await until(() => retry.find(/^video: restarting ffmpeg in \d+ ms \(attempt 4\)$/).length === 1, START_MS, 'three retries');
    const delays = retry.find(/^video: restarting ffmpeg in/).map((l) => Number(/in (\d+) ms/.exec(l.text)![1]));
    // 250..500, 500..1000, 1000..2000 ms: exponential with jitter
    expect(delays[0]!).toBeLessThanOrEqual(500);
    expect(delays[1]!).toBeGreaterThanOrEqual(500);
    expect(delays[2]!).toBeGreaterThanOrEqual(1000);
    expect(retry.exitCode).toBeUndefined(); // still trying: a camera may come back
  }, 120_000);
});

describe('estimate --video: bad input', () => {
  it('a corrupt file, a missing file or no ffmpeg: one clear error, exit 1, no retries', async () => {
    const bad = join(tmp, 'corrupt.mp4');
    writeFileSync(bad, Buffer.alloc(8192, 3));
    const corrupt = spawnCli('estimator', ['estimate', '--video', bad]);
    const missing = spawnCli('estimator', ['estimate', '--video', join(tmp, 'nope.mp4')]);
    const noFfmpeg = spawnCli('estimator', ['estimate', '--video', clip, '--ffmpeg', '/nonexistent/ffmpeg']);
    expect((await corrupt.exited).code).toBe(1);
    expect(corrupt.find(/^affect-bt estimate: .*corrupt\.mp4: ffmpeg cannot read this video: .*Invalid data found when processing input \(exit code 1\)$/)).toHaveLength(1);
    expect(corrupt.find(/restarting/)).toHaveLength(0);
    expect((await missing.exited).code).toBe(1);
    expect(missing.find(/^affect-bt estimate: .*nope\.mp4: cannot open video file \(ENOENT\)$/)).toHaveLength(1);
    expect((await noFfmpeg.exited).code).toBe(1);
    expect(noFfmpeg.find(/^affect-bt estimate: ffmpeg not found \('\/nonexistent\/ffmpeg'\): install it \(Debian\/Ubuntu: apt-get install ffmpeg\) or give its path with --ffmpeg PATH$/)).toHaveLength(1);
  }, 120_000);

  it('rejects bad video options with exit 2 and a reason', async () => {
    const r = spawnCli('estimator', ['estimate', '--video', clip, '--roi', '1,2,3']);
    expect((await r.exited).code).toBe(2);
    expect(r.find(/--roi must be X,Y,WIDTH,HEIGHT in source-image pixels, e.g. 160,0,320,480, got '1,2,3'/)).toHaveLength(1);
    const both = spawnCli('estimator', ['estimate', '--video', clip, 'x.jpg']);
    expect((await both.exited).code).toBe(2);
    expect(both.find(/give either images or --video, not both/)).toHaveLength(1);
  }, 60_000);
});

describe('estimate --video: the person at the handover', () => {
  it('is the largest face by default, and the face inside --roi when one is given (camera-image pixels, 1280×960 scaled to 640×480)', async () => {
    const group = await makeClip({ scenes: [{ image: 'faces.jpg', seconds: 2 }], fps: 10, motion: false, width: 1280, height: 960 });
    const all = spawnCli('estimator', ['estimate', '--video', group, '--json', '--stats-interval-s', '0']);
    expect((await all.exited).code, all.tail()).toBe(0);
    const frames = jsonLines(all).filter((f) => f.face);
    expect(frames.length).toBeGreaterThanOrEqual(3);
    const area = (b: { width: number; height: number }) => b.width * b.height;
    const f0 = frames.at(-1)!;
    expect(all.find(/^video: streaming 640x480 \(source 1280x960\)$/)).toHaveLength(1);
    expect(f0.faces.length).toBe(6);
    expect(Math.max(...f0.faces.map((b: { x: number; width: number }) => b.x + b.width))).toBeGreaterThan(700); // boxes in source pixels
    expect(area(f0.face)).toBe(Math.max(...f0.faces.map(area)));
    // put the ROI around the smallest face
    const small = [...f0.faces].sort((a, b) => area(a) - area(b))[0]!;
    const roi = [small.x - 10, small.y - 10, small.width + 20, small.height + 20].map(Math.round).join(',');
    const one = spawnCli('estimator', ['estimate', '--video', group, '--json', '--roi', roi, '--stats-interval-s', '0']);
    expect((await one.exited).code, one.tail()).toBe(0);
    const picked = jsonLines(one).filter((f) => f.face).at(-1)!;
    expect(Math.abs(picked.face.x - small.x)).toBeLessThan(10);
    expect(Math.abs(picked.face.y - small.y)).toBeLessThan(10);
    expect(new Set(jsonLines(one).map((f) => f.trackId)).size).toBe(1); // one person throughout
  }, 120_000);
});

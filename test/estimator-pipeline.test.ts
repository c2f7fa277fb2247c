// The real per-frame pipeline on real photographs: calibration measured on the
// held-out split, detector fallbacks, tracking, the frame loop and MQTT publishing.
import { describe, it, expect, beforeAll } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtempSync, copyFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { createFramePipeline, type FramePipeline } from '../src/estimator/pipeline.ts';
import { collectLogits, metricsFor, readLabels, type CollectedLogits } from '../src/estimator/eval.ts';
import { loadCalibration, IDENTITY_CALIBRATION } from '../src/estimator/calibration.ts';
import { listFrames, runEstimator, type EstimatorEvent } from '../src/estimator/run.ts';
import { startEmbeddedBroker } from '../src/mqtt/index.ts';
import { cliArgv } from './support/processes.ts';

const LABELLED = '../shared/data/faces/labelled';
const SCENES = '../shared/data/faces/scenes/';

let raw: FramePipeline;
let collected: CollectedLogits;

beforeAll(async () => {
  raw = await createFramePipeline({ calibration: null });
  collected = await collectLogits(LABELLED, readLabels(LABELLED), raw);
}, 120_000);

describe('calibration on the labelled set (person-disjoint split)', () => {
  it('the held-out split beats 49% balanced accuracy and calibration lowers ECE there', () => {
    const cal = loadCalibration();
    const before = metricsFor(collected, IDENTITY_CALIBRATION, 'holdout');
    const after = metricsFor(collected, cal, 'holdout');
    expect(after.n).toBeGreaterThan(150);
    expect(after.balancedAccuracy).toBeGreaterThan(0.49);
    expect(after.ece).toBeLessThan(before.ece);
    expect(after.ece).toBeLessThan(0.15);
    expect(after.nll).toBeLessThan(before.nll);
    expect(collected.errors).toEqual([]);
  });
});

describe('per-frame pipeline', () => {
  it('falls back on tight crops with a lower face score, and finds no face in a blank image', async () => {
    const pipe = await createFramePipeline();
    const crop = await pipe.processEncoded(`${LABELLED}/${readLabels(LABELLED)[0]!.file}`, { t: 0, index: 0, frameId: 'crop' });
    expect(crop.face).not.toBeNull();
    expect(['zoom-out', 'whole-image', 'detector']).toContain(crop.via);
    const blank = await pipe.processEncoded(SCENES + 'white.png', { t: 0, index: 1, frameId: 'white' });
    expect(blank.face).toBeNull();
    expect(blank.probabilities).toBeNull();
    const whole = await createFramePipeline({ crop: 'whole' });
    const w = await whole.processEncoded(SCENES + 'white.png', { t: 0, index: 0, frameId: 'white' });
    expect(w.via).toBe('whole-image');
  });

  it('tracks the main person in the group photo across frames', async () => {
    const pipe = await createFramePipeline();
    const a = await pipe.processEncoded(SCENES + 'faces.jpg', { t: 0, index: 0, frameId: 'f0' });
    const b = await pipe.processEncoded(SCENES + 'faces.jpg', { t: 33, index: 1, frameId: 'f1' });
    expect(a.faces.length).toBeGreaterThan(1);
    expect(b.face).toEqual(a.face);
    expect(pipe.tracker.switches).toBe(0);
  });

  it('runEstimator keeps going past a corrupt frame and reports it by name', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'affect-bt-seq-'));
    copyFileSync(SCENES + 'happy.jpg', join(dir, 'f1.jpg'));
    writeFileSync(join(dir, 'f2.jpg'), 'not a jpeg');
    copyFileSync(SCENES + 'happy.jpg', join(dir, 'f10.jpg'));
    const events: EstimatorEvent[] = [];
    const pipe = await createFramePipeline();
    const s = await runEstimator(listFrames(dir), pipe, { fps: 10, startT: 0 }, (e) => void events.push(e));
    expect(s).toEqual({ frames: 3, failed: 1, noFace: 0 });
    expect(events.map((e) => e.kind)).toEqual(['frame', 'error', 'frame']);
    const err = events[1] as Extract<EstimatorEvent, { kind: 'error' }>;
    expect(err.message).toMatch(/f2\.jpg: cannot decode image/);
    const last = events[2] as Extract<EstimatorEvent, { kind: 'frame' }>;
    expect(last.fused.estimate.expression).toBe('happy');
    expect(last.fused.t).toBe(200);
  });
});

describe('dense fusion on real frames', () => {
  it('flags a 300 ms happy burst inside a neutral sequence at 10 fps', async () => {
    const seq = [...Array(10).fill('neutral.jpg'), ...Array(3).fill('happy.jpg'), ...Array(6).fill('neutral.jpg')];
    const pipe = await createFramePipeline();
    const bursts: unknown[] = [];
    await runEstimator(
      seq.map((f, i) => ({ frameId: `${i}:${f}`, source: SCENES + f })),
      pipe,
      { fps: 10, startT: 0 },
      (e) => void (e.kind === 'frame' && e.fused.burst && bursts.push(e.fused.estimate.cues?.burst)),
    );
    expect(bursts).toEqual([{ expression: 'happy', durationMs: 300 }]);
  });
});

describe('estimate --mqtt', () => {
  it('publishes one affect message per frame on affectbt/v1/M/S/affect', async () => {
    const broker = await startEmbeddedBroker();
    const sub = await mqtt.connectAsync(broker.url, { protocolVersion: 4 });
    const got: { topic: string; msg: { headerId: number; estimates: { expression: string }[] } }[] = [];
    sub.on('message', (topic, payload) => got.push({ topic, msg: JSON.parse(payload.toString()) }));
    await sub.subscribeAsync('affectbt/v1/#');
    const dir = mkdtempSync(join(tmpdir(), 'affect-bt-mq-'));
    for (const [i, f] of ['happy.jpg', 'happy.jpg', 'white.png'].entries()) copyFileSync(SCENES + f, join(dir, `frame${i}.${f.split('.')[1]}`));
    const code = await new Promise<number>((resolve) =>
      execFile(process.execPath, cliArgv(['estimate', dir, '--mqtt', broker.url, '--robot', 'acme/cell-1', '--fps', '20']), { timeout: 60_000 }, (err) =>
        resolve(err ? ((err as { code?: number }).code ?? 1) : 0),
      ),
    );
    await new Promise((r) => setTimeout(r, 200));
    await sub.endAsync();
    await broker.stop();
    expect(code).toBe(0);
    expect(got).toHaveLength(3);
    expect(got.every((g) => g.topic === 'affectbt/v1/acme/cell-1/affect')).toBe(true);
    expect(got.map((g) => g.msg.headerId)).toEqual([got[0]!.msg.headerId, got[0]!.msg.headerId + 1, got[0]!.msg.headerId + 2]);
    expect(got[1]!.msg.estimates[0]!.expression).toBe('happy');
  });
});

import { describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { composeRequest, VLM_INSTRUCTION } from './compose.ts';
import { encodeKeyframe, fileFrameSource, selectKeyframes } from './keyframes.ts';
import { labelSegments, summariseContext, summariseTrajectory } from './summary.ts';
import { syntheticFrameSource, syntheticSession } from './synthetic.ts';
import type { FusedEstimate } from '../estimator/types.ts';
import type { FaceExpression } from '../contract/affect.ts';

/** 30 frames at 15 fps: neutral, a 0.33 s surprised burst, neutral, then angry. */
function window(): FusedEstimate[] {
  const base = syntheticSession({ seed: 2, durationMs: 2001 }).map((f) => f.fused);
  const labels: FaceExpression[] = base.map((_, i) => (i >= 8 && i < 13 ? 'surprised' : i >= 22 ? 'angry' : 'neutral'));
  return base.map((f, i) => ({ ...f, label: labels[i]!, frameId: `synthetic:${i}:${labels[i]}`, ...(i === 13 ? { burst: { expression: 'surprised' as const, durationMs: 400 } } : {}) }));
}

describe('summary', () => {
  it('segments labels relative to the moment and flags the short burst', () => {
    const w = window();
    const moment = w[w.length - 1]!;
    const segs = labelSegments(w, moment.t);
    expect(segs.map((s) => s.label)).toEqual(['neutral', 'surprised', 'neutral', 'angry']);
    expect(segs[0]!.startMs).toBeCloseTo(-(w.length - 1) * (1000 / 15), 2);
    const text = summariseTrajectory(w, moment);
    expect(text).toContain('30 frames over 1.93 s (15.0 fps)');
    expect(text).toContain('Short expression bursts (0.25–0.5 s; likely micro-expressions that sparse keyframes miss): surprised for 0.40 s');
    expect(text).toMatch(/Valence every 0\.25 s from -1\.93 s: /);
  });
  it('describes the task context and the triggers', () => {
    const text = summariseContext({ lastHandover: 'human_not_ready', lastHandoverAt: 1000, consecutiveFailures: 2, retries: 1, waitingMs: 4500, workingOnTask: true }, 3500, ['task_failure', 'context_conflict']);
    expect(text).toContain('last robot-to-human handover: human not ready 2.50 s before t=0');
    expect(text).toContain('consecutive failed handovers: 2');
    expect(text).toContain('waiting for the robot: 4.50 s');
    expect(text).toContain('Escalated because: a robot handover just failed; the face looks negative (furrowed brow) while the person is working');
  });
  it('handles an empty window', () => {
    const m = window()[0]!;
    expect(summariseTrajectory([], m)).toContain('none');
  });
});

describe('keyframes', () => {
  it('picks the moment, the burst middle, label changes and the first frame, at most n, sorted', () => {
    const w = window();
    expect(selectKeyframes(w, w.length - 1, 3)).toEqual([10, 22, 29]);
    expect(selectKeyframes(w, w.length - 1, 5)).toEqual([8, 10, 13, 22, 29]);
    expect(selectKeyframes(w, w.length - 1, 7)).toEqual([0, 4, 8, 10, 13, 22, 29]); // + first frame and an evenly spaced filler;
    expect(selectKeyframes(w, 5, 1)).toEqual([5]);
    expect(selectKeyframes([], 0, 3)).toEqual([]);
  });
  it('downscales a real photo to a ≤384 px JPEG with an average hash', async () => {
    const path = '../shared/data/faces/scenes/angry.jpg';
    const meta = await sharp(path).metadata();
    const { keyframe, ahash } = await encodeKeyframe(fileFrameSource(), { frameId: path, t: 1000 }, 1500);
    expect(Math.max(keyframe.width, keyframe.height)).toBeLessThanOrEqual(384);
    expect(keyframe.width / keyframe.height).toBeCloseTo(meta.width! / meta.height!, 1);
    expect(keyframe.offsetMs).toBe(-500);
    expect(Buffer.from(keyframe.data, 'base64').subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
    expect(ahash).toMatch(/^[0-9a-f]{16}$/);
  });
  it('reports an unreadable frame with its id and a hint', async () => {
    await expect(encodeKeyframe(fileFrameSource(), { frameId: 'no/such/frame.jpg', t: 0 }, 0)).rejects.toThrow(/keyframe no\/such\/frame\.jpg: cannot load .*check the frame source/);
  });
});

describe('composeRequest', () => {
  const ctx = { consecutiveFailures: 1, retries: 0, waitingMs: 2000, workingOnTask: true };
  it('builds instruction, context, summary and keyframes, with a token estimate', async () => {
    const w = window();
    const req = await composeRequest({ humanId: 'h1', window: w, moment: w[w.length - 1]!, context: ctx, triggers: ['low_confidence'] }, syntheticFrameSource());
    expect(req.instruction).toBe(VLM_INSTRUCTION);
    expect(req.keyframes.map((k) => k.frameId)).toEqual(['synthetic:10:surprised', 'synthetic:22:angry', 'synthetic:29:angry']);
    expect(req.about).toEqual({ t: w[29]!.t, index: w[29]!.index, frameId: w[29]!.frameId });
    expect(req.estimatedInputTokens).toBeGreaterThan(3 * 258);
    expect(req.sceneKey).toMatch(/^[0-9a-f]{32}$/);
  });
  it('gives the same scene key for the same scene later, and a different one when the context changes', async () => {
    const w = window();
    const shifted = w.map((f) => ({ ...f, t: f.t + 60_000 }));
    const a = await composeRequest({ humanId: 'h1', window: w, moment: w[29]!, context: ctx, triggers: ['low_confidence'] }, syntheticFrameSource());
    const b = await composeRequest({ humanId: 'h1', window: shifted, moment: shifted[29]!, context: { ...ctx, waitingMs: 2100 }, triggers: ['low_confidence'] }, syntheticFrameSource());
    const c = await composeRequest({ humanId: 'h1', window: w, moment: w[29]!, context: { ...ctx, consecutiveFailures: 3 }, triggers: ['low_confidence'] }, syntheticFrameSource());
    expect(b.sceneKey).toBe(a.sceneKey);
    expect(c.sceneKey).not.toBe(a.sceneKey);
  });
  it('without a frame source the request is text only', async () => {
    const w = window();
    const req = await composeRequest({ humanId: 'h1', window: w, moment: w[29]!, context: ctx, triggers: [] }, null);
    expect(req.keyframes).toEqual([]);
    expect(req.context).toContain('Escalated because: manual request');
  });
});

/**
 * The estimator's frame loop, shared by `affect-bt estimate` (files, directories,
 * live video, MQTT publishing), the benchmark and any embedding: frames in →
 * per-frame pipeline → dense fusion → one callback per frame. A frame that cannot be
 * decoded produces an error event naming it and the stream continues (bad input never
 * stops the robot). Frames may be a list or a live {@link FrameSource} (newest frame
 * first: the loop pulls the next frame only when it is done with the last). When the
 * person at the handover changes, the fusion starts afresh for the newcomer.
 */
import { readdirSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createAffectFuser, NEUTRAL_CONTEXT, type AffectFuser } from './fusion.ts';
import type { FusedEstimate, TaskContext } from './types.ts';
import type { FramePipeline, FrameResult } from './pipeline.ts';
import type { RgbImage } from './image.ts';
import type { FrameSource } from './frame-source.ts';

/** One input frame: an encoded file/bytes or an already decoded image. */
export interface FrameInput {
  frameId: string;
  /** File path or encoded bytes (decoded with sharp). */
  source?: string | Uint8Array;
  /** Already decoded image (skips decoding). */
  image?: RgbImage;
  /** Frame time, epoch ms (default: start + index/fps). */
  t?: number;
  /** Working-frame pixels per source-image pixel (scaled video frames; default 1). */
  sourceScale?: number;
  /** `performance.now()` when the frame arrived (live video: latency is measured from here). */
  receivedAt?: number;
}

/** Events of {@link runEstimator}. */
export type EstimatorEvent =
  | { kind: 'frame'; index: number; frame: FrameResult; fused: FusedEstimate; context: TaskContext; receivedAt?: number; sourceScale?: number }
  | { kind: 'error'; index: number; frameId: string; message: string };

/** Options of {@link runEstimator}. */
export interface RunEstimatorOptions {
  /** Fuser (default: a new one with defaults). */
  fuser?: AffectFuser;
  /** Task context for a frame time (default neutral). */
  context?: (t: number) => TaskContext;
  /** Frame rate used for default frame times and pacing (default 30). */
  fps?: number;
  /** Time of frame 0, epoch ms (default now). */
  startT?: number;
  /** Sleep between frames to play at `fps` in real time (default false). */
  realtime?: boolean;
  /** Independent stills: reset fuser and tracker before every frame (default false). */
  independent?: boolean;
  /** Start the fusion afresh when the person at the handover changes (default true; false treats every face as one person, e.g. a sequence of unrelated stills). */
  resetOnNewPerson?: boolean;
}

/** Totals of a run. */
export interface RunSummary {
  frames: number;
  failed: number;
  noFace: number;
}

/**
 * Lists the frames of a path: a directory gives its images (jpg, jpeg, png, webp)
 * in natural name order; a file gives itself (whatever its extension, so a bad file
 * is reported rather than skipped).
 *
 * @example
 * ```ts
 * listFrames('../shared/data/faces/scenes'); // [{ frameId: '…/angry.jpg', source: '…' }, …]
 * ```
 */
export function listFrames(path: string): FrameInput[] {
  let st;
  try {
    st = statSync(path);
  } catch {
    return [{ frameId: path, source: path }];
  }
  if (!st.isDirectory()) return [{ frameId: path, source: path }];
  const collator = new Intl.Collator('en', { numeric: true });
  return readdirSync(path)
    .filter((f) => ['.jpg', '.jpeg', '.png', '.webp'].includes(extname(f).toLowerCase()))
    .sort(collator.compare)
    .map((f) => ({ frameId: join(path, f), source: join(path, f) }));
}

/**
 * Runs the per-frame pipeline and dense fusion over a frame sequence.
 *
 * @example
 * ```ts
 * const pipe = await createFramePipeline();
 * await runEstimator(listFrames('frames/'), pipe, { fps: 15 }, (ev) => {
 *   if (ev.kind === 'frame') publisher.publish([ev.fused.estimate]);
 *   else console.error(ev.message);
 * });
 * ```
 */
export async function runEstimator(
  frames: Iterable<FrameInput> | AsyncIterable<FrameInput>,
  pipeline: FramePipeline,
  opts: RunEstimatorOptions,
  onEvent: (ev: EstimatorEvent) => void | Promise<void>,
): Promise<RunSummary> {
  const fps = opts.fps ?? 30;
  if (!(fps > 0) || !Number.isFinite(fps)) throw new RangeError(`fps must be a finite number > 0, got ${fps}`);
  const fuser = opts.fuser ?? createAffectFuser();
  const startT = opts.startT ?? Date.now();
  const context = opts.context ?? (() => NEUTRAL_CONTEXT);
  const period = 1000 / fps;
  const summary: RunSummary = { frames: 0, failed: 0, noFace: 0 };
  const wallStart = performance.now();
  let index = 0;
  for await (const input of frames) {
    const i = index++;
    summary.frames++;
    if (opts.realtime && i > 0) {
      const due = wallStart + i * period - performance.now();
      if (due > 0) await sleep(due);
    }
    const t = input.t ?? startT + i * period;
    if (opts.independent) {
      fuser.reset();
      pipeline.tracker.reset();
    }
    let frame: FrameResult;
    try {
      const meta = { t, index: i, frameId: input.frameId, sourceScale: input.sourceScale ?? 1 };
      if (input.image) frame = await pipeline.process(input.image, meta);
      else if (input.source !== undefined) frame = await pipeline.processEncoded(input.source, meta);
      else throw new Error(`${input.frameId}: frame has neither source nor image`);
    } catch (err) {
      summary.failed++;
      await onEvent({ kind: 'error', index: i, frameId: input.frameId, message: (err as Error).message });
      continue;
    }
    if (!frame.face) summary.noFace++;
    if (frame.newPerson && !opts.independent && opts.resetOnNewPerson !== false) fuser.reset(); // someone else: their affect starts afresh
    const ctx = context(t);
    const fused = fuser.push(
      { t, index: i, frameId: input.frameId, probabilities: frame.probabilities, faceScore: frame.face?.score ?? 0, fallbackCrop: frame.fallbackCrop },
      ctx,
    );
    await onEvent({
      kind: 'frame',
      index: i,
      frame,
      fused,
      context: ctx,
      ...(input.receivedAt !== undefined ? { receivedAt: input.receivedAt } : {}),
      ...(input.sourceScale !== undefined ? { sourceScale: input.sourceScale } : {}),
    });
  }
  return summary;
}

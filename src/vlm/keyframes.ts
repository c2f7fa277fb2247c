/**
 * Keyframe choice and encoding. The VLM gets at most N frames (each image costs ~258
 * input tokens at ≤384 px), so they must be the informative ones: the ambiguous
 * moment itself, the peak of any short burst, label changes, and the start of the
 * window for a baseline, topped up with evenly spaced frames. Frames are read through
 * a `FrameSource` (files by default; a camera ring buffer on a robot) and downscaled
 * to JPEG with sharp, off the per-frame loop.
 */
import { readFile } from 'node:fs/promises';
import { loadSharp } from '../estimator/peers.ts';
import type { FusedEstimate } from '../estimator/types.ts';
import type { VlmKeyframe } from './types.ts';

/** Where keyframe pixels come from (an I/O boundary). */
export interface FrameSource {
  /** Encoded image bytes (JPEG/PNG/…) or raw RGB for `frameId`. */
  load(frameId: string): Promise<Buffer | { raw: Buffer; width: number; height: number; channels: 1 | 3 | 4 }>;
}

/**
 * Frames are files: `frameId` is the path.
 *
 * @example
 * ```ts
 * const frames = fileFrameSource();
 * const bytes = await frames.load('../shared/data/faces/scenes/angry.jpg');
 * ```
 */
export function fileFrameSource(): FrameSource {
  return { load: (frameId) => readFile(frameId) };
}

/**
 * Picks up to `n` frame positions in `frames` (sorted, unique): the moment, burst
 * ends, label changes, the first frame, then evenly spaced fillers.
 *
 * @example
 * ```ts
 * selectKeyframes(window, window.length - 1, 3); // e.g. [0, 17, 44]
 * ```
 */
export function selectKeyframes(frames: readonly FusedEstimate[], momentPos: number, n: number): number[] {
  if (frames.length === 0 || n <= 0) return [];
  const chosen: number[] = [];
  const add = (i: number): void => {
    if (i >= 0 && i < frames.length && chosen.length < n && !chosen.includes(i)) chosen.push(i);
  };
  add(Math.min(Math.max(momentPos, 0), frames.length - 1));
  for (let i = frames.length - 1; i >= 0; i--) {
    const b = frames[i]!.burst;
    if (b) {
      // Middle of the burst: the frame closest to end - duration/2.
      const mid = frames[i]!.t - b.durationMs / 2;
      let best = i;
      for (let j = i; j >= 0 && frames[j]!.t >= mid - 50; j--) if (Math.abs(frames[j]!.t - mid) < Math.abs(frames[best]!.t - mid)) best = j;
      add(best);
    }
  }
  for (let i = frames.length - 1; i > 0; i--) if (frames[i]!.label !== frames[i - 1]!.label) add(i);
  add(0);
  for (let k = 1; chosen.length < n && k < n * 4; k++) add(Math.round((k * (frames.length - 1)) / (n + 1)));
  return chosen.sort((a, b) => a - b);
}

/** Keyframe encoding options. */
export interface EncodeOptions {
  /** Longest side after downscaling, px (default 384: one 258-token tile). */
  maxSide?: number;
  /** JPEG quality (default 70). */
  quality?: number;
}

/**
 * Loads, downscales and JPEG-encodes one keyframe; also returns an 8×8 average hash
 * (64-bit hex) of it for the scene cache key.
 *
 * @example
 * ```ts
 * const { keyframe, ahash } = await encodeKeyframe(fileFrameSource(), frame, momentT);
 * ```
 */
export async function encodeKeyframe(
  source: FrameSource,
  frame: Pick<FusedEstimate, 'frameId' | 't'>,
  momentT: number,
  opts: EncodeOptions = {},
): Promise<{ keyframe: VlmKeyframe; ahash: string }> {
  const maxSide = opts.maxSide ?? 384;
  let loaded: Awaited<ReturnType<FrameSource['load']>>;
  try {
    loaded = await source.load(frame.frameId);
  } catch (e) {
    throw new Error(`keyframe ${frame.frameId}: cannot load (${(e as Error).message}); check the frame source`);
  }
  const sharp = await loadSharp();
  const img = () => (Buffer.isBuffer(loaded) ? sharp(loaded) : sharp(loaded.raw, { raw: { width: loaded.width, height: loaded.height, channels: loaded.channels } }));
  const { data, info } = await img()
    .rotate()
    .resize({ width: maxSide, height: maxSide, fit: 'inside', withoutEnlargement: true })
    .jpeg({ quality: opts.quality ?? 70, mozjpeg: false })
    .toBuffer({ resolveWithObject: true });
  const tiny = await sharp(data).greyscale().resize(8, 8, { fit: 'fill' }).raw().toBuffer();
  let mean = 0;
  for (const v of tiny) mean += v;
  mean /= tiny.length;
  let bits = 0n;
  for (const v of tiny) bits = (bits << 1n) | (v >= mean ? 1n : 0n);
  return {
    keyframe: {
      frameId: frame.frameId,
      t: frame.t,
      offsetMs: frame.t - momentT,
      mimeType: 'image/jpeg',
      data: data.toString('base64'),
      width: info.width,
      height: info.height,
    },
    ahash: bits.toString(16).padStart(16, '0'),
  };
}

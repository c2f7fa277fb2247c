/**
 * Where live frames come from, behind one interface so the frame loop
 * (`runEstimator`), the CLI, the benchmark and tests do not care whether the frames
 * come from ffmpeg (file, camera, network stream) or a synthetic generator.
 *
 * A source is an async iterable of decoded frames with newest-frame-wins semantics:
 * each pull returns the most recent frame not yet delivered (older ones are dropped
 * and counted, never queued); the frame's pixels stay valid until the next pull. The
 * iteration ends at the end of the stream and throws a {@link VideoSourceError} on a
 * fatal error.
 */
import type { RgbImage } from './image.ts';
import type { FrameInput } from './run.ts';
import { LatestFrameSlot } from './latest-frame.ts';

/** A decoded live frame (a {@link FrameInput} with the timing the video loop needs). */
export interface VideoFrame extends FrameInput {
  image: RgbImage;
  /** Frame time, epoch ms: the stream's timestamp anchored to the wall clock. */
  t: number;
  /** Stream position of the frame, ms. */
  ptsMs: number;
  /** `performance.now()` when the frame was complete in memory (latency = processing end − this). */
  receivedAt: number;
  /** Working-frame pixels per source-image pixel (ROI and boxes convert with it). */
  sourceScale: number;
}

/** Counters of a source. */
export interface FrameSourceStats {
  /** Frames that came out of the decoder. */
  decoded: number;
  /** Frames handed to the consumer. */
  delivered: number;
  /** Frames replaced by a newer one before the consumer took them. */
  dropped: number;
  /** Decoder (re)starts after the first. */
  restarts: number;
  /** Times no frame arrived within the stall timeout. */
  stalls: number;
}

/** Something that yields live frames, newest first. */
export interface FrameSource extends AsyncIterable<VideoFrame> {
  readonly stats: Readonly<FrameSourceStats>;
  /** Stops the source (and its decoder); a pending pull ends. */
  close(): Promise<void>;
}

/**
 * A fatal source error (nothing more will come); `message` says what and why.
 *
 * @example
 * ```ts
 * try { for await (const f of source) use(f); } catch (e) { if (e instanceof VideoSourceError) console.error(e.message); }
 * ```
 */
export class VideoSourceError extends Error {
  override name = 'VideoSourceError';
}

/** Options of {@link createSyntheticSource}. */
export interface SyntheticSourceOptions {
  /** The frames to play, in order (all the same size). */
  frames: readonly RgbImage[];
  /** Production rate, frames per second (real time). */
  fps: number;
  /** Frames to produce in total (default: `frames.length`; more cycles through them). */
  count?: number;
  /** Stop producing (without ending) after this many frames: a stalled stream. */
  stallAfter?: number;
  /** Time of frame 0, epoch ms (default: now). */
  startT?: number;
}

/**
 * A source that produces `frames` on a timer at `fps` through the same
 * newest-frame-wins slot as the ffmpeg source: for tests and benchmarks without a
 * decoder.
 *
 * @example
 * ```ts
 * const src = createSyntheticSource({ frames: [img], fps: 30, count: 90 });
 * for await (const f of src) process(f.image);
 * src.stats.dropped; // frames the consumer was too slow for
 * ```
 */
export function createSyntheticSource(opts: SyntheticSourceOptions): FrameSource {
  const first = opts.frames[0];
  if (!first) throw new RangeError('createSyntheticSource: need at least one frame');
  if (!(opts.fps > 0)) throw new RangeError(`createSyntheticSource: fps must be > 0, got ${opts.fps}`);
  const bytes = first.width * first.height * first.channels;
  const slot = new LatestFrameSlot<{ seq: number; t: number; receivedAt: number }>(bytes);
  const count = opts.count ?? opts.frames.length;
  const stats: FrameSourceStats = { decoded: 0, delivered: 0, dropped: 0, restarts: 0, stalls: 0 };
  const startT = opts.startT ?? Date.now();
  const period = 1000 / opts.fps;
  let produced = 0;
  let closed = false;
  let wake: (() => void) | null = null;
  const wall0 = performance.now();
  let timer: NodeJS.Timeout | null = null;
  const tick = (): void => {
    timer = null;
    if (closed || produced >= count || (opts.stallAfter !== undefined && produced >= opts.stallAfter)) return;
    const img = opts.frames[produced % opts.frames.length]!;
    slot.fillBuffer().set(img.data);
    slot.commit({ seq: produced, t: startT + produced * period, receivedAt: performance.now() });
    produced++;
    stats.decoded = produced;
    stats.dropped = slot.dropped;
    wake?.();
    timer = setTimeout(tick, Math.max(0, wall0 + produced * period - performance.now()));
  };
  timer = setTimeout(tick, 0);
  const ended = () => closed || produced >= count;
  return {
    stats,
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      wake?.();
    },
    async *[Symbol.asyncIterator]() {
      for (;;) {
        const f = slot.take();
        if (f) {
          stats.delivered++;
          yield {
            frameId: `synthetic#${f.meta.seq}`,
            image: { width: first.width, height: first.height, channels: first.channels, data: f.data },
            t: f.meta.t,
            ptsMs: f.meta.seq * period,
            receivedAt: f.meta.receivedAt,
            sourceScale: 1,
          };
          continue;
        }
        if (ended()) return;
        await new Promise<void>((res) => (wake = res));
        wake = null;
      }
    },
  };
}

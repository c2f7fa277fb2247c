/**
 * Live frames from ffmpeg (Debian's `ffmpeg`, run as a child process): a video file,
 * a V4L2 camera (`/dev/video0`) or a network stream (RTSP, HTTP MJPEG, UDP, …) is
 * decoded, decimated to at most `fps`, scaled and letterboxed to the working frame
 * size and piped as raw RGB; decoding and scaling thus run in their own process, on
 * the other core, concurrently with inference.
 *
 * - Newest frame wins: stdout is read continuously into a {@link LatestFrameSlot};
 *   frames the consumer had no time for are dropped and counted, never queued.
 * - Timestamps come from the stream (`showinfo` prints each frame's pts on stderr) and
 *   are anchored to the wall clock at the first frame of each decoder run; they are
 *   re-anchored when they run ahead of the clock or fall more than `maxLagMs` behind.
 * - Files play at their native rate (`-re`) like a camera, unless `realtime: false`;
 *   end of file ends the iteration (or loops with `loop: true`).
 * - A stalled stream (no frame for `stallTimeoutMs`, or none within `startTimeoutMs`
 *   of a start) or a decoder that dies is reported, killed and restarted with
 *   exponential backoff; a file resumes where it was. Nothing is published meanwhile,
 *   so the last affect estimate ages past its `maxAgeMs` and the planner treats the
 *   person as unknown.
 * - Fatal, with one clear error: ffmpeg missing; a file that does not exist or that
 *   ffmpeg cannot read (corrupt); more than `maxRestarts` consecutive failed starts.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { statSync } from 'node:fs';
import { Backoff } from '../core/backoff.ts';
import { LatestFrameSlot } from './latest-frame.ts';
import { VideoSourceError, type FrameSource, type FrameSourceStats, type VideoFrame } from './frame-source.ts';
import { CAMERA_DEFAULTS } from './settings.ts';

/** What kind of input a `--video` argument names. */
export type VideoInputKind = 'file' | 'device' | 'url';

/**
 * Options of the ffmpeg source. Named as the `camera:` section of a cell config
 * would name them (see docs/estimator.md); only `source` is required.
 */
export interface VideoSourceOptions {
  /** FILE, DEVICE (`/dev/video0`) or URL (`rtsp://…`, `http://…/mjpeg`, `udp://…`). */
  source: string;
  /** Decimate to at most this many frames per second (default: the stream's rate). */
  fps?: number;
  /** Working frame size: the stream is scaled to fit and padded at bottom/right (default 640×480). */
  width?: number;
  height?: number;
  /** Files: play again from the start at the end (default false). */
  loop?: boolean;
  /** Files: read at the native frame rate like a camera (default true); false = as fast as decoding goes. */
  realtime?: boolean;
  /** No frame for this long while streaming → stalled: report, kill, restart (default 2000 ms). */
  stallTimeoutMs?: number;
  /** No first frame this long after a (re)start → stalled (default 10000 ms). */
  startTimeoutMs?: number;
  /** Restart backoff: first delay and cap (defaults 500 ms and 10000 ms, with jitter). */
  restartMinMs?: number;
  restartMaxMs?: number;
  /** Give up after this many consecutive starts that produced no frame (default: never, for cameras that come back). */
  maxRestarts?: number;
  /** Timestamps further behind the wall clock than this are re-anchored (default 1000 ms). */
  maxLagMs?: number;
  /** The ffmpeg executable (default `ffmpeg` on PATH). */
  ffmpegPath?: string;
  /** Extra ffmpeg input options placed before `-i` (e.g. `['-input_format', 'mjpeg']` for a camera). */
  inputArgs?: string[];
  /** Reports starts, stalls, failures, restarts and the end. */
  onEvent?: (ev: VideoSourceEvent) => void;
  /** Uniform random for the backoff jitter (tests). */
  random?: () => number;
}

/** What the source reports while it runs. */
export type VideoSourceEvent =
  | { kind: 'start'; attempt: number; pid: number; args: string[] }
  | { kind: 'streaming'; attempt: number; width: number; height: number; sourceWidth: number | null; sourceHeight: number | null }
  | { kind: 'stall'; attempt: number; silentMs: number }
  | { kind: 'exit'; attempt: number; code: number | null; signal: NodeJS.Signals | null; frames: number; reason: string }
  | { kind: 'restart'; attempt: number; delayMs: number; resumeAtMs: number }
  | { kind: 'end'; reason: 'eof' | 'closed' };

type Defaulted = 'width' | 'height' | 'loop' | 'realtime' | 'stallTimeoutMs' | 'startTimeoutMs' | 'restartMinMs' | 'restartMaxMs' | 'maxLagMs' | 'ffmpegPath';
/** Options with their defaults applied. */
type ResolvedVideoOptions = VideoSourceOptions & Required<Pick<VideoSourceOptions, Defaulted>>;

/**
 * Defaults of {@link VideoSourceOptions}.
 *
 * @example
 * ```ts
 * VIDEO_DEFAULTS.stallTimeoutMs; // 2000
 * ```
 */
export const VIDEO_DEFAULTS: Required<Pick<VideoSourceOptions, Defaulted>> = {
  // the keys a cell config's camera: section sets have their defaults there (one source)
  width: CAMERA_DEFAULTS.width,
  height: CAMERA_DEFAULTS.height,
  loop: CAMERA_DEFAULTS.loop,
  realtime: true,
  stallTimeoutMs: CAMERA_DEFAULTS.stallTimeoutMs,
  startTimeoutMs: 10_000,
  restartMinMs: 500,
  restartMaxMs: 10_000,
  maxLagMs: 1000,
  ffmpegPath: CAMERA_DEFAULTS.ffmpegPath,
};

/** The options with every absent (or `undefined`) defaulted key filled in. */
function withDefaults(opts: VideoSourceOptions): ResolvedVideoOptions {
  const o: Record<string, unknown> = { ...VIDEO_DEFAULTS };
  for (const [k, v] of Object.entries(opts)) if (v !== undefined) o[k] = v;
  return o as unknown as ResolvedVideoOptions;
}

/**
 * Classifies a `--video` argument: a URL (`scheme://`), a device (`/dev/…`) or a file.
 *
 * @example
 * ```ts
 * videoInputKind('rtsp://cam/stream'); // 'url'
 * videoInputKind('/dev/video0');       // 'device'
 * videoInputKind('clip.mp4');          // 'file'
 * ```
 */
export function videoInputKind(source: string): VideoInputKind {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(source)) return 'url';
  if (source.startsWith('/dev/')) return 'device';
  return 'file';
}

/**
 * The ffmpeg command line for one decoder run (`resumeAtMs`: where a file restarts).
 *
 * @example
 * ```ts
 * ffmpegArgs({ source: 'clip.mp4', fps: 10 }, 0);
 * // ['-hide_banner', '-nostdin', '-nostats', '-loglevel', 'info', '-re', '-threads', '1', '-i', 'clip.mp4', …, 'pipe:1']
 * ```
 */
export function ffmpegArgs(opts: VideoSourceOptions, resumeAtMs: number): string[] {
  const o = withDefaults(opts);
  const kind = videoInputKind(o.source);
  const input: string[] = [];
  if (kind === 'file') {
    if (o.realtime) input.push('-re');
    if (o.loop) input.push('-stream_loop', '-1');
    else if (resumeAtMs > 0) input.push('-ss', (resumeAtMs / 1000).toFixed(3));
  } else if (kind === 'device') {
    input.push('-f', 'v4l2');
  } else if (/^rtsps?:/i.test(o.source)) {
    input.push('-rtsp_transport', 'tcp');
  } else if (/^https?:/i.test(o.source)) {
    // MJPEG over HTTP carries no timestamps: stamp frames when they arrive
    input.push('-use_wallclock_as_timestamps', '1');
  }
  const filters: string[] = [];
  if (o.fps !== undefined) {
    // keep a frame when at least ~one period has passed since the last kept one (never duplicates)
    filters.push(`select='isnan(prev_selected_t)+gte(t-prev_selected_t\\,${(0.95 / o.fps).toFixed(6)})'`);
  }
  filters.push(`scale=${o.width}:${o.height}:force_original_aspect_ratio=decrease:flags=bilinear`, `pad=${o.width}:${o.height}:0:0`, 'format=rgb24', 'showinfo=checksum=0');
  return [
    '-hide_banner',
    '-nostdin',
    '-nostats',
    '-loglevel',
    'info',
    ...input,
    ...(opts.inputArgs ?? []),
    '-threads',
    '1',
    '-i',
    o.source,
    '-an',
    '-sn',
    '-dn',
    '-filter_threads',
    '1',
    '-vf',
    filters.join(','),
    '-fps_mode',
    'passthrough',
    '-f',
    'rawvideo',
    '-pix_fmt',
    'rgb24',
    'pipe:1',
  ];
}

/** What one ffmpeg stderr line says (for the source). */
export type FfmpegLine =
  | { kind: 'frame'; n: number; ptsTime: number }
  | { kind: 'input-size'; width: number; height: number }
  | { kind: 'message'; text: string }
  | { kind: 'ignore' };

/**
 * Parses ffmpeg's stderr line by line: per-frame `showinfo` timestamps, the input
 * video size, and other messages (kept for error reasons).
 *
 * @example
 * ```ts
 * const p = new FfmpegLogParser();
 * p.parse('[Parsed_showinfo_3 @ 0x5] n:   4 pts:  2048 pts_time:0.133333 pos: 48 fmt:rgb24'); // { kind: 'frame', n: 4, ptsTime: 0.133333 }
 * ```
 */
export class FfmpegLogParser {
  private section: 'none' | 'input' | 'output' = 'none';
  private sizeSeen = false;

  parse(line: string): FfmpegLine {
    // showinfo's per-frame line (its "[Parsed_showinfo_N @ 0x…]" prefix is sometimes left out);
    // its n restarts at 0 whenever ffmpeg rebuilds the filter graph, so frames are counted by the caller
    const m = /^(?:\[Parsed_showinfo[^\]]*\]\s*)?n:\s*(\d+)\s+pts:\s*(-?\d+|NOPTS)\s+pts_time:(\S+)/.exec(line);
    if (m) return { kind: 'frame', n: Number(m[1]), ptsTime: m[3] === 'NOPTS' ? Number.NaN : Number(m[3]) };
    if (line.includes('Parsed_showinfo')) return { kind: 'ignore' };
    if (line.startsWith('Input #')) this.section = 'input';
    else if (line.startsWith('Output #') || line.startsWith('Stream mapping')) this.section = 'output';
    if (this.section === 'input' && !this.sizeSeen && /^\s*Stream #\d+:\d+.*: Video: /.test(line)) {
      const m = /, (\d{1,5})x(\d{1,5})[\s,[]/.exec(line + ' ');
      if (m) {
        this.sizeSeen = true;
        return { kind: 'input-size', width: Number(m[1]), height: Number(m[2]) };
      }
    }
    if (/^\s/.test(line) || line.startsWith('Input #') || line.startsWith('Output #') || line.startsWith('Stream mapping')) return { kind: 'ignore' };
    const text = line.replace(/^\[[^\]]+ @ 0x[0-9a-f]+\]\s*/, '').trim();
    return text ? { kind: 'message', text } : { kind: 'ignore' };
  }
}

interface FrameMeta {
  /** Output frame number within the decoder run. */
  n: number;
  /** Frame number since the source opened (all runs). */
  seq: number;
  /** Date.now() when complete (fallback timestamp). */
  wall: number;
  receivedAt: number;
}

/**
 * Starts reading frames from ffmpeg. Fails fast (throws {@link VideoSourceError})
 * when a file does not exist; other failures surface while iterating.
 *
 * @example
 * ```ts
 * const src = openVideoSource({ source: 'clip.mp4', fps: 15, onEvent: (e) => console.error(e) });
 * for await (const frame of src) await pipeline.process(frame.image, frame);
 * ```
 */
export function openVideoSource(opts: VideoSourceOptions): FrameSource {
  const o = withDefaults(opts);
  for (const [k, v] of Object.entries({ width: o.width, height: o.height })) {
    if (!Number.isInteger(v) || v < 32 || v > 4096) throw new RangeError(`video ${k} must be an integer in [32, 4096], got ${v}`);
  }
  if (o.fps !== undefined && !(o.fps > 0 && o.fps <= 240)) throw new RangeError(`video fps must be in (0, 240], got ${o.fps}`);
  const kind = videoInputKind(o.source);
  if (kind === 'file') {
    let st;
    try {
      st = statSync(o.source);
    } catch (err) {
      throw new VideoSourceError(`${o.source}: cannot open video file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
    if (!st.isFile()) throw new VideoSourceError(`${o.source}: not a video file`);
    if (st.size === 0) throw new VideoSourceError(`${o.source}: empty video file (0 bytes)`);
  }
  return new FfmpegFrameSource(o, kind);
}

class FfmpegFrameSource implements FrameSource {
  readonly stats: FrameSourceStats = { decoded: 0, delivered: 0, dropped: 0, restarts: 0, stalls: 0 };
  private readonly frameBytes: number;
  private readonly slot: LatestFrameSlot<FrameMeta>;
  private readonly backoff: Backoff;
  private proc: ChildProcess | null = null;
  private attempt = 0;
  private failedStarts = 0;
  private closed = false;
  private ended: 'eof' | 'closed' | null = null;
  private fatal: VideoSourceError | null = null;
  private wake: (() => void) | null = null;
  private restartTimer: NodeJS.Timeout | null = null;
  private watchdog: NodeJS.Timeout | null = null;
  // per decoder run
  private filled = 0;
  private frames = 0;
  private lastProgress = 0;
  /** Stream time (s) of output frame k of this run, from showinfo's k-th line. */
  private pts = new Map<number, number>();
  private ptsLines = 0;
  /** Why this run was killed by the watchdog (null: it was not). */
  private stallReason: string | null = null;
  private sourceSize: { width: number; height: number } | null = null;
  private lines: string[] = [];
  private anchor: { wall: number; ptsMs: number } | null = null;
  private runOffsetMs = 0;
  private positionMs = 0;
  private lastT = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly o: ResolvedVideoOptions,
    private readonly kind: VideoInputKind,
  ) {
    this.frameBytes = o.width * o.height * 3;
    this.slot = new LatestFrameSlot(this.frameBytes);
    this.backoff = new Backoff({ minMs: o.restartMinMs, maxMs: Math.max(o.restartMinMs, o.restartMaxMs), ...(o.random ? { random: o.random } : {}) });
    this.start();
    const every = Math.max(20, Math.min(250, o.stallTimeoutMs / 4));
    this.watchdog = setInterval(() => this.checkStall(), every);
    this.watchdog.unref();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.finish('closed');
    const p = this.proc;
    if (p && p.exitCode === null && p.signalCode === null) {
      const exited = new Promise<void>((res) => p.once('exit', () => res()));
      p.kill('SIGTERM');
      const t = setTimeout(() => p.kill('SIGKILL'), 1000);
      await exited;
      clearTimeout(t);
    }
  }

  async *[Symbol.asyncIterator](): AsyncIterator<VideoFrame> {
    try {
      for (;;) {
        const f = this.slot.take();
        if (f) {
          this.stats.delivered++;
          yield this.frameOf(f.data, await this.timestampOf(f.meta), f.meta);
          continue;
        }
        if (this.fatal) throw this.fatal;
        if (this.ended) return;
        await new Promise<void>((res) => (this.wake = res));
        this.wake = null;
      }
    } finally {
      await this.close();
    }
  }

  private frameOf(data: Uint8Array, ts: { t: number; ptsMs: number }, meta: FrameMeta): VideoFrame {
    const { width, height } = this.o;
    const src = this.sourceSize;
    return {
      frameId: `${this.o.source}#${meta.seq}@${(ts.ptsMs / 1000).toFixed(3)}s`,
      image: { width, height, channels: 3, data },
      t: ts.t,
      ptsMs: ts.ptsMs,
      receivedAt: meta.receivedAt,
      sourceScale: src ? Math.min(width / src.width, height / src.height) : 1,
    };
  }

  /** The frame's stream time (waiting briefly for its showinfo line) anchored to the wall clock. */
  private async timestampOf(meta: FrameMeta): Promise<{ t: number; ptsMs: number }> {
    let pts = this.pts.get(meta.n);
    for (let i = 0; pts === undefined && i < 10 && this.proc; i++) {
      await new Promise((r) => setTimeout(r, 10));
      pts = this.pts.get(meta.n);
    }
    for (const k of this.pts.keys()) if (k <= meta.n) this.pts.delete(k);
    const now = Date.now();
    if (pts === undefined || !Number.isFinite(pts)) {
      const t = Math.max(meta.wall, this.lastT);
      this.lastT = t;
      return { t, ptsMs: this.positionMs };
    }
    const ptsMs = this.runOffsetMs + pts * 1000;
    this.positionMs = ptsMs;
    if (!this.anchor) this.anchor = { wall: meta.wall, ptsMs };
    let t = this.anchor.wall + (ptsMs - this.anchor.ptsMs);
    if (t > now + 50 || t < now - this.o.maxLagMs) {
      // the stream's clock ran ahead of ours, jumped, or fell far behind: re-anchor here
      this.anchor = { wall: meta.wall, ptsMs };
      t = meta.wall;
    }
    t = Math.max(t, this.lastT);
    this.lastT = t;
    return { t, ptsMs };
  }

  private start(): void {
    if (this.closed) return;
    this.attempt++;
    if (this.attempt > 1) this.stats.restarts++;
    const resumeAt = this.kind === 'file' && !this.o.loop ? this.positionMs : 0;
    const args = ffmpegArgs(this.o, resumeAt);
    this.filled = 0;
    this.frames = 0;
    this.pts.clear();
    this.ptsLines = 0;
    this.lines = [];
    this.stallReason = null;
    this.anchor = null;
    this.runOffsetMs = resumeAt;
    this.lastProgress = performance.now();
    this.slot.clear();
    const attempt = this.attempt;
    let proc: ChildProcess;
    try {
      proc = spawn(this.o.ffmpegPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (err) {
      this.fail(this.spawnError(err as NodeJS.ErrnoException));
      return;
    }
    this.proc = proc;
    const parser = new FfmpegLogParser();
    let errBuf = '';
    proc.stderr!.setEncoding('utf8');
    proc.stderr!.on('data', (chunk: string) => {
      errBuf += chunk;
      let nl: number;
      while ((nl = errBuf.search(/[\r\n]/)) >= 0) {
        const line = errBuf.slice(0, nl);
        errBuf = errBuf.slice(nl + 1);
        if (line) this.onLine(parser.parse(line));
      }
    });
    proc.stdout!.on('data', (chunk: Buffer) => this.onData(chunk));
    proc.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT' || err.code === 'EACCES') this.fail(this.spawnError(err));
    });
    let stdoutDone = false;
    let exit: { code: number | null; signal: NodeJS.Signals | null } | null = null;
    const settle = (): void => {
      if (!stdoutDone || !exit || this.proc !== proc) return;
      this.proc = null;
      if (errBuf) this.onLine(parser.parse(errBuf));
      this.onExit(attempt, exit.code, exit.signal);
    };
    proc.stdout!.once('close', () => {
      stdoutDone = true;
      settle();
    });
    proc.once('exit', (code, signal) => {
      exit = { code, signal };
      settle();
    });
    if (proc.pid !== undefined) this.o.onEvent?.({ kind: 'start', attempt, pid: proc.pid, args });
  }

  private spawnError(err: NodeJS.ErrnoException): VideoSourceError {
    if (err.code === 'ENOENT') {
      return new VideoSourceError(`ffmpeg not found ('${this.o.ffmpegPath}'): install it (Debian/Ubuntu: apt-get install ffmpeg) or give its path with --ffmpeg PATH`);
    }
    return new VideoSourceError(`cannot run ffmpeg ('${this.o.ffmpegPath}'): ${err.message}`);
  }

  private onLine(l: FfmpegLine): void {
    if (l.kind === 'frame') this.pts.set(this.ptsLines++, l.ptsTime);
    else if (l.kind === 'input-size') this.sourceSize = { width: l.width, height: l.height };
    else if (l.kind === 'message') {
      this.lines.push(l.text);
      if (this.lines.length > 30) this.lines.shift();
    }
  }

  private onData(chunk: Buffer): void {
    let off = 0;
    while (off < chunk.length) {
      const buf = this.slot.fillBuffer();
      const n = Math.min(chunk.length - off, this.frameBytes - this.filled);
      buf.set(chunk.subarray(off, off + n), this.filled);
      this.filled += n;
      off += n;
      if (this.filled === this.frameBytes) {
        this.filled = 0;
        const now = performance.now();
        this.slot.commit({ n: this.frames, seq: this.stats.decoded + 1, wall: Date.now(), receivedAt: now });
        if (this.frames === 0) {
          this.o.onEvent?.({ kind: 'streaming', attempt: this.attempt, width: this.o.width, height: this.o.height, sourceWidth: this.sourceSize?.width ?? null, sourceHeight: this.sourceSize?.height ?? null });
        }
        this.frames++;
        this.stats.decoded++;
        this.stats.dropped = this.slot.dropped;
        this.lastProgress = now;
        this.failedStarts = 0;
        this.backoff.reset();
        this.wake?.();
      }
    }
  }

  private checkStall(): void {
    const p = this.proc;
    if (!p || this.closed) return;
    const silent = performance.now() - this.lastProgress;
    const limit = this.frames === 0 ? this.o.startTimeoutMs : this.o.stallTimeoutMs;
    if (silent < limit) return;
    this.stats.stalls++;
    this.stallReason = this.frames === 0 ? `no frame within ${this.o.startTimeoutMs} ms of starting` : `stalled: no frame for ${Math.round(silent)} ms`;
    this.o.onEvent?.({ kind: 'stall', attempt: this.attempt, silentMs: Math.round(silent) });
    this.lastProgress = performance.now(); // one report per stall
    p.kill('SIGKILL');
  }

  private reason(code: number | null, signal: NodeJS.Signals | null): string {
    if (this.stallReason) return `${this.stallReason} (killed)`;
    const last = [
      ...new Set(
        this.lines
          .filter((l) => !/^(Press \[q\]|frame=|video:)|deprecated pixel format/.test(l))
          .slice(-2)
          .map((l) => (l.startsWith(`${this.o.source}: `) ? l.slice(this.o.source.length + 2) : l)),
      ),
    ].filter((l, i, all) => !all.some((other, j) => j !== i && other.length > l.length && other.endsWith(l)));
    const how = signal ? `killed by ${signal}` : `exit code ${code}`;
    return last.length ? `${last.join('; ')} (${how})` : how;
  }

  private onExit(attempt: number, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.closed) return;
    const frames = this.frames;
    const reason = code === 0 && !signal ? 'end of stream' : this.reason(code, signal);
    this.o.onEvent?.({ kind: 'exit', attempt, code, signal, frames, reason });
    if (code === 0 && !signal && this.kind === 'file') {
      this.finish('eof');
      return;
    }
    if (frames === 0) {
      this.failedStarts++;
      // a file that ffmpeg itself rejects will not get better: one clear error
      if (this.kind === 'file' && !signal) {
        this.fail(new VideoSourceError(`${this.o.source}: ffmpeg cannot read this video: ${reason}`));
        return;
      }
      if (this.o.maxRestarts !== undefined && this.failedStarts > this.o.maxRestarts) {
        this.fail(new VideoSourceError(`${this.o.source}: no video after ${this.failedStarts} attempt${this.failedStarts === 1 ? '' : 's'}: ${reason}`));
        return;
      }
    }
    const delayMs = this.backoff.next();
    this.o.onEvent?.({ kind: 'restart', attempt: attempt + 1, delayMs, resumeAtMs: this.kind === 'file' && !this.o.loop ? Math.round(this.positionMs) : 0 });
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      this.start();
    }, delayMs);
  }

  private fail(err: VideoSourceError): void {
    if (this.fatal || this.closed) return;
    this.fatal = err;
    this.stopTimers();
    this.wake?.();
  }

  private finish(reason: 'eof' | 'closed'): void {
    if (this.ended || this.fatal) return;
    this.ended = reason;
    this.stopTimers();
    this.o.onEvent?.({ kind: 'end', reason });
    this.wake?.();
  }

  private stopTimers(): void {
    if (this.watchdog) clearInterval(this.watchdog);
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.watchdog = null;
    this.restartTimer = null;
  }
}

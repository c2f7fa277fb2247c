/**
 * Test video, made at test time from the shared scene photos (nothing large is
 * committed): {@link makeClip} writes a short 640×480 clip with ffmpeg — a sequence of
 * scenes (a photo for some seconds each, slowly panning so the face moves), H.264 or
 * MJPEG — and {@link serveMjpeg} serves JPEG frames as an HTTP MJPEG stream
 * (`multipart/x-mixed-replace`) that a test can stall and resume, like a network
 * camera. Both need Debian's `ffmpeg` (`.ci/run` installs it).
 *
 * Used by the estimator's stream-fault tests and by the end-to-end cell test
 * (`estimate --video` → planner → controller).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { REPO_ROOT } from './processes.ts';

/**
 * The shared face-api.js example photos (MIT): `angry.jpg`, `happy.jpg`, …, `faces.jpg` (6 people), `white.png` (no face).
 *
 * @example
 * ```ts
 * join(SCENES_DIR, 'happy.jpg');
 * ```
 */
export const SCENES_DIR = resolve(REPO_ROOT, '../shared/data/faces/scenes');

/** One scene of a clip: a photo (file name in {@link SCENES_DIR}, or a path) shown for `seconds`. */
export interface ClipScene {
  image: string;
  seconds: number;
}

/** Options of {@link makeClip}. */
export interface ClipOptions {
  scenes: ClipScene[];
  /** Frame size (default 640×480; each photo is fitted inside and padded black). */
  width?: number;
  height?: number;
  /** Frame rate (default 15). */
  fps?: number;
  /** `h264` in MP4 (default) or `mjpeg` in AVI. */
  codec?: 'h264' | 'mjpeg';
  /** Slow horizontal pan so faces move between frames (default true). */
  motion?: boolean;
  /** Output file (default: a new temporary directory). */
  out?: string;
}

const tmpDirs: string[] = [];

/**
 * Makes a clip from scene photos with ffmpeg; resolves with its path.
 *
 * @example
 * ```ts
 * const clip = await makeClip({ scenes: [{ image: 'happy.jpg', seconds: 2 }, { image: 'angry.jpg', seconds: 2 }] });
 * spawnCli('estimator', ['estimate', '--video', clip, '--mqtt', url, '--robot', 'acme/c1']);
 * ```
 */
export async function makeClip(opts: ClipOptions): Promise<string> {
  const width = opts.width ?? 640;
  const height = opts.height ?? 480;
  const fps = opts.fps ?? 15;
  const codec = opts.codec ?? 'h264';
  if (opts.scenes.length === 0) throw new Error('makeClip: give at least one scene');
  let out = opts.out;
  if (!out) {
    const dir = mkdtempSync(join(tmpdir(), 'affect-bt-clip-'));
    tmpDirs.push(dir);
    out = join(dir, codec === 'h264' ? 'clip.mp4' : 'clip.avi');
  }
  // a margin to pan across (motion), else the exact size
  const even = (x: number) => 2 * Math.round(x / 2);
  const mw = opts.motion === false ? width : even(width * 1.06);
  const mh = opts.motion === false ? height : even(height * 1.06);
  const args: string[] = ['-hide_banner', '-loglevel', 'error', '-y'];
  const chains: string[] = [];
  opts.scenes.forEach((s, i) => {
    const file = s.image.includes('/') ? s.image : join(SCENES_DIR, s.image);
    args.push('-loop', '1', '-framerate', String(fps), '-t', String(s.seconds), '-i', file);
    const pan = opts.motion === false ? '' : `,crop=${width}:${height}:'(iw-${width})/2*(1+sin(2*PI*t/4))':(ih-${height})/2`;
    chains.push(`[${i}:v]scale=${mw}:${mh}:force_original_aspect_ratio=decrease:force_divisible_by=2,pad=${mw}:${mh}:(ow-iw)/2:(oh-ih)/2,setsar=1${pan},format=yuv420p[v${i}]`);
  });
  const concat = `${opts.scenes.map((_, i) => `[v${i}]`).join('')}concat=n=${opts.scenes.length}:v=1:a=0[out]`;
  args.push('-filter_complex', `${chains.join(';')};${concat}`, '-map', '[out]', '-r', String(fps));
  if (codec === 'h264') args.push('-c:v', 'libx264', '-preset', 'ultrafast', '-g', String(fps), '-pix_fmt', 'yuv420p');
  else args.push('-c:v', 'mjpeg', '-q:v', '5', '-pix_fmt', 'yuvj420p');
  args.push(out);
  await run('ffmpeg', args);
  return out;
}

/**
 * Encodes scene photos as 640×480 (or `width`×`height`) JPEG frames with ffmpeg.
 *
 * @example
 * ```ts
 * const [happy, angry] = await jpegFrames(['happy.jpg', 'angry.jpg']);
 * ```
 */
export async function jpegFrames(images: string[], width = 640, height = 480): Promise<Buffer[]> {
  const dir = mkdtempSync(join(tmpdir(), 'affect-bt-jpeg-'));
  try {
    const out: Buffer[] = [];
    for (const [i, image] of images.entries()) {
      const file = join(dir, `${i}.jpg`);
      const src = image.includes('/') ? image : join(SCENES_DIR, image);
      await run('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-i', src, '-vf', `scale=${width}:${height}:force_original_aspect_ratio=decrease:force_divisible_by=2,pad=${width}:${height}:(ow-iw)/2:(oh-ih)/2`, '-q:v', '4', file]);
      out.push(readFileSync(file));
    }
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A running MJPEG-over-HTTP server. */
export interface MjpegServer {
  /** `http://127.0.0.1:PORT/stream.mjpg` */
  url: string;
  /** Frames sent so far (all connections). */
  readonly sent: number;
  /** Connections accepted so far (ffmpeg reconnects after a stall). */
  readonly connections: number;
  /** Stop sending frames but keep connections open (a hung camera), or resume. */
  stall(stalled: boolean): void;
  close(): Promise<void>;
}

/**
 * Serves `frames` round-robin at `fps` as `multipart/x-mixed-replace` to every client.
 *
 * @example
 * ```ts
 * const cam = await serveMjpeg(await jpegFrames(['happy.jpg']), 10);
 * cam.stall(true); // the stream hangs; the estimator must notice
 * ```
 */
export async function serveMjpeg(frames: Buffer[], fps: number): Promise<MjpegServer> {
  let stalled = false;
  let sent = 0;
  let connections = 0;
  const clients = new Set<ServerResponse>();
  const server = createServer((req, res) => {
    connections++;
    res.writeHead(200, { 'Content-Type': 'multipart/x-mixed-replace; boundary=frame', 'Cache-Control': 'no-cache', Connection: 'close' });
    clients.add(res);
    req.on('close', () => clients.delete(res));
  });
  let i = 0;
  const timer = setInterval(() => {
    if (stalled) return;
    const jpeg = frames[i++ % frames.length]!;
    for (const res of clients) {
      res.write(`--frame\r\nContent-Type: image/jpeg\r\nContent-Length: ${jpeg.length}\r\n\r\n`);
      res.write(jpeg);
      res.write('\r\n');
      sent++;
    }
  }, 1000 / fps);
  await new Promise<void>((res) => server.listen(0, '127.0.0.1', res));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/stream.mjpg`,
    get sent() {
      return sent;
    },
    get connections() {
      return connections;
    },
    stall(s) {
      stalled = s;
    },
    async close() {
      clearInterval(timer);
      for (const res of clients) res.destroy();
      await new Promise<void>((res) => server.close(() => res()));
    },
  };
}

/**
 * Deletes the clips {@link makeClip} wrote to temporary directories.
 *
 * @example
 * ```ts
 * afterAll(() => removeClips());
 * ```
 */
export function removeClips(): void {
  for (const d of tmpDirs.splice(0)) rmSync(d, { recursive: true, force: true });
}

function run(cmd: string, args: string[]): Promise<void> {
  return new Promise((res, rej) => {
    execFile(cmd, args, { timeout: 120_000 }, (err, _stdout, stderr) => {
      if (err) rej(new Error(`${cmd} ${args.join(' ')} failed: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? `${cmd} not installed (apt-get install ffmpeg)` : stderr || err.message}`));
      else res();
    });
  });
}

/**
 * Estimator benchmark: per-frame latency of each stage (decode, detect, classify,
 * fuse) and end-to-end frames per second on ONE core (onnxruntime 1 intra-op thread,
 * sharp/libvips concurrency 1), 640×480 JPEG input, detector 224 (or --size 320).
 * Budget: ≥ 60 fps end-to-end, expression classification ≤ 3 ms per face.
 * Final line: {"bench":"estimator","fps":…,"classify_ms_p50":…,"frame_ms_p50":…,"frame_ms_p99":…}
 */
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { createFramePipeline } from '../src/estimator/pipeline.ts';
import { decodeImage } from '../src/estimator/image.ts';
import { createAffectFuser } from '../src/estimator/fusion.ts';
import type { TaskContext } from '../src/estimator/types.ts';

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}

/**
 * Runs the benchmark.
 *
 * @example
 * ```ts
 * await main(['--frames', '300', '--size', '224']);
 * ```
 */
export async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { frames: { type: 'string', default: '300' }, size: { type: 'string', default: '224' } } });
  const n = Number(values.frames);
  const size = Number(values.size);
  sharp.concurrency(1);
  // 640×480 JPEG frames made from two real photos (a face that moves between frames)
  const sources = ['happy.jpg', 'angry.jpg'];
  const frames: Buffer[] = [];
  for (const f of sources) {
    frames.push(await sharp(`../shared/data/faces/scenes/${f}`).resize(640, 480, { fit: 'cover' }).jpeg({ quality: 85 }).toBuffer());
  }
  const pipe = await createFramePipeline({ detectorSize: size });
  const fuser = createAffectFuser();
  const ctx: TaskContext = { consecutiveFailures: 0, retries: 0, waitingMs: 0, workingOnTask: true };
  const decode: number[] = [];
  const detect: number[] = [];
  const classify: number[] = [];
  const fuse: number[] = [];
  const total: number[] = [];
  let faces = 0;
  const warmup = 20;
  let wallStart = 0;
  for (let i = 0; i < n + warmup; i++) {
    if (i === warmup) wallStart = performance.now();
    const t0 = performance.now();
    const img = await decodeImage(frames[Math.floor(i / 30) % frames.length]!, `frame-${i}`);
    const t1 = performance.now();
    const r = await pipe.process(img, { t: i * 33, index: i, frameId: `frame-${i}` }, t1 - t0);
    const t2 = performance.now();
    fuser.push({ t: i * 33, index: i, frameId: r.frameId, probabilities: r.probabilities, faceScore: r.face?.score ?? 0, fallbackCrop: r.fallbackCrop }, ctx);
    const t3 = performance.now();
    if (i < warmup) continue;
    if (r.face) faces++;
    decode.push(t1 - t0);
    detect.push(r.timings.detectMs);
    classify.push(r.timings.classifyMs);
    fuse.push(t3 - t2);
    total.push(t3 - t0);
  }
  const wall = performance.now() - wallStart;
  const fps = (n / wall) * 1000;
  const row = (name: string, xs: number[]) => `  ${name.padEnd(9)} p50 ${pct(xs, 50).toFixed(2).padStart(6)} ms   p99 ${pct(xs, 99).toFixed(2).padStart(6)} ms`;
  process.stdout.write(`estimator: ${n} frames 640x480 JPEG, detector ${size}, 1 thread; faces found in ${faces}/${n}\n`);
  process.stdout.write([row('decode', decode), row('detect', detect), row('classify', classify), row('fuse', fuse), row('frame', total)].join('\n') + '\n');
  process.stdout.write(`  end-to-end ${fps.toFixed(1)} fps (budget ≥ 60), classify p50 ${pct(classify, 50).toFixed(2)} ms (budget ≤ 3)\n`);
  const r2 = (x: number) => Math.round(x * 100) / 100;
  process.stdout.write(
    JSON.stringify({ bench: 'estimator', fps: r2(fps), classify_ms_p50: r2(pct(classify, 50)), frame_ms_p50: r2(pct(total, 50)), frame_ms_p99: r2(pct(total, 99)), detector_size: size, decode_ms_p50: r2(pct(decode, 50)), detect_ms_p50: r2(pct(detect, 50)), fuse_ms_p50: Math.round(pct(fuse, 50) * 1000) / 1000 }) + '\n',
  );
}

/**
 * Estimator benchmark, two modes.
 *
 * Stills (default): per-frame latency of each stage (decode, detect, classify, fuse)
 * and end-to-end frames per second on ONE core (onnxruntime 1 intra-op thread,
 * sharp/libvips concurrency 1), 640×480 JPEG input, the shipped pipeline (YuNet 320,
 * flip-averaged expression net; `--detector tiny --size 224`, `--no-flip` to compare).
 * Budget: ≥ 60 fps end-to-end for inference.
 * Final line: {"bench":"estimator","fps":…,"classify_ms_p50":…,"frame_ms_p50":…,"frame_ms_p99":…,…}
 *
 * `--video`: a 640×480 H.264 clip made with ffmpeg from a shared scene photo (one
 * person, slowly panning, so every frame has a face to detect and classify) is
 * played through `openVideoSource` (ffmpeg decoding and scaling in its own process)
 * into the real frame loop: processed fps, dropped frames (newest frame wins), CPU ms
 * per processed frame of the estimator and of ffmpeg, frame latency p50/p99 (frame
 * complete in memory → estimate fused) next to the model time per frame. At the
 * clip's rate (`--clip-fps`, default 30) like a camera, or `--fast` (decode as fast as
 * ffmpeg can: throughput, with the surplus dropped).
 * Final line: {"bench":"estimator","mode":"video","fps":…,"dropped":…,"cpu_ms_per_frame":…,"latency_ms_p50":…,"latency_ms_p99":…,…}
 */
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { createFramePipeline } from '../src/estimator/pipeline.ts';
import { decodeImage } from '../src/estimator/image.ts';
import { createAffectFuser } from '../src/estimator/fusion.ts';
import { openVideoSource } from '../src/estimator/ffmpeg-source.ts';
import { runEstimator } from '../src/estimator/run.ts';
import { formatLoopReport, LoopStats } from '../src/estimator/loop-stats.ts';
import type { TaskContext } from '../src/estimator/types.ts';
import { makeClip, removeClips } from '../test/support/video.ts';

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}
const r2 = (x: number) => Math.round(x * 100) / 100;

/**
 * Runs the benchmark.
 *
 * @example
 * ```ts
 * await main(['--frames', '300']);
 * await main(['--video', '--seconds', '20']);
 * ```
 */
export async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      frames: { type: 'string', default: '300' },
      detector: { type: 'string', default: 'yunet' },
      size: { type: 'string' },
      'no-flip': { type: 'boolean', default: false },
      video: { type: 'boolean', default: false },
      seconds: { type: 'string', default: '20' },
      'clip-fps': { type: 'string', default: '30' },
      fast: { type: 'boolean', default: false },
    },
  });
  const detector = values.detector === 'tiny' ? 'tiny' : 'yunet';
  const size = values.size ? Number(values.size) : detector === 'yunet' ? 320 : 224;
  const flip = !values['no-flip'];
  if (values.video) return video(detector, size, flip, Number(values.seconds), Number(values['clip-fps']), values.fast!);
  const n = Number(values.frames);
  sharp.concurrency(1);
  // 640×480 JPEG frames made from two real photos (a face that moves between frames)
  const sources = ['happy.jpg', 'angry.jpg'];
  const frames: Buffer[] = [];
  for (const f of sources) {
    frames.push(await sharp(`../shared/data/faces/scenes/${f}`).resize(640, 480, { fit: 'cover' }).jpeg({ quality: 85 }).toBuffer());
  }
  const pipe = await createFramePipeline({ detector, detectorSize: size, flip });
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
    if (i % 30 === 0) pipe.tracker.reset(); // another photo: another person (no hand-over pause)
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
  const inference = detect.map((d, i) => d + classify[i]!);
  const row = (name: string, xs: number[]) => `  ${name.padEnd(9)} p50 ${pct(xs, 50).toFixed(2).padStart(6)} ms   p99 ${pct(xs, 99).toFixed(2).padStart(6)} ms`;
  process.stdout.write(`estimator: ${n} frames 640x480 JPEG, detector ${detector} ${size}, flip ${flip ? 'on' : 'off'}, 1 thread; faces found in ${faces}/${n}\n`);
  process.stdout.write([row('decode', decode), row('detect', detect), row('classify', classify), row('fuse', fuse), row('frame', total)].join('\n') + '\n');
  process.stdout.write(`  end-to-end ${fps.toFixed(1)} fps; inference (detect + classify) p50 ${pct(inference, 50).toFixed(2)} ms = ${(1000 / pct(inference, 50)).toFixed(0)} fps (budget ≥ 60)\n`);
  process.stdout.write(
    JSON.stringify({
      bench: 'estimator',
      fps: r2(fps),
      inference_fps_p50: r2(1000 / pct(inference, 50)),
      classify_ms_p50: r2(pct(classify, 50)),
      frame_ms_p50: r2(pct(total, 50)),
      frame_ms_p99: r2(pct(total, 99)),
      detector,
      detector_size: size,
      flip,
      decode_ms_p50: r2(pct(decode, 50)),
      detect_ms_p50: r2(pct(detect, 50)),
      fuse_ms_p50: Math.round(pct(fuse, 50) * 1000) / 1000,
    }) + '\n',
  );
}

/** The live-video mode. */
async function video(detector: 'yunet' | 'tiny', size: number, flip: boolean, seconds: number, clipFps: number, fast: boolean): Promise<void> {
  // one person moving in front of the camera, so every frame costs detection and classification
  const clip = await makeClip({ scenes: [{ image: 'happy.jpg', seconds }], fps: clipFps });
  try {
    const pipe = await createFramePipeline({ detector, detectorSize: size, flip, crop: 'detect' });
    let source: ReturnType<typeof openVideoSource> | null = null;
    const stats = new LoopStats(() => source?.stats ?? { decoded: 0, delivered: 0, dropped: 0, restarts: 0, stalls: 0 });
    source = openVideoSource({ source: clip, realtime: !fast, onEvent: (e) => e.kind === 'start' && stats.decoder(e.pid) });
    const model: number[] = [];
    let faces = 0;
    await runEstimator(source, pipe, { fuser: createAffectFuser() }, (ev) => {
      if (ev.kind !== 'frame') return;
      stats.frame(performance.now() - ev.receivedAt!);
      model.push(ev.frame.timings.detectMs + ev.frame.timings.classifyMs);
      if (ev.frame.face) faces++;
    });
    const r = stats.total();
    process.stdout.write(`estimator --video: ${seconds} s 640x480 H.264 clip at ${clipFps} fps${fast ? ', decoded as fast as possible' : ', played in real time'}; detector ${detector} ${size}, flip ${flip ? 'on' : 'off'}; faces in ${faces}/${r.frames} frames\n`);
    process.stdout.write(`  ${formatLoopReport(r)}\n`);
    process.stdout.write(`  model time (detect + classify) p50 ${pct(model, 50).toFixed(2)} ms, p99 ${pct(model, 99).toFixed(2)} ms\n`);
    process.stdout.write(
      JSON.stringify({
        bench: 'estimator',
        mode: 'video',
        realtime: !fast,
        clip_fps: clipFps,
        fps: r2(r.fps),
        frames: r.frames,
        decoded: r.decoded,
        dropped: r.dropped,
        cpu_ms_per_frame: r2(r.cpuMsPerFrame),
        ffmpeg_cpu_ms_per_frame: r.decoderCpuMsPerFrame === null ? null : r2(r.decoderCpuMsPerFrame),
        latency_ms_p50: r2(r.latencyP50Ms),
        latency_ms_p99: r2(r.latencyP99Ms),
        model_ms_p50: r2(pct(model, 50)),
        detector,
        detector_size: size,
        flip,
      }) + '\n',
    );
  } finally {
    removeClips();
  }
}

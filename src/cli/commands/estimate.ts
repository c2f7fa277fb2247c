/**
 * `affect-bt estimate IMAGE|DIR…`: runs the on-robot affect estimator (detector →
 * expression net → calibration → dense temporal + context fusion).
 * - Default: every image is an independent still; prints per image the faces found,
 *   label, probabilities, valence, arousal and confidence (`--json`: one JSON line
 *   per image). A blank image prints "no face" (not an error); an unreadable one
 *   prints an error naming the file; exit 1 only when every input failed.
 * - `--mqtt URL --robot M/S [--fps N]`: the inputs are a frame sequence (a directory
 *   in name order) played at N fps through the dense fusion; each frame's estimate
 *   is published on `affectbt/v1/M/S/affect` (VDA-style header + `estimates`).
 * - `--sequence [--fps N]`: the same sequence fusion, printed instead of published.
 * - `--video FILE|URL|DEVICE`: live frames through ffmpeg (newest frame wins, stream
 *   timestamps, stalls and decoder deaths reported and restarted with backoff, end of
 *   file ends the run unless `--loop`); stats lines (fps, dropped frames, CPU ms per
 *   frame, latency p50/p99) every `--stats-interval-s` and at the end, on stderr.
 *   SIGINT/SIGTERM stop ffmpeg and end the run normally (exit 0).
 * - `--config CELL.yaml`: the estimator process of a cell. Reads the same file as
 *   `affect-bt run` — robot, humanId and broker (with `broker.estimator`'s own
 *   credentials) to publish on, `camera` (the video source, so no `--video` is needed),
 *   `estimator` and `vlm` — and ignores the planner's sections. Flags override the
 *   file; without `--config` the flags' defaults are the same schemas' defaults
 *   (src/estimator/settings.ts, src/vlm/settings.ts). `--check` validates and prints
 *   the resolved settings without opening the camera or the broker.
 */
import { parseCommandArgs } from '../args.ts';
import { FACE_EXPRESSIONS, type AffectEstimate } from '../../contract/affect.ts';
import { createFramePipeline } from '../../estimator/pipeline.ts';
import { listFrames, runEstimator, type EstimatorEvent, type FrameInput } from '../../estimator/run.ts';
import type { FusedEstimate, TaskContext } from '../../estimator/types.ts';
import { createAffectFuser } from '../../estimator/fusion.ts';
import type { Region } from '../../estimator/image.ts';
import type { FrameSource } from '../../estimator/frame-source.ts';
import type { VideoSourceEvent } from '../../estimator/ffmpeg-source.ts';
import { formatLoopReport, LoopStats } from '../../estimator/loop-stats.ts';
import { CAMERA_DEFAULTS, ESTIMATOR_DEFAULTS, type CameraSettings, type EstimatorSettings } from '../../estimator/settings.ts';
import { CellConfigSchema, ConfigError, loadEstimatorConfig, type EstimatorCellConfig } from '../../deploy/config.ts';
import { readPemFile, redactUrl } from '../../mqtt/credentials.ts';

const HELP = `usage: affect-bt estimate IMAGE|DIR... [options]
       affect-bt estimate --video FILE|URL|DEVICE [options]
       affect-bt estimate --config CELL.yaml [options]

Runs the on-robot affect estimator on JPEG/PNG images (a DIR = its images in name order),
or on live video decoded by ffmpeg: a file, a camera (/dev/video0) or a network stream
(rtsp://, http:// MJPEG, udp://).

options:
  --config FILE          the cell config (as for 'affect-bt run'): publish to its broker/robot/humanId,
                         read its camera (no --video needed), estimator and vlm sections; flags override it
  --check                with --config: validate it, print the resolved settings (secrets masked), exit
  --json                 one JSON line per image/frame instead of text
  --quiet                no per-frame output (stats and errors only)
  --detector NAME        yunet (5 landmarks, small faces) | tiny (face-api.js) (default ${ESTIMATOR_DEFAULTS.detector})
  --detector-size N      face detector input size, multiple of 32 (default 320 yunet, 224 tiny)
  --no-flip              do not average the expression net over the mirrored face
  --crop MODE            auto (detector, zoom-out, whole-image fallback) | detect | whole;
                         default auto for images, detect for --video
  --roi X,Y,W,H          (estimator.roi) only a face centred in this region (source-image pixels) is the
                         person at the handover (default: the largest face in view)
  --human-id ID          humanId in the estimates (overrides humanId; default h1)
  --sequence             treat the image inputs as one frame sequence (dense temporal fusion)
  --fps N                images: frame rate of the sequence (default 10);
                         video: process at most N frames per second (default: the stream's rate)
  --context JSON         task context for the fusion, e.g. '{"consecutiveFailures":2,"waitingMs":6000,"workingOnTask":false}'
  --mqtt URL             publish each frame's estimate to this broker (implies --sequence, real time;
                         overrides broker.url)
  --robot M/S            manufacturer/serialNumber for the topic (required with --mqtt unless --config)
video options (each overrides the config's camera: key):
  --video SRC            FILE, DEVICE or URL, decoded by ffmpeg (camera.source)
  --loop                 play a file again from the start at its end (default: end of file ends the run)
  --fast                 read a file as fast as it decodes, not at its frame rate (not with --mqtt)
  --size WxH             working frame size; the video is scaled to fit (default ${CAMERA_DEFAULTS.width}x${CAMERA_DEFAULTS.height})
  --stall-timeout-ms N   no frame for N ms = stalled: report, restart ffmpeg with backoff (default ${CAMERA_DEFAULTS.stallTimeoutMs})
  --max-restarts N       give up after N consecutive restarts without a frame (default: never)
  --ffmpeg PATH          the ffmpeg executable (default ${CAMERA_DEFAULTS.ffmpegPath} on PATH)
  --stats-interval-s N   print a stats line every N s (default ${ESTIMATOR_DEFAULTS.statsIntervalS}; 0 = only at the end)
Credentials (with --mqtt or --config): the env variables named by broker.estimator.usernameEnv /
passwordEnv, else broker.usernameEnv / passwordEnv (default AFFECT_BT_MQTT_USERNAME /
AFFECT_BT_MQTT_PASSWORD, or AFFECT_BT_MQTT_PASSWORD_FILE). There is no --password flag.
Exit codes: 0 ok (also "no face", end of video), 1 every input failed / video failed / invalid
config, 2 usage error.`;

// ---- VLM hook -------------------------------------------------------------------
// Optional cloud-VLM escalation (src/vlm, docs/vlm.md): `--vlm gemini [--dry-run]
// [--vlm-model M] [--vlm-base-url U] …`. The estimator calls step() on every fused
// frame, publishes current(estimate), and awaits finish() at the end. Off by default
// (no flag, or no GEMINI_API_KEY/GOOGLE_API_KEY): the estimator needs no cloud.
// The Gemini SDK is loaded only when a live call is made. `--dry-run` prints one JSON
// line per escalation with the exact request body on stdout (nothing is sent).
import { createVlmCliHook, VLM_CLI_HELP, VLM_CLI_OPTIONS, type VlmCliHook, type VlmCliValues } from '../../vlm/cli.ts';
import { VLM_DEFAULTS, type VlmSettings } from '../../vlm/settings.ts';
/** Per-frame hook the estimate command drives (the shape of VlmCliHook). */
interface FrameHook extends Pick<VlmCliHook, 'current' | 'finish'> {
  step(fused: FusedEstimate, context: TaskContext): Promise<void>;
}
const HOOK_OPTIONS = VLM_CLI_OPTIONS;
const HOOK_HELP = VLM_CLI_HELP;
function createFrameHook(values: Record<string, unknown>, base: Readonly<VlmSettings>): FrameHook | { error: string } {
  return createVlmCliHook(values as VlmCliValues, { stdout: process.stdout, stderr: process.stderr, env: process.env }, base);
}
// ---- end VLM hook ---------------------------------------------------------------

/**
 * Runs the command.
 *
 * @example
 * ```ts
 * const code = await run(['../shared/data/faces/scenes/happy.jpg', '--json']);
 * ```
 */
export async function run(argv: string[]): Promise<number> {
  const parsed = parseCommandArgs(
    'estimate',
    HELP,
    argv,
    {
      config: { type: 'string', short: 'c' },
      check: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      quiet: { type: 'boolean', default: false },
      // no defaults below: they come from the cell config, else from its schemas' defaults
      detector: { type: 'string' },
      'detector-size': { type: 'string' },
      'no-flip': { type: 'boolean', default: false },
      crop: { type: 'string' },
      roi: { type: 'string' },
      'human-id': { type: 'string' },
      sequence: { type: 'boolean', default: false },
      fps: { type: 'string' },
      video: { type: 'string' },
      loop: { type: 'boolean', default: false },
      fast: { type: 'boolean', default: false },
      size: { type: 'string' },
      'stall-timeout-ms': { type: 'string' },
      'max-restarts': { type: 'string' },
      ffmpeg: { type: 'string' },
      'stats-interval-s': { type: 'string' },
      mqtt: { type: 'string' },
      robot: { type: 'string' },
      context: { type: 'string' },
      ...HOOK_OPTIONS,
    },
    { positionals: true, fullHelp: HELP + (HOOK_HELP ? '\n' + HOOK_HELP : '') },
  );
  if (typeof parsed === 'number') return parsed;
  const v = parsed.values;
  const usage = parsed.usage;
  if (v['human-id'] !== undefined && !/^[A-Za-z0-9_.:-]{1,64}$/.test(v['human-id'])) return usage(`--human-id must be 1-64 letters, digits, '_', '.', ':' or '-', got '${v['human-id']}'`);
  if (v.check && v.config === undefined) return usage('--check needs --config FILE');
  // The cell config (optional): shared keys resolved by the loader with the flags applied;
  // camera/estimator/vlm are the base the flags below override.
  let cell: EstimatorCellConfig | null = null;
  if (v.config !== undefined) {
    if (v.robot !== undefined && !/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(v.robot)) return usage(`--robot must be MANUFACTURER/SERIAL (letters, digits, _ . -), got '${v.robot}'`);
    try {
      cell = loadEstimatorConfig(v.config, { brokerUrl: v.mqtt, robot: v.robot, humanId: v['human-id'] });
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      const fromFlag = e.diagnostics.find((d) => d.file.startsWith('--'));
      if (fromFlag) return usage(`${fromFlag.message}${fromFlag.hint ? ` (hint: ${fromFlag.hint})` : ''}`);
      process.stderr.write(`${e.message}\naffect-bt estimate: ${e.diagnostics.length} problem(s) in the configuration\n`);
      return 1;
    }
  }
  const camera: Readonly<CameraSettings> = cell?.camera ?? CAMERA_DEFAULTS;
  const est: Readonly<EstimatorSettings> = cell?.estimator ?? ESTIMATOR_DEFAULTS;
  const video = v.video ?? (parsed.positionals.length === 0 ? camera.source : undefined);
  if (video === undefined && parsed.positionals.length === 0) return usage(`give at least one IMAGE or DIR, or --video FILE|URL|DEVICE${cell ? `, or camera.source in ${v.config}` : ''}`);
  if (video !== undefined && parsed.positionals.length > 0) return usage(`give either images or --video, not both (got ${parsed.positionals.join(' ')} and --video ${video})`);
  if (video === undefined) {
    for (const flag of ['loop', 'fast'] as const) if (v[flag]) return usage(`--${flag} is only used with --video`);
  }
  const detector = (v.detector ?? est.detector) as 'yunet' | 'tiny';
  if (detector !== 'yunet' && detector !== 'tiny') return usage(`--detector must be yunet or tiny, got '${v.detector}'`);
  const size = v['detector-size'] === undefined ? (est.detectorSize ?? (detector === 'yunet' ? 320 : 224)) : Number(v['detector-size']);
  if (!Number.isInteger(size) || size % 32 !== 0 || size < 64 || size > 1024) return usage(`--detector-size must be a multiple of 32 such as 224 or 320, got '${v['detector-size']}'`);
  const crop = (v.crop ?? est.crop ?? (video !== undefined ? 'detect' : 'auto')) as 'auto' | 'detect' | 'whole';
  if (!['auto', 'detect', 'whole'].includes(crop)) return usage(`--crop must be auto, detect or whole, got '${v.crop}'`);
  const fps = v.fps === undefined ? (video !== undefined ? camera.fps : 10) : Number(v.fps);
  if (fps !== undefined && (!(fps > 0) || fps > 240)) return usage(`--fps must be a number in (0, 240], got '${v.fps}'`);
  let roi: Region | null = est.roi ?? null;
  if (v.roi !== undefined) {
    const parsedRoi = parseRoi(v.roi);
    if (typeof parsedRoi === 'string') return usage(parsedRoi);
    roi = parsedRoi;
  }
  const mqttUrl = cell ? cell.broker.url : v.mqtt;
  if (v.fast && mqttUrl !== undefined) return usage(`--fast plays a file faster than real time, so its estimates would be stale on arrival: not with ${cell ? '--config (it publishes)' : '--mqtt'}`);
  const humanId = cell?.humanId ?? v['human-id'] ?? (CellConfigSchema.properties.humanId.default as string);
  if (!cell && v.mqtt !== undefined && v.robot === undefined) return usage('--mqtt needs --robot MANUFACTURER/SERIAL');
  if (!cell && v.robot !== undefined && v.mqtt === undefined) return usage('--robot is only used with --mqtt URL (or --config)');
  const robotId = cell ? `${cell.robot.manufacturer}/${cell.robot.serialNumber}` : v.robot;
  let context: TaskContext = { consecutiveFailures: 0, retries: 0, waitingMs: 0, workingOnTask: false };
  if (v.context !== undefined) {
    const parsedCtx = parseContext(v.context, context);
    if (typeof parsedCtx === 'string') return usage(parsedCtx);
    context = parsedCtx;
  }
  let videoOpts: VideoCliOptions | null = null;
  if (video !== undefined) {
    const vo = parseVideoOptions(v, video, fps, camera);
    if (typeof vo === 'string') return usage(vo);
    videoOpts = vo;
  }
  const statsEvery = v['stats-interval-s'] === undefined ? est.statsIntervalS : Number(v['stats-interval-s']);
  if (!(statsEvery >= 0) || !Number.isFinite(statsEvery)) return usage(`--stats-interval-s must be a number ≥ 0, got '${v['stats-interval-s']}'`);
  const flip = v['no-flip'] ? false : est.flip;
  if (cell && v.check) {
    const { credentials, ...shown } = cell;
    const resolved = { ...shown, broker: { ...shown.broker, url: redactUrl(shown.broker.url) }, credentials: { username: credentials.username ? '(set)' : '(unset)', password: credentials.password ? '(set)' : '(unset)' } };
    const effective = { input: video ?? parsed.positionals, detector, detectorSize: size, crop, flip, fps: fps ?? null, roi, humanId, publish: `${mqttUrl ? redactUrl(mqttUrl) : '-'} ${robotId}` };
    process.stdout.write(JSON.stringify({ ok: true, config: resolved, effective }, null, 2) + '\n');
    return 0;
  }
  const hook = createFrameHook(v as Record<string, unknown>, cell?.vlm ?? VLM_DEFAULTS);
  if ('error' in hook) return usage(hook.error);
  const sequence = v.sequence || mqttUrl !== undefined || video !== undefined;

  let publish: ((e: AffectEstimate) => void) | null = null;
  let closeMqtt: (() => Promise<void>) | null = null;
  if (mqttUrl !== undefined) {
    try {
      const mqtt = await import('../../mqtt/index.ts');
      const robot = mqtt.parseRobotId(robotId!);
      // estimator role: credentials from the env variables the config names for the estimator
      // (default AFFECT_BT_MQTT_USERNAME / AFFECT_BT_MQTT_PASSWORD(_FILE)), never argv
      const clientId = cell?.broker.clientId ?? `estimator-${robot.serialNumber}-${process.pid}`;
      const client = await mqtt.connectMqtt(cell ? { url: mqttUrl, clientId, ...cellConnectOptions(cell) } : { url: mqttUrl, clientId, ...mqtt.credentialsFromEnv(process.env) });
      const publisher = new mqtt.AffectPublisher({ client, robot });
      publish = (e) => void publisher.publish([e]);
      closeMqtt = async () => void (await client.endAsync());
      process.stderr.write(`publishing on ${publisher.topic}${video !== undefined ? '' : ` at ${fps} fps`}\n`);
    } catch (err) {
      process.stderr.write(`affect-bt estimate: MQTT: ${(err as Error).message}\n`);
      return 1;
    }
  }

  let pipeline;
  try {
    // stills have no "briefly unseen": a face not in this image ends its track (trackTimeoutMs 0)
    pipeline = await createFramePipeline({
      detector,
      detectorSize: size,
      crop,
      flip,
      roi,
      ...(est.scoreThreshold !== undefined ? { scoreThreshold: est.scoreThreshold } : {}),
      ...(videoOpts ? (est.trackTimeoutMs !== undefined ? { trackTimeoutMs: est.trackTimeoutMs } : {}) : { trackTimeoutMs: 0 }),
    });
  } catch (err) {
    process.stderr.write(`affect-bt estimate: cannot load models: ${(err as Error).message}\n`);
    await closeMqtt?.();
    return 1;
  }
  let frames: Iterable<FrameInput> | FrameSource;
  let stats: LoopStats | null = null;
  let statsTimer: NodeJS.Timeout | null = null;
  let removeSignals: (() => void) | null = null;
  if (videoOpts) {
    const { openVideoSource } = await import('../../estimator/ffmpeg-source.ts');
    let source: FrameSource | null = null;
    const loopStats = new LoopStats(() => source?.stats ?? { decoded: 0, delivered: 0, dropped: 0, restarts: 0, stalls: 0 });
    stats = loopStats;
    try {
      source = openVideoSource({ ...videoOpts, onEvent: (e) => reportVideoEvent(e, loopStats) });
    } catch (err) {
      await closeMqtt?.();
      process.stderr.write(`affect-bt estimate: ${(err as Error).message}\n`);
      return 1;
    }
    frames = source;
    // SIGINT/SIGTERM: stop ffmpeg and finish normally (final stats, exit 0), never leave it orphaned
    const stop = (): void => void source?.close();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    removeSignals = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    };
    if (statsEvery > 0) {
      statsTimer = setInterval(() => process.stderr.write(`stats: ${formatLoopReport(stats!.report())}\n`), statsEvery * 1000);
      statsTimer.unref();
    }
  } else {
    frames = parsed.positionals.flatMap((p) => listFrames(p));
    if ((frames as FrameInput[]).length === 0) {
      await closeMqtt?.();
      return usage(`no images (jpg, jpeg, png, webp) in ${parsed.positionals.join(', ')}`);
    }
  }
  const out = (s: string) => process.stdout.write(s + '\n');
  const inv = (x: number, k: number) => r1(x / k);
  const onEvent = async (ev: EstimatorEvent): Promise<void> => {
    if (ev.kind === 'error') {
      if (v.json) out(JSON.stringify({ file: ev.frameId, error: ev.message }));
      else process.stderr.write(`error: ${ev.message}\n`);
      return;
    }
    await hook.step(ev.fused, ev.context);
    const estimate = hook.current(ev.fused.estimate);
    publish?.(estimate);
    const latencyMs = ev.receivedAt !== undefined ? performance.now() - ev.receivedAt : undefined;
    if (latencyMs !== undefined) stats?.frame(latencyMs);
    if (v.quiet) return;
    const f = ev.frame;
    const fu = ev.fused;
    // boxes in source-image pixels (a scaled video frame is converted back)
    const k = ev.sourceScale ?? 1;
    const box = (b: { x: number; y: number; width: number; height: number; score: number }) => ({ x: inv(b.x, k), y: inv(b.y, k), width: inv(b.width, k), height: inv(b.height, k), score: r3(b.score) });
    if (v.json) {
      out(
        JSON.stringify({
          file: f.frameId,
          ...(videoOpts ? { t: fu.t, trackId: f.trackId, ...(latencyMs !== undefined ? { latencyMs: Math.round(latencyMs * 10) / 10 } : {}) } : {}),
          faces: f.faces.map(box),
          via: f.via,
          face: f.face ? box(f.face) : null,
          label: f.face ? estimate.expression : 'no face',
          probabilities: f.probabilities ? Object.fromEntries(FACE_EXPRESSIONS.map((e, i) => [e, r3(f.probabilities![i]!)])) : null,
          valence: estimate.valence,
          arousal: estimate.arousal,
          confidence: estimate.confidence,
          frustration: estimate.frustration,
          ...(fu.burst ? { burst: fu.burst } : {}),
          estimate,
        }),
      );
      return;
    }
    if (!f.face) {
      out(`${f.frameId}: no face`);
      return;
    }
    const how = f.via === 'whole-image' ? 'no face detected; whole image classified as a tight face crop (lower confidence)' : `${f.faces.length} face${f.faces.length === 1 ? '' : 's'} (${f.via}, main score ${r3(f.face.score)})`;
    out(`${f.frameId}: ${how}`);
    out(`  label ${estimate.expression}  valence ${estimate.valence.toFixed(2)}  arousal ${estimate.arousal.toFixed(2)}  confidence ${estimate.confidence.toFixed(2)}${sequence ? `  frustration ${estimate.frustration.toFixed(2)}` : ''}${fu.burst ? `  burst ${fu.burst.expression} ${fu.burst.durationMs} ms` : ''}`);
    out(`  ${sequence ? 'frame ' : ''}probabilities ${FACE_EXPRESSIONS.map((e, i) => `${e} ${f.probabilities![i]!.toFixed(3)}`).join('  ')}`);
  };
  let summary;
  try {
    summary = await runEstimator(
      frames,
      pipeline,
      {
        ...(fps !== undefined ? { fps } : {}),
        independent: !sequence,
        realtime: mqttUrl !== undefined && !videoOpts,
        // a sequence of stills is one stream of frames (as before); in live video a newcomer starts afresh
        resetOnNewPerson: videoOpts !== null,
        fuser: createAffectFuser({ humanId }),
        context: () => context,
      },
      onEvent,
    );
  } catch (err) {
    // a live source that failed for good (ffmpeg missing, unreadable file, no stream after N restarts)
    process.stderr.write(`affect-bt estimate: ${(err as Error).message}\n`);
    const total = stats?.total();
    if (total && total.decoded > 0) process.stderr.write(`stats: ${formatLoopReport(total)}\n`);
    return 1;
  } finally {
    if (statsTimer) clearInterval(statsTimer);
    removeSignals?.();
    await hook.finish();
    await closeMqtt?.();
  }
  if (stats) process.stderr.write(`stats: ${formatLoopReport(stats.total())}\n`);
  if (!v.json) process.stderr.write(`${summary.frames} frame${summary.frames === 1 ? '' : 's'}: ${summary.frames - summary.failed - summary.noFace} with a face, ${summary.noFace} without, ${summary.failed} failed\n`);
  return summary.failed === summary.frames && summary.frames > 0 ? 1 : 0;
}

/** The ffmpeg source options from the command line (the `camera:` keys of a cell config). */
type VideoCliOptions = import('../../estimator/ffmpeg-source.ts').VideoSourceOptions;

/** The video flags over the `camera:` settings (a cell config's, else the defaults); returns an error text on a bad flag. */
function parseVideoOptions(v: Record<string, unknown>, source: string, fps: number | undefined, camera: Readonly<CameraSettings>): VideoCliOptions | string {
  const m = v.size === undefined ? ['', String(camera.width), String(camera.height)] : /^(\d+)x(\d+)$/.exec(String(v.size));
  if (!m || Number(m[1]) < 32 || Number(m[2]) < 32 || Number(m[1]) > 4096 || Number(m[2]) > 4096) return `--size must be WIDTHxHEIGHT between 32 and 4096, e.g. 640x480, got '${v.size}'`;
  const stall = v['stall-timeout-ms'] === undefined ? camera.stallTimeoutMs : Number(v['stall-timeout-ms']);
  if (!Number.isInteger(stall) || stall < 100 || stall > 600_000) return `--stall-timeout-ms must be an integer in [100, 600000], got '${v['stall-timeout-ms']}'`;
  const maxRestarts = v['max-restarts'] === undefined ? camera.maxRestarts : Number(v['max-restarts']);
  if (maxRestarts !== undefined && (!Number.isInteger(maxRestarts) || maxRestarts < 0)) return `--max-restarts must be an integer ≥ 0, got '${v['max-restarts']}'`;
  return {
    source,
    width: Number(m[1]),
    height: Number(m[2]),
    loop: v.loop === true || camera.loop,
    realtime: v.fast !== true,
    stallTimeoutMs: stall,
    startTimeoutMs: Math.max(10_000, stall),
    ffmpegPath: v.ffmpeg === undefined ? camera.ffmpegPath : String(v.ffmpeg),
    ...(camera.inputArgs.length > 0 ? { inputArgs: [...camera.inputArgs] } : {}),
    ...(fps !== undefined ? { fps } : {}),
    ...(maxRestarts !== undefined ? { maxRestarts } : {}),
  };
}

/** The estimator's MQTT login from a cell config: its role's credentials, TLS files, keepalive. */
function cellConnectOptions(cell: EstimatorCellConfig) {
  const b = cell.broker;
  const read = (what: string, path: string | undefined) => (path ? readPemFile(`broker.tls.${what}`, path) : undefined);
  return {
    ...cell.credentials,
    ...(b.tls.ca || b.tls.cert ? { ca: read('ca', b.tls.ca), cert: read('cert', b.tls.cert), key: read('key', b.tls.key) } : {}),
    rejectUnauthorized: b.tls.rejectUnauthorized,
    keepaliveS: b.keepaliveS,
    connectTimeoutMs: b.connectTimeoutMs,
    reconnectPeriodMs: b.reconnectMinMs,
  };
}

/** One stderr line per video source event (what an operator needs to see). */
function reportVideoEvent(e: VideoSourceEvent, stats: LoopStats): void {
  const say = (s: string) => process.stderr.write(`video: ${s}\n`);
  switch (e.kind) {
    case 'start':
      stats.decoder(e.pid);
      say(`ffmpeg ${e.attempt === 1 ? 'started' : 'restarted'} (pid ${e.pid}, attempt ${e.attempt})`);
      break;
    case 'streaming':
      say(`streaming ${e.width}x${e.height}${e.sourceWidth ? ` (source ${e.sourceWidth}x${e.sourceHeight})` : ''}`);
      break;
    case 'stall':
      say(`stalled: no frame for ${e.silentMs} ms; killing ffmpeg (published affect goes stale meanwhile)`);
      break;
    case 'exit':
      say(e.reason === 'end of stream' ? `end of stream after ${e.frames} frames` : `ffmpeg exited after ${e.frames} frames: ${e.reason}`);
      break;
    case 'restart':
      say(`restarting ffmpeg in ${e.delayMs} ms (attempt ${e.attempt})${e.resumeAtMs > 0 ? `, resuming at ${(e.resumeAtMs / 1000).toFixed(1)} s` : ''}`);
      break;
    case 'end':
      break; // the exit line already said it
  }
}

/** Parses `--roi X,Y,W,H`; returns an error text on bad input. */
function parseRoi(text: string): Region | string {
  const parts = text.split(',').map((p) => Number(p.trim()));
  if (parts.length !== 4 || parts.some((p) => !Number.isFinite(p))) return `--roi must be X,Y,WIDTH,HEIGHT in source-image pixels, e.g. 160,0,320,480, got '${text}'`;
  const [x, y, width, height] = parts as [number, number, number, number];
  if (!(width > 0 && height > 0)) return `--roi width and height must be > 0, got '${text}'`;
  return { x, y, width, height };
}

/** Parses and checks `--context` JSON; returns an error text on bad input. */
function parseContext(text: string, base: TaskContext): TaskContext | string {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    return `--context must be JSON, e.g. '{"consecutiveFailures":2,"waitingMs":6000}': ${(err as Error).message}`;
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return '--context must be a JSON object';
  const ctx: TaskContext = { ...base };
  for (const [k, val] of Object.entries(raw as Record<string, unknown>)) {
    if (k === 'consecutiveFailures' || k === 'retries' || k === 'waitingMs' || k === 'lastHandoverAt') {
      if (typeof val !== 'number' || !Number.isFinite(val) || val < 0) return `--context: ${k} must be a number ≥ 0, got ${JSON.stringify(val)}`;
      ctx[k] = val;
    } else if (k === 'workingOnTask') {
      if (typeof val !== 'boolean') return `--context: workingOnTask must be true or false, got ${JSON.stringify(val)}`;
      ctx.workingOnTask = val;
    } else if (k === 'lastHandover') {
      const ok = ['success', 'drop', 'timeout', 'human_not_ready', 'cancelled'];
      if (typeof val !== 'string' || !ok.includes(val)) return `--context: lastHandover must be one of ${ok.join(', ')}, got ${JSON.stringify(val)}`;
      ctx.lastHandover = val as TaskContext['lastHandover'] & string;
    } else {
      return `--context: unknown key '${k}' (known: consecutiveFailures, retries, waitingMs, workingOnTask, lastHandover, lastHandoverAt)`;
    }
  }
  return ctx;
}

function r1(x: number): number {
  return Math.round(x * 10) / 10;
}
function r3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

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
 */
import { parseCommandArgs } from '../args.ts';
import { FACE_EXPRESSIONS, type AffectEstimate } from '../../contract/affect.ts';
import { createFramePipeline } from '../../estimator/pipeline.ts';
import { listFrames, runEstimator, type EstimatorEvent } from '../../estimator/run.ts';
import type { FusedEstimate, TaskContext } from '../../estimator/types.ts';
import { createAffectFuser } from '../../estimator/fusion.ts';

const HELP = `usage: affect-bt estimate IMAGE|DIR... [options]

Runs the on-robot affect estimator on JPEG/PNG images (a DIR = its images in name order).

options:
  --json                 one JSON line per image instead of text
  --detector-size N      face detector input size: 224 (fast) or 320 (smaller faces); default 224
  --crop MODE            auto (detector, zoom-out, whole-image fallback) | detect | whole; default auto
  --human-id ID          humanId in the estimates (default h1)
  --sequence             treat the inputs as one frame sequence (dense temporal fusion)
  --fps N                frame rate of the sequence (default 10)
  --context JSON         task context for the fusion, e.g. '{"consecutiveFailures":2,"waitingMs":6000,"workingOnTask":false}'
  --mqtt URL             publish each frame's estimate to this broker (implies --sequence, real time)
  --robot M/S            manufacturer/serialNumber for the topic (required with --mqtt)
Exit codes: 0 ok (also "no face"), 1 every input failed, 2 usage error.`;

// ---- VLM hook -------------------------------------------------------------------
// Optional cloud-VLM escalation (src/vlm, docs/vlm.md): `--vlm gemini [--dry-run]
// [--vlm-model M] [--vlm-base-url U] …`. The estimator calls step() on every fused
// frame, publishes current(estimate), and awaits finish() at the end. Off by default
// (no flag, or no GEMINI_API_KEY/GOOGLE_API_KEY): the estimator needs no cloud.
// The Gemini SDK is loaded only when a live call is made. `--dry-run` prints one JSON
// line per escalation with the exact request body on stdout (nothing is sent).
import { createVlmCliHook, VLM_CLI_HELP, VLM_CLI_OPTIONS, type VlmCliHook, type VlmCliValues } from '../../vlm/cli.ts';
/** Per-frame hook the estimate command drives (the shape of VlmCliHook). */
interface FrameHook extends Pick<VlmCliHook, 'current' | 'finish'> {
  step(fused: FusedEstimate, context: TaskContext): Promise<void>;
}
const HOOK_OPTIONS = VLM_CLI_OPTIONS;
const HOOK_HELP = VLM_CLI_HELP;
function createFrameHook(values: Record<string, unknown>): FrameHook | { error: string } {
  return createVlmCliHook(values as VlmCliValues, { stdout: process.stdout, stderr: process.stderr, env: process.env });
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
      json: { type: 'boolean', default: false },
      'detector-size': { type: 'string', default: '224' },
      crop: { type: 'string', default: 'auto' },
      'human-id': { type: 'string', default: 'h1' },
      sequence: { type: 'boolean', default: false },
      fps: { type: 'string', default: '10' },
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
  if (parsed.positionals.length === 0) return usage('give at least one IMAGE or DIR');
  const size = Number(v['detector-size']);
  if (!Number.isInteger(size) || size % 32 !== 0 || size < 64 || size > 1024) return usage(`--detector-size must be a multiple of 32 such as 224 or 320, got '${v['detector-size']}'`);
  const crop = v.crop as 'auto' | 'detect' | 'whole';
  if (!['auto', 'detect', 'whole'].includes(crop)) return usage(`--crop must be auto, detect or whole, got '${v.crop}'`);
  const fps = Number(v.fps);
  if (!(fps > 0) || fps > 240) return usage(`--fps must be a number in (0, 240], got '${v.fps}'`);
  const humanId = v['human-id']!;
  if (!/^[A-Za-z0-9_.:-]{1,64}$/.test(humanId)) return usage(`--human-id must be 1-64 letters, digits, '_', '.', ':' or '-', got '${humanId}'`);
  if (v.mqtt !== undefined && v.robot === undefined) return usage('--mqtt needs --robot MANUFACTURER/SERIAL');
  if (v.robot !== undefined && v.mqtt === undefined) return usage('--robot is only used with --mqtt URL');
  let context: TaskContext = { consecutiveFailures: 0, retries: 0, waitingMs: 0, workingOnTask: false };
  if (v.context !== undefined) {
    const parsedCtx = parseContext(v.context, context);
    if (typeof parsedCtx === 'string') return usage(parsedCtx);
    context = parsedCtx;
  }
  const hook = createFrameHook(v as Record<string, unknown>);
  if ('error' in hook) return usage(hook.error);
  const sequence = v.sequence || v.mqtt !== undefined;

  let publish: ((e: AffectEstimate) => void) | null = null;
  let closeMqtt: (() => Promise<void>) | null = null;
  if (v.mqtt !== undefined) {
    try {
      const mqtt = await import('../../mqtt/index.ts');
      const robot = mqtt.parseRobotId(v.robot!);
      // estimator role: credentials from AFFECT_BT_MQTT_USERNAME / AFFECT_BT_MQTT_PASSWORD(_FILE), never argv
      const client = await mqtt.connectMqtt({ url: v.mqtt, clientId: `affect-bt-estimator-${robot.serialNumber}-${process.pid}`, ...mqtt.credentialsFromEnv(process.env) });
      const publisher = new mqtt.AffectPublisher({ client, robot });
      publish = (e) => void publisher.publish([e]);
      closeMqtt = async () => void (await client.endAsync());
      process.stderr.write(`publishing on ${publisher.topic} at ${fps} fps\n`);
    } catch (err) {
      process.stderr.write(`affect-bt estimate: MQTT: ${(err as Error).message}\n`);
      return 1;
    }
  }

  let pipeline;
  try {
    pipeline = await createFramePipeline({ detectorSize: size, crop });
  } catch (err) {
    process.stderr.write(`affect-bt estimate: cannot load models: ${(err as Error).message}\n`);
    await closeMqtt?.();
    return 1;
  }
  const frames = parsed.positionals.flatMap((p) => listFrames(p));
  if (frames.length === 0) {
    await closeMqtt?.();
    return usage(`no images (jpg, jpeg, png, webp) in ${parsed.positionals.join(', ')}`);
  }
  const out = (s: string) => process.stdout.write(s + '\n');
  const onEvent = async (ev: EstimatorEvent): Promise<void> => {
    if (ev.kind === 'error') {
      if (v.json) out(JSON.stringify({ file: ev.frameId, error: ev.message }));
      else process.stderr.write(`error: ${ev.message}\n`);
      return;
    }
    await hook.step(ev.fused, ev.context);
    const estimate = hook.current(ev.fused.estimate);
    publish?.(estimate);
    const f = ev.frame;
    const fu = ev.fused;
    if (v.json) {
      out(
        JSON.stringify({
          file: f.frameId,
          faces: f.faces.map((b) => ({ x: r1(b.x), y: r1(b.y), width: r1(b.width), height: r1(b.height), score: r3(b.score) })),
          via: f.via,
          face: f.face ? { x: r1(f.face.x), y: r1(f.face.y), width: r1(f.face.width), height: r1(f.face.height), score: r3(f.face.score) } : null,
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
    summary = await runEstimator(frames, pipeline, { fps, independent: !sequence, realtime: v.mqtt !== undefined, fuser: createAffectFuser({ humanId }), context: () => context }, onEvent);
  } finally {
    await hook.finish();
    await closeMqtt?.();
  }
  if (!v.json) process.stderr.write(`${summary.frames} frame${summary.frames === 1 ? '' : 's'}: ${summary.frames - summary.failed - summary.noFace} with a face, ${summary.noFace} without, ${summary.failed} failed\n`);
  return summary.failed === summary.frames ? 1 : 0;
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

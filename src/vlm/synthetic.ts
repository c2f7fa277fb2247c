/**
 * Synthetic dense estimate streams for exercising escalation without a camera or
 * models: a seeded (deterministic) session of a person working next to a robot —
 * calm work, concentration frowns while working, failed handovers followed by
 * frustration, short rare-expression bursts, stretches of low confidence. Used by
 * tests and by `bench/vlm.ts` to measure escalation rate and calls per minute when
 * no recorded sequence is at hand. Also a `FrameSource` that renders a small
 * flat-colour image per frame, so keyframe encoding runs for real.
 */
import { seededRandom } from '../core/random.ts';
import { FACE_EXPRESSIONS, type AffectEstimate, type FaceExpression } from '../contract/affect.ts';
import type { FusedEstimate, TaskContext } from '../estimator/types.ts';
import type { FrameSource } from './keyframes.ts';

/** One synthetic frame: the fused estimate plus the task context at that time. */
export interface SyntheticFrame {
  fused: FusedEstimate;
  context: TaskContext;
}

/** Session options. */
export interface SyntheticOptions {
  seed?: number;
  /** Session length, ms (default 60 000). */
  durationMs?: number;
  fps?: number;
  /** Epoch ms of the first frame (default 2026-01-01). */
  startMs?: number;
  humanId?: string;
  /** Mean time between handovers, ms (default 8000). */
  handoverEveryMs?: number;
  /** Probability a handover fails (default 0.15). */
  failureRate?: number;
}


const VA: Record<FaceExpression, [number, number]> = {
  neutral: [0, 0],
  happy: [0.7, 0.4],
  sad: [-0.6, -0.3],
  angry: [-0.6, 0.7],
  fearful: [-0.6, 0.6],
  disgusted: [-0.6, 0.3],
  surprised: [0.2, 0.8],
};

/**
 * Generates a deterministic synthetic session.
 *
 * @example
 * ```ts
 * for (const { fused, context } of syntheticSession({ seed: 1, durationMs: 10_000 })) esc.offer(fused, context);
 * ```
 */
export function syntheticSession(opts: SyntheticOptions = {}): SyntheticFrame[] {
  const r = seededRandom(opts.seed ?? 1);
  const fps = opts.fps ?? 15;
  const dt = 1000 / fps;
  const n = Math.floor((opts.durationMs ?? 60_000) / dt);
  const t0 = opts.startMs ?? Date.UTC(2026, 0, 1);
  const humanId = opts.humanId ?? 'h1';
  const every = opts.handoverEveryMs ?? 8000;
  const failRate = opts.failureRate ?? 0.15;
  const out: SyntheticFrame[] = [];
  let nextHandover = every * (0.5 + r());
  let frustration = 0.05;
  let workingUntil = 0;
  let frownUntil = 0;
  let burstUntil = -1;
  let burstLabel: FaceExpression = 'surprised';
  let burstStart = 0;
  let lowConfUntil = 0;
  const ctx: TaskContext = { consecutiveFailures: 0, retries: 0, waitingMs: 0, workingOnTask: false };
  for (let i = 0; i < n; i++) {
    const rel = i * dt;
    const t = t0 + rel;
    if (rel >= nextHandover) {
      const fail = r() < failRate;
      ctx.lastHandover = fail ? (r() < 0.5 ? 'drop' : 'timeout') : 'success';
      ctx.lastHandoverAt = t;
      ctx.consecutiveFailures = fail ? ctx.consecutiveFailures + 1 : 0;
      ctx.retries = fail ? ctx.retries + 1 : 0;
      ctx.waitingMs = 0;
      frustration = fail ? Math.min(1, frustration + 0.3) : Math.max(0, frustration - 0.1);
      nextHandover = rel + every * (0.5 + r());
    } else {
      ctx.waitingMs += dt;
    }
    if (rel > workingUntil && r() < 0.002) workingUntil = rel + 5000 + 10_000 * r();
    ctx.workingOnTask = rel < workingUntil;
    if (ctx.workingOnTask && rel > frownUntil && r() < 0.004) frownUntil = rel + 1500 + 2000 * r();
    if (rel > burstUntil && r() < 0.0015) {
      burstLabel = r() < 0.5 ? 'surprised' : r() < 0.5 ? 'fearful' : 'disgusted';
      burstStart = rel;
      burstUntil = rel + 250 + 250 * r();
    }
    if (rel > lowConfUntil && r() < 0.003) lowConfUntil = rel + 600 + 1200 * r();
    frustration = Math.max(0, frustration - 0.00015 * dt);
    const frowning = rel < frownUntil;
    const inBurst = rel < burstUntil;
    let label: FaceExpression = 'neutral';
    if (inBurst) label = burstLabel;
    else if (frowning || frustration > 0.4) label = 'angry';
    else if (ctx.lastHandover === 'success' && t - (ctx.lastHandoverAt ?? 0) < 1500) label = 'happy';
    const conf = rel < lowConfUntil ? 0.25 + 0.15 * r() : 0.6 + 0.35 * r();
    const probs = new Float32Array(7);
    const li = FACE_EXPRESSIONS.indexOf(label);
    for (let k = 0; k < 7; k++) probs[k] = k === li ? conf : (1 - conf) / 6;
    const [v, a] = VA[label];
    const brow = frowning || label === 'angry' ? 0.6 : 0.1;
    const concentration = frowning && ctx.workingOnTask;
    const estimate: AffectEstimate = {
      humanId,
      expression: concentration ? 'focused' : label,
      valence: clamp(v + 0.05 * (r() - 0.5)),
      arousal: clamp(a + 0.05 * (r() - 0.5)),
      confidence: conf,
      frustration: Math.round(frustration * 1000) / 1000,
      source: 'local',
      maxAgeMs: 1000,
      observedAt: new Date(t).toISOString(),
      cues: { furrowedBrow: brow, workingOnTask: ctx.workingOnTask },
    };
    const fused: FusedEstimate = {
      t,
      index: i,
      frameId: `synthetic:${i}:${label}`,
      label,
      probabilities: probs,
      valence: estimate.valence,
      arousal: estimate.arousal,
      confidence: conf,
      frustration: estimate.frustration,
      concentration,
      estimate,
    };
    if (!inBurst && burstUntil > 0 && rel - dt < burstUntil && rel >= burstUntil) {
      fused.burst = { expression: burstLabel, durationMs: Math.round(burstUntil - burstStart) };
    }
    out.push({ fused, context: { ...ctx } });
  }
  return out;
}

function clamp(x: number): number {
  return x < -1 ? -1 : x > 1 ? 1 : x;
}

const COLOURS: Record<string, [number, number, number]> = {
  neutral: [128, 128, 128],
  happy: [240, 200, 60],
  sad: [60, 80, 200],
  angry: [200, 40, 40],
  fearful: [120, 40, 160],
  disgusted: [60, 140, 60],
  surprised: [240, 120, 200],
};

/**
 * Renders `synthetic:<index>:<label>` frame ids as small flat-colour RGB images.
 *
 * @example
 * ```ts
 * const frames = syntheticFrameSource(); // pass as EscalatorOptions.frames
 * ```
 */
export function syntheticFrameSource(size = 96): FrameSource {
  return {
    async load(frameId) {
      const label = frameId.split(':')[2] ?? 'neutral';
      const [cr, cg, cb] = COLOURS[label] ?? [0, 0, 0];
      const raw = Buffer.alloc(size * size * 3);
      for (let p = 0; p < size * size; p++) {
        // a darker "face" disc in the middle so images are not trivially flat
        const x = (p % size) - size / 2;
        const y = Math.floor(p / size) - size / 2;
        const k = x * x + y * y < (size * size) / 9 ? 0.6 : 1;
        raw[p * 3] = cr * k;
        raw[p * 3 + 1] = cg * k;
        raw[p * 3 + 2] = cb * k;
      }
      return { raw, width: size, height: size, channels: 3 };
    },
  };
}

/**
 * Dense temporal fusion + context fusion of per-frame expression probabilities into
 * the wire `AffectEstimate`. Pure: no images, no ONNX, no clock — the caller passes
 * the frame time — so the handover simulator can feed synthetic class probabilities
 * and get exactly what the on-robot estimator would publish.
 *
 * Design notes
 * - Temporal smoothing is an adaptive two-rate filter (in the spirit of the 1€
 *   filter): a fast EMA (τ≈100 ms) and a slow EMA (τ≈400 ms) of the probabilities;
 *   the output blends toward the fast one as their total-variation distance grows, so
 *   noise is damped but a real 0.25–0.5 s burst shows through instead of being
 *   averaged away. Time constants are in ms (dt-aware), so irregular frame rates work.
 * - Bursts: a run of consecutive frames whose own (dense, unsmoothed) arg-max differs
 *   from the slow baseline's arg-max at the run's start; when the run ends and lasted
 *   within [burstMinMs, burstMaxMs] (default 250–500 ms) the frame carries
 *   `burst = {expression, durationMs}` (also in `estimate.cues`). Single-frame
 *   glitches are too short and sustained changes too long to be flagged.
 * - Valence/arousal: per-class circumplex coordinates (see {@link VA_COORDINATES})
 *   weighted by each class's probability above chance, `e_i = max(0, p_i − 1/7)/(6/7)`:
 *   `valence = Σ e_i·v_i`, `arousal = Σ e_i·a_i`. A one-hot distribution maps to its
 *   class's coordinates, a uniform (uncertain) one to (0, 0) — calibrated
 *   probabilities are soft (T≈4), and an uncertain face must not read as aroused.
 * - Frowning evidence `furrowedBrow = e(angry)+e(disgusted)+0.6·e(sad)+0.3·e(fearful)`
 *   (same above-chance weights, clamped to 1).
 * - Frustration is a leaky integrator of negative, aroused evidence, so it needs
 *   persistence: it rises with τ_rise (1.5 s) toward a target and decays with τ_decay
 *   (6 s). Context rules (documented in {@link CONTEXT_RULES}) scale the target:
 *   • C1 concentration: working on own task, no failed handover, waiting < waitMs →
 *     a frown is concentration: evidence ×0.2, wire label `focused`.
 *   • C2 frustration: ≥ 2 consecutive failed handovers and waiting ≥ waitMs → a
 *     frown is frustration: evidence ×1.6 plus a 0.2 prior; wire label `frustrated`
 *     once frustration ≥ 0.5. C2 wins over C1.
 *   • C3 a failed handover in the last 10 s: evidence ×1.25.
 *   • C4 each retry of the current handover: evidence ×(1+0.1·retries) (max ×1.5).
 *   • C5 context prior without a face: 0.1·min(failures,3)/3 + 0.1·min(wait/20 s,1).
 * - Confidence = smoothed max probability × face quality (detector score; a fallback
 *   whole-image crop counts 0.7). With no face for `noFaceUnknownMs` the wire label
 *   is `unknown` and confidence 0 (stale is unknown).
 * - Bad input (wrong length, NaN, negative, all-zero) never throws: the frame is
 *   treated as "no face", counted in `stats.rejected`, the last good state is kept.
 */
import type { AffectEstimate, ExpressionLabel, FaceExpression } from '../contract/affect.ts';
import { FACE_EXPRESSIONS } from '../contract/affect.ts';
import type { FusedEstimate, TaskContext } from './types.ts';

const K = FACE_EXPRESSIONS.length;
const I_NEUTRAL = 0;
const I_SAD = 2;
const I_ANGRY = 3;
const I_DISGUSTED = 5;

/**
 * Circumplex (valence, arousal) coordinate of each face class, FACE_EXPRESSIONS
 * order, after Russell (1980) / common FER-to-VA mappings.
 *
 * @example
 * ```ts
 * VA_COORDINATES[1]; // happy: [0.8, 0.5]
 * ```
 */
export const VA_COORDINATES: ReadonlyArray<readonly [number, number]> = [
  [0, 0], // neutral
  [0.8, 0.5], // happy
  [-0.7, -0.4], // sad
  [-0.6, 0.7], // angry
  [-0.6, 0.8], // fearful
  [-0.7, 0.3], // disgusted
  [0.2, 0.8], // surprised
];

/**
 * The documented context rules, as data (id → description), for docs and the VLM
 * request summary.
 *
 * @example
 * ```ts
 * console.log(CONTEXT_RULES.C1);
 * ```
 */
export const CONTEXT_RULES = {
  C1: 'working on own task, no failed handover, short wait: a frown is concentration (evidence ×0.2, label focused)',
  C2: '≥2 consecutive failed handovers and a wait ≥ waitMs: a frown is frustration (evidence ×1.6 + 0.2, label frustrated when ≥0.5)',
  C3: 'a handover failed in the last 10 s: evidence ×1.25',
  C4: 'retries of the current handover: evidence ×(1+0.1·retries), at most ×1.5',
  C5: 'context prior: 0.1·min(failures,3)/3 + 0.1·min(waitingMs/20000,1)',
} as const;

/** Options of {@link createAffectFuser} (all optional). */
export interface AffectFuserOptions {
  /** Person id on the wire (default `h1`). */
  humanId?: string;
  /** `maxAgeMs` written into each estimate (default 1000). */
  maxAgeMs?: number;
  /** Fast EMA time constant, ms (default 100). */
  fastTauMs?: number;
  /** Slow EMA time constant, ms (default 400). */
  slowTauMs?: number;
  /** Shortest burst flagged, ms (default 250). */
  burstMinMs?: number;
  /** Longest burst flagged, ms (default 500). */
  burstMaxMs?: number;
  /** Frustration rise time constant, ms (default 1500). */
  frustrationRiseMs?: number;
  /** Frustration decay time constant, ms (default 6000). */
  frustrationDecayMs?: number;
  /** Waiting time that counts as "a wait" for rules C1/C2, ms (default 3000). */
  waitMs?: number;
  /** Without a face for this long the label becomes `unknown` (default 1000 ms). */
  noFaceUnknownMs?: number;
}

/** One per-frame input to the fuser. */
export interface FuserObservation {
  /** Frame time, epoch ms (must not go backwards; a backwards frame is rejected). */
  t: number;
  /** Class probabilities in FACE_EXPRESSIONS order (calibrated), or null without a face. */
  probabilities: ArrayLike<number> | null;
  /** Frame index (default: running count). */
  index?: number;
  /** Frame id for errors and keyframes (default `frame-<index>`). */
  frameId?: string;
  /** Face detector score 0..1 (default 1). */
  faceScore?: number;
  /** The face came from the whole-image fallback crop (quality ×0.7). */
  fallbackCrop?: boolean;
}

/** Counters of a fuser. */
export interface FuserStats {
  frames: number;
  rejected: number;
  bursts: number;
  lastError: string | null;
}

/** A stateful fuser for one person. */
export interface AffectFuser {
  /** Fuses one frame with the current task context. Never throws on bad frames. */
  push(obs: FuserObservation, ctx: TaskContext): FusedEstimate;
  /** Forgets all state (new person / new episode). */
  reset(): void;
  /** Counters (frames, rejected, bursts, last error). */
  readonly stats: Readonly<FuserStats>;
}

/**
 * A neutral task context (no failures, no wait, not working).
 *
 * @example
 * ```ts
 * fuser.push({ t: 0, probabilities: p }, NEUTRAL_CONTEXT);
 * ```
 */
export const NEUTRAL_CONTEXT: Readonly<TaskContext> = Object.freeze({ consecutiveFailures: 0, retries: 0, waitingMs: 0, workingOnTask: false });

/**
 * Valence and arousal of a probability vector (expectation of {@link VA_COORDINATES}).
 *
 * @example
 * ```ts
 * valenceArousal([0, 1, 0, 0, 0, 0, 0]); // { valence: 0.8, arousal: 0.5 }
 * ```
 */
export function valenceArousal(p: ArrayLike<number>): { valence: number; arousal: number } {
  const strength = excessOverChance(p, EXCESS);
  let v = 0;
  let a = 0;
  if (strength > 0) {
    for (let i = 0; i < K; i++) {
      const c = VA_COORDINATES[i]!;
      v += EXCESS[i]! * c[0];
      a += EXCESS[i]! * c[1];
    }
  }
  return { valence: clamp(v, -1, 1), arousal: clamp(a, -1, 1) };
}

const EXCESS = new Float64Array(K);
const FURROW_WEIGHTS = [0, 0, 0.6, 1, 0.3, 1, 0];

/**
 * Writes into `out` each class's probability above chance (1/K), scaled so that the
 * sum equals the "strength" of the evidence: 0 for a uniform (uncertain)
 * distribution, 1 for a one-hot one; returns the strength.
 */
function excessOverChance(p: ArrayLike<number>, out: Float64Array): number {
  const chance = 1 / K;
  let sum = 0;
  for (let i = 0; i < K; i++) {
    const e = Math.max(0, (p[i] ?? 0) - chance);
    out[i] = e;
    sum += e;
  }
  // each excess weight q_i = e_i / sum, times strength = sum / (1 - chance)
  const k = 1 / (1 - chance);
  for (let i = 0; i < K; i++) out[i] = out[i]! * k;
  return sum * k;
}

/**
 * Frown (furrowed brow) evidence of a probability vector, 0..1.
 *
 * @example
 * ```ts
 * furrowedBrow([0, 0, 0, 1, 0, 0, 0]); // 1 (angry)
 * ```
 */
export function furrowedBrow(p: ArrayLike<number>): number {
  excessOverChance(p, EXCESS);
  let f = 0;
  for (let i = 0; i < K; i++) f += EXCESS[i]! * FURROW_WEIGHTS[i]!;
  return clamp(f, 0, 1);
}

/**
 * Creates a dense temporal + context fuser for one person.
 *
 * @example
 * ```ts
 * const fuser = createAffectFuser({ humanId: 'h1' });
 * const angry = [0.05, 0, 0.05, 0.8, 0, 0.1, 0];
 * const ctx = { consecutiveFailures: 2, retries: 1, waitingMs: 6000, workingOnTask: false };
 * let out;
 * for (let t = 0; t < 3000; t += 33) out = fuser.push({ t, probabilities: angry }, ctx);
 * out.estimate.expression; // 'frustrated'
 * ```
 */
export function createAffectFuser(options: AffectFuserOptions = {}): AffectFuser {
  const humanId = options.humanId ?? 'h1';
  const maxAgeMs = Math.round(options.maxAgeMs ?? 1000);
  const fastTau = options.fastTauMs ?? 100;
  const slowTau = options.slowTauMs ?? 400;
  const burstMin = options.burstMinMs ?? 250;
  const burstMax = options.burstMaxMs ?? 500;
  const riseTau = options.frustrationRiseMs ?? 1500;
  const decayTau = options.frustrationDecayMs ?? 6000;
  const waitMs = options.waitMs ?? 3000;
  const noFaceUnknownMs = options.noFaceUnknownMs ?? 1000;
  for (const [name, v] of Object.entries({ fastTau, slowTau, burstMin, burstMax, riseTau, decayTau, waitMs, noFaceUnknownMs, maxAgeMs })) {
    if (!Number.isFinite(v) || v < 0) throw new RangeError(`createAffectFuser: option ${name} must be a finite number ≥ 0, got ${v}`);
  }
  if (burstMin > burstMax) throw new RangeError(`createAffectFuser: burstMinMs (${burstMin}) must be ≤ burstMaxMs (${burstMax})`);

  const fast = new Float64Array(K);
  const slow = new Float64Array(K);
  const input = new Float64Array(K);
  const stats: FuserStats = { frames: 0, rejected: 0, bursts: 0, lastError: null };
  let initialised = false;
  let lastT = Number.NEGATIVE_INFINITY;
  let lastFaceT = Number.NEGATIVE_INFINITY;
  let frustration = 0;
  let quality = 0;
  // current run of the fast arg-max that departs from the slow baseline
  let runClass = -1;
  let runStart = 0;

  function reset(): void {
    fast.fill(0);
    slow.fill(0);
    initialised = false;
    lastT = Number.NEGATIVE_INFINITY;
    lastFaceT = Number.NEGATIVE_INFINITY;
    frustration = 0;
    quality = 0;
    runClass = -1;
    stats.frames = 0;
    stats.rejected = 0;
    stats.bursts = 0;
    stats.lastError = null;
  }

  /** Copies+normalises obs probabilities into `input`; returns an error text or null. */
  function readInput(p: ArrayLike<number>): string | null {
    if (p.length !== K) return `probabilities must have ${K} entries (FACE_EXPRESSIONS order), got ${p.length}`;
    let sum = 0;
    for (let i = 0; i < K; i++) {
      const x = p[i]!;
      if (!Number.isFinite(x) || x < 0) return `probabilities[${i}] (${FACE_EXPRESSIONS[i]}) must be a finite number ≥ 0, got ${x}`;
      input[i] = x;
      sum += x;
    }
    if (!(sum > 0)) return 'probabilities sum to 0';
    for (let i = 0; i < K; i++) input[i]! /= sum;
    return null;
  }

  function push(obs: FuserObservation, ctx: TaskContext): FusedEstimate {
    const index = obs.index ?? stats.frames;
    stats.frames++;
    const frameId = obs.frameId ?? `frame-${index}`;
    let t = obs.t;
    let hasFace = obs.probabilities != null;
    if (!Number.isFinite(t)) {
      stats.rejected++;
      stats.lastError = `${frameId}: frame time must be finite, got ${t}`;
      t = Number.isFinite(lastT) ? lastT : 0;
      hasFace = false;
    } else if (t < lastT) {
      stats.rejected++;
      stats.lastError = `${frameId}: frame time ${t} is before the previous frame ${lastT}; frame ignored`;
      t = lastT;
      hasFace = false;
    }
    if (hasFace) {
      const err = readInput(obs.probabilities!);
      if (err !== null) {
        stats.rejected++;
        stats.lastError = `${frameId}: ${err}; frame treated as no face`;
        hasFace = false;
      }
    }
    const dt = Number.isFinite(lastT) ? t - lastT : 0;
    lastT = t;

    let burst: FusedEstimate['burst'];
    if (hasFace) {
      let q = obs.faceScore ?? 1;
      q = Number.isFinite(q) ? clamp(q, 0, 1) : 1;
      if (obs.fallbackCrop) q *= 0.7;
      const baseline = initialised ? argmax(slow) : -1;
      if (!initialised) {
        fast.set(input);
        slow.set(input);
        quality = q;
        initialised = true;
      } else {
        const af = dt > 0 ? 1 - Math.exp(-dt / fastTau) : 0;
        const as = dt > 0 ? 1 - Math.exp(-dt / slowTau) : 0;
        for (let i = 0; i < K; i++) {
          fast[i]! += af * (input[i]! - fast[i]!);
          slow[i]! += as * (input[i]! - slow[i]!);
        }
        quality += af * (q - quality);
      }
      lastFaceT = t;
      // burst tracking on the dense per-frame arg-max vs the slow baseline as it was
      // before this frame (a flat baseline can flip within one frame)
      const ia = argmax(input);
      if (runClass >= 0 && ia !== runClass) {
        const dur = t - runStart;
        if (dur >= burstMin && dur <= burstMax) {
          burst = { expression: FACE_EXPRESSIONS[runClass]!, durationMs: Math.round(dur) };
          stats.bursts++;
        }
        runClass = -1;
      }
      if (runClass < 0 && baseline >= 0 && ia !== baseline) {
        runClass = ia;
        runStart = t;
      }
    } else if (runClass >= 0) {
      runClass = -1; // a burst cannot be confirmed across a face loss
    }

    // adaptive blend of fast and slow
    const out = new Float32Array(K);
    let tv = 0;
    for (let i = 0; i < K; i++) tv += Math.abs(fast[i]! - slow[i]!);
    tv *= 0.5;
    const w = clamp((tv - 0.15) / 0.3, 0, 1);
    let sum = 0;
    for (let i = 0; i < K; i++) {
      const x = initialised ? w * fast[i]! + (1 - w) * slow[i]! : i === I_NEUTRAL ? 1 : 0;
      out[i] = x;
      sum += x;
    }
    for (let i = 0; i < K; i++) out[i]! /= sum;

    const faceFresh = initialised && t - lastFaceT <= noFaceUnknownMs;
    const top = argmax(out);
    const { valence, arousal } = valenceArousal(out);
    const furrow = furrowedBrow(out);

    // ---- context fusion ----
    const failures = Math.max(0, ctx.consecutiveFailures | 0);
    const waiting = Math.max(0, Number.isFinite(ctx.waitingMs) ? ctx.waitingMs : 0);
    const frustrationContext = failures >= 2 && waiting >= waitMs; // C2
    const concentration = !frustrationContext && ctx.workingOnTask && failures === 0 && waiting < waitMs && furrow >= 0.3; // C1
    let evidence = faceFresh ? furrow * (0.6 + 0.4 * Math.max(0, arousal)) : 0;
    if (concentration) evidence *= 0.2;
    if (frustrationContext) evidence = evidence * 1.6 + (faceFresh && furrow >= 0.3 ? 0.2 : 0);
    const recentFailure =
      ctx.lastHandover !== undefined && ctx.lastHandover !== 'success' && ctx.lastHandover !== 'cancelled' && ctx.lastHandoverAt !== undefined && t - ctx.lastHandoverAt <= 10_000;
    if (recentFailure) evidence *= 1.25; // C3
    evidence *= Math.min(1.5, 1 + 0.1 * Math.max(0, ctx.retries | 0)); // C4
    const prior = (0.1 * Math.min(failures, 3)) / 3 + 0.1 * Math.min(waiting / 20_000, 1); // C5
    const target = clamp(evidence + prior, 0, 1);
    if (dt > 0) frustration += (target - frustration) * (1 - Math.exp(-dt / (target > frustration ? riseTau : decayTau)));
    else if (stats.frames === 1) frustration = Math.min(target, 0.05);
    frustration = clamp(frustration, 0, 1);

    // ---- wire label and confidence ----
    let expression: ExpressionLabel;
    let confidence: number;
    const negativeTop = top === I_ANGRY || top === I_DISGUSTED || top === I_SAD;
    if (!faceFresh) {
      expression = 'unknown';
      confidence = 0;
    } else if (frustrationContext && frustration >= 0.5) {
      expression = 'frustrated';
      confidence = clamp(quality * Math.max(furrow, frustration), 0, 1);
    } else if (concentration && negativeTop) {
      expression = 'focused';
      confidence = clamp(quality * furrow, 0, 1);
    } else {
      expression = FACE_EXPRESSIONS[top]!;
      confidence = clamp(quality * out[top]!, 0, 1);
    }

    const probs: number[] = new Array(K);
    for (let i = 0; i < K; i++) probs[i] = round4(out[i]!);
    const estimate: AffectEstimate = {
      humanId,
      expression,
      valence: round4(valence),
      arousal: round4(arousal),
      confidence: round4(confidence),
      frustration: round4(frustration),
      source: 'local',
      maxAgeMs,
      observedAt: new Date(t).toISOString(),
      cues: {
        ...(faceFresh ? { probabilities: probs, furrowedBrow: round4(furrow) } : {}),
        workingOnTask: ctx.workingOnTask,
        ...(burst ? { burst: { expression: burst.expression, durationMs: Math.min(5000, burst.durationMs) } } : {}),
      },
    };
    const result: FusedEstimate = {
      t,
      index,
      frameId,
      label: FACE_EXPRESSIONS[top]! as FaceExpression,
      probabilities: out,
      valence,
      arousal,
      confidence,
      frustration,
      concentration,
      estimate,
    };
    if (burst) result.burst = burst;
    return result;
  }

  return { push, reset, stats };
}

function argmax(a: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < a.length; i++) if (a[i]! > a[best]!) best = i;
  return best;
}

function clamp(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x;
}

function round4(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}

/**
 * Text summary of the dense per-frame estimates around an ambiguous moment, and of
 * the task context. A VLM sees only a few sparse keyframes, so it misses short
 * (0.25–0.5 s) micro-expressions and the shape of the trajectory (Agarwal et al.
 * 2026); the on-robot estimator saw every frame, so we hand that to the model as text:
 * label segments, the valence/arousal trajectory on a fixed grid, and flagged bursts.
 *
 * All times are relative to the moment (t = 0) and numbers are rounded, so the same
 * scene gives the same text (stable prompts, cache hits) and no absolute clock leaks.
 */
import type { FusedEstimate, TaskContext } from '../estimator/types.ts';
import type { TriggerKind } from './types.ts';

/** Summary options. */
export interface SummaryOptions {
  /** Grid step of the valence/arousal trajectory, ms (default 250). */
  gridMs?: number;
  /** Shortest / longest label segment flagged as a burst, ms (default 250 / 500). */
  burstMinMs?: number;
  burstMaxMs?: number;
}

/** A run of equal labels in the dense sequence. */
export interface LabelSegment {
  label: string;
  startMs: number;
  endMs: number;
  meanConfidence: number;
}

/**
 * Splits a dense sequence into label runs (times relative to `momentT`).
 *
 * @example
 * ```ts
 * labelSegments(frames, frames.at(-1)!.t); // [{ label: 'neutral', startMs: -1500, endMs: -900, … }, …]
 * ```
 */
export function labelSegments(frames: readonly FusedEstimate[], momentT: number): LabelSegment[] {
  const out: LabelSegment[] = [];
  let i = 0;
  while (i < frames.length) {
    const label = frames[i]!.label;
    let j = i;
    let conf = 0;
    while (j < frames.length && frames[j]!.label === label) conf += frames[j++]!.confidence;
    // A segment lasts until the next one starts (or, for the last, one frame period).
    const end = j < frames.length ? frames[j]!.t : frames[j - 1]!.t + framePeriod(frames);
    out.push({ label, startMs: frames[i]!.t - momentT, endMs: end - momentT, meanConfidence: conf / (j - i) });
    i = j;
  }
  return out;
}

function framePeriod(frames: readonly FusedEstimate[]): number {
  if (frames.length < 2) return 33;
  return (frames[frames.length - 1]!.t - frames[0]!.t) / (frames.length - 1);
}

const s2 = (ms: number): string => (ms / 1000).toFixed(2);
const n2 = (x: number): string => (Math.round(x * 100) / 100).toFixed(2);

/**
 * Summarises the dense estimates as text for the VLM.
 *
 * @example
 * ```ts
 * const text = summariseTrajectory(window, moment);
 * // "Dense on-robot estimates: 45 frames over 1.50 s (30.0 fps) …"
 * ```
 */
export function summariseTrajectory(frames: readonly FusedEstimate[], moment: FusedEstimate, opts: SummaryOptions = {}): string {
  if (frames.length === 0) return 'Dense on-robot estimates: none (no frames in the window).';
  const grid = opts.gridMs ?? 250;
  const bMin = opts.burstMinMs ?? 250;
  const bMax = opts.burstMaxMs ?? 500;
  const first = frames[0]!;
  const last = frames[frames.length - 1]!;
  const span = last.t - first.t;
  const fps = span > 0 ? ((frames.length - 1) * 1000) / span : 0;
  const lines: string[] = [];
  lines.push(
    `Dense on-robot estimates (face model + temporal fusion, every frame): ${frames.length} frames over ${s2(span)} s (${fps.toFixed(1)} fps); times are relative to the ambiguous moment (t=0).`,
  );
  const segs = labelSegments(frames, moment.t);
  lines.push(
    'Label segments: ' + segs.map((s) => `${s2(s.startMs)}..${s2(s.endMs)} s ${s.label} (conf ${n2(s.meanConfidence)})`).join('; ') + '.',
  );
  // Trajectory on a fixed grid (nearest frame at or before each grid point).
  const vs: string[] = [];
  const as: string[] = [];
  let k = 0;
  for (let g = first.t; g <= last.t + 1e-9; g += grid) {
    while (k + 1 < frames.length && frames[k + 1]!.t <= g) k++;
    vs.push(n2(frames[k]!.valence));
    as.push(n2(frames[k]!.arousal));
  }
  lines.push(`Valence every ${s2(grid)} s from ${s2(first.t - moment.t)} s: ${vs.join(', ')}.`);
  lines.push(`Arousal every ${s2(grid)} s from ${s2(first.t - moment.t)} s: ${as.join(', ')}.`);
  let fMax = 0;
  let concentration = 0;
  let furrowed = 0;
  for (const f of frames) {
    if (f.frustration > fMax) fMax = f.frustration;
    if (f.concentration) concentration++;
    if ((f.estimate.cues?.furrowedBrow ?? 0) >= 0.4) furrowed++;
  }
  lines.push(`Local frustration: ${n2(first.frustration)} at start, ${n2(last.frustration)} at end, max ${n2(fMax)}.`);
  // Bursts: flagged by the estimator, plus short label segments between longer ones.
  const bursts: string[] = [];
  for (const f of frames) {
    if (f.burst) bursts.push(`${f.burst.expression} for ${s2(f.burst.durationMs)} s ending at ${s2(f.t - moment.t)} s`);
  }
  for (let i = 1; i + 1 < segs.length; i++) {
    const d = segs[i]!.endMs - segs[i]!.startMs;
    if (d >= bMin && d <= bMax && segs[i]!.label !== 'neutral') {
      const desc = `${segs[i]!.label} for ${s2(d)} s ending at ${s2(segs[i]!.endMs)} s`;
      if (!bursts.some((b) => b.startsWith(segs[i]!.label))) bursts.push(desc);
    }
  }
  lines.push(
    bursts.length > 0
      ? `Short expression bursts (0.25–0.5 s; likely micro-expressions that sparse keyframes miss): ${bursts.join('; ')}.`
      : 'Short expression bursts (0.25–0.5 s): none detected.',
  );
  lines.push(
    `Furrowed brow on ${Math.round((100 * furrowed) / frames.length)}% of frames; estimator judged concentration (frown while working) on ${Math.round((100 * concentration) / frames.length)}% of frames.`,
  );
  lines.push(
    `Local estimate at t=0: ${moment.estimate.expression} (face label ${moment.label}), confidence ${n2(moment.confidence)}, valence ${n2(moment.valence)}, arousal ${n2(moment.arousal)}, frustration ${n2(moment.frustration)}.`,
  );
  return lines.join('\n');
}

const TRIGGER_TEXT: Record<TriggerKind, string> = {
  low_confidence: 'the on-robot estimate has low confidence',
  context_conflict: 'the face looks negative (furrowed brow) while the person is working: concentration or frustration?',
  rare_label: 'the on-robot estimate is a rare label, which the on-robot model often gets wrong',
  task_failure: 'a robot handover just failed',
};

/**
 * Summarises the task context (and why the moment was escalated) as text.
 *
 * @example
 * ```ts
 * summariseContext({ consecutiveFailures: 1, retries: 1, waitingMs: 4000, workingOnTask: true, lastHandover: 'drop', lastHandoverAt: t - 2000 }, t, ['task_failure']);
 * ```
 */
export function summariseContext(ctx: TaskContext, momentT: number, triggers: readonly TriggerKind[]): string {
  const parts: string[] = [];
  if (ctx.lastHandover) {
    const ago = ctx.lastHandoverAt !== undefined ? ` ${s2(momentT - ctx.lastHandoverAt)} s before t=0` : '';
    parts.push(`last robot-to-human handover: ${ctx.lastHandover.replace(/_/g, ' ')}${ago}`);
  } else {
    parts.push('no handover yet');
  }
  parts.push(`consecutive failed handovers: ${ctx.consecutiveFailures}`);
  parts.push(`retries of the current handover: ${ctx.retries}`);
  parts.push(`person has been waiting for the robot: ${s2(ctx.waitingMs)} s`);
  parts.push(`person is busy with a task of their own: ${ctx.workingOnTask ? 'yes' : 'no'}`);
  const why = triggers.length > 0 ? triggers.map((t) => TRIGGER_TEXT[t]).join('; ') : 'manual request';
  return `Task context (collaborative robot handing parts to this person): ${parts.join('; ')}.\nEscalated because: ${why}.`;
}

/**
 * Request composer: turns an ambiguous moment (the dense window of fused estimates,
 * the task context, the triggers) into a `VlmRequest` — fixed instruction, context
 * text, dense-trajectory summary and up to N downscaled keyframes — plus a scene key
 * for the cache. Async (image work), always run off the per-frame loop.
 *
 * The scene key hashes what identifies the *scene*, not the exact bytes: triggers,
 * coarse context (last result, failures, retries, waiting in 5 s steps, working), the label sequence with durations rounded to 0.25 s, mean
 * valence/arousal rounded to 0.1 and the keyframes' 8×8 average hashes. Repeating
 * the same situation (a person frowning at the same part for minutes) then costs
 * one call, not one per cooldown.
 */
import { createHash } from 'node:crypto';
import type { FusedEstimate, TaskContext } from '../estimator/types.ts';
import { encodeKeyframe, selectKeyframes, type EncodeOptions, type FrameSource } from './keyframes.ts';
import { labelSegments, summariseContext, summariseTrajectory } from './summary.ts';
import type { TriggerKind, VlmKeyframe, VlmRequest } from './types.ts';

/**
 * Prompt version; bump when the instruction changes (it is part of the scene key).
 *
 * @example
 * ```ts
 * log.info({ prompt: PROMPT_VERSION }, 'vlm request');
 * ```
 */
export const PROMPT_VERSION = 'affect-bt/vlm-prompt/1';

/**
 * The fixed instruction sent first.
 *
 * @example
 * ```ts
 * request.instruction === VLM_INSTRUCTION; // true for every composed request
 * ```
 */
export const VLM_INSTRUCTION = [
  'You assess the affective state of a person working next to a collaborative robot that hands them parts.',
  'You get: the task context, a text summary of an on-robot estimator that looked at EVERY camera frame, and a few keyframes.',
  'Use all three. The summary sees short expressions (0.25–0.5 s micro-expressions) that the sparse keyframes miss; trust its flagged bursts.',
  'A furrowed brow while the person works on their own task is usually concentration ("focused"), not frustration; frustration shows as impatience (waiting, drumming, sighing, gaze at the robot) or follows a failed handover.',
  'Do not default to common labels: rare states (fearful, disgusted, surprised, confused, bored) are valid answers when the evidence supports them.',
  'Answer with JSON only, matching the schema: label, valence (-1..1), arousal (-1..1), frustration (0..1), confidence (0..1), optional alternatives (up to 3 runner-up labels with probabilities) and a one-sentence rationale.',
  'If the evidence does not support any label, answer label "uncertain" with a low confidence.',
].join('\n');

/** Composer options. */
export interface ComposeOptions extends EncodeOptions {
  /** Max keyframes (default 3). */
  maxKeyframes?: number;
}

/** Inputs of one escalation. */
export interface ComposeInput {
  humanId: string;
  /** Dense fused estimates in time order; the last one at or before the moment. */
  window: readonly FusedEstimate[];
  moment: FusedEstimate;
  context: TaskContext;
  triggers: readonly TriggerKind[];
}

const IMAGE_TOKENS = 258;

/**
 * Builds the request (loads and encodes keyframes through `frames`; without a frame
 * source, text only).
 *
 * @example
 * ```ts
 * const req = await composeRequest({ humanId: 'h1', window, moment, context, triggers: ['low_confidence'] }, fileFrameSource());
 * req.keyframes.length; // ≤ 3
 * ```
 */
export async function composeRequest(input: ComposeInput, frames: FrameSource | null, opts: ComposeOptions = {}): Promise<VlmRequest> {
  const { window, moment } = input;
  const summary = summariseTrajectory(window, moment);
  const context = summariseContext(input.context, moment.t, input.triggers);
  const keyframes: VlmKeyframe[] = [];
  const hashes: string[] = [];
  if (frames) {
    let pos = window.lastIndexOf(moment);
    if (pos < 0) pos = window.length - 1;
    const idx = selectKeyframes(window, pos, opts.maxKeyframes ?? 3);
    const encoded = await Promise.all(idx.map((i) => encodeKeyframe(frames, window[i]!, moment.t, opts)));
    for (const e of encoded) {
      keyframes.push(e.keyframe);
      hashes.push(e.ahash);
    }
  }
  const segs = labelSegments(window, moment.t).map((s) => `${s.label}:${Math.round((s.endMs - s.startMs) / 250)}`);
  let v = 0;
  let a = 0;
  for (const f of window) {
    v += f.valence;
    a += f.arousal;
  }
  const n = Math.max(1, window.length);
  const c = input.context;
  const coarseContext = [c.lastHandover ?? null, c.consecutiveFailures, c.retries, Math.round(c.waitingMs / 5000), c.workingOnTask];
  const sceneKey = createHash('sha256')
    .update(JSON.stringify([PROMPT_VERSION, input.humanId, [...input.triggers].sort(), coarseContext, segs, Math.round((v / n) * 10), Math.round((a / n) * 10), hashes]))
    .digest('hex')
    .slice(0, 32);
  const textChars = VLM_INSTRUCTION.length + summary.length + context.length + keyframes.length * 60;
  return {
    humanId: input.humanId,
    about: { t: moment.t, index: moment.index, frameId: moment.frameId },
    triggers: [...input.triggers],
    instruction: VLM_INSTRUCTION,
    summary,
    context,
    keyframes,
    sceneKey,
    estimatedInputTokens: Math.ceil(textChars / 4) + IMAGE_TOKENS * keyframes.length,
  };
}

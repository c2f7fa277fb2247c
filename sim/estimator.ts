/**
 * The in-process estimator stand-in: the person's synthetic per-frame class
 * probabilities and the task context go through the real on-robot fusion
 * (`createAffectFuser`, src/estimator/fusion.ts) on every frame; the resulting
 * `AffectEstimate` is published to the blackboard at `affect/<humanId>` the way the
 * estimator publishes on MQTT: when something meaningful changed (label, a context
 * cue, frustration moved more than a deadband) or at a heartbeat before it would go
 * stale. Throttled publishing is what makes skip-ahead pay off: between publishes the
 * tree's view of the person does not change.
 *
 * With `contextFusion: false` the fuser gets a neutral task context (a face-only
 * estimator); the perceived cues still travel in `cues`, so a tree's own context rule
 * (DetectFrustration `useContext`) can still use them.
 *
 * A frame whose face is not visible (`faceVisible: false`, occlusion) reaches the fusion
 * as "no face", as the on-robot pipeline would report it.
 *
 * Context cues an upstream perception stack reports (finger drumming, sighing, gaze
 * away) are added to the estimate's `cues`; a sigh is a momentary event, so it is
 * held for `SIGH_HOLD_MS` (the time a listener would still count it).
 */
import { createAffectFuser, NEUTRAL_CONTEXT, type AffectFuser } from '../src/estimator/fusion.ts';
import type { AffectEstimate } from '../src/contract/affect.ts';
import type { TaskContext } from '../src/estimator/types.ts';
import type { EstimatorParams } from './params.ts';
import type { FrameCues } from './human.ts';

/**
 * How long a sigh stays in the cues after it was heard, ms.
 *
 * @example
 * ```ts
 * const sighing = now - lastSighAt <= SIGH_HOLD_MS;
 * ```
 */
export const SIGH_HOLD_MS = 3000;

/** An estimator the simulator can feed frame by frame. */
export interface SimEstimator {
  /** Fuses one frame; returns an estimate when it should be published now, else `null`. */
  observe(frame: Readonly<FrameCues>, ctx: Readonly<TaskContext>): AffectEstimate | null;
  /** Estimates published so far. */
  readonly published: number;
  /** Frames seen so far. */
  readonly frames: number;
}

/**
 * The default stand-in: real fusion + throttled publishing.
 *
 * @example
 * ```ts
 * const est = createSimEstimator(scenario.estimator, 'h1');
 * const e = est.observe(human.frame(), ctx);
 * if (e) blackboard.set(affectKey('h1'), e, { source: 'sim:estimator', timestamp: frame.t, maxAgeMs: e.maxAgeMs });
 * ```
 */
export function createSimEstimator(p: EstimatorParams, humanId: string): SimEstimator {
  const fuser: AffectFuser = createAffectFuser({ humanId, maxAgeMs: p.maxAgeMs });
  let lastPubT = -Infinity;
  let lastFrustration = NaN;
  let lastLabel = '';
  let lastCueBits = -1;
  let lastSighAt = -Infinity;
  let published = 0;
  let frames = 0;
  const obs = { t: 0, probabilities: null as ArrayLike<number> | null, index: 0, frameId: 'sim-camera' };
  return {
    get published() {
      return published;
    },
    get frames() {
      return frames;
    },
    observe(frame, ctx) {
      frames++;
      obs.t = frame.t;
      obs.index = frames;
      obs.probabilities = frame.faceVisible === false ? null : frame.probabilities;
      const fused = fuser.push(obs, p.contextFusion ? ctx : NEUTRAL_CONTEXT);
      if (frame.sighing) lastSighAt = frame.t;
      const sighing = frame.t - lastSighAt <= SIGH_HOLD_MS;
      const e = fused.estimate;
      const cueBits = (ctx.workingOnTask ? 1 : 0) | (frame.fingerDrumming ? 2 : 0) | (sighing ? 4 : 0) | (frame.gazeAway ? 8 : 0);
      const due =
        frame.t - lastPubT >= p.heartbeatMs ||
        e.expression !== lastLabel ||
        cueBits !== lastCueBits ||
        !(Math.abs(e.frustration - lastFrustration) <= p.deadband);
      if (!due) return null;
      lastPubT = frame.t;
      lastFrustration = e.frustration;
      lastLabel = e.expression;
      lastCueBits = cueBits;
      published++;
      const cues = e.cues ?? {};
      cues.workingOnTask = frame.workingOnTask;
      cues.fingerDrumming = frame.fingerDrumming;
      cues.sighing = sighing;
      cues.gazeAway = frame.gazeAway;
      e.cues = cues;
      return e;
    },
  };
}

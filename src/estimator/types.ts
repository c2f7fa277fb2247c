/**
 * Shapes that flow inside the on-robot estimator, between the per-frame pipeline,
 * the temporal/context fusion and the VLM escalation. The wire shape
 * (`AffectEstimate`) is in `src/contract/affect.ts`; these are the richer in-process
 * records the escalation policy and the request composer need.
 */
import type { FaceExpression, AffectEstimate } from '../contract/affect.ts';

/** A face box in source-image pixels. */
export interface FaceBox {
  x: number;
  y: number;
  width: number;
  height: number;
  /** Detector score 0..1 (a fallback whole-image crop has a lowered score). */
  score: number;
  /**
   * Five landmarks when the detector gives them (YuNet), image pixels
   * `[x, y] ×` right eye, left eye, nose tip, right and left mouth corner.
   */
  landmarks?: number[];
}

/** What the per-frame pipeline produces for one frame (before temporal fusion). */
export interface FrameObservation {
  /** Frame time, epoch ms. */
  t: number;
  /** Frame index in the stream. */
  index: number;
  /** Where the frame came from (file path or stream id), for errors and keyframes. */
  frameId: string;
  /** Main person's face, or `null` when none was found. */
  face: FaceBox | null;
  /** True when no face was detected and the whole image was classified as a tight crop. */
  fallbackCrop: boolean;
  /** Class probabilities in FACE_EXPRESSIONS order (calibrated), or `null` without a face. */
  probabilities: Float32Array | null;
}

/** Task context the estimator fuses (from controller `state` / simulator events). */
export interface TaskContext {
  /** Result of the last handover, if any. */
  lastHandover?: 'success' | 'drop' | 'timeout' | 'human_not_ready' | 'cancelled';
  /** When the last handover ended, epoch ms. */
  lastHandoverAt?: number;
  /** Consecutive failed handovers (0 after a success). */
  consecutiveFailures: number;
  /** Retries of the current handover. */
  retries: number;
  /** How long the person has been waiting for the robot, ms. */
  waitingMs: number;
  /** The person is busy with a task of their own. */
  workingOnTask: boolean;
}

/** One fused, per-frame estimate (dense trajectory element). */
export interface FusedEstimate {
  t: number;
  index: number;
  frameId: string;
  label: FaceExpression;
  probabilities: Float32Array;
  valence: number;
  arousal: number;
  confidence: number;
  frustration: number;
  /** A short (0.25–0.5 s) expression burst ended at this frame. */
  burst?: { expression: FaceExpression; durationMs: number };
  /** Context judged this a concentration frown, not frustration. */
  concentration: boolean;
  /** The wire estimate published for this frame. */
  estimate: AffectEstimate;
}

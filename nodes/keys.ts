/**
 * The blackboard keys the built-in nodes use, in one place, with their value shapes.
 * `buildTree` declares them (typed) on the blackboard, so a wrong-typed write from
 * anywhere fails loudly and keeps the last good value. docs/trees.md lists them too.
 *
 * Who writes what:
 *  - `affect/<humanId>` ({@link affectKey}): the MQTT bridge or the simulator, an
 *    `AffectEstimate`, timestamp = Date.parse(observedAt), maxAgeMs from the estimate.
 *  - `affect` (default port of PerceiveAffect): {@link NormalisedAffect}, same timestamp
 *    and maxAgeMs as the estimate, so it goes stale with it.
 *  - `frustrated` (DetectFrustration): boolean, stale together with the affect.
 *  - `pacing` (SlowHandover → Handover): {@link Pacing}.
 *  - `human/ready` (the bridge / simulator): boolean, the person is ready to take the object.
 *  - `task/lastFailure` (Handover, WaitForHumanReady): {@link FailureRecord}.
 *  - `task/handoversDone` (Handover): number of successful handovers.
 *  - `apology/last` (Apologise): {@link ApologyRecord}; `apology/count`: number.
 */
import type { KeySpec } from '../src/core/blackboard.ts';
import type { FailureKind } from '../src/core/controller.ts';
import type { AffectCues, ExpressionLabel } from '../src/contract/affect.ts';

export { affectKey } from '../src/contract/affect.ts';

/** Normalised affect of the person the tree serves (written by PerceiveAffect). */
export interface NormalisedAffect {
  humanId: string;
  expression: ExpressionLabel;
  valence: number;
  arousal: number;
  confidence: number;
  frustration: number;
  source: 'local' | 'vlm';
  /** Observation time, epoch ms. */
  observedAtMs: number;
  cues: AffectCues | undefined;
}

/** Pacing of the current / next handover (written by SlowHandover, read by Handover). */
export interface Pacing {
  /** In [minSpeedScale, 1]. */
  speedScale: number;
  /** Pause before the final approach, ms. */
  approachWaitMs: number;
  /** Why: `slow` (frustration) or `normal`. */
  reason: 'slow' | 'normal';
}

/** The last task failure (written by task nodes, read by Apologise and DetectFrustration). */
export interface FailureRecord {
  kind: FailureKind;
  /** Clock time of the failure, epoch ms. */
  at: number;
  /** Controller action id, when there was one. */
  actionId?: string;
}

/** An apology that was made. */
export interface ApologyRecord {
  at: number;
  text: string;
  tone: 'empathic' | 'neutral';
  failureKind: FailureKind;
  /** `at` of the failure it is about. */
  failureAt: number;
  actionId: string;
}

/**
 * Fixed key names.
 *
 * @example
 * ```ts
 * blackboard.get<FailureRecord>(KEYS.lastFailure); // 'task/lastFailure'
 * ```
 */
export const KEYS = {
  humanReady: 'human/ready',
  lastFailure: 'task/lastFailure',
  handoversDone: 'task/handoversDone',
  apologyLast: 'apology/last',
  apologyCount: 'apology/count',
} as const;

/**
 * Declarations of the fixed keys (the port-named ones are declared from their ports at build).
 *
 * @example
 * ```ts
 * for (const [k, spec] of Object.entries(KEY_SPECS)) blackboard.declare(k, spec);
 * ```
 */
export const KEY_SPECS: Readonly<Record<string, KeySpec>> = {
  [KEYS.humanReady]: { type: 'boolean', description: 'the person is ready to take the object (bridge / simulator)' },
  [KEYS.lastFailure]: { type: 'object', description: 'FailureRecord {kind, at, actionId} of the last task failure' },
  [KEYS.handoversDone]: { type: 'number', description: 'count of successful handovers' },
  [KEYS.apologyLast]: { type: 'object', description: 'ApologyRecord of the last apology' },
  [KEYS.apologyCount]: { type: 'number', description: 'number of apologies made' },
};

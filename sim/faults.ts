/**
 * Sensing faults of the estimator side, as scenario parameters: stretches in which the
 * face is lost or occluded (the classifier sees no face), and stalls in which the
 * estimator processes and publishes nothing (so the tree's estimate goes stale). Both
 * are alternating renewal processes with exponential gaps and lengths, evaluated at
 * camera frames from their own random streams, so they are the same for every tree
 * compared on a seed. Latency is applied by the episode runner (an estimate reaches
 * the blackboard `latencyMs` after the frame it describes, keeping the frame's time).
 */
import type { EstimatorParams } from './params.ts';
import type { Rng } from './rng.ts';

/** An on/off process: stretches `ratePerMin` times a minute, `meanDurationS` long on average. */
class Stretches {
  active = false;
  private nextAt: number;
  private endsAt = Infinity;
  constructor(
    private readonly rng: Rng,
    private readonly ratePerMin: number,
    private readonly meanMs: number,
    startMs: number,
  ) {
    this.nextAt = ratePerMin > 0 ? startMs + rng.exponential(60_000 / ratePerMin) : Infinity;
  }

  /** State at frame time `t` (toggles that are due happen here). */
  at(t: number): boolean {
    while (true) {
      if (!this.active && this.nextAt <= t) {
        this.active = true;
        this.endsAt = this.nextAt + Math.max(1, this.rng.exponential(this.meanMs));
      } else if (this.active && this.endsAt <= t) {
        this.active = false;
        this.nextAt = this.endsAt + this.rng.exponential(60_000 / this.ratePerMin);
      } else return this.active;
    }
  }
}

/** The estimator-side fault state at a frame. */
export interface SensingFaults {
  /** Is the face visible at frame time `t`? */
  faceVisible(t: number): boolean;
  /** Is the estimator stalled at frame time `t`? */
  stalled(t: number): boolean;
}

/**
 * Fault processes for one episode.
 *
 * @example
 * ```ts
 * const faults = createSensingFaults(scenario.estimator, rng.derive('sensing'), 0);
 * if (!faults.stalled(t)) { cues.faceVisible = faults.faceVisible(t); estimator.observe(cues, ctx); }
 * ```
 */
export function createSensingFaults(p: EstimatorParams, rng: Rng, startMs: number): SensingFaults {
  const occlusion = new Stretches(rng.derive('occlusion'), p.occlusion.ratePerMin, p.occlusion.meanDurationS * 1000, startMs);
  const stall = new Stretches(rng.derive('stall'), p.stall.ratePerMin, p.stall.meanDurationS * 1000, startMs);
  return {
    faceVisible: (t) => !occlusion.at(t),
    stalled: (t) => stall.at(t),
  };
}

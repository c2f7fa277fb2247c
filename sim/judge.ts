/**
 * How the simulated person judges an apology — the "judge" of the simulator, with
 * windows and thresholds drawn per person (`sim/person.ts`), never taken from a tree.
 *
 * An apology is
 * - `congruent` when it is about a failure the person noticed within their
 *   congruence window that was not apologised for yet, in a tone that fits them: a
 *   person who prefers adaptive apologies (31 of 40 in Hong et al. 2026) wants an
 *   empathic one when their felt frustration is at or above their tone threshold and a
 *   neutral one below it; the others accept either;
 * - `mistoned` when it is about such a failure but the tone does not fit (it still
 *   helps a little: an emotional apology helped more people than a plain one,
 *   RO-MAN 2022, so a plain one is not worthless);
 * - `repeat` when nothing failed since an apology less than the repeat window ago
 *   (apology spam);
 * - `incongruent` otherwise (about nothing recent, or too late to be about it).
 *
 * The judge also keeps what the metrics need: how many failures happened (each earlier
 * failure weakens a repair, Esterwood & Robert 2023) and whether an apology came when no
 * failure had happened since the previous one (an apology for a failure that did not
 * happen).
 */
import type { ApologyJudge } from './person.ts';

/** How an apology was judged by the person. */
export type ApologyJudgement = 'congruent' | 'mistoned' | 'incongruent' | 'repeat';

/** The verdict on one apology. */
export interface ApologyVerdict {
  judgement: ApologyJudgement;
  /** No failure the person noticed happened since the previous apology (or ever). */
  unwarranted: boolean;
  /** Failures noticed so far in the episode (≥ 1 when the apology is about one). */
  failuresSoFar: number;
}

/**
 * One person's running judgement of apologies.
 *
 * @example
 * ```ts
 * const judge = new ApologyJudgeState(person.judge);
 * judge.failure(1000);
 * judge.apology(2000, 'neutral', 0.1).judgement; // 'congruent' (below the tone threshold)
 * ```
 */
export class ApologyJudgeState {
  private lastFailureAt = -Infinity;
  private lastFailureApologised = true;
  private lastApologyAt = -Infinity;
  private failuresSinceApology = 0;
  private failures = 0;

  constructor(readonly p: ApologyJudge) {}

  /** The person noticed a failure at `t`. */
  failure(t: number): void {
    this.lastFailureAt = t;
    this.lastFailureApologised = false;
    this.failuresSinceApology++;
    this.failures++;
  }

  /** Failures noticed so far. */
  get failureCount(): number {
    return this.failures;
  }

  /** Judges an apology said at `t` in `tone` to a person whose felt frustration is `felt`. */
  apology(t: number, tone: 'empathic' | 'neutral' | undefined, felt: number): ApologyVerdict {
    const p = this.p;
    const unwarranted = this.failuresSinceApology === 0;
    const recent = !this.lastFailureApologised && t - this.lastFailureAt <= p.congruentWindowMs;
    let judgement: ApologyJudgement;
    if (!recent) judgement = unwarranted && t - this.lastApologyAt < p.repeatWindowMs ? 'repeat' : 'incongruent';
    else {
      const fits = !p.prefersAdaptive || (tone === 'empathic') === (felt >= p.toneThreshold);
      judgement = fits ? 'congruent' : 'mistoned';
      this.lastFailureApologised = true;
    }
    this.lastApologyAt = t;
    this.failuresSinceApology = 0;
    return { judgement, unwarranted, failuresSoFar: this.failures };
  }
}

/**
 * Trust model: reliability-dominated, Beta-style. Trust is the mean α/(α+β) of a Beta
 * distribution over "the robot will do this handover right" [Guo & Yang 2021]. A
 * success adds `successWeight` to α, a failure adds the larger `failureWeight` to β —
 * people weigh robot failures more heavily than successes [Desai et al. 2013], and in
 * Hong et al. 2026 trust fell after a failure whatever the apology. Apologies only
 * nudge: a congruent one (about a recent failure, fitting tone) adds a little to α, an
 * incongruent or repeated one adds a little to β.
 *
 * Documented property (tested): whenever trust ≥ 0.5 and failureWeight > successWeight,
 * a failure lowers trust by more than a success raises it. (Proof: the drop is
 * wf·α/(n(n+wf)), the rise ws·β/(n(n+ws)) with n = α+β; α ≥ β and wf > ws make the
 * first larger.)
 */
import type { TrustParams } from './params.ts';

/** How an apology was judged by the person. */
export type ApologyJudgement = 'congruent' | 'incongruent' | 'repeat';

/**
 * Beta-style trust of one person in the robot.
 *
 * @example
 * ```ts
 * const trust = new TrustModel({ priorSuccess: 3, priorFailure: 1, successWeight: 1, failureWeight: 2.5,
 *   congruentApologyWeight: 0.2, incongruentApologyWeight: 0.15, repeatApologyWeight: 0.3 });
 * trust.value;        // 0.75
 * trust.failure();    // drops more than trust.success() would raise it
 * ```
 */
export class TrustModel {
  private alpha: number;
  private beta: number;

  constructor(private readonly p: TrustParams) {
    this.alpha = p.priorSuccess;
    this.beta = p.priorFailure;
  }

  /** Current trust in [0, 1]. */
  get value(): number {
    return this.alpha / (this.alpha + this.beta);
  }

  /** Evidence counts (for plots and tests). */
  get evidence(): { alpha: number; beta: number } {
    return { alpha: this.alpha, beta: this.beta };
  }

  /** A successful handover. */
  success(): void {
    this.alpha += this.p.successWeight;
  }

  /** A failed handover (any kind). */
  failure(): void {
    this.beta += this.p.failureWeight;
  }

  /** An apology, as judged by the person. */
  apology(j: ApologyJudgement): void {
    if (j === 'congruent') this.alpha += this.p.congruentApologyWeight;
    else if (j === 'incongruent') this.beta += this.p.incongruentApologyWeight;
    else this.beta += this.p.repeatApologyWeight;
  }
}

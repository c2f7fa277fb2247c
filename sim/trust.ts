/**
 * Trust model: reliability-dominated Beta evidence per person, with inertia.
 *
 * Evidence (Guo & Yang 2021): trust in "the robot will do this handover right" is the
 * mean B = α/(α+β) of a Beta distribution whose prior α₀, β₀ (initial trust, prior
 * strength) and gains (evidence per success, per failure) are drawn per person. A
 * success adds the person's success weight to α; every failure the person notices (a
 * failed handover, a handover to the wrong place) adds the larger failure weight to β —
 * people weigh robot failures more heavily (Desai et al. 2013); a task that ends without
 * the part delivered adds `taskFailureWeight` more; delay (waiting beyond a nominal
 * handover) adds `delayWeightPerS` per second scaled by the person's impatience —
 * performance includes speed (Hancock et al. 2011).
 *
 * Apologies do not add trust of their own. A fitting apology *forgives* part of the
 * last failure's evidence (β shrinks, never below β₀): `repairShare` (< 1, so trust
 * still falls after a failure whatever the apology, Hong et al. 2026) × how well it
 * fitted × 0.5^(earlier failures) (repairs stop working after repeated violations,
 * Esterwood & Robert 2023) × exp(−gap/salience), applied when the robot next asks for
 * trust — it arrives at the person again — where the gap is the time from the apology
 * to that moment: repairs work when the robot asks to be trusted again, not right after
 * the mistake (Robinette et al. 2015; Nayyar & Wagner 2018). An apology about nothing
 * recent or repeated without a new failure adds a little to β.
 *
 * Inertia (Desai et al. 2013: "trust demonstrates inertia"): the trust the person feels
 * follows B with the person's time constant τ, T ← B + (T − B)·e^(−dt/τ), so trust has a
 * trajectory and the order of events matters: an early failure keeps trust low for
 * longer (its area under the curve is larger) than the same failure at the end, where
 * the final value has not yet absorbed it. Metrics report both the time-averaged trust
 * (area under the trust curve, Desai's measure) and the final value.
 *
 * Documented property (tested): whenever B ≥ 0.5 and the failure weight exceeds the
 * success weight, a failure lowers B by more than a success raises it (the drop is
 * wf·α/(n(n+wf)), the rise ws·β/(n(n+ws)), n = α+β).
 */
import type { TrustParams } from './params.ts';
import type { TrustTraits } from './person.ts';
import type { ApologyJudgement } from './judge.ts';

/**
 * Trust of one person in the robot.
 *
 * @example
 * ```ts
 * const trust = new TrustModel(scenario.trust, person.trust, person.judge.salienceMs, 0);
 * trust.failure(1000);
 * trust.advance(5000);
 * trust.value; // lower than at the start
 * ```
 */
export class TrustModel {
  private alpha: number;
  private beta: number;
  private readonly beta0: number;
  private felt: number;
  private t: number;
  private lastFailureWeight = 0;
  /** Repairs waiting for the next trust decision: [amount, apology time] pairs. */
  private pending: number[] = [];

  /**
   * @param salienceMs the person's apology salience (from their judge): a repair
   *   delivered this long before the next trust decision keeps 1/e of its effect.
   */
  constructor(
    private readonly p: TrustParams,
    private readonly person: TrustTraits,
    private readonly salienceMs: number,
    startMs: number,
  ) {
    this.alpha = person.initial * p.priorStrength;
    this.beta = (1 - person.initial) * p.priorStrength;
    this.beta0 = this.beta;
    this.felt = this.evidenceMean;
    this.t = startMs;
  }

  /** Trust the evidence supports now, B = α/(α+β). */
  get evidenceMean(): number {
    const n = this.alpha + this.beta;
    return n > 0 ? this.alpha / n : 0.5;
  }

  /** Trust the person feels now, in [0, 1] (follows the evidence with inertia). */
  get value(): number {
    return this.felt;
  }

  /** Evidence counts (for plots and tests). */
  get evidence(): { alpha: number; beta: number } {
    return { alpha: this.alpha, beta: this.beta };
  }

  /** Moves felt trust toward the evidence up to `toMs`. */
  advance(toMs: number): void {
    const dt = toMs - this.t;
    if (dt <= 0) return;
    const b = this.evidenceMean;
    this.felt = b + (this.felt - b) * Math.exp(-dt / this.person.inertiaMs);
    this.t = toMs;
  }

  /** A successful handover. */
  success(): void {
    this.alpha += this.person.successWeight;
  }

  /** A failure the person noticed (failed or wrongly placed handover). */
  failure(): void {
    this.beta += this.person.failureWeight;
    this.lastFailureWeight = this.person.failureWeight;
  }

  /** A task ended without the part delivered. */
  taskFailure(): void {
    this.beta += this.p.taskFailureWeight;
  }

  /** `seconds` of delay endured by a person of impatience `impatience` (0..2). */
  delay(seconds: number, impatience: number): void {
    if (seconds > 0) this.beta += this.p.delayWeightPerS * seconds * impatience;
  }

  /**
   * An apology judged `j` at `t`; `effect` in [0, 1] scales a repair (tone fit ×
   * repeated-violation decay). Repairs wait for the next trust decision.
   */
  apology(j: ApologyJudgement, effect: number, t: number): void {
    if (j === 'incongruent') this.beta += this.p.incongruentApologyWeight;
    else if (j === 'repeat') this.beta += this.p.repeatApologyWeight;
    else if (effect > 0) this.pending.push(this.p.repairShare * this.lastFailureWeight * effect, t);
  }

  /** The robot asks for trust again at `t` (arrives at the person): pending repairs apply. */
  decision(t: number): void {
    const q = this.pending;
    if (q.length === 0) return;
    for (let i = 0; i < q.length; i += 2) {
      const forgiven = q[i]! * Math.exp(-(t - q[i + 1]!) / this.salienceMs);
      this.beta = Math.max(this.beta0, this.beta - forgiven);
    }
    q.length = 0;
  }
}

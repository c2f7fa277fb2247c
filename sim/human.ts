/**
 * The simulated person: a latent affect state that evolves with task events, and the
 * noisy per-frame cues a camera + expression classifier would see.
 *
 * Latent state: felt `frustration` [0,1], `valence`, `arousal` [-1,1], `engagement`
 * [0,1], plus whether the person is concentrating on a side task. Frustration follows
 * dF/dt = −λF + r between camera frames (λ from the decay half-life, r from waiting
 * beyond a grace time and from pacing slower than the person tolerates), solved in
 * closed form over each frame interval; events (failed handovers
 * by kind, successes, apologies judged congruent / incongruent / repeated) jump it.
 *
 * Concentration on a side task makes the person frown and look away but never adds
 * felt frustration (and a concentrating person is not "waiting") — Hong et al. 2026's
 * "I'm not mad, just focused". The synthetic classifier reads the frown mostly as
 * `angry`, as a real 7-class classifier would.
 *
 * Individual differences (patience, expressiveness, tolerance of slowness, catch
 * skill) are drawn per episode from the scenario's trait distributions.
 *
 * Randomness comes from three named streams (traits, task/side-task timing, camera
 * noise), each frame consumes a fixed number of draws, so two trees compared on one
 * seed meet the same person.
 */
import type { FailureKind } from '../src/core/controller.ts';
import type { HumanParams } from './params.ts';
import type { Rng } from './rng.ts';
import type { ApologyJudgement } from './trust.ts';

/** Per-person traits drawn once per episode. */
export interface HumanTraits {
  patience: number;
  expressiveness: number;
  slownessTolerance: number;
  catchSkill: number;
}

/** What the person is exposed to between two updates (piecewise constant). */
export interface HumanExposure {
  /** The person is waiting for the robot (task active, robot not at the handover pose). */
  waiting: boolean;
  /** The robot is moving (fetch/approach/transfer) at this speed scale; `0` when still. */
  movingSpeed: number;
}

/** The cues of one camera frame (reused object: copy what you keep). */
export interface FrameCues {
  t: number;
  /** Class probabilities in FACE_EXPRESSIONS order. */
  probabilities: Float32Array;
  workingOnTask: boolean;
  fingerDrumming: boolean;
  sighing: boolean;
  gazeAway: boolean;
}

const ln2 = Math.LN2;
const clamp01 = (x: number) => (x < 0 ? 0 : x > 1 ? 1 : x);
const clampS = (x: number) => (x < -1 ? -1 : x > 1 ? 1 : x);

/**
 * Draws a person's traits from the scenario's distributions.
 *
 * @example
 * ```ts
 * const traits = drawTraits(scenario.human, new Rng('1').derive('traits'));
 * ```
 */
export function drawTraits(p: HumanParams, rng: Rng): HumanTraits {
  return {
    patience: rng.truncNormal(p.patience.mean, p.patience.sd, 0, 1),
    expressiveness: rng.truncNormal(p.expressiveness.mean, p.expressiveness.sd, 0, 1),
    slownessTolerance: rng.truncNormal(p.slownessTolerance.mean, p.slownessTolerance.sd, 0, 1),
    catchSkill: rng.truncNormal(p.catchSkill.mean, p.catchSkill.sd, 0, 1),
  };
}

/**
 * One simulated person.
 *
 * @example
 * ```ts
 * const h = new HumanModel(scenario.human, new Rng('1/impatient_novice/0'), 0);
 * h.advance(5000, { waiting: true, movingSpeed: 1 });
 * h.onHandover('drop', 5000);
 * const cues = h.frame(5000);
 * ```
 */
export class HumanModel {
  frustration = 0;
  valence = 0.2;
  arousal = -0.2;
  engagement = 0.9;
  concentrating = false;
  /** Transient joy after a success (decays with a 3 s half-life). */
  private joy = 0;
  /** Transient anxiety from a fast approach (novices). */
  private anxiety = 0;
  private t: number;
  private waitingSince = NaN;
  private nextSideTaskAt = Infinity;
  private sideTaskEndsAt = Infinity;
  private readonly lambda: number;
  private readonly cues: FrameCues;
  private readonly logits = new Float64Array(7);

  readonly traits: HumanTraits;
  private readonly taskRng: Rng;
  private readonly cameraRng: Rng;
  private readonly readyRng: Rng;

  /**
   * @param rng the episode's stream; the person derives `traits`, `task`, `camera` and
   *   `ready` streams from it. @param traits override the drawn traits (tests).
   */
  constructor(
    readonly p: HumanParams,
    rng: Rng,
    startMs: number,
    traits?: Partial<HumanTraits>,
  ) {
    this.traits = { ...drawTraits(p, rng.derive('traits')), ...traits };
    this.taskRng = rng.derive('task');
    this.cameraRng = rng.derive('camera');
    this.readyRng = rng.derive('ready');
    this.t = startMs;
    this.lambda = ln2 / (p.decayHalfLifeS * 1000);
    this.cues = { t: startMs, probabilities: new Float32Array(7), workingOnTask: false, fingerDrumming: false, sighing: false, gazeAway: false };
    if (p.sideTask.ratePerMin > 0) this.nextSideTaskAt = startMs + this.taskRng.exponential(60_000 / p.sideTask.ratePerMin);
    this.derive();
  }

  /** Current model time. */
  get now(): number {
    return this.t;
  }

  /** Next time the side-task state changes (start or end), for skip-ahead. */
  nextChangeAt(): number {
    return this.concentrating ? this.sideTaskEndsAt : this.nextSideTaskAt;
  }

  /** Rate of frustration growth (per ms) under an exposure, excluding the wait grace. */
  private slowRate(e: HumanExposure): number {
    if (this.concentrating || e.movingSpeed <= 0) return 0;
    const tolerated = 1 - this.traits.slownessTolerance;
    const gap = tolerated - e.movingSpeed;
    return gap > 0 ? (this.p.slowPacingRatePerS * gap) / 1000 : 0;
  }

  private waitRate(): number {
    return (this.p.waitRatePerS * (1 - this.traits.patience) * 2) / 1000;
  }

  private integrate(dt: number, r: number): void {
    if (dt <= 0) return;
    const decay = Math.exp(-this.lambda * dt);
    const eq = r / this.lambda;
    this.frustration = clamp01(eq + (this.frustration - eq) * decay);
    const fast = Math.exp((-ln2 * dt) / 3000);
    this.joy *= fast;
    this.anxiety *= fast;
  }

  /**
   * Moves the person forward to frame time `toMs` under the exposure seen at this
   * frame, then starts/ends a side task that is due. The person is a discrete-time
   * system at the camera frame rate: state changes only at frames and at task events,
   * so how often the planner ticks cannot change it (skip-ahead equivalence).
   */
  advance(toMs: number, e: HumanExposure): void {
    const dt = toMs - this.t;
    if (dt > 0) {
      const waiting = e.waiting && !this.concentrating;
      if (!waiting) this.waitingSince = NaN;
      else if (Number.isNaN(this.waitingSince)) this.waitingSince = this.t;
      let r = this.slowRate(e);
      if (waiting && toMs - this.waitingSince > this.p.waitGraceS * 1000) r += this.waitRate();
      this.integrate(dt, r);
      this.t = toMs;
    }
    if (this.nextChangeAt() <= this.t) this.toggleSideTask();
    if (e.movingSpeed > 0 && !this.concentrating) {
      const a = this.p.fastPacingArousal * (1 - this.traits.catchSkill) * e.movingSpeed;
      if (a > this.anxiety) this.anxiety = a;
    }
    this.derive();
  }

  private toggleSideTask(): void {
    const st = this.p.sideTask;
    if (this.concentrating) {
      this.concentrating = false;
      this.sideTaskEndsAt = Infinity;
      this.nextSideTaskAt = this.t + this.taskRng.exponential(60_000 / st.ratePerMin);
    } else {
      this.concentrating = true;
      this.waitingSince = NaN;
      this.sideTaskEndsAt = this.t + Math.max(500, this.taskRng.exponential(st.meanDurationS * 1000));
      this.nextSideTaskAt = Infinity;
    }
  }

  private derive(): void {
    const f = this.frustration;
    this.valence = clampS(0.2 + 0.5 * this.joy - 0.9 * f);
    this.arousal = clampS(-0.2 + 0.8 * f + this.anxiety + 0.2 * this.joy);
    this.engagement = this.concentrating ? 0.3 : clamp01(0.9 - 0.3 * f);
  }

  /** A handover ended (success or a failure kind). */
  onHandover(result: 'success' | FailureKind): void {
    if (result === 'success') {
      this.frustration = clamp01(this.frustration - this.p.successRelief);
      this.joy = 1;
    } else {
      const fi = this.p.failureImpact;
      const add = result === 'drop' ? fi.drop : result === 'timeout' ? fi.timeout : result === 'human_not_ready' ? fi.human_not_ready : fi.other;
      this.frustration = clamp01(this.frustration + add);
      this.joy = 0;
    }
    this.derive();
  }

  /** An apology, as judged by the person (see `judgeApology`). */
  onApology(j: ApologyJudgement): void {
    const a = this.p.apology;
    this.frustration = clamp01(this.frustration + (j === 'congruent' ? -a.congruentRelief : j === 'incongruent' ? a.incongruentCost : a.repeatCost));
    this.derive();
  }

  /**
   * Time at which a person becomes ready for a robot that arrived at `arrivalMs`:
   * at once unless concentrating; then after an exponential reorientation time (one
   * draw per call, so streams stay aligned).
   */
  readyAt(arrivalMs: number): number {
    const reorient = this.readyRng.exponential(this.p.sideTask.reorientS * 1000);
    return this.concentrating ? arrivalMs + reorient : arrivalMs;
  }

  /**
   * The cues of a camera frame at the current time: noisy 7-class probabilities (with
   * the frown → angry confusion) and context cues. Always consumes 7 normals and 4
   * uniforms. Returns a reused object.
   */
  frame(): Readonly<FrameCues> {
    const p = this.p;
    const ex = this.traits.expressiveness;
    const f = this.frustration;
    const frown = this.concentrating ? p.sideTask.frown * (0.5 + 0.5 * ex) : 0;
    const L = this.logits;
    const pos = this.valence > 0 ? this.valence : 0;
    L[0] = 1.5; // neutral
    L[1] = (2.5 * this.joy + 1.0 * pos) * ex; // happy
    L[2] = 0.8 * f * ex + 2.0 * frown * (1 - p.classifier.frownAsAngry); // sad
    L[3] = 5.0 * f * ex + 8.0 * frown * p.classifier.frownAsAngry; // angry
    L[4] = -1 + 1.5 * this.anxiety * ex; // fearful
    L[5] = 1.5 * f * ex + 4.0 * frown * (1 - p.classifier.frownAsAngry); // disgusted
    L[6] = -1; // surprised
    const noise = p.classifier.logitNoise;
    let max = -Infinity;
    for (let i = 0; i < 7; i++) {
      L[i] = L[i]! + noise * this.cameraRng.normal();
      if (L[i]! > max) max = L[i]!;
    }
    let sum = 0;
    for (let i = 0; i < 7; i++) {
      L[i] = Math.exp(L[i]! - max);
      sum += L[i]!;
    }
    const c = this.cues;
    for (let i = 0; i < 7; i++) c.probabilities[i] = L[i]! / sum;
    const rel = p.cues.cueReliability;
    const frameS = 1 / p.classifier.frameRateHz;
    c.t = this.t;
    c.workingOnTask = this.cameraRng.next() < rel && this.concentrating;
    c.gazeAway = this.cameraRng.next() < rel && this.concentrating;
    c.fingerDrumming = this.cameraRng.next() < rel && !this.concentrating && f > p.cues.drumThreshold;
    c.sighing = this.cameraRng.next() < p.cues.sighRatePerS * f * frameS;
    return c;
  }
}

/**
 * How a person judges an apology, given the failure it may be about.
 * Congruent: about a failure that happened within `congruentWindowS` and was not
 * apologised for yet, with a tone that fits the person (empathic when frustrated,
 * neutral otherwise). Repeat: no new failure to apologise for and within
 * `repeatWindowS` of the previous apology (spam). Otherwise incongruent.
 *
 * @example
 * ```ts
 * judgeApology({ now: 3000, lastFailureAt: 1000, lastFailureApologised: false, lastApologyAt: -Infinity,
 *   tone: 'empathic', frustrated: true }, scenario.human.apology); // 'congruent'
 * ```
 */
export function judgeApology(
  s: { now: number; lastFailureAt: number; lastFailureApologised: boolean; lastApologyAt: number; tone?: 'empathic' | 'neutral'; frustrated: boolean },
  a: HumanParams['apology'],
): ApologyJudgement {
  const recentFailure = s.now - s.lastFailureAt <= a.congruentWindowS * 1000 && !s.lastFailureApologised;
  if (!recentFailure && s.now - s.lastApologyAt < a.repeatWindowS * 1000) return 'repeat';
  const toneFits = (s.tone === 'empathic') === s.frustrated;
  return recentFailure && toneFits ? 'congruent' : 'incongruent';
}

/**
 * The simulated person: a latent affect state that evolves with task events, and the
 * noisy per-frame cues a camera + expression classifier would see.
 *
 * Latent state: felt `frustration` [0,1], `valence`, `arousal` [-1,1], `engagement`
 * [0,1], plus whether the person is concentrating on a side task. Frustration follows
 * dF/dt = −λF + r between camera frames (λ from the decay half-life), solved in closed
 * form over each frame interval, where r = `delayRatePerS` × impatience while the person
 * is delayed — waiting for the robot beyond a nominal full-speed handover (slow motion,
 * holds, retries) — so pacing is a trade-off for everyone, in proportion to the delay,
 * with no speed below which slowness starts to count. Events jump it: failures the
 * person notices (by kind), tasks that end without the part, successes, and apologies
 * as the person's judge rated them (`sim/judge.ts`).
 *
 * Concentration on a side task makes the person frown and look away but never adds
 * felt frustration (and a concentrating person is not delayed) — Hong et al. 2026's
 * "I'm not mad, just focused". The synthetic classifier reads the frown mostly as
 * `angry`, as a real 7-class classifier would; so does a habitual (resting) frown,
 * which no context cue explains. Felt frustration also leaks as short (0.25–0.5 s)
 * expressions. Classifier noise is temporally correlated (AR(1)): real classifiers are
 * wrong for stretches of similar frames, not independently per frame.
 *
 * Randomness comes from named streams (side tasks, readiness, camera noise, brief
 * expressions); each frame consumes a fixed number of draws, so two trees compared on
 * one seed meet the same person. The person's traits come from `drawPerson`.
 */
import type { FailureKind } from '../src/core/controller.ts';
import type { HumanParams } from './params.ts';
import type { Rng } from './rng.ts';
import type { ApologyJudgement } from './judge.ts';
import type { HumanTraits } from './person.ts';

export type { HumanTraits } from './person.ts';

/** What the person is exposed to between two frames (piecewise constant). */
export interface HumanExposure {
  /** The person waits for the robot beyond a nominal full-speed handover. */
  delayed: boolean;
  /** The robot is moving at this speed scale; `0` when still. */
  movingSpeed: number;
}

/** The cues of one camera frame (reused object: copy what you keep). */
export interface FrameCues {
  t: number;
  /** Class probabilities in FACE_EXPRESSIONS order. */
  probabilities: Float32Array;
  /** False while the face is lost or occluded (set by the camera side, `sim/faults.ts`): the classifier output is then not seen. */
  faceVisible: boolean;
  workingOnTask: boolean;
  fingerDrumming: boolean;
  sighing: boolean;
  gazeAway: boolean;
}

/** A handover outcome the person notices. */
export type NoticedOutcome = 'success' | FailureKind | 'wrong_target';

const ln2 = Math.LN2;
const clamp01 = (x: number) => (x < 0 ? 0 : x > 1 ? 1 : x);
const clampS = (x: number) => (x < -1 ? -1 : x > 1 ? 1 : x);

/**
 * One simulated person.
 *
 * @example
 * ```ts
 * const person = drawPerson(scenario, rng.derive('human').derive('traits'));
 * const h = new HumanModel(scenario.human, rng.derive('human'), 0, person.traits);
 * h.advance(5000, { delayed: true, movingSpeed: 1 });
 * h.onHandover('drop');
 * const cues = h.frame();
 * ```
 */
export class HumanModel {
  frustration = 0;
  valence = 0.2;
  arousal = -0.2;
  engagement = 0.9;
  concentrating = false;
  /** A brief expression of felt frustration is on the face now. */
  briefExpression = false;
  /** Transient joy after a success (decays with a 3 s half-life). */
  private joy = 0;
  /** Transient anxiety from a fast approach (novices). */
  private anxiety = 0;
  private t: number;
  private nextSideTaskAt = Infinity;
  private sideTaskEndsAt = Infinity;
  private briefEndsAt = -Infinity;
  private readonly lambda: number;
  private readonly cues: FrameCues;
  private readonly logits = new Float64Array(7);
  private readonly noise = new Float64Array(7);
  private noiseStarted = false;
  private readonly rho: number;
  private readonly frameMs: number;

  private readonly taskRng: Rng;
  private readonly cameraRng: Rng;
  private readonly readyRng: Rng;
  private readonly briefRng: Rng;

  /**
   * @param rng the episode's person stream; the person derives `task`, `camera`,
   *   `ready` and `brief` streams from it. @param traits this person's traits.
   */
  constructor(
    readonly p: HumanParams,
    rng: Rng,
    startMs: number,
    readonly traits: HumanTraits,
  ) {
    this.taskRng = rng.derive('task');
    this.cameraRng = rng.derive('camera');
    this.readyRng = rng.derive('ready');
    this.briefRng = rng.derive('brief');
    this.t = startMs;
    this.lambda = ln2 / (p.decayHalfLifeS * 1000);
    this.frameMs = 1000 / p.classifier.frameRateHz;
    const tau = p.classifier.noiseCorrelationS * 1000;
    this.rho = tau > 0 ? Math.exp(-this.frameMs / tau) : 0;
    this.cues = { t: startMs, probabilities: new Float32Array(7), faceVisible: true, workingOnTask: false, fingerDrumming: false, sighing: false, gazeAway: false };
    if (p.sideTask.ratePerMin > 0) this.nextSideTaskAt = startMs + this.taskRng.exponential(60_000 / p.sideTask.ratePerMin);
    this.derive();
  }

  /** Current model time. */
  get now(): number {
    return this.t;
  }

  /** Impatience 2·(1 − patience): 1 at patience 0.5; scales what delay costs. */
  get impatience(): number {
    return 2 * (1 - this.traits.patience);
  }

  /** Next time the side-task state changes (start or end). */
  nextChangeAt(): number {
    return this.concentrating ? this.sideTaskEndsAt : this.nextSideTaskAt;
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
      const r = e.delayed && !this.concentrating ? (this.p.delayRatePerS * this.impatience) / 1000 : 0;
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

  /** A handover ended (success or a failure kind the person noticed). */
  onHandover(result: NoticedOutcome): void {
    if (result === 'success') {
      this.frustration = clamp01(this.frustration - this.p.successRelief);
      this.joy = 1;
    } else {
      const fi = this.p.failureImpact;
      const add =
        result === 'drop' ? fi.drop : result === 'timeout' ? fi.timeout : result === 'human_not_ready' ? fi.human_not_ready : result === 'wrong_target' ? fi.wrong_target : fi.other;
      this.frustration = clamp01(this.frustration + add);
      this.joy = 0;
    }
    this.derive();
  }

  /** A task ended without the part delivered. */
  onTaskFailed(): void {
    this.frustration = clamp01(this.frustration + this.p.taskFailureImpact);
    this.derive();
  }

  /**
   * An apology as the person's judge rated it; `effect` in [0, 1] scales the relief of
   * a congruent or mistoned one (tone fit × repeated-violation decay).
   */
  onApology(j: ApologyJudgement, effect: number): void {
    const a = this.p.apology;
    const d = j === 'incongruent' ? a.incongruentCost : j === 'repeat' ? a.repeatCost : -a.congruentRelief * effect;
    this.frustration = clamp01(this.frustration + d);
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
   * the frown → angry confusion, correlated noise, brief expressions) and context cues.
   * Always consumes 7 normals and 4 uniforms of the camera stream and 2 uniforms of the
   * brief-expression stream. Returns a reused object.
   */
  frame(): Readonly<FrameCues> {
    const p = this.p;
    const ex = this.traits.expressiveness;
    const f = this.frustration;
    const se = p.shortExpressions;
    // brief expressions of felt frustration (rate ∝ frustration)
    const u1 = this.briefRng.next();
    const u2 = this.briefRng.next();
    // a new one starts only after a frame without one, so two never merge into one long expression
    if (!this.briefExpression && this.t >= this.briefEndsAt && u1 < ((se.ratePerMin / 60) * f * this.frameMs) / 1000) {
      const lo = Math.min(se.minS, se.maxS);
      this.briefEndsAt = this.t + (lo + u2 * Math.abs(se.maxS - se.minS)) * 1000;
    }
    this.briefExpression = this.t < this.briefEndsAt;
    const conc = this.concentrating ? p.sideTask.frown * (0.5 + 0.5 * ex) : 0;
    const frown = clamp01(conc + this.traits.habitualFrown * (0.5 + 0.5 * ex));
    const L = this.logits;
    const pos = this.valence > 0 ? this.valence : 0;
    const brief = this.briefExpression ? se.strength : 0;
    const asAngry = p.classifier.frownAsAngry;
    L[0] = 1.5; // neutral
    L[1] = (2.5 * this.joy + 1.0 * pos) * ex; // happy
    L[2] = 0.8 * f * ex + 2.0 * frown * (1 - asAngry); // sad
    L[3] = 5.0 * f * ex + 8.0 * frown * asAngry + brief; // angry
    L[4] = -1 + 1.5 * this.anxiety * ex; // fearful
    L[5] = 1.5 * f * ex + 4.0 * frown * (1 - asAngry); // disgusted
    L[6] = -1; // surprised
    const amp = p.classifier.logitNoise;
    const rho = this.noiseStarted ? this.rho : 0;
    const innov = Math.sqrt(1 - rho * rho);
    this.noiseStarted = true;
    const N = this.noise;
    let max = -Infinity;
    for (let i = 0; i < 7; i++) {
      N[i] = rho * N[i]! + innov * this.cameraRng.normal();
      L[i] = L[i]! + amp * N[i]!;
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
    const frameS = this.frameMs / 1000;
    c.t = this.t;
    c.faceVisible = true;
    c.workingOnTask = this.cameraRng.next() < rel && this.concentrating;
    c.gazeAway = this.cameraRng.next() < rel && this.concentrating;
    c.fingerDrumming = this.cameraRng.next() < rel && !this.concentrating && f > p.cues.drumThreshold;
    c.sighing = this.cameraRng.next() < p.cues.sighRatePerS * f * frameS;
    return c;
  }
}

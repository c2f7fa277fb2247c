/**
 * Simulator parameters as data: one TypeBox schema gives the TypeScript type, the
 * validation of scenario files, the embedded defaults (`default` of every field) and
 * the parameter table in docs/simulator.md (`description`, with the literature a value
 * comes from where there is one). A scenario YAML only overrides what differs.
 *
 * Sources cited in descriptions (full references in docs/simulator.md):
 * [Hong26] Hong, Tian, Kulić 2026 "I'm Not Mad, Just Focused";
 * [Guo21] Guo & Yang 2021, Bayesian (Beta) trust dynamics, Int J Soc Robotics;
 * [Desai13] Desai et al. 2013, impact of robot failures on real-time trust, HRI;
 * [Verduyn09] Verduyn et al. 2009, duration of emotional experience, Emotion;
 * [Koene14] Koene et al. 2014, relative importance of spatial vs temporal precision in
 *   user-robot object handover; [Strabala13] Strabala et al. 2013, towards seamless
 *   human-robot handovers, JHRI; [Kulic07] Kulić & Croft 2007, affective state
 *   estimation under robot motion (slower motion lowers anxiety);
 * [Barrett19] Barrett et al. 2019, emotional expressions reconsidered (faces are weak,
 *   context-dependent signals); [Lucey10] CK+ / FER confusion matrices (angry/disgust/sad
 *   confusions of 7-class classifiers).
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';

const num = (def: number, min: number, max: number, description: string) => Type.Number({ default: def, minimum: min, maximum: max, description });

/** A per-person trait: drawn once per episode from Normal(mean, sd) clamped to [0, 1]. */
const trait = (mean: number, sd: number, description: string) =>
  Type.Object(
    { mean: num(mean, 0, 1, 'population mean'), sd: num(sd, 0, 1, 'population standard deviation') },
    { additionalProperties: false, default: {}, description },
  );

const obj = <T extends Record<string, TSchema>>(props: T, description: string) =>
  Type.Object(props, { additionalProperties: false, default: {}, description });

/**
 * The simulated person.
 *
 * @example
 * ```ts
 * Value.Default(HumanParamsSchema, {}).patience; // { mean: 0.6, sd: 0.15 }
 * ```
 */
export const HumanParamsSchema = obj(
  {
    patience: trait(0.6, 0.15, 'trait: 1 = waits calmly; scales how fast waiting raises frustration'),
    expressiveness: trait(0.6, 0.2, 'trait: how strongly felt affect shows on the face [Barrett19]'),
    slownessTolerance: trait(0.5, 0.15, 'trait: slow pacing irritates only below speed scale 1 − tolerance'),
    catchSkill: trait(0.8, 0.1, 'trait: receiving skill; novices drop more at high speed [Strabala13, Koene14]'),
    failureImpact: obj(
      {
        drop: num(0.3, 0, 1, 'frustration added by a dropped object'),
        timeout: num(0.18, 0, 1, 'frustration added by a robot timeout'),
        human_not_ready: num(0.1, 0, 1, 'frustration added when the robot gave up because the person was not ready'),
        other: num(0.15, 0, 1, 'frustration added by any other failure kind'),
      },
      'frustration added per failed handover, by kind',
    ),
    successRelief: num(0.12, 0, 1, 'frustration removed by a successful handover'),
    waitGraceS: num(4, 0, 120, 'waiting shorter than this is not irritating, s'),
    waitRatePerS: num(0.02, 0, 1, 'frustration per second of waiting beyond the grace time, at patience 0.5'),
    slowPacingRatePerS: num(0.03, 0, 1, 'frustration per second per unit of speed below the tolerated speed'),
    decayHalfLifeS: num(25, 1, 600, 'half-life of frustration without new events, s (emotions last tens of seconds to minutes [Verduyn09])'),
    fastPacingArousal: num(0.3, 0, 1, 'arousal (anxiety) added at full speed for a novice (1 − catchSkill) [Kulic07]'),
    apology: obj(
      {
        congruentRelief: num(0.08, 0, 1, 'frustration removed by an apology that fits the failure and the person [Hong26]'),
        incongruentCost: num(0.02, 0, 1, 'frustration added by an apology that does not fit (no failure, wrong tone)'),
        repeatCost: num(0.06, 0, 1, 'frustration added by an apology repeated within the window (apology spam)'),
        repeatWindowS: num(20, 0, 600, 'two apologies closer than this count as a repeat, s'),
        congruentWindowS: num(15, 0, 600, 'an apology is about a failure if it comes within this long after it, s'),
      },
      'how apologies act on the person',
    ),
    sideTask: obj(
      {
        ratePerMin: num(0, 0, 60, 'side-task (concentration) episodes per minute; 0 = never'),
        meanDurationS: num(12, 0.5, 600, 'mean length of a concentration episode (exponential), s'),
        frown: num(0.7, 0, 1, 'strength of the concentration frown; it does not change felt frustration [Hong26]'),
        reorientS: num(2.5, 0, 60, 'time a concentrating person needs to notice the robot and get ready, s'),
      },
      'concentration on a task of their own: frowns without frustration',
    ),
    cues: obj(
      {
        drumThreshold: num(0.45, 0, 1, 'finger drumming appears above this frustration'),
        sighRatePerS: num(0.25, 0, 10, 'sighs per second at frustration 1 (scaled by frustration)'),
        cueReliability: num(0.85, 0, 1, 'probability a present context cue is detected on a frame'),
      },
      'context cues (impatience and task engagement)',
    ),
    classifier: obj(
      {
        logitNoise: num(0.6, 0, 5, 'per-frame Gaussian noise on class logits (a real classifier flickers)'),
        frownAsAngry: num(0.6, 0, 1, 'share of a frown read as angry (rest as disgusted/sad) [Lucey10, Hong26]'),
        frameRateHz: num(10, 1, 60, 'camera frames per second fed to the estimator'),
      },
      'the synthetic expression classifier output',
    ),
  },
  'the simulated person',
);

/**
 * The simulated robot and handover.
 *
 * @example
 * ```ts
 * Value.Default(RobotParamsSchema, {}).dropBase; // 0.04
 * ```
 */
export const RobotParamsSchema = obj(
  {
    minSpeedScale: num(0.3, 0.05, 1, 'lowest safe speed scale the controller accepts'),
    fetchS: num(2.0, 0, 60, 'time to pick the next object between tasks, s (not part of the handover action)'),
    approachS: num(1.5, 0, 60, 'time to move to the handover pose at speed 1, s'),
    transferS: num(0.8, 0, 60, 'time of the transfer itself at speed 1, s [Strabala13]'),
    retractS: num(0.6, 0, 60, 'time to retract after the transfer at speed 1, s'),
    dropBase: num(0.04, 0, 1, 'drop probability of a transfer at speed 1 to a skilled (catchSkill 1), calm receiver'),
    dropSpeedExponent: num(2, 0, 5, 'drop risk grows with speed^exponent (slower = steadier) [Koene14]'),
    dropNoviceGain: num(3, 0, 20, 'drop risk multiplier per unit of missing catch skill'),
    dropFrustrationGain: num(0.5, 0, 5, 'drop risk multiplier per unit of frustration (rushed grabs)'),
    timeoutProb: num(0.02, 0, 1, 'probability the controller itself times out on a transfer'),
    readyTimeoutS: num(6, 0, 120, 'the robot gives up (human_not_ready) when the person is not ready this long after arrival, s'),
    interTaskS: num(1, 0, 60, 'pause between two tasks, s'),
    sayCharMs: num(55, 0, 1000, 'speech duration per character, ms'),
    maxTaskS: num(120, 1, 3600, 'a task that takes longer than this is aborted and counted as failed, s'),
  },
  'the simulated robot and handover',
);

/**
 * The trust model.
 *
 * @example
 * ```ts
 * Value.Default(TrustParamsSchema, {}).failureWeight; // 2.5
 * ```
 */
export const TrustParamsSchema = obj(
  {
    priorSuccess: num(3, 0.1, 100, 'Beta prior α (pseudo-successes): initial trust α/(α+β) [Guo21]'),
    priorFailure: num(1, 0.1, 100, 'Beta prior β (pseudo-failures)'),
    successWeight: num(1, 0, 10, 'evidence added to α by a successful handover'),
    failureWeight: num(2.5, 0, 10, 'evidence added to β by a failure: failures weigh more [Desai13, Guo21, Hong26]'),
    congruentApologyWeight: num(0.2, 0, 10, 'evidence added to α by a congruent apology (helps a little) [Hong26]'),
    incongruentApologyWeight: num(0.15, 0, 10, 'evidence added to β by an incongruent apology'),
    repeatApologyWeight: num(0.3, 0, 10, 'evidence added to β by a repeated apology (spam)'),
  },
  'reliability-dominated trust (Beta-style)',
);

/**
 * The in-process estimator stand-in.
 *
 * @example
 * ```ts
 * Value.Default(EstimatorParamsSchema, {}).heartbeatMs; // 1000
 * ```
 */
export const EstimatorParamsSchema = obj(
  {
    maxAgeMs: num(1500, 100, 600000, 'staleness bound of published estimates, ms'),
    heartbeatMs: num(1000, 50, 600000, 'publish at least this often even without change, ms'),
    deadband: num(0.05, 0, 1, 'publish when frustration moves more than this since the last publish'),
    contextFusion: Type.Boolean({
      default: true,
      description: "feed the estimator the task context (its rules C1–C5, incl. its own concentration rule); false = a face-only estimator (e.g. an upstream perception stack without task events)",
    }),
  },
  'the in-process estimator stand-in (temporal + cue fusion, throttled publishing)',
);

/**
 * A scenario file.
 *
 * @example
 * ```ts
 * Value.Check(ScenarioSchema, Value.Default(ScenarioSchema, { name: 'x' })); // true
 * ```
 */
export const ScenarioSchema = Type.Object(
  {
    name: Type.String({ minLength: 1, pattern: '^[A-Za-z0-9_.-]+$', description: 'scenario id' }),
    description: Type.String({ default: '', description: 'what this scenario represents' }),
    humanId: Type.String({ default: 'h1', pattern: '^[A-Za-z0-9_.:-]+$', description: 'id of the simulated person (blackboard key affect/<humanId>)' }),
    handovers: Type.Integer({ default: 10, minimum: 1, maximum: 1000, description: 'tasks (handovers) per episode' }),
    frustrationThreshold: num(0.5, 0, 1, 'felt frustration above this counts as frustration exposure (and as "really frustrated" when scoring detections)'),
    tickMs: Type.Integer({ default: 50, minimum: 1, maximum: 1000, description: 'tick grid of the planner, ms (20 Hz); skip-ahead ticks only on this grid' }),
    human: HumanParamsSchema,
    robot: RobotParamsSchema,
    trust: TrustParamsSchema,
    estimator: EstimatorParamsSchema,
  },
  { additionalProperties: false },
);

/** A fully resolved scenario (defaults applied). */
export type Scenario = Static<typeof ScenarioSchema>;
/** Person parameters. */
export type HumanParams = Static<typeof HumanParamsSchema>;
/** Robot parameters. */
export type RobotParams = Static<typeof RobotParamsSchema>;
/** Trust parameters. */
export type TrustParams = Static<typeof TrustParamsSchema>;
/** Estimator stand-in parameters. */
export type EstimatorParams = Static<typeof EstimatorParamsSchema>;
/** A person trait distribution. */
export type Trait = { mean: number; sd: number };

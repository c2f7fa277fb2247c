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
 *   confusions of 7-class classifiers);
 * [Robinette15] Robinette, Howard, Wagner 2015, timing is key for robot trust repair
 *   (repairs work when the robot next asks for trust, not right after the mistake);
 * [Nayyar18] Nayyar & Wagner 2018, when should a robot apologize? (delayed repair beats
 *   early repair); [Esterwood23] Esterwood & Robert 2023, three strikes and you are out
 *   (after repeated violations no repair fully restores trust); [EmoApology22] "Evaluating the impact of emotional apology on
 *   human-robot trust", RO-MAN 2022 (an emotional apology helped more people than a
 *   baseline apology); [Hancock11] Hancock et al. 2011, meta-analysis:
 *   robot performance is the largest factor of trust; [Agarwal26] Agarwal et al. 2026,
 *   micro-expressions of 0.25–0.5 s.
 *
 * A description that says "(assumption)" marks a value chosen by us, not measured in a
 * study: the simulator's verdicts must survive moving it (see test/sim-robustness.test.ts).
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';

const num = (def: number, min: number, max: number, description: string) => Type.Number({ default: def, minimum: min, maximum: max, description });

/** A per-person trait: drawn once per episode from Normal(mean, sd) truncated to [0, 1] (conditioned, not clamped). */
const trait = (mean: number, sd: number, description: string) =>
  Type.Object(
    { mean: num(mean, 0, 1, 'population mean'), sd: num(sd, 0, 1, 'population standard deviation') },
    { additionalProperties: false, default: {}, description },
  );

const obj = <T extends Record<string, TSchema>>(props: T, description: string) =>
  Type.Object(props, { additionalProperties: false, default: {}, description });

/** A per-person time window or gain: drawn once per person, log-normal around `median`. */
const spread = (median: number, sdLog: number, min: number, max: number, description: string) =>
  Type.Object(
    { median: num(median, min, max, 'population median'), sdLog: num(sdLog, 0, 3, 'standard deviation of the logarithm (0 = everyone the same)') },
    { additionalProperties: false, default: {}, description },
  );

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
    patience: trait(0.6, 0.15, 'trait: 1 = waits calmly; scales how much delay costs frustration and trust (impatience = 2·(1 − patience))'),
    expressiveness: trait(0.6, 0.2, 'trait: how strongly felt affect shows on the face [Barrett19]'),
    catchSkill: trait(0.8, 0.1, 'trait: receiving skill; novices drop more at high speed [Strabala13, Koene14]'),
    failureImpact: obj(
      {
        drop: num(0.3, 0, 1, 'frustration added by a dropped object'),
        timeout: num(0.18, 0, 1, 'frustration added by a robot timeout'),
        human_not_ready: num(0.1, 0, 1, 'frustration added when the robot gave up because the person was not ready'),
        wrong_target: num(0.2, 0, 1, 'frustration added by a handover to the wrong place'),
        other: num(0.15, 0, 1, 'frustration added by any other failure kind'),
      },
      'frustration added per failure the person notices, by kind',
    ),
    taskFailureImpact: num(0.1, 0, 1, 'frustration added when a task ends without the part delivered (on top of its failed attempts)'),
    successRelief: num(0.12, 0, 1, 'frustration removed by a successful handover'),
    delayRatePerS: num(
      0.02,
      0,
      1,
      'frustration per second of delay (the person waits for the robot beyond a nominal full-speed handover: slow motion, holds, retries), at impatience 1 (assumption)',
    ),
    decayHalfLifeS: num(25, 1, 600, 'half-life of frustration without new events, s (emotions last tens of seconds to minutes [Verduyn09])'),
    fastPacingArousal: num(0.3, 0, 1, 'arousal (anxiety) added at full speed for a novice (1 − catchSkill) [Kulic07]'),
    apology: obj(
      {
        congruentRelief: num(0.08, 0, 1, 'frustration removed by an apology that fits the failure and the person (assumption; preferred by 31 of 40 people [Hong26])'),
        mistonedEffect: num(0.5, 0, 1, 'share of the relief and trust repair left when an apology about a real failure has a tone the person does not want [EmoApology22]'),
        incongruentCost: num(0.02, 0, 1, 'frustration added by an apology about nothing recent (no failure in the person\'s window)'),
        repeatCost: num(0.06, 0, 1, 'frustration added by an apology repeated without a new failure (apology spam)'),
        repeatedViolationDecay: num(0.5, 0, 1, 'each earlier failure in the episode multiplies an apology\'s effect by this: repairs stop working after repeated violations [Esterwood23]'),
        prefersAdaptiveShare: num(0.775, 0, 1, 'share of people who want the apology\'s tone to match their state (31 of 40 preferred the emotion-adaptive apology [Hong26]); the rest accept any tone'),
        toneThreshold: trait(0.35, 0.1, 'judge: felt frustration from which this person wants an empathic rather than a neutral apology (assumption)'),
        congruentWindowS: spread(30, 0.4, 0.1, 3600, 'judge: an apology is about a failure if it comes within this long after it, s (assumption)'),
        repeatWindowS: spread(60, 0.4, 0.1, 3600, 'judge: an apology without a new failure within this long of the previous one is spam, s (assumption)'),
        salienceS: spread(10, 0.5, 0.1, 3600, 'judge: an apology repairs trust at the next trust decision (the robot arriving again), weighted exp(−gap/salience) [Robinette15, Nayyar18]'),
      },
      'how apologies act on the person (the judge: windows and thresholds drawn per person)',
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
    habitualFrown: obj(
      {
        share: num(0.1, 0, 1, 'share of people who frown by habit (a resting frown), without frustration and without a side task, so no context cue explains it (assumption)'),
        strength: num(0.5, 0, 1, 'strength of the habitual frown (same scale as sideTask.frown)'),
      },
      'people who frown all the time',
    ),
    shortExpressions: obj(
      {
        ratePerMin: num(6, 0, 120, 'brief expressions of felt frustration per minute at frustration 1 (rate ∝ frustration) [Agarwal26]'),
        minS: num(0.25, 0.05, 5, 'shortest brief expression, s'),
        maxS: num(0.5, 0.05, 5, 'longest brief expression, s'),
        strength: num(3, 0, 10, 'angry-logit boost during a brief expression'),
      },
      'short (0.25–0.5 s) expressions that leak felt frustration',
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
        logitNoise: num(0.6, 0, 5, 'Gaussian noise on class logits (a real classifier flickers)'),
        noiseCorrelationS: num(0.5, 0, 60, 'correlation time of that noise, s: misclassifications persist over neighbouring frames (AR(1); 0 = independent per frame) (assumption)'),
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
    dropSpeedExponent: num(2, 0, 5, 'drop risk grows with speed^exponent (slower = steadier) [Koene14] (assumption for the value: it decides how much slowing down pays)'),
    dropNoviceGain: num(3, 0, 20, 'drop risk multiplier per unit of missing catch skill (assumption)'),
    dropFrustrationGain: num(0.5, 0, 5, 'drop risk multiplier per unit of frustration (rushed grabs) (assumption)'),
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
 * Value.Default(TrustParamsSchema, {}).failureWeight; // { median: 2.5, sdLog: 0.3 }
 * ```
 */
export const TrustParamsSchema = obj(
  {
    initial: trait(0.75, 0.08, 'initial trust α₀/(α₀+β₀), drawn per person [Guo21]'),
    priorStrength: num(4, 0.1, 100, 'α₀+β₀: how many pseudo-handovers the initial trust is worth [Guo21]'),
    successWeight: spread(1, 0.3, 0, 10, 'evidence added to α by a successful handover, per person [Guo21]'),
    failureWeight: spread(2.5, 0.3, 0, 10, 'evidence added to β by a failed handover, per person: failures weigh more [Desai13, Guo21, Hong26]'),
    taskFailureWeight: num(1, 0, 10, 'extra evidence added to β when a task ends without the part delivered (timeouts waiting for the person, a part never delivered, a wrong target)'),
    delayWeightPerS: num(0.03, 0, 1, 'evidence added to β per second of delay at impatience 1: performance includes speed [Hancock11] (assumption)'),
    repairShare: num(0.3, 0, 1, 'share of the last failure\'s β evidence a fitting apology forgives at the next trust decision; < 1: trust falls after a failure whatever the apology [Hong26, Esterwood23]'),
    incongruentApologyWeight: num(0.15, 0, 10, 'evidence added to β by an apology about nothing recent'),
    repeatApologyWeight: num(0.3, 0, 10, 'evidence added to β by a repeated apology (spam)'),
    inertiaS: spread(8, 0.4, 0.01, 600, 'felt trust follows the evidence with this time constant, s, per person (trust inertia [Desai13]) (assumption for the value)'),
  },
  'reliability-dominated trust (Beta evidence per person, with inertia)',
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
    enabled: Type.Boolean({ default: true, description: 'false = a dead estimator: nothing is ever published (camera unplugged, process crashed)' }),
    publishAs: Type.String({ default: '', pattern: '^[A-Za-z0-9_.:-]*$', description: "person id the estimator publishes for ('' = the scenario's humanId); another id models tracking the wrong person" }),
    latencyMs: num(150, 0, 600000, 'camera-to-blackboard latency of an estimate, ms (the estimate keeps its observation time, so it arrives older)'),
    occlusion: obj(
      {
        ratePerMin: num(1, 0, 60, 'stretches per minute in which the face is lost or occluded'),
        meanDurationS: num(2, 0.1, 600, 'mean length of such a stretch (exponential), s'),
      },
      'face lost or occluded',
    ),
    stall: obj(
      {
        ratePerMin: num(0.2, 0, 60, 'stalls per minute: the estimator processes and publishes nothing (CPU starvation, GC, a stuck camera)'),
        meanDurationS: num(3, 0.1, 600, 'mean length of a stall (exponential), s'),
      },
      'stale periods',
    ),
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
    task: obj(
      {
        target: Type.String({
          default: 'right_hand',
          minLength: 1,
          description: "where the person expects the part; a handover elsewhere is a failed task. '{key}' takes it from a fact (e.g. '{person/hand}')",
        }),
      },
      'what counts as a delivered part',
    ),
    facts: Type.Record(
      Type.String({ pattern: '^[A-Za-z0-9_./:-]+$' }),
      Type.Union([
        Type.String(),
        Type.Number(),
        Type.Boolean(),
        Type.Object(
          {
            values: Type.Array(Type.Union([Type.String(), Type.Number(), Type.Boolean()]), { minItems: 1 }),
            weights: Type.Optional(Type.Array(Type.Number({ minimum: 0 }), { minItems: 1 })),
          },
          { additionalProperties: false },
        ),
      ]),
      { default: {}, description: 'blackboard facts written before the first task (key: value, or key: { values, weights } drawn per person) for trees that read them' },
    ),
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
/** A person trait distribution (normal truncated to [0, 1]). */
export type Trait = { mean: number; sd: number };
/** A per-person window or gain distribution (log-normal). */
export type Spread = { median: number; sdLog: number };
/** A blackboard fact of a scenario. */
export type FactSpec = Scenario['facts'][string];

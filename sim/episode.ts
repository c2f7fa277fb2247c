/**
 * One simulated episode: a person, a robot and a tree on a virtual clock, for
 * `scenario.handovers` tasks.
 *
 * Time advance (skip-ahead). The planner nominally ticks at 20 Hz (`tickMs` grid). A
 * tick can only do something different from the previous tick when something it can
 * observe changed: a controller action state, a blackboard write (estimate published,
 * task start, `human/ready`), an entry going stale, a node timer (the runner's
 * `nextDeadline()`), or the tree's own commands/writes of the last tick. Everything
 * else in the world (person, robot, camera frames, estimates in flight) is
 * event-driven and is processed at its own exact times regardless of ticks. So the
 * runner jumps the clock to the next event and ticks only at the first grid instant
 * after the last tick at or after an observable change — the same instant a
 * fixed-rate ticker would have first seen it. Ticks it skips are ticks where every node
 * would re-read the same inputs and return the same status. `mode: 'fixed'` ticks on
 * every grid instant instead; a test checks both give the same metrics.
 *
 * Ordering at one instant: world events first (robot, frames, estimates, tasks), then
 * the tick; at most one tick per grid instant.
 *
 * Task outcome: a task succeeds when the tree's root returns SUCCESS for it *and* a
 * handover of it delivered the part where this person expects it (a handover to the
 * wrong place is a failure the person notices, and so is a task that ends without the
 * part). Every failure the person notices moves their frustration and trust; delay
 * (waiting for the robot beyond a nominal full-speed handover) costs both too.
 *
 * Observation: an {@link EpisodeObserver} sees the world at start (blackboard, runner,
 * clock), every frame sample, every event and every tick — the plots' timeline is one
 * such observer, and a recorder (MCAP) can be another.
 */
import { VirtualClock } from '../src/core/clock.ts';
import { Blackboard } from '../src/core/blackboard.ts';
import type { Controller } from '../src/core/controller.ts';
import type { AffectEstimate } from '../src/contract/affect.ts';
import { affectKey } from '../src/contract/affect.ts';
import type { TaskContext } from '../src/estimator/types.ts';
import type { Scenario } from './params.ts';
import { Rng } from './rng.ts';
import { HumanModel, type HumanTraits, type NoticedOutcome } from './human.ts';
import { drawPerson, type Person } from './person.ts';
import { ApologyJudgeState, type ApologyJudgement } from './judge.ts';
import { SimRobot, type RobotEvent } from './robot.ts';
import { TrustModel } from './trust.ts';
import { createSimEstimator, type SimEstimator } from './estimator.ts';
import { createSensingFaults } from './faults.ts';

/**
 * Epoch time at which every episode starts (fixed, for determinism): 2026-01-01T00:00:00Z.
 *
 * @example
 * ```ts
 * new Date(EPISODE_START_MS).toISOString(); // '2026-01-01T00:00:00.000Z'
 * ```
 */
export const EPISODE_START_MS = Date.UTC(2026, 0, 1);

/**
 * Offsets (s) of the trust trajectory aligned on the first failure of an episode:
 * −5 … +30 s in 1 s steps (36 values, Δ trust against the moment before the failure).
 *
 * @example
 * ```ts
 * ALIGNED_TRUST_OFFSETS_S[5]; // 0 (the failure)
 * ```
 */
export const ALIGNED_TRUST_OFFSETS_S: readonly number[] = Array.from({ length: 36 }, (_, i) => i - 5);

/** The part of the tree runner the simulator drives. */
export interface TreeRunnerLike {
  /** One tick; returns the root status (string, or an object with `status`). */
  tick(): unknown;
  /** Stops everything running (cancels controller actions). */
  halt(): void;
  /** Earliest clock time at which a node timer changes what a tick would do. */
  nextDeadline(): number | undefined;
}

/** Builds a fresh runner for one episode. */
export type TreeFactory = (ctx: { blackboard: Blackboard; controller: Controller; clock: VirtualClock }) => TreeRunnerLike;

/** One frame of the world, as an observer sees it. */
export interface FrameSample {
  t: number;
  /** Felt frustration. */
  felt: number;
  /** Frustration of the last estimate that reached the blackboard. */
  estimated: number;
  /** Handover speed scale. */
  speed: number;
  concentrating: boolean;
  /** Trust the person feels. */
  trust: number;
  /** The tree's frustration detection (fresh and true). */
  detected: boolean;
  faceVisible: boolean;
}

/** Something that happened in an episode. */
export type EpisodeEvent =
  | RobotEvent
  | { type: 'task-start'; t: number; index: number }
  | { type: 'task-end'; t: number; index: number; success: boolean; delivered: boolean; root: string }
  | { type: 'apology-judged'; t: number; judgement: ApologyJudgement; unwarranted: boolean; text: string; tone?: 'empathic' | 'neutral' }
  | { type: 'detection'; t: number; falsePositive: boolean }
  | { type: 'estimate'; t: number; observedAt: number; frustration: number; expression: string };

/** What an observer of an episode is shown (all optional). */
export interface EpisodeObserver {
  /** Before the first event: the world the tree runs in (read-only use, please). */
  start?(ctx: { scenario: Scenario; seed: string; person: Person; blackboard: Blackboard; runner: TreeRunnerLike; clock: VirtualClock; startMs: number }): void;
  /** Every camera frame, after the person and the estimator were updated (a reused object: copy what you keep). */
  frame?(s: Readonly<FrameSample>): void;
  /** Every event. */
  event?(e: EpisodeEvent): void;
  /** After every tick, with the root status. */
  tick?(t: number, status: string): void;
  /** After the last task. */
  end?(metrics: EpisodeMetrics): void;
}

/** Options of {@link runEpisode}. */
export interface EpisodeOptions {
  scenario: Scenario;
  tree: TreeFactory;
  /** Episode seed string (see `episodeSeed`). */
  seed: string;
  /** `skip` (default): tick only when something observable changed; `fixed`: every grid instant. */
  mode?: 'skip' | 'fixed';
  /** Record a timeline for plots (costs memory). */
  timeline?: boolean;
  /** Watches the episode (a recorder, a live view). */
  observer?: EpisodeObserver;
  /** Blackboard key DetectFrustration writes (default `frustrated`). */
  detectionKey?: string;
  /** Override the person's traits (tests). */
  traits?: Partial<HumanTraits>;
  /** Estimator override (tests); default is the real fusion via `createSimEstimator`. */
  estimator?: SimEstimator;
  /** Cut the tree's affect input: no estimate is ever published (the blind control). */
  blind?: boolean;
  /** Extra blackboard facts for this run (e.g. a control's constant key). */
  facts?: Readonly<Record<string, string | number | boolean>>;
}

/** Per-episode results. */
export interface EpisodeMetrics {
  tasks: number;
  /** Tasks whose root succeeded with the part delivered where the person expected it. */
  tasksSucceeded: number;
  /** tasksSucceeded / tasks. */
  successRate: number;
  /** Tasks whose root returned SUCCESS although no part was delivered to the person. */
  undeliveredSuccesses: number;
  /** Mean time from task start to the delivering handover, s (NaN when none succeeded). */
  handoverTimeS: number;
  /** Time the person (not busy with a side task) waited for the robot, s. */
  waitTimeS: number;
  /** Waiting beyond a nominal full-speed handover (slow motion, holds, retries), s. */
  delayS: number;
  /** Time felt frustration was above the scenario threshold, s. */
  frustrationExposureS: number;
  /** Felt frustration averaged over the episode's time (area under the curve / duration): counts sub-threshold frustration too. */
  meanFrustration: number;
  /** Trust averaged over the episode's time (area under the trust curve / duration). */
  meanTrust: number;
  finalTrust: number;
  apologies: number;
  congruentApologies: number;
  mistonedApologies: number;
  incongruentApologies: number;
  /** Apologies repeated within the person's window without a new failure (spam). */
  repeatApologies: number;
  /** Apologies when no failure had happened since the previous apology (or ever). */
  unwarrantedApologies: number;
  /** congruentApologies / apologies (NaN without apologies). */
  congruentShare: number;
  /** All rising edges of the tree's frustration detection. */
  detections: number;
  /** Rising edges while the person was not frustrated (felt ≤ threshold). */
  falseDetections: number;
  /** The subset of those while the person concentrated on a side task. */
  falseDetectionsConcentration: number;
  /** During tasks: time detected and frustrated (true positive), s. */
  detectedFrustratedS: number;
  /** During tasks: time detected but not frustrated (false positive), s. */
  detectedCalmS: number;
  /** During tasks: time frustrated but not detected (miss), s. */
  missedFrustratedS: number;
  /** detectedFrustratedS / (detectedFrustratedS + detectedCalmS). */
  detectionPrecision: number;
  /** detectedFrustratedS / (detectedFrustratedS + missedFrustratedS). */
  detectionRecall: number;
  /** Handover attempts started slowed (speed < 1 or a commanded wait). */
  slowdowns: number;
  /** The subset started while the person was not frustrated. */
  needlessSlowdowns: number;
  /** Extra time from slowing (holds, and (1 − speed) of moving time) while the person was not frustrated, s. */
  needlessSlowS: number;
  /** Time spent concentrating on a side task, s. */
  concentrationS: number;
  handoverAttempts: number;
  /** Failures the person noticed, by kind; `not_delivered`: a task that ended without the part and without a failed attempt (e.g. given up while the person was busy). */
  failures: Record<'drop' | 'timeout' | 'human_not_ready' | 'wrong_target' | 'other' | 'not_delivered', number>;
  /** Mean speed scale of handovers. */
  meanSpeed: number;
  ticks: number;
  frames: number;
  published: number;
  simTimeS: number;
}

/** One sample of the timeline (every frame). */
export type TimelineSample = FrameSample;

/** A timeline for plots. */
export interface Timeline {
  samples: TimelineSample[];
  handovers: { t: number; result: NoticedOutcome }[];
  apologies: { t: number; judgement: ApologyJudgement; text: string }[];
  tasks: { start: number; end: number; success: boolean }[];
  detections: { t: number; falsePositive: boolean }[];
}

/** Result of {@link runEpisode}. */
export interface EpisodeResult {
  metrics: EpisodeMetrics;
  timeline?: Timeline;
  person: Person;
  traits: HumanTraits;
  /** Δ trust at {@link ALIGNED_TRUST_OFFSETS_S} around the first failure (NaN: no failure, or past the end). */
  trustAfterFailure: Float64Array;
}

function statusOfTick(r: unknown): string {
  if (typeof r === 'string') return r;
  if (r === true) return 'SUCCESS';
  if (r === false) return 'FAILURE';
  if (r !== null && typeof r === 'object' && 'status' in r) return String((r as { status: unknown }).status);
  return 'RUNNING';
}

/**
 * An observer that records a {@link Timeline} (what `--plots` draws).
 *
 * @example
 * ```ts
 * const rec = timelineRecorder();
 * runEpisode({ scenario, tree, seed, observer: rec.observer });
 * rec.timeline.samples.length;
 * ```
 */
export function timelineRecorder(): { observer: EpisodeObserver; timeline: Timeline } {
  const tl: Timeline = { samples: [], handovers: [], apologies: [], tasks: [], detections: [] };
  let taskStart = 0;
  return {
    timeline: tl,
    observer: {
      frame: (s) => void tl.samples.push({ ...s }),
      event: (e) => {
        if (e.type === 'handover-end' && e.result !== 'cancelled') tl.handovers.push({ t: e.t, result: e.result });
        else if (e.type === 'apology-judged') tl.apologies.push({ t: e.t, judgement: e.judgement, text: e.text });
        else if (e.type === 'task-start') taskStart = e.t;
        else if (e.type === 'task-end') tl.tasks.push({ start: taskStart, end: e.t, success: e.success });
        else if (e.type === 'detection') tl.detections.push({ t: e.t, falsePositive: e.falsePositive });
      },
    },
  };
}

/**
 * One observer that forwards to two (either may be missing).
 *
 * @example
 * ```ts
 * runEpisode({ scenario, tree, seed, observer: combineObservers(timeline.observer, recorder) });
 * ```
 */
export function combineObservers(a: EpisodeObserver | undefined, b: EpisodeObserver | undefined): EpisodeObserver | undefined {
  if (!a || !b) return a ?? b;
  return {
    start: (c) => (a.start?.(c), b.start?.(c)),
    frame: (s) => (a.frame?.(s), b.frame?.(s)),
    event: (e) => (a.event?.(e), b.event?.(e)),
    tick: (t, s) => (a.tick?.(t, s), b.tick?.(t, s)),
    end: (m) => (a.end?.(m), b.end?.(m)),
  };
}

/**
 * Runs one episode and returns its metrics.
 *
 * @example
 * ```ts
 * const r = runEpisode({ scenario: loadScenario('impatient_novice'), tree: factory, seed: episodeSeed(1, 'impatient_novice', 0) });
 * r.metrics.successRate;
 * ```
 */
export function runEpisode(o: EpisodeOptions): EpisodeResult {
  const sc = o.scenario;
  const start = EPISODE_START_MS;
  const grid = sc.tickMs;
  const fixed = o.mode === 'fixed';
  const detectionKey = o.detectionKey ?? 'frustrated';
  const rng = new Rng(o.seed);
  const clock = new VirtualClock(start);
  const blackboard = new Blackboard({ clock });
  const humanRng = rng.derive('human');
  const drawn = drawPerson(sc, humanRng.derive('traits'));
  const person: Person = o.traits ? { ...drawn, traits: { ...drawn.traits, ...o.traits } } : drawn;
  const human = new HumanModel(sc.human, humanRng, start, person.traits);
  const judge = new ApologyJudgeState(person.judge);
  const trust = new TrustModel(sc.trust, person.trust, person.judge.salienceMs, start);
  const thr = sc.frustrationThreshold;
  const est = sc.estimator;
  const sensing = !o.blind && est.enabled;
  const key = affectKey(est.publishAs === '' ? sc.humanId : est.publishAs);
  const framePeriod = 1000 / sc.human.classifier.frameRateHz;
  const frameS = framePeriod / 1000;
  const nominalMs = (sc.robot.approachS + sc.robot.transferS) * 1000;
  const rec = o.timeline ? timelineRecorder() : undefined;
  const obs = combineObservers(rec?.observer, o.observer);

  const m: EpisodeMetrics = {
    tasks: sc.handovers,
    tasksSucceeded: 0,
    successRate: 0,
    undeliveredSuccesses: 0,
    handoverTimeS: NaN,
    waitTimeS: 0,
    delayS: 0,
    frustrationExposureS: 0,
    meanFrustration: NaN,
    meanTrust: NaN,
    finalTrust: 0,
    apologies: 0,
    congruentApologies: 0,
    mistonedApologies: 0,
    incongruentApologies: 0,
    repeatApologies: 0,
    unwarrantedApologies: 0,
    congruentShare: NaN,
    detections: 0,
    falseDetections: 0,
    falseDetectionsConcentration: 0,
    detectedFrustratedS: 0,
    detectedCalmS: 0,
    missedFrustratedS: 0,
    detectionPrecision: NaN,
    detectionRecall: NaN,
    slowdowns: 0,
    needlessSlowdowns: 0,
    needlessSlowS: 0,
    concentrationS: 0,
    handoverAttempts: 0,
    failures: { drop: 0, timeout: 0, human_not_ready: 0, wrong_target: 0, other: 0, not_delivered: 0 },
    meanSpeed: 0,
    ticks: 0,
    frames: 0,
    published: 0,
    simTimeS: 0,
  };

  // task context (what the estimator's context fusion is told: controller facts only)
  const ctx: TaskContext = { consecutiveFailures: 0, retries: 0, waitingMs: 0, workingOnTask: false };
  let waitingStart = NaN;
  let speedSum = 0;

  let taskActive = false;
  let taskIndex = 0;
  let taskStartedAt = 0;
  let taskDelivered = false;
  let taskNoticedFailures = 0;
  let taskWaitedMs = 0;
  let taskDelayMs = 0;
  let handoverTimeSum = 0;
  let nextTaskAt = start;
  let tickDue = Infinity;
  let done = false;
  let trustTimeSum = 0;
  let frustrationTimeSum = 0;

  // trust aligned on the first failure
  const aligned = new Float64Array(ALIGNED_TRUST_OFFSETS_S.length).fill(NaN);
  const RING = 64;
  const ringT = new Float64Array(RING).fill(NaN);
  const ringV = new Float64Array(RING);
  let ringPos = 0;
  let failureAt = NaN;
  let trustBefore = NaN;
  let alignNext = 0;

  /** The person noticed a failure at `t` (call before its trust evidence is added: the aligned trajectory starts just before it). */
  const noticeFailure = (t: number, kind: NoticedOutcome | 'not_delivered'): void => {
    judge.failure(t);
    taskNoticedFailures++;
    if (Number.isNaN(failureAt)) {
      trust.advance(t);
      failureAt = t;
      trustBefore = trust.value;
      // the samples before the failure come from the ring of recent frames
      for (let k = 0; k < ALIGNED_TRUST_OFFSETS_S.length; k++) {
        const off = ALIGNED_TRUST_OFFSETS_S[k]!;
        if (off >= 0) {
          alignNext = k;
          break;
        }
        const want = t + off * 1000;
        let best = -1;
        for (let i = 0; i < RING; i++) if (ringT[i]! <= want && (best < 0 || ringT[i]! > ringT[best]!)) best = i;
        if (best >= 0 && want - ringT[best]! < 2 * framePeriod) aligned[k] = ringV[best]! - trustBefore;
      }
    }
    const k: keyof EpisodeMetrics['failures'] =
      kind === 'drop' || kind === 'timeout' || kind === 'human_not_ready' || kind === 'wrong_target' || kind === 'not_delivered' ? kind : 'other';
    m.failures[k]++;
  };

  const onEvent = (ev: RobotEvent): void => {
    if (ev.type === 'handover-start') {
      m.handoverAttempts++;
      speedSum += ev.speed;
      if (ev.speed < 1 || ev.approachWaitMs > 0) {
        m.slowdowns++;
        if (human.frustration <= thr) m.needlessSlowdowns++;
      }
    } else if (ev.type === 'arrive') {
      trust.advance(ev.t);
      trust.decision(ev.t);
    } else if (ev.type === 'handover-end') {
      if (ev.result === 'cancelled') {
        obs?.event?.(ev);
        return;
      }
      const outcome: NoticedOutcome = ev.result === 'success' && ev.target !== person.target ? 'wrong_target' : ev.result;
      human.onHandover(outcome);
      trust.advance(ev.t);
      if (outcome === 'success') {
        trust.success();
        if (taskActive && !taskDelivered) {
          taskDelivered = true;
          handoverTimeSum += ev.t - taskStartedAt;
        }
      } else {
        noticeFailure(ev.t, outcome);
        trust.failure();
      }
      // the estimator's context knows what the controller reported, not what the person saw
      if (ev.result === 'success') ctx.consecutiveFailures = 0;
      else {
        ctx.consecutiveFailures++;
        ctx.retries++;
      }
      ctx.lastHandover = ev.result === 'error' || ev.result === 'controller_lost' ? 'timeout' : ev.result;
      ctx.lastHandoverAt = ev.t;
    } else if (ev.type === 'say' && ev.params.kind === 'apology') {
      const v = judge.apology(ev.t, ev.params.tone, human.frustration);
      const a = sc.human.apology;
      const fit = v.judgement === 'congruent' ? 1 : v.judgement === 'mistoned' ? a.mistonedEffect : 0;
      const effect = fit * Math.pow(a.repeatedViolationDecay, Math.max(0, v.failuresSoFar - 1));
      m.apologies++;
      if (v.judgement === 'congruent') m.congruentApologies++;
      else if (v.judgement === 'mistoned') m.mistonedApologies++;
      else if (v.judgement === 'repeat') m.repeatApologies++;
      else m.incongruentApologies++;
      if (v.unwarranted) m.unwarrantedApologies++;
      human.onApology(v.judgement, effect);
      trust.advance(ev.t);
      trust.apology(v.judgement, effect, ev.t);
      obs?.event?.({ type: 'apology-judged', t: ev.t, judgement: v.judgement, unwarranted: v.unwarranted, text: ev.params.text, tone: ev.params.tone });
    }
    obs?.event?.(ev);
  };
  const robot = new SimRobot(sc.robot, clock, rng.derive('robot'), human, onEvent);
  const runner = o.tree({ blackboard, controller: robot, clock });
  const estimator = o.estimator ?? createSimEstimator(est, est.publishAs === '' ? sc.humanId : est.publishAs);
  const faults = createSensingFaults(est, rng.derive('sensing'), start);
  for (const facts of [person.facts, o.facts ?? {}]) for (const [k, v] of Object.entries(facts)) blackboard.set(k, v, { source: 'sim:scenario' });
  obs?.start?.({ scenario: sc, seed: o.seed, person, blackboard, runner, clock, startMs: start });

  let lastTickAt = -Infinity;
  const ceilGrid = (t: number) => start + Math.ceil((t - start) / grid) * grid;
  const afterGrid = (t: number) => start + (Math.floor((t - start) / grid) + 1) * grid;
  /** Ask for a tick at the first grid instant ≥ t that comes after the last tick. */
  const want = (t: number) => {
    let g = ceilGrid(t);
    if (g <= lastTickAt) g = lastTickAt + grid;
    if (g < tickDue) tickDue = g;
  };

  let ready = true;
  blackboard.set('human/ready', true, { source: 'sim:human' });
  let nextFrameIndex = 0;
  let lastDetected = false;
  let tickFloor = start;
  let changesSeen = robot.changes;
  let estimated = 0;
  // estimates in flight (latency): [arrival time, observation time, estimate] triples
  const inFlight: (number | AffectEstimate)[] = [];
  const sample: FrameSample = { t: start, felt: 0, estimated: 0, speed: 1, concentrating: false, trust: 0, detected: false, faceVisible: true };

  const publish = (t: number, observedAt: number, e: AffectEstimate): void => {
    blackboard.set(key, e, { source: 'sim:estimator', timestamp: observedAt, maxAgeMs: e.maxAgeMs });
    estimated = e.frustration;
    m.published++;
    want(t);
    obs?.event?.({ type: 'estimate', t, observedAt, frustration: e.frustration, expression: e.expression });
  };

  const frame = (t: number): void => {
    const phase = robot.phase;
    const waiting = phase !== 'at_pose' && phase !== 'transfer'; // between tasks the person waits for the next part
    // delay: the person waits on the robot during a task beyond a nominal handover
    let delayed = false;
    if (taskActive && !human.concentrating && phase !== 'at_pose') {
      taskWaitedMs += framePeriod;
      if (taskWaitedMs > nominalMs) {
        delayed = true;
        taskDelayMs += framePeriod;
      }
    }
    human.advance(t, { delayed, movingSpeed: robot.movingSpeed });
    trust.advance(t);
    const felt = human.frustration;
    const frustrated = felt > thr;
    const effWaiting = waiting && !human.concentrating;
    if (effWaiting) {
      if (Number.isNaN(waitingStart)) waitingStart = t;
      m.waitTimeS += frameS;
    } else waitingStart = NaN;
    ctx.waitingMs = effWaiting ? t - waitingStart : 0;
    if (frustrated) m.frustrationExposureS += frameS;
    frustrationTimeSum += felt * frameS;
    if (human.concentrating) m.concentrationS += frameS;
    const detected = blackboard.get<boolean>(detectionKey) === true;
    if (taskActive) {
      if (detected && frustrated) m.detectedFrustratedS += frameS;
      else if (detected) m.detectedCalmS += frameS;
      else if (frustrated) m.missedFrustratedS += frameS;
      if (!frustrated) {
        const s = robot.holding ? 1 : phase === 'approach' || phase === 'transfer' ? 1 - robot.movingSpeed : 0;
        if (s > 0) m.needlessSlowS += s * frameS;
      }
    }
    const cues = human.frame();
    ctx.workingOnTask = cues.workingOnTask;
    m.frames++;
    if (sensing && !faults.stalled(t)) {
      (cues as { faceVisible: boolean }).faceVisible = faults.faceVisible(t);
      const e = estimator.observe(cues, ctx);
      if (e) {
        if (est.latencyMs > 0) inFlight.push(t + est.latencyMs, t, e);
        else publish(t, t, e);
      }
    }
    const r = !human.concentrating;
    if (r !== ready) {
      ready = r;
      blackboard.set('human/ready', r, { source: 'sim:human' });
      want(t);
    }
    const tv = trust.value;
    trustTimeSum += tv * frameS;
    ringT[ringPos] = t;
    ringV[ringPos] = tv;
    ringPos = (ringPos + 1) % RING;
    if (!Number.isNaN(failureAt)) {
      while (alignNext < aligned.length && t >= failureAt + ALIGNED_TRUST_OFFSETS_S[alignNext]! * 1000) aligned[alignNext++] = tv - trustBefore;
    }
    if (obs?.frame) {
      sample.t = t;
      sample.felt = felt;
      sample.estimated = estimated;
      sample.speed = robot.handoverSpeed;
      sample.concentrating = human.concentrating;
      sample.trust = tv;
      sample.detected = detected;
      sample.faceVisible = cues.faceVisible;
      obs.frame(sample);
    }
  };

  const endTask = (t: number, root: string): void => {
    taskActive = false;
    const success = root === 'SUCCESS' && taskDelivered;
    if (success) m.tasksSucceeded++;
    if (root === 'SUCCESS' && !taskDelivered) m.undeliveredSuccesses++;
    trust.advance(t);
    if (!taskDelivered) {
      // the part never came: the person notices (a failure of its own when no attempt failed visibly)
      if (taskNoticedFailures === 0) noticeFailure(t, 'not_delivered');
      human.onTaskFailed();
      trust.taskFailure();
    }
    trust.delay(taskDelayMs / 1000, human.impatience);
    m.delayS += taskDelayMs / 1000;
    obs?.event?.({ type: 'task-end', t, index: taskIndex, success, delivered: taskDelivered, root });
    ctx.retries = 0;
    if (taskIndex >= sc.handovers) done = true;
    else nextTaskAt = t + (sc.robot.interTaskS + sc.robot.fetchS) * 1000;
  };

  const tick = (t: number): void => {
    lastTickAt = t;
    tickDue = Infinity;
    const cmdBefore = robot.commands;
    const writesBefore = blackboard.writeCount;
    const status = statusOfTick(runner.tick());
    m.ticks++;
    obs?.tick?.(t, status);
    const det = blackboard.entry<boolean>(detectionKey)?.value === true;
    if (det && !lastDetected) {
      m.detections++;
      const fp = human.frustration <= thr;
      if (fp) {
        m.falseDetections++;
        if (human.concentrating) m.falseDetectionsConcentration++;
      }
      obs?.event?.({ type: 'detection', t, falsePositive: fp });
    }
    lastDetected = det;
    if (taskActive && (status === 'SUCCESS' || status === 'FAILURE')) endTask(t, status);
    else if (taskActive && t - taskStartedAt >= sc.robot.maxTaskS * 1000) {
      runner.halt();
      robot.advanceTo(t);
      endTask(t, 'HALTED');
    }
    if (robot.commands !== cmdBefore || blackboard.writeCount !== writesBefore) want(t + grid);
    if (taskActive) want(taskStartedAt + sc.robot.maxTaskS * 1000);
    const dl = runner.nextDeadline();
    if (dl !== undefined && Number.isFinite(dl)) want(dl > t ? dl : t + grid);
    const e = blackboard.entry(key);
    if (e && Number.isFinite(e.maxAgeMs) && e.timestamp + e.maxAgeMs >= t) want(afterGrid(e.timestamp + e.maxAgeMs));
  };

  while (!done) {
    const tFrame = start + nextFrameIndex * framePeriod;
    const tRobot = robot.nextEventAt();
    const tTask = taskActive ? Infinity : nextTaskAt;
    const tArrive = inFlight.length > 0 ? (inFlight[0] as number) : Infinity;
    let tEvent = tFrame < tRobot ? tFrame : tRobot;
    if (tTask < tEvent) tEvent = tTask;
    if (tArrive < tEvent) tEvent = tArrive;
    // the planner is paused between tasks (the next task starts it again)
    const tTick = !taskActive ? Infinity : fixed ? (lastTickAt + grid > tickFloor ? lastTickAt + grid : tickFloor) : tickDue > tickFloor ? tickDue : tickFloor;
    if (tTick < tEvent) {
      clock.set(tTick);
      tick(tTick);
      continue;
    }
    clock.set(tEvent);
    if (tEvent === tRobot) {
      robot.advanceTo(tEvent);
    } else if (tEvent === tArrive) {
      const observedAt = inFlight[1] as number;
      const e = inFlight[2] as AffectEstimate;
      inFlight.splice(0, 3);
      publish(tEvent, observedAt, e);
    } else if (tEvent === tTask) {
      taskActive = true;
      tickFloor = ceilGrid(tEvent);
      taskIndex++;
      taskStartedAt = tEvent;
      taskDelivered = false;
      taskNoticedFailures = 0;
      taskWaitedMs = 0;
      taskDelayMs = 0;
      blackboard.set('task/index', taskIndex, { source: 'sim:task' });
      want(tEvent);
      obs?.event?.({ type: 'task-start', t: tEvent, index: taskIndex });
    } else {
      nextFrameIndex++;
      frame(tEvent);
    }
    if (robot.changes !== changesSeen) {
      changesSeen = robot.changes;
      want(tEvent);
    }
  }

  trust.advance(clock.now());
  m.successRate = m.tasksSucceeded / m.tasks;
  m.handoverTimeS = m.tasksSucceeded > 0 ? handoverTimeSum / m.tasksSucceeded / 1000 : NaN;
  m.congruentShare = m.apologies > 0 ? m.congruentApologies / m.apologies : NaN;
  const detectedS = m.detectedFrustratedS + m.detectedCalmS;
  const frustratedS = m.detectedFrustratedS + m.missedFrustratedS;
  m.detectionPrecision = detectedS > 0 ? m.detectedFrustratedS / detectedS : NaN;
  m.detectionRecall = frustratedS > 0 ? m.detectedFrustratedS / frustratedS : NaN;
  m.finalTrust = trust.value;
  m.meanTrust = m.frames > 0 ? trustTimeSum / (m.frames * frameS) : trust.value;
  m.meanFrustration = m.frames > 0 ? frustrationTimeSum / (m.frames * frameS) : human.frustration;
  m.meanSpeed = m.handoverAttempts > 0 ? speedSum / m.handoverAttempts : NaN;
  m.simTimeS = (clock.now() - start) / 1000;
  obs?.end?.(m);
  const out: EpisodeResult = { metrics: m, person, traits: person.traits, trustAfterFailure: aligned };
  if (rec) out.timeline = rec.timeline;
  return out;
}

/**
 * One simulated episode: a person, a robot and a tree on a virtual clock, for
 * `scenario.handovers` tasks.
 *
 * Time advance (skip-ahead). The planner nominally ticks at 20 Hz (`tickMs` grid). A
 * tick can only do something different from the previous tick when something it can
 * observe changed: a controller action state, a blackboard write (estimator publish,
 * task start, `human/ready`), an entry going stale, a node timer (the runner's
 * `nextDeadline()`), or the tree's own commands/writes of the last tick. Everything
 * else in the world (person, robot, camera frames) is event-driven and is processed at
 * its own exact times regardless of ticks. So the runner jumps the clock to the next
 * event and ticks only at the first grid instant at or after an observable change —
 * the same instant a fixed-rate ticker would have first seen it. Ticks it skips are
 * ticks where every node would re-read the same inputs and return the same status.
 * `mode: 'fixed'` ticks on every grid instant instead; a test checks both give the
 * same metrics.
 *
 * Ordering at one instant: world events first (robot, frames, tasks), then the tick.
 */
import { VirtualClock } from '../src/core/clock.ts';
import { Blackboard } from '../src/core/blackboard.ts';
import type { Controller, FailureKind } from '../src/core/controller.ts';
import { affectKey } from '../src/contract/affect.ts';
import type { TaskContext } from '../src/estimator/types.ts';
import type { Scenario } from './params.ts';
import { Rng } from './rng.ts';
import { HumanModel, judgeApology, type HumanTraits } from './human.ts';
import { SimRobot, type RobotEvent } from './robot.ts';
import { TrustModel, type ApologyJudgement } from './trust.ts';
import { createSimEstimator, type SimEstimator } from './estimator.ts';

/**
 * Epoch time at which every episode starts (fixed, for determinism): 2026-01-01T00:00:00Z.
 *
 * @example
 * ```ts
 * new Date(EPISODE_START_MS).toISOString(); // '2026-01-01T00:00:00.000Z'
 * ```
 */
export const EPISODE_START_MS = Date.UTC(2026, 0, 1);

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
  /** Blackboard key DetectFrustration writes (default `frustrated`). */
  detectionKey?: string;
  /** Override the person's traits (tests). */
  traits?: Partial<HumanTraits>;
  /** Estimator override (tests); default is the real fusion via `createSimEstimator`. */
  estimator?: SimEstimator;
}

/** Per-episode results. */
export interface EpisodeMetrics {
  tasks: number;
  tasksSucceeded: number;
  /** tasksSucceeded / tasks. */
  successRate: number;
  /** Mean time from task start to its successful handover, s (NaN when none succeeded). */
  handoverTimeS: number;
  /** Time the person (not busy with a side task) waited for the robot, s. */
  waitTimeS: number;
  /** Time felt frustration was above the scenario threshold, s. */
  frustrationExposureS: number;
  apologies: number;
  congruentApologies: number;
  /** Apologies repeated within the window without a new failure (spam). */
  repeatApologies: number;
  /** congruentApologies / apologies (NaN without apologies). */
  congruentShare: number;
  /** Rising edges of the tree's frustration detection while the person concentrated and was not frustrated. */
  falseDetections: number;
  /** All rising edges of the tree's frustration detection. */
  detections: number;
  /** Time spent concentrating on a side task, s. */
  concentrationS: number;
  finalTrust: number;
  handoverAttempts: number;
  failures: Record<'drop' | 'timeout' | 'human_not_ready' | 'other', number>;
  /** Mean speed scale of handovers. */
  meanSpeed: number;
  ticks: number;
  frames: number;
  published: number;
  simTimeS: number;
}

/** One sample of the timeline (every frame). */
export interface TimelineSample {
  t: number;
  felt: number;
  estimated: number;
  speed: number;
  concentrating: boolean;
  trust: number;
}

/** A timeline for plots. */
export interface Timeline {
  samples: TimelineSample[];
  handovers: { t: number; result: 'success' | FailureKind }[];
  apologies: { t: number; judgement: ApologyJudgement; text: string }[];
  tasks: { start: number; end: number; success: boolean }[];
  detections: { t: number; falsePositive: boolean }[];
}

/** Result of {@link runEpisode}. */
export interface EpisodeResult {
  metrics: EpisodeMetrics;
  timeline?: Timeline;
  traits: HumanTraits;
}

function statusOfTick(r: unknown): string {
  if (typeof r === 'string') return r;
  if (r === true) return 'SUCCESS';
  if (r === false) return 'FAILURE';
  if (r !== null && typeof r === 'object' && 'status' in r) return String((r as { status: unknown }).status);
  return 'RUNNING';
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
  const human = new HumanModel(sc.human, rng.derive('human'), start, o.traits);
  const trust = new TrustModel(sc.trust);
  const thr = sc.frustrationThreshold;
  const key = affectKey(sc.humanId);
  const framePeriod = 1000 / sc.human.classifier.frameRateHz;
  const tl: Timeline | undefined = o.timeline ? { samples: [], handovers: [], apologies: [], tasks: [], detections: [] } : undefined;

  const m: EpisodeMetrics = {
    tasks: sc.handovers,
    tasksSucceeded: 0,
    successRate: 0,
    handoverTimeS: NaN,
    waitTimeS: 0,
    frustrationExposureS: 0,
    apologies: 0,
    congruentApologies: 0,
    repeatApologies: 0,
    congruentShare: NaN,
    falseDetections: 0,
    detections: 0,
    concentrationS: 0,
    finalTrust: 0,
    handoverAttempts: 0,
    failures: { drop: 0, timeout: 0, human_not_ready: 0, other: 0 },
    meanSpeed: 0,
    ticks: 0,
    frames: 0,
    published: 0,
    simTimeS: 0,
  };

  // task context (what the estimator's context fusion is told)
  const ctx: TaskContext = { consecutiveFailures: 0, retries: 0, waitingMs: 0, workingOnTask: false };
  let waitingStart = NaN;
  let lastFailureAt = -Infinity;
  let lastFailureApologised = true;
  let lastApologyAt = -Infinity;
  let speedSum = 0;

  let taskActive = false;
  let taskIndex = 0;
  let taskStartedAt = 0;
  let taskSucceeded = false;
  let handoverTimeSum = 0;
  let nextTaskAt = start;
  let tickDue = Infinity;
  let done = false;

  const onEvent = (ev: RobotEvent): void => {
    if (ev.type === 'handover-start') {
      m.handoverAttempts++;
      speedSum += ev.speed;
    } else if (ev.type === 'handover-end') {
      if (ev.result === 'cancelled') return;
      human.onHandover(ev.result);
      tl?.handovers.push({ t: ev.t, result: ev.result });
      if (ev.result === 'success') {
        trust.success();
        ctx.consecutiveFailures = 0;
        if (taskActive && !taskSucceeded) {
          taskSucceeded = true;
          handoverTimeSum += ev.t - taskStartedAt;
        }
      } else {
        trust.failure();
        ctx.consecutiveFailures++;
        ctx.retries++;
        lastFailureAt = ev.t;
        lastFailureApologised = false;
        const k = ev.result === 'drop' || ev.result === 'timeout' || ev.result === 'human_not_ready' ? ev.result : 'other';
        m.failures[k]++;
      }
      ctx.lastHandover = ev.result === 'error' || ev.result === 'controller_lost' ? 'timeout' : ev.result;
      ctx.lastHandoverAt = ev.t;
    } else if (ev.type === 'say' && ev.params.kind === 'apology') {
      const j = judgeApology(
        { now: ev.t, lastFailureAt, lastFailureApologised, lastApologyAt, tone: ev.params.tone, frustrated: human.frustration >= thr },
        sc.human.apology,
      );
      m.apologies++;
      if (j === 'congruent') m.congruentApologies++;
      else if (j === 'repeat') m.repeatApologies++;
      if (ev.t - lastFailureAt <= sc.human.apology.congruentWindowS * 1000) lastFailureApologised = true;
      lastApologyAt = ev.t;
      human.onApology(j);
      trust.apology(j);
      tl?.apologies.push({ t: ev.t, judgement: j, text: ev.params.text });
    }
  };
  const robot = new SimRobot(sc.robot, clock, rng.derive('robot'), human, onEvent);
  const runner = o.tree({ blackboard, controller: robot, clock });
  const estimator = o.estimator ?? createSimEstimator(sc.estimator, sc.humanId);

  const ceilGrid = (t: number) => start + Math.ceil((t - start) / grid) * grid;
  const afterGrid = (t: number) => start + (Math.floor((t - start) / grid) + 1) * grid;
  const want = (t: number) => {
    const g = ceilGrid(t);
    if (g < tickDue) tickDue = g;
  };

  let ready = true;
  blackboard.set('human/ready', true, { source: 'sim:human' });
  let nextFrameIndex = 0;
  let lastDetected = false;
  let lastTickAt = -Infinity;
  let tickFloor = start;
  let changesSeen = robot.changes;
  let estimated = 0;

  const frame = (t: number): void => {
    const waiting = robot.phase !== 'at_pose' && robot.phase !== 'transfer'; // between tasks the person waits for the next part
    human.advance(t, { waiting, movingSpeed: robot.movingSpeed });
    const effWaiting = waiting && !human.concentrating;
    if (effWaiting) {
      if (Number.isNaN(waitingStart)) waitingStart = t;
      m.waitTimeS += framePeriod / 1000;
    } else waitingStart = NaN;
    ctx.waitingMs = effWaiting ? t - waitingStart : 0;
    if (human.frustration > thr) m.frustrationExposureS += framePeriod / 1000;
    if (human.concentrating) m.concentrationS += framePeriod / 1000;
    const cues = human.frame();
    ctx.workingOnTask = cues.workingOnTask;
    const est = estimator.observe(cues, ctx);
    m.frames++;
    if (est) {
      blackboard.set(key, est, { source: 'sim:estimator', timestamp: t, maxAgeMs: est.maxAgeMs });
      estimated = est.frustration;
      m.published++;
      want(t);
    }
    const r = !human.concentrating;
    if (r !== ready) {
      ready = r;
      blackboard.set('human/ready', r, { source: 'sim:human' });
      want(t);
    }
    tl?.samples.push({ t, felt: human.frustration, estimated, speed: robot.handoverSpeed, concentrating: human.concentrating, trust: trust.value });
  };

  const endTask = (t: number, success: boolean): void => {
    taskActive = false;
    if (success) m.tasksSucceeded++;
    tl?.tasks.push({ start: taskStartedAt, end: t, success });
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
    const det = blackboard.entry<boolean>(detectionKey)?.value === true;
    if (det && !lastDetected) {
      m.detections++;
      const fp = human.concentrating && human.frustration < thr;
      if (fp) m.falseDetections++;
      tl?.detections.push({ t, falsePositive: fp });
    }
    lastDetected = det;
    if (taskActive && (status === 'SUCCESS' || status === 'FAILURE')) endTask(t, taskSucceeded);
    else if (taskActive && t - taskStartedAt >= sc.robot.maxTaskS * 1000) {
      runner.halt();
      robot.advanceTo(t);
      endTask(t, taskSucceeded);
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
    let tEvent = tFrame < tRobot ? tFrame : tRobot;
    if (tTask < tEvent) tEvent = tTask;
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
      if (robot.changes !== changesSeen) {
        changesSeen = robot.changes;
        want(tEvent);
      }
    } else if (tEvent === tTask) {
      taskActive = true;
      tickFloor = ceilGrid(tEvent);
      taskIndex++;
      taskStartedAt = tEvent;
      taskSucceeded = false;
      blackboard.set('task/index', taskIndex, { source: 'sim:task' });
      want(tEvent);
    } else {
      nextFrameIndex++;
      frame(tEvent);
    }
    if (robot.changes !== changesSeen) {
      changesSeen = robot.changes;
      want(tEvent);
    }
  }

  m.successRate = m.tasksSucceeded / m.tasks;
  m.handoverTimeS = m.tasksSucceeded > 0 ? handoverTimeSum / m.tasksSucceeded / 1000 : NaN;
  m.congruentShare = m.apologies > 0 ? m.congruentApologies / m.apologies : NaN;
  m.finalTrust = trust.value;
  m.meanSpeed = m.handoverAttempts > 0 ? speedSum / m.handoverAttempts : NaN;
  m.simTimeS = (clock.now() - start) / 1000;
  return tl ? { metrics: m, timeline: tl, traits: human.traits } : { metrics: m, traits: human.traits };
}

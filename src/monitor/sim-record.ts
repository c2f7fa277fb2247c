/**
 * MCAP recordings of simulated episodes (`affect-bt sim --record DIR`): re-runs a
 * selected episode (same scenario, tree and episode seed, so the same episode —
 * principle 6) with a recording wrapper around the tree and its controller, and writes
 * what a monitor would have seen on a real cell: the tree description, traces with the
 * blackboard, the planner's commands, the controller's action states and speed, and the
 * person's affect estimates — all as contract messages on the virtual clock. The file
 * replays in `affect-bt monitor --replay` and opens in Foxglove like a cell recording.
 *
 * Design notes: nothing in the simulator changes. The wrapper is a consumer of the
 * episode: it builds the real tree (with tracing on) against the episode's blackboard,
 * clock and a pass-through controller that notes every command, and samples the rest
 * after each tick (the simulator ticks whenever something observable changed, so every
 * estimate, action state and status change is seen at the tick that reads it).
 */
import { basename } from 'node:path';
import type { Blackboard } from '../core/blackboard.ts';
import type { Clock } from '../core/clock.ts';
import { controllerView, type ActionState, type Controller } from '../core/controller.ts';
import { affectKey, type AffectEstimate } from '../contract/affect.ts';
import { HeaderFactory, type RobotId } from '../contract/header.ts';
import type { InstantAction } from '../contract/instant-actions.ts';
import type { TopicName } from '../contract/schemas.ts';
import { blackboardSnapshot } from '../deploy/trace.ts';
import { buildTree, type TreeDocument } from '../tree/index.ts';
import { describeTree } from '../tree/describe.ts';
import type { RtNode } from '../tree/node.ts';
import { runEpisode, type EpisodeMetrics } from '../../sim/episode.ts';
import type { Scenario } from '../../sim/params.ts';
import { McapRecorder } from './mcap.ts';

/** Options of {@link recordEpisode}. */
export interface RecordEpisodeOptions {
  file: string;
  scenario: Scenario;
  doc: TreeDocument;
  /** The episode's seed string (`episodeSeed(seed, scenario.name, index)`). */
  seed: string;
  mode?: 'skip' | 'fixed';
  /** Trace messages per second of virtual time at most (default 10). */
  traceHz?: number;
  /** Extra metadata (episode index, tree path …). */
  meta?: Record<string, string>;
  /** Display name of the tree (default: the file name without `.yaml`). */
  treeName?: string;
  /** What the episode changes for a simulator control (blind, constant facts). */
  episode?: { blind?: boolean; facts?: Readonly<Record<string, string | number | boolean>> };
}

/**
 * Runs one episode with recording and writes it to `file`; returns the episode's
 * metrics (equal to an unrecorded run of the same episode).
 *
 * @example
 * ```ts
 * const m = await recordEpisode({ file: 'out/ep0.mcap', scenario, doc: await loadTreeFile('trees/handover_affect.yaml'), seed: episodeSeed(1, scenario.name, 0) });
 * ```
 */
export async function recordEpisode(o: RecordEpisodeOptions): Promise<{ metrics: EpisodeMetrics; messages: number }> {
  const treeName = o.treeName ?? basename(o.doc.file).replace(/\.ya?ml$/, '');
  const robot: RobotId = { manufacturer: 'sim', serialNumber: `${o.scenario.name}.${treeName}`.replace(/[^A-Za-z0-9_.:-]/g, '_').slice(0, 64) };
  const rec = await McapRecorder.create({ file: o.file, robot, meta: { source: 'affect-bt sim', scenario: o.scenario.name, tree: o.doc.file, seed: o.seed, ...(o.meta ?? {}) }, maxQueue: Number.MAX_SAFE_INTEGER });
  const headers = new HeaderFactory(robot, 'sim-episode'); // one simulated session for planner and controller
  let count = 0;
  const emit = (t: number, topic: TopicName, body: object) => {
    rec.record(t, topic, JSON.stringify({ ...headers.next(topic, t), ...body }));
    count++;
  };
  const result = runEpisode({
    scenario: o.scenario,
    seed: o.seed,
    mode: o.mode,
    blind: o.episode?.blind,
    facts: o.episode?.facts,
    tree: (env) => episodeTap(o, env, emit),
  });
  await rec.close();
  return { metrics: result.metrics, messages: count };
}

type Emit = (t: number, topic: TopicName, body: object) => void;

/** The recording wrapper of one episode's tree (see the module comment). */
function episodeTap(o: RecordEpisodeOptions, env: { blackboard: Blackboard; controller: Controller; clock: Clock }, emit: Emit) {
  const { blackboard, clock } = env;
  const real = env.controller;
  const known = new Map<string, string>(); // actionId → last status recorded
  let nextId = 0;
  const command = (a: InstantAction) => emit(clock.now(), 'instantActions', { actions: [a] });
  const controller = controllerView(real, {
    startHandover(p) {
      const id = real.startHandover(p);
      known.set(id, '');
      command({ actionId: id, actionType: 'handover', actionParameters: { ...p } });
      return id;
    },
    setSpeedScale(s) {
      const applied = real.setSpeedScale(s);
      command({ actionId: `speed-${nextId++}`, actionType: 'setSpeedScale', actionParameters: { speedScale: applied } });
      return applied;
    },
    say(p) {
      const id = real.say(p);
      known.set(id, '');
      command({ actionId: id, actionType: 'say', actionParameters: { ...p } });
      return id;
    },
    cancel(id) {
      real.cancel(id);
      command({ actionId: `cancel-${nextId++}`, actionType: 'cancel', actionParameters: { targetActionId: id } });
    },
  });
  const runner = buildTree(o.doc, { blackboard, controller, clock, trace: true });
  const description = describeTree(o.doc, runner);
  const t0 = clock.now();
  emit(t0, 'tree', description);
  emit(t0, 'connection/planner', { connectionState: 'ONLINE', sessionStartedAt: new Date(t0).toISOString() });
  emit(t0, 'connection/controller', { connectionState: 'ONLINE', sessionStartedAt: new Date(t0).toISOString() });
  const nodes = new Map<string, RtNode>();
  const index = (n: RtNode) => {
    nodes.set(n.path, n);
    n.children.forEach(index);
  };
  index(runner.root);
  const minTraceMs = 1000 / (o.traceHz ?? 10);
  const key = affectKey(o.scenario.humanId);
  let lastTrace = -Infinity;
  let lastStatuses = '';
  let lastAffect = NaN;
  let lastSpeed = NaN;
  let ticks = 0;
  const after = (status: string) => {
    const now = clock.now();
    ticks++;
    const e = blackboard.entry<AffectEstimate>(key);
    if (e !== undefined && e.timestamp !== lastAffect) {
      lastAffect = e.timestamp;
      emit(now, 'affect', { estimates: [e.value] });
    }
    const changed: ActionState[] = [];
    for (const [id, was] of known) {
      const s = real.actionState(id);
      if (s === undefined || s.status === was) continue;
      known.set(id, s.status);
      changed.push(s);
      if (s.status === 'FINISHED' || s.status === 'FAILED') known.delete(id);
    }
    if (changed.length > 0 || real.speedScale !== lastSpeed) {
      lastSpeed = real.speedScale;
      emit(now, 'state', {
        actionStates: changed.map((s) => ({ actionId: s.actionId, actionType: s.actionType, actionStatus: s.status, ...(s.failureKind ? { failureKind: s.failureKind } : {}), ...(s.resultDescription ? { resultDescription: s.resultDescription.slice(0, 500) } : {}) })),
        speedScale: real.speedScale,
        safeState: false,
        errors: [],
      });
    }
    const trace = runner.lastTrace;
    const statuses = trace.map((r) => r.status).join();
    if (now - lastTrace >= minTraceMs || statuses !== lastStatuses) {
      lastTrace = now;
      lastStatuses = statuses;
      emit(now, 'trace', {
        treeId: description.treeId,
        records: [{ kind: 'planner', phase: 'running', tick: ticks, speedScale: real.speedScale, rootStatus: status }, ...trace.map((r) => ({ ...r, feedback: nodes.get(r.path)?.feedback().slice(0, 300) ?? '' }))],
        blackboard: blackboardSnapshot(blackboard, now),
      });
    }
  };
  return {
    tick() {
      const s = runner.tick();
      after(s);
      return s;
    },
    halt: () => runner.halt(),
    nextDeadline: () => runner.nextDeadline(),
  };
}

// Integration: the simulator with the real tree runtime and real trees. Skip-ahead
// must give exactly what fixed-rate 20 Hz ticking gives; same seed → same metrics.
import { describe, it, expect, beforeAll } from 'vitest';
import { runEpisode, type EpisodeMetrics } from '../sim/episode.ts';
import { loadScenario } from '../sim/scenario.ts';
import { loadSimTree, type SimTree } from '../sim/trees.ts';
import { scriptedPolicy } from '../sim/scripted.ts';
import { episodeSeed } from '../sim/rng.ts';
import type { TreeFactory } from '../sim/episode.ts';

const withoutTicks = (m: EpisodeMetrics) => JSON.stringify({ ...m, ticks: 0 });

describe('episode runner with real trees', () => {
  let trees: SimTree[];
  beforeAll(async () => {
    trees = await Promise.all(['trees/handover_baseline.yaml', 'trees/handover_affect.yaml', 'trees/handover_affect_no_context.yaml'].map((p) => loadSimTree(p)));
  });

  it('skip-ahead gives the same metrics as fixed-rate 20 Hz ticking, with far fewer ticks', () => {
    let skipTicks = 0;
    let fixedTicks = 0;
    for (const name of ['impatient_novice', 'side_task_face_only', 'high_drop_robot']) {
      const scenario = { ...loadScenario(name), handovers: 4 };
      for (const tree of trees) {
        for (let ep = 0; ep < 2; ep++) {
          const seed = episodeSeed(7, name, ep);
          const fixed = runEpisode({ scenario, tree: tree.factory, seed, mode: 'fixed' }).metrics;
          const skip = runEpisode({ scenario, tree: tree.factory, seed, mode: 'skip' }).metrics;
          expect(withoutTicks(skip), `${name}/${tree.name}/${ep}`).toBe(withoutTicks(fixed));
          skipTicks += skip.ticks;
          fixedTicks += fixed.ticks;
        }
      }
    }
    expect(skipTicks * 3).toBeLessThan(fixedTicks);
  });

  it('skip-ahead equals fixed 20 Hz ticking with failure windows (side tasks + drops) and zero-length motions', () => {
    // zero-length motions put robot events on the tick instant (at most one tick per grid
    // instant); frowns while working right after a failure need DetectFrustration's
    // failure-window deadline. Both broke the equivalence before they were fixed.
    for (const name of ['side_task_face_only', 'side_task_concentration', 'calm_expert']) {
      const base = loadScenario(name);
      const scenario = { ...base, handovers: 4, robot: { ...base.robot, approachS: 0, transferS: 0, retractS: 0, dropBase: 0.3 } };
      for (const tree of trees) {
        for (let ep = 0; ep < 3; ep++) {
          const seed = episodeSeed(9, name, ep);
          const fixed = runEpisode({ scenario, tree: tree.factory, seed, mode: 'fixed' }).metrics;
          const skip = runEpisode({ scenario, tree: tree.factory, seed, mode: 'skip' }).metrics;
          expect(withoutTicks(skip), `${name}/${tree.name}/${ep}`).toBe(withoutTicks(fixed));
        }
      }
    }
  });

  it('skip-ahead equals fixed-rate for the scripted policy too', () => {
    const scenario = { ...loadScenario('high_drop_robot'), handovers: 5 };
    const a = runEpisode({ scenario, tree: scriptedPolicy(), seed: 'x', mode: 'fixed' }).metrics;
    const b = runEpisode({ scenario, tree: scriptedPolicy(), seed: 'x', mode: 'skip' }).metrics;
    expect(withoutTicks(b)).toBe(withoutTicks(a));
  });

  it('is deterministic per seed and differs across seeds', () => {
    const scenario = { ...loadScenario('impatient_novice'), handovers: 5 };
    const tree = trees[1]!;
    const a = runEpisode({ scenario, tree: tree.factory, seed: '1/a/0' }).metrics;
    const b = runEpisode({ scenario, tree: tree.factory, seed: '1/a/0' }).metrics;
    const c = runEpisode({ scenario, tree: tree.factory, seed: '2/a/0' }).metrics;
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    expect(JSON.stringify(c)).not.toBe(JSON.stringify(a));
  });

  it('a task succeeds only when the root succeeds and the part reached the person\'s expected place; facts reach the tree', async () => {
    const base = { ...loadScenario('calm_expert'), handovers: 3 };
    const right = runEpisode({ scenario: base, tree: trees[0]!.factory, seed: 'target' }).metrics;
    expect(right.successRate).toBeGreaterThan(0.6);
    // the baseline hands to right_hand; a left-handed person expects left_hand: every delivery is a wrong-target failure
    const left = runEpisode({ scenario: { ...base, task: { target: 'left_hand' } }, tree: trees[0]!.factory, seed: 'target' }).metrics;
    expect(left.successRate).toBe(0);
    expect(left.failures.wrong_target).toBeGreaterThan(0);
    expect(left.undeliveredSuccesses).toBe(3);
    expect(left.finalTrust).toBeLessThan(right.finalTrust);
    // a custom tree that reads a scenario fact chooses the place the person expects
    const seen: unknown[] = [];
    const factTree: TreeFactory = ({ blackboard, controller }) => {
      let id: string | undefined;
      return {
        tick() {
          const hand = blackboard.get<string>('person/hand');
          seen.push(hand);
          if (id === undefined) id = controller.startHandover({ objectId: 'p', target: hand ?? 'right_hand', speedScale: 1, approachWaitMs: 0, timeoutMs: 30_000 });
          const st = controller.actionState(id)?.status;
          if (st === 'FINISHED') return ((id = undefined), 'SUCCESS');
          if (st === 'FAILED') return ((id = undefined), 'FAILURE');
          return 'RUNNING';
        },
        halt() {},
        nextDeadline: () => undefined,
      };
    };
    const withFact = { ...base, robot: { ...base.robot, dropBase: 0, timeoutProb: 0 }, task: { target: '{person/hand}' }, facts: { 'person/hand': 'left_hand' } };
    const m = runEpisode({ scenario: withFact, tree: factTree, seed: 'fact' }).metrics;
    expect(seen).toContain('left_hand');
    expect(m.successRate).toBe(1);
  });

  it('records a timeline with samples, handovers and tasks', () => {
    const scenario = { ...loadScenario('high_drop_robot'), handovers: 3 };
    const r = runEpisode({ scenario, tree: trees[1]!.factory, seed: 't', timeline: true });
    expect(r.timeline!.tasks).toHaveLength(3);
    expect(r.timeline!.samples.length).toBe(r.metrics.frames);
    expect(r.timeline!.handovers.length).toBeGreaterThanOrEqual(r.metrics.tasksSucceeded);
  });
});

// Integration: the simulator with the real tree runtime and real trees. Skip-ahead
// must give exactly what fixed-rate 20 Hz ticking gives; same seed → same metrics.
import { describe, it, expect, beforeAll } from 'vitest';
import { runEpisode, type EpisodeMetrics } from '../sim/episode.ts';
import { loadScenario } from '../sim/scenario.ts';
import { loadSimTree, type SimTree } from '../sim/trees.ts';
import { scriptedPolicy } from '../sim/scripted.ts';
import { episodeSeed } from '../sim/rng.ts';

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

  it('records a timeline with samples, handovers and tasks', () => {
    const scenario = { ...loadScenario('high_drop_robot'), handovers: 3 };
    const r = runEpisode({ scenario, tree: trees[1]!.factory, seed: 't', timeline: true });
    expect(r.timeline!.tasks).toHaveLength(3);
    expect(r.timeline!.samples.length).toBe(r.metrics.frames);
    expect(r.timeline!.handovers.length).toBeGreaterThanOrEqual(r.metrics.tasksSucceeded);
  });
});

// The simulator's must-show claims on the shipped scenarios, with the real trees:
// task-first holds, the affect tree lowers the impatient novice's frustration
// exposure and apologises congruently, and the context rule lowers false frustration
// detections during concentration. Episode counts are kept small for the suite; the
// README main job and docs/simulator.md use 200+.
import { describe, it, expect, beforeAll } from 'vitest';
import { runComparison, type ScenarioResult } from '../sim/compare.ts';
import { loadScenario, listScenarios } from '../sim/scenario.ts';
import { loadSimTree, type SimTree } from '../sim/trees.ts';
import { pairedDiff } from '../sim/stats.ts';

describe('shipped scenarios: affect tree vs baseline', () => {
  let baseline: SimTree;
  let affect: SimTree;
  let noContext: SimTree;
  beforeAll(async () => {
    [baseline, affect, noContext] = await Promise.all(
      ['trees/handover_baseline.yaml', 'trees/handover_affect.yaml', 'trees/handover_affect_no_context.yaml'].map((p) => loadSimTree(p)),
    );
  });
  const run = (scenario: string, episodes: number, trees = [baseline, affect]): ScenarioResult =>
    runComparison({ trees: trees.map((t) => ({ name: t.name, factory: t.factory })), scenarios: [loadScenario(scenario)], episodes, seed: 1 })[0]!;

  it('task success is not lower than the baseline beyond the CI on every shipped scenario', () => {
    for (const name of listScenarios()) {
      const r = run(name, 40, [baseline, affect, noContext]);
      for (const c of r.comparisons) expect(c.taskFirst.pass, `${name}: ${c.tree} Δ success ${JSON.stringify(c.taskFirst.diff)}`).toBe(true);
    }
  });

  it('impatient novice: less frustration exposure and more congruent apologies', () => {
    const r = run('impatient_novice', 120);
    const d = r.comparisons[0]!.diff;
    expect(d.frustrationExposureS.mean).toBeLessThan(0);
    expect(d.frustrationExposureS.hi).toBeLessThan(0);
    expect(d.congruentApologies.lo).toBeGreaterThan(0);
    expect(r.trees[1]!.metrics.repeatApologies.mean).toBe(0);
  });

  it('concentration: false frustration detections are reported, and lower with the context rule than without', () => {
    const r = run('side_task_face_only', 120, [baseline, affect, noContext]);
    const withRule = r.trees[1]!;
    const without = r.trees[2]!;
    expect(without.metrics.falseDetections.mean).toBeGreaterThan(0);
    const d = pairedDiff(without.perEpisode.falseDetections, withRule.perEpisode.falseDetections);
    expect(d.hi).toBeLessThan(0);
    const full = run('side_task_concentration', 30, [baseline, affect, noContext]);
    for (const t of full.trees) expect(Number.isFinite(t.metrics.falseDetections.mean)).toBe(true);
  });
});

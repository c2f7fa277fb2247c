// The simulator's claims on the shipped scenarios, with the real trees: task success is
// non-inferior everywhere, intervals of bounded quantities stay in range, harm outside
// concentration is counted (a habitual frowner), and the context rule lowers false
// detections during concentration. Episode counts are small for the suite (each says
// why); docs/simulator.md uses 200 per tree and scenario.
import { describe, it, expect, beforeAll } from 'vitest';
import { runComparison, REPORTED_METRICS, type ScenarioResult } from '../sim/compare.ts';
import { loadScenario, listScenarios } from '../sim/scenario.ts';
import { loadSimTree, type SimTree } from '../sim/trees.ts';
import { pairedDiff } from '../sim/stats.ts';

describe('shipped scenarios: affect trees vs baseline', () => {
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

  it('task success is non-inferior (margin 0.01) on every shipped scenario, and every share interval stays in [0, 1]', () => {
    // 40 episodes: the affect trees change success by < 0.01 here, with a paired SD
    // small enough that 40 episodes put the interval's lower end above −0.01 (the
    // power line in the table says how many each needs; none needs more than 40 here)
    for (const name of listScenarios()) {
      const r = run(name, 40, [baseline, affect, noContext]);
      for (const c of r.claims) {
        expect(c.id).toBe('task-first');
        expect(c.verdict, `${name}: ${c.candidate} Δ success ${JSON.stringify(c.diff)}`).toBe('NON-INFERIOR');
        expect(c.episodesNeeded, `${name}: ${c.candidate}`).toBeLessThanOrEqual(40);
      }
      for (const t of r.trees) {
        for (const m of REPORTED_METRICS) {
          if (!('range' in m)) continue;
          const s = t.metrics[m.key];
          if (s.n === 0) continue;
          expect(s.lo >= 0 && s.lo <= s.mean + 1e-12 && s.mean <= s.hi + 1e-12 && s.hi <= 1, `${name}/${t.tree}/${m.key}: ${JSON.stringify(s)}`).toBe(true);
        }
      }
    }
  });

  it('harm is counted outside concentration too: a habitual frowner gets false detections, needless slow-downs and extra delay', () => {
    // everyone frowns by habit, nobody has a side task: every false detection happens
    // outside concentration, where the old metric counted none. 30 episodes: a frowner
    // triggers several detections per episode, so 30 give a clear interval.
    const sc = loadScenario('impatient_novice');
    const frowner = { ...sc, name: 'frowner', human: { ...sc.human, habitualFrown: { share: 1, strength: 1 }, expressiveness: { mean: 0.9, sd: 0.05 } } };
    const r = runComparison({ trees: [baseline, affect].map((t) => ({ name: t.name, factory: t.factory })), scenarios: [frowner], episodes: 30, seed: 1 })[0]!;
    const a = r.trees[1]!;
    expect(a.metrics.falseDetections.lo).toBeGreaterThan(0);
    expect(a.metrics.falseDetectionsConcentration.mean).toBe(0);
    expect(a.metrics.needlessSlowdowns.lo).toBeGreaterThan(0);
    expect(a.metrics.needlessSlowS.lo).toBeGreaterThan(0);
    expect(a.metrics.detectionPrecision.hi).toBeLessThan(1);
    expect(r.comparisons[0]!.diff.delayS.lo).toBeGreaterThan(0);
  });

  it('concentration: false detections during concentration are lower with the context rule than without', () => {
    // 120 episodes: about one false detection per episode without the rule, half with it
    const r = run('side_task_face_only', 120, [baseline, affect, noContext]);
    const withRule = r.trees[1]!;
    const without = r.trees[2]!;
    expect(without.metrics.falseDetectionsConcentration.mean).toBeGreaterThan(0);
    const d = pairedDiff(without.perEpisode.falseDetectionsConcentration, withRule.perEpisode.falseDetectionsConcentration);
    expect(d.hi).toBeLessThan(0);
  });
});

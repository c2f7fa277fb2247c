// Helpers for the judge-robustness tests: scale every time window of the simulated
// person's apology judge (congruence, repeat, salience) by a factor, and check that
// every claim's verdict stays the same at ×0.5, ×1 and ×1.5.
import { expect } from 'vitest';
import type { Scenario } from '../../sim/params.ts';
import { loadSimTrees } from '../../sim/trees.ts';
import { runComparison } from '../../sim/compare.ts';
import { loadScenario } from '../../sim/scenario.ts';

/** The scenario with the judge's window medians multiplied by `k`. */
export function scaleJudgeWindows(sc: Scenario, k: number): Scenario {
  const a = sc.human.apology;
  const s = (w: { median: number; sdLog: number }) => ({ ...w, median: w.median * k });
  return { ...sc, human: { ...sc.human, apology: { ...a, congruentWindowS: s(a.congruentWindowS), repeatWindowS: s(a.repeatWindowS), salienceS: s(a.salienceS) } } };
}

/** Runs the shipped baseline + affect tree with controls at ×0.5, ×1, ×1.5 and expects the same verdicts. */
export async function expectVerdictsSurviveJudgeWindows(scenario: string, episodes: number): Promise<void> {
  const trees = await loadSimTrees(['trees/handover_baseline.yaml', 'trees/handover_affect.yaml'], { controls: true });
  const sc = loadScenario(scenario);
  const runs = [0.5, 1, 1.5].map((k) => runComparison({ trees, scenarios: [scaleJudgeWindows(sc, k)], episodes, seed: 1 })[0]!);
  const verdicts = runs.map((r) => r.claims.map((c) => `${c.id}: ${c.verdict}`));
  expect(verdicts[0]).toHaveLength(5);
  expect(verdicts[0]).toEqual(verdicts[1]);
  expect(verdicts[2]).toEqual(verdicts[1]);
  // the windows did change what the person judged (the scaling is not a no-op)
  const apology = runs.map((r) => r.claims.find((c) => c.id === 'apology')!.diff.mean);
  expect(apology[0]).not.toBe(apology[2]);
}

import { describe, it, expect } from 'vitest';
import { runComparison } from './compare.ts';
import { toJson, toTable, seedSpread, claimLine } from './report.ts';
import { timelineSvg, comparisonSvg, alignedTrustSvg, detectionSvg, claimsSvg, scenarioPlots } from './plots.ts';
import { parseScenario } from './scenario.ts';
import { scriptedPolicy } from './scripted.ts';
import { runEpisode } from './episode.ts';

const scenario = parseScenario('name: tiny\nhandovers: 3\nrobot: { dropBase: 0.3 }\n', 'tiny.yaml');
const trees = [
  { name: 'no_apology', factory: scriptedPolicy({ apologise: false }) },
  { name: 'slow', factory: scriptedPolicy({ speedScale: 0.5 }) },
];
const meta = { seed: 5, episodes: 8, mode: 'skip' as const, margin: 0.01, trees: trees.map((t) => ({ name: t.name, path: `${t.name}.yaml` })) };

describe('comparison output', () => {
  const results = runComparison({ trees, scenarios: [scenario], episodes: 8, seed: 5, timelines: true });

  it('JSON: stable, rounded, NaN as null, with paired diffs and the task-first claim', () => {
    const a = toJson(results, meta);
    expect(toJson(runComparison({ trees, scenarios: [scenario], episodes: 8, seed: 5 }), meta)).toBe(a);
    const doc = JSON.parse(a);
    expect(doc.format).toBe('affect-bt-sim/2');
    expect(doc.scenarios[0].trees[0].metrics.congruentShare.mean).toBeNull();
    expect(doc.scenarios[0].comparisons[0]).toMatchObject({ reference: 'no_apology', candidate: 'slow' });
    expect(doc.scenarios[0].claims[0]).toMatchObject({ id: 'task-first', candidate: 'slow', reference: 'no_apology', margin: 0.01, test: 'non-inferiority' });
    expect(['NON-INFERIOR', 'INFERIOR', 'INCONCLUSIVE']).toContain(doc.scenarios[0].claims[0].verdict);
    expect(doc.scenarios[0].trees[0].alignedTrust.offsetsS[5]).toBe(0);
    expect(a).not.toMatch(/\d\.\d{7,}/);
  });

  it('table: levels per tree, paired differences, one verdict line per claim with a power line', () => {
    const t = toTable(results, meta);
    expect(t).toMatch(/^scenario tiny — 8 episodes, seed 5, mean \[95% CI\]/);
    expect(t).toMatch(/task success +\d\.\d{3} \[/);
    expect(t).toMatch(/paired differences Δ = slow − X/);
    expect(t).toMatch(/task first — slow vs no_apology, task success \(margin −0\.010\): (NON-INFERIOR|INFERIOR|INCONCLUSIVE) {2}Δ [+-]\d\.\d{3} \[[+-]\d\.\d{3}, [+-]\d\.\d{3}\] \(95% CI\); /);
    expect(t).toMatch(/run with --controls/);
    expect(claimLine(results[0]!.claims[0]!)).toMatch(/80% power needs|no effect to power|all paired differences/);
  });

  it('seed robustness: a claim per seed, and whether its verdict is stable', () => {
    const r2 = runComparison({ trees, scenarios: [scenario], episodes: 8, seed: 6 });
    const spread = seedSpread([
      { seed: 5, results },
      { seed: 6, results: r2 },
    ]);
    expect(spread[0]).toMatchObject({ scenario: 'tiny', claim: 'task first', seeds: [5, 6] });
    expect(spread[0]!.diffs).toHaveLength(2);
    expect(toTable(results, meta, spread)).toMatch(/seed robustness \(seeds 5, 6\)[\s\S]*tiny · task first \(slow vs no_apology\): Δ /);
    expect(JSON.parse(toJson(results, meta, spread)).seedRobustness[0].verdicts).toHaveLength(2);
  });

  it('SVG plots: timeline, bar charts, trust after failure, detection and claims', () => {
    const r = runEpisode({ scenario, tree: trees[1]!.factory, seed: 'plot', timeline: true });
    const svg = timelineSvg(r.timeline!, 'tiny <episode>');
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svg).toContain('tiny &lt;episode&gt;');
    expect((svg.match(/<polyline/g) ?? []).length).toBe(4);
    expect((svg.match(/<circle/g) ?? []).length).toBe(r.timeline!.handovers.length);
    const bars = comparisonSvg(results[0]!);
    expect(bars).toContain('task success');
    expect(bars.trim().endsWith('</svg>')).toBe(true);
    expect(alignedTrustSvg(results[0]!)).toContain('trust after the first failure');
    expect(detectionSvg(results[0]!)).toContain('precision');
    expect(claimsSvg(results[0]!)).toContain('task first');
    const files = scenarioPlots(results[0]!, 5).map(([f]) => f);
    expect(files).toEqual(['tiny-comparison.svg', 'tiny-trust-after-failure.svg', 'tiny-detection.svg', 'tiny-claims.svg', 'tiny-no_apology-timeline.svg', 'tiny-slow-timeline.svg']);
  });
});

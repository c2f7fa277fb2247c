import { describe, it, expect } from 'vitest';
import { runComparison } from './compare.ts';
import { toJson, toTable } from './report.ts';
import { timelineSvg, comparisonSvg } from './plots.ts';
import { parseScenario } from './scenario.ts';
import { scriptedPolicy } from './scripted.ts';
import { runEpisode } from './episode.ts';

const scenario = parseScenario('name: tiny\nhandovers: 3\nrobot: { dropBase: 0.3 }\n', 'tiny.yaml');
const trees = [
  { name: 'no_apology', factory: scriptedPolicy({ apologise: false }) },
  { name: 'slow', factory: scriptedPolicy({ speedScale: 0.5 }) },
];
const meta = { seed: 5, episodes: 8, mode: 'skip' as const, trees: trees.map((t) => ({ name: t.name, path: `${t.name}.yaml` })) };

describe('comparison output', () => {
  const results = runComparison({ trees, scenarios: [scenario], episodes: 8, seed: 5 });

  it('JSON: stable, rounded, NaN as null, with paired diffs and the task-first verdict', () => {
    const a = toJson(results, meta);
    expect(toJson(runComparison({ trees, scenarios: [scenario], episodes: 8, seed: 5 }), meta)).toBe(a);
    const doc = JSON.parse(a);
    expect(doc.format).toBe('affect-bt-sim/1');
    expect(doc.scenarios[0].trees[0].metrics.congruentShare.mean).toBeNull();
    expect(doc.scenarios[0].comparisons[0]).toMatchObject({ baseline: 'no_apology', tree: 'slow' });
    expect(typeof doc.scenarios[0].comparisons[0].taskFirst.pass).toBe('boolean');
    expect(a).not.toMatch(/\d\.\d{7,}/);
  });

  it('table: one row per metric, CIs, deltas and the task-first line', () => {
    const t = toTable(results, meta);
    expect(t).toMatch(/^scenario tiny — 8 episodes, seed 5, mean \[95% CI\]/);
    expect(t).toMatch(/task success +\d\.\d{3} \[/);
    expect(t).toMatch(/Δ slow − no_apology/);
    expect(t).toMatch(/task-first check slow vs no_apology: (PASS|FAIL) \(Δ success [+-]\d\.\d{3}, 95% CI \[/);
  });

  it('SVG plots: a timeline with curves and event marks, bar charts with CI whiskers', () => {
    const r = runEpisode({ scenario, tree: trees[1]!.factory, seed: 'plot', timeline: true });
    const svg = timelineSvg(r.timeline!, 'tiny <episode>');
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svg).toContain('tiny &lt;episode&gt;');
    expect((svg.match(/<polyline/g) ?? []).length).toBe(4);
    expect((svg.match(/<circle/g) ?? []).length).toBe(r.timeline!.handovers.length);
    const bars = comparisonSvg(results[0]!);
    expect(bars).toContain('task success');
    expect(bars.trim().endsWith('</svg>')).toBe(true);
  });
});

/**
 * Output of a comparison: the JSON document (`--json`) and the text table (stdout).
 * The JSON holds every reported metric with its CI, totals, failure counts, paired
 * differences and the task-first check; it contains no wall-clock values, and numbers
 * are rounded to 6 decimals, so the same seed gives byte-identical files.
 */
import { REPORTED_METRICS, type ScenarioResult } from './compare.ts';
import type { Summary } from './stats.ts';

/** Run facts recorded in the JSON. */
export interface ReportMeta {
  seed: number | string;
  episodes: number;
  mode: 'skip' | 'fixed';
  trees: { name: string; path: string }[];
}

const r6 = (x: number): number | null => (Number.isFinite(x) ? Math.round(x * 1e6) / 1e6 : null);
const sumJson = (s: Summary) => ({ n: s.n, mean: r6(s.mean), sd: r6(s.sd), lo: r6(s.lo), hi: r6(s.hi) });

/**
 * The JSON document of a comparison (stable key order, rounded numbers, NaN → null).
 *
 * @example
 * ```ts
 * writeFileSync('out.json', toJson(results, { seed: 1, episodes: 200, mode: 'skip', trees }));
 * ```
 */
export function toJson(results: readonly ScenarioResult[], meta: ReportMeta): string {
  const doc = {
    format: 'affect-bt-sim/1',
    seed: meta.seed,
    episodes: meta.episodes,
    mode: meta.mode,
    trees: meta.trees,
    metrics: REPORTED_METRICS.map((m) => ({ key: m.key, label: m.label, unit: m.unit, better: m.better })),
    scenarios: results.map((s) => ({
      scenario: s.scenario,
      description: s.description,
      trees: s.trees.map((t) => ({
        tree: t.tree,
        metrics: Object.fromEntries(REPORTED_METRICS.map((m) => [m.key, sumJson(t.metrics[m.key])])),
        totals: Object.fromEntries(Object.entries(t.totals).map(([k, v]) => [k, r6(v)])),
        failures: t.failures,
      })),
      comparisons: s.comparisons.map((c) => ({
        baseline: c.baseline,
        tree: c.tree,
        diff: Object.fromEntries(REPORTED_METRICS.map((m) => [m.key, sumJson(c.diff[m.key])])),
        taskFirst: { pass: c.taskFirst.pass, diff: sumJson(c.taskFirst.diff) },
      })),
    })),
    allTaskFirstPass: results.every((s) => s.comparisons.every((c) => c.taskFirst.pass)),
  };
  return JSON.stringify(doc, null, 2) + '\n';
}

function fmt(x: number, digits: number, sign = false): string {
  if (!Number.isFinite(x)) return '–';
  const s = x.toFixed(digits);
  return sign && x >= 0 ? '+' + s : s;
}

function digitsFor(key: string): number {
  return key.endsWith('S') ? 2 : 3;
}

function cell(s: Summary, key: string, sign = false): string {
  if (s.n === 0) return 'n/a';
  const d = digitsFor(key);
  return `${fmt(s.mean, d, sign)} [${fmt(s.lo, d, sign)}, ${fmt(s.hi, d, sign)}]`;
}

/**
 * The comparison as text tables, one per scenario: mean [95% CI] per tree, paired
 * differences against the first tree, and the task-first verdicts.
 *
 * @example
 * ```ts
 * process.stdout.write(toTable(results, meta));
 * ```
 */
export function toTable(results: readonly ScenarioResult[], meta: ReportMeta): string {
  const lines: string[] = [];
  for (const s of results) {
    lines.push(`scenario ${s.scenario}${s.description ? `: ${s.description}` : ''} — ${meta.episodes} episodes, seed ${meta.seed}, mean [95% CI]`);
    const head = ['metric', ...s.trees.map((t) => t.tree), ...s.comparisons.map((c) => `Δ ${c.tree} − ${c.baseline}`)];
    const rows: string[][] = [head];
    for (const m of REPORTED_METRICS) {
      const label = m.unit ? `${m.label} (${m.unit})` : m.label;
      rows.push([label, ...s.trees.map((t) => cell(t.metrics[m.key], m.key)), ...s.comparisons.map((c) => cell(c.diff[m.key], m.key, true))]);
    }
    const widths = head.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
    for (const r of rows) lines.push(r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  '));
    for (const c of s.comparisons) {
      const d = c.taskFirst.diff;
      lines.push(
        `task-first check ${c.tree} vs ${c.baseline}: ${c.taskFirst.pass ? 'PASS' : 'FAIL'} (Δ success ${fmt(d.mean, 3, true)}, 95% CI [${fmt(d.lo, 3, true)}, ${fmt(d.hi, 3, true)}])`,
      );
    }
    lines.push('');
  }
  return lines.join('\n');
}

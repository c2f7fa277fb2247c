/**
 * Output of a comparison: the JSON document (`--json`) and the text tables (stdout).
 *
 * Per scenario the text shows the level of every metric per tree (mean [95% CI]),
 * the paired differences of each candidate against the baseline and its controls, and
 * one verdict line per declared claim with its primary metric, interval, level and
 * power line. A seed-robustness block (`--seeds`) shows each claim's primary
 * difference and verdict across seeds.
 *
 * The JSON holds every reported metric with its CI, totals, failure counts, the
 * aligned trust trajectories, paired differences, claims and the resolved scenario
 * parameters; it contains no wall-clock values, and numbers are rounded to 6 decimals,
 * so the same seed gives byte-identical files.
 */
import { REPORTED_METRICS, type ScenarioResult } from './compare.ts';
import { CLAIMS, type ClaimResult } from './claims.ts';
import type { Summary } from './stats.ts';
import type { Scenario } from './params.ts';
import { CONTROL_DESCRIPTIONS, type ControlKind } from './controls.ts';

/** Run facts recorded in the JSON. */
export interface ReportMeta {
  seed: number | string;
  episodes: number;
  mode: 'skip' | 'fixed';
  trees: { name: string; path: string; control?: { kind: ControlKind; of: string } }[];
  /** Non-inferiority margin of task success. */
  margin: number;
  /** The resolved scenarios, by name. */
  scenarios?: readonly Scenario[];
}

/** One claim across seeds. */
export interface SeedSpread {
  scenario: string;
  claim: string;
  candidate: string;
  reference: string;
  seeds: (number | string)[];
  /** Primary-metric difference (candidate − reference) per seed. */
  diffs: number[];
  verdicts: string[];
  /** The same verdict for every seed. */
  stable: boolean;
}

const r6 = (x: number): number | null => (Number.isFinite(x) ? Math.round(x * 1e6) / 1e6 : null);
const sumJson = (s: Summary) => ({ n: s.n, mean: r6(s.mean), sd: r6(s.sd), lo: r6(s.lo), hi: r6(s.hi) });

function claimJson(c: ClaimResult) {
  return {
    id: c.id,
    title: c.title,
    candidate: c.candidate,
    reference: c.reference,
    metric: c.metric,
    better: c.better,
    test: c.test,
    level: r6(c.level),
    ...(c.margin !== undefined ? { margin: c.margin } : {}),
    diff: sumJson(c.diff),
    verdict: c.verdict,
    holds: c.holds,
    episodesNeeded: Number.isFinite(c.episodesNeeded) ? c.episodesNeeded : null,
    episodes: c.episodes,
  };
}

/**
 * Seed robustness: each claim's primary difference and verdict across several runs.
 *
 * @example
 * ```ts
 * seedSpread([{ seed: 1, results: r1 }, { seed: 2, results: r2 }]);
 * ```
 */
export function seedSpread(runs: readonly { seed: number | string; results: readonly ScenarioResult[] }[]): SeedSpread[] {
  const out: SeedSpread[] = [];
  const first = runs[0]?.results ?? [];
  for (const s of first) {
    for (const c of s.claims) {
      const same = runs.map((r) => r.results.find((x) => x.scenario === s.scenario)?.claims.find((x) => x.id === c.id && x.candidate === c.candidate));
      const verdicts = same.map((x) => x?.verdict ?? 'missing');
      out.push({
        scenario: s.scenario,
        claim: c.title,
        candidate: c.candidate,
        reference: c.reference,
        seeds: runs.map((r) => r.seed),
        diffs: same.map((x) => x?.diff.mean ?? NaN),
        verdicts,
        stable: verdicts.every((v) => v === verdicts[0]),
      });
    }
  }
  return out;
}

/**
 * The JSON document of a comparison (stable key order, rounded numbers, NaN → null).
 *
 * @example
 * ```ts
 * writeFileSync('out.json', toJson(results, { seed: 1, episodes: 200, mode: 'skip', trees, margin: 0.01 }));
 * ```
 */
export function toJson(results: readonly ScenarioResult[], meta: ReportMeta, spread?: readonly SeedSpread[]): string {
  const doc = {
    format: 'affect-bt-sim/2',
    seed: meta.seed,
    episodes: meta.episodes,
    mode: meta.mode,
    margin: meta.margin,
    trees: meta.trees,
    metrics: REPORTED_METRICS.map((m) => ({ key: m.key, label: m.label, unit: m.unit, better: m.better, ...('range' in m ? { range: m.range } : {}), ...('ratio' in m ? { ratio: m.ratio } : {}) })),
    claims: CLAIMS.map((c) => ({ id: c.id, title: c.title, against: c.against, metric: c.metric, better: c.better, test: c.test })),
    scenarios: results.map((s) => ({
      scenario: s.scenario,
      description: s.description,
      trees: s.trees.map((t) => ({
        tree: t.tree,
        ...(t.control ? { control: t.control } : {}),
        metrics: Object.fromEntries(REPORTED_METRICS.map((m) => [m.key, sumJson(t.metrics[m.key])])),
        totals: Object.fromEntries(Object.entries(t.totals).map(([k, v]) => [k, r6(v)])),
        failures: t.failures,
        alignedTrust: { offsetsS: t.alignedTrust.offsetsS, mean: t.alignedTrust.mean.map(r6), lo: t.alignedTrust.lo.map(r6), hi: t.alignedTrust.hi.map(r6), n: t.alignedTrust.n },
      })),
      comparisons: s.comparisons.map((c) => ({
        reference: c.reference,
        candidate: c.candidate,
        diff: Object.fromEntries(REPORTED_METRICS.map((m) => [m.key, sumJson(c.diff[m.key])])),
      })),
      claims: s.claims.map(claimJson),
      ...(meta.scenarios ? { params: meta.scenarios.find((x) => x.name === s.scenario) } : {}),
    })),
    allTaskFirstPass: results.every((s) => s.claims.every((c) => c.id !== 'task-first' || c.holds)),
    ...(spread ? { seedRobustness: spread.map((x) => ({ ...x, diffs: x.diffs.map(r6) })) } : {}),
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

function grid(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd());
}

function metricLabel(m: (typeof REPORTED_METRICS)[number]): string {
  return m.unit ? `${m.label} (${m.unit})` : m.label;
}

const thousands = (n: number) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');

/**
 * One verdict line of a claim.
 *
 * @example
 * ```ts
 * claimLine(result.claims[0]); // 'task first — handover_affect vs handover_baseline …: NON-INFERIOR …'
 * ```
 */
export function claimLine(c: ClaimResult): string {
  const m = REPORTED_METRICS.find((x) => x.key === c.metric)!;
  const d = digitsFor(c.metric);
  const unit = m.unit ? `${m.unit}, ` : '';
  const what = c.test === 'non-inferiority' ? `${m.label} (margin −${fmt(c.margin ?? 0, 3)})` : `${m.label} (${unit}${c.better} is better)`;
  const lvl = `${(c.level * 100).toFixed(c.level === 0.95 ? 0 : 2)}% CI`;
  const need = c.episodesNeeded;
  const power = c.diff.sd === 0
    ? `all paired differences equal (SD 0): no power estimate needed`
    : !Number.isFinite(need)
    ? `no effect to power (Δ ${fmt(c.diff.mean, d, true)})`
    : need <= c.episodes
      ? `80% power needs ${thousands(need)} episodes (ran ${thousands(c.episodes)})`
      : `80% power needs ${thousands(need)} episodes — ran only ${thousands(c.episodes)}`;
  return `${c.title} — ${c.candidate} vs ${c.reference}, ${what}: ${c.verdict}  Δ ${fmt(c.diff.mean, d, true)} [${fmt(c.diff.lo, d, true)}, ${fmt(c.diff.hi, d, true)}] (${lvl}); ${power}`;
}

/**
 * The comparison as text, one block per scenario: levels per tree, paired differences
 * of each candidate, the claims' verdicts; then the seed-robustness block if given.
 *
 * @example
 * ```ts
 * process.stdout.write(toTable(results, meta));
 * ```
 */
export function toTable(results: readonly ScenarioResult[], meta: ReportMeta, spread?: readonly SeedSpread[]): string {
  const lines: string[] = [];
  for (const s of results) {
    lines.push(`scenario ${s.scenario}${s.description ? `: ${s.description}` : ''} — ${meta.episodes} episodes, seed ${meta.seed}, mean [95% CI]`);
    const ctl = s.trees.filter((t) => t.control);
    if (ctl.length > 0) {
      const byOf = new Map<string, string[]>();
      for (const t of ctl) byOf.set(t.control!.of, [...(byOf.get(t.control!.of) ?? []), t.tree]);
      lines.push(`controls: ${[...byOf].map(([of, names]) => `${names.join(', ')} (of ${of})`).join('; ')}`);
      for (const k of new Set(ctl.map((t) => t.control!.kind))) lines.push(`  ${k}: ${CONTROL_DESCRIPTIONS[k]}`);
    }
    const rows: string[][] = [['metric', ...s.trees.map((t) => t.tree)]];
    for (const m of REPORTED_METRICS) rows.push([metricLabel(m), ...s.trees.map((t) => cell(t.metrics[m.key], m.key))]);
    lines.push(...grid(rows));
    const cands = [...new Set(s.comparisons.map((c) => c.candidate))];
    for (const cand of cands) {
      const comps = s.comparisons.filter((c) => c.candidate === cand);
      lines.push('', `paired differences Δ = ${cand} − X, mean [95% CI]`);
      const drows: string[][] = [['metric', ...comps.map((c) => `− ${c.reference}`)]];
      for (const m of REPORTED_METRICS) drows.push([metricLabel(m), ...comps.map((c) => cell(c.diff[m.key], m.key, true))]);
      lines.push(...grid(drows));
    }
    if (s.claims.length > 0) {
      lines.push('', 'claims (each with its pre-declared primary metric):');
      for (const c of s.claims) lines.push(`  ${claimLine(c)}`);
      if (!s.trees.some((t) => t.control)) lines.push('  (run with --controls for the sensing, pacing and apology claims)');
    }
    lines.push('');
  }
  if (spread && spread.length > 0) {
    lines.push(`seed robustness (seeds ${spread[0]!.seeds.join(', ')}): primary Δ per seed and verdicts`);
    for (const x of spread) {
      const d = x.diffs.filter(Number.isFinite);
      const range = d.length ? `Δ ${fmt(Math.min(...d), 3, true)} … ${fmt(Math.max(...d), 3, true)}` : 'Δ –';
      const counts = new Map<string, number>();
      for (const v of x.verdicts) counts.set(v, (counts.get(v) ?? 0) + 1);
      lines.push(`  ${x.scenario} · ${x.claim} (${x.candidate} vs ${x.reference}): ${range}; ${[...counts].map(([v, n]) => `${v} ×${n}`).join(', ')}${x.stable ? ' — stable' : ' — VARIES WITH THE SEED'}`);
    }
    lines.push('');
  }
  return lines.join('\n');
}

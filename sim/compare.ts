/**
 * Runs several trees on the same scenarios and seeds (paired design) and reduces the
 * per-episode metrics to summaries with 95% CIs, paired differences against the first
 * tree (the baseline), and the task-first check: a tree's task success may not be
 * lower than the baseline's beyond the interval (upper end of the paired difference
 * ≥ 0). Pure computation: no I/O, no wall-clock values in the result, so the same
 * inputs give byte-identical JSON.
 */
import type { Scenario } from './params.ts';
import { runEpisode, type EpisodeMetrics, type Timeline, type TreeFactory } from './episode.ts';
import { episodeSeed } from './rng.ts';
import { pairedDiff, summarize, type Summary } from './stats.ts';

/**
 * The metrics reported with CIs, in table order, with their units and direction.
 *
 * @example
 * ```ts
 * REPORTED_METRICS.map((m) => m.key); // ['successRate', 'handoverTimeS', …]
 * ```
 */
export const REPORTED_METRICS = [
  { key: 'successRate', label: 'task success', unit: '', better: 'higher' },
  { key: 'handoverTimeS', label: 'handover time', unit: 's', better: 'lower' },
  { key: 'waitTimeS', label: 'human wait', unit: 's', better: 'lower' },
  { key: 'frustrationExposureS', label: 'frustration exposure', unit: 's', better: 'lower' },
  { key: 'apologies', label: 'apologies', unit: '', better: 'none' },
  { key: 'congruentApologies', label: 'congruent apologies', unit: '', better: 'higher' },
  { key: 'congruentShare', label: 'congruent share', unit: '', better: 'higher' },
  { key: 'repeatApologies', label: 'repeated apologies', unit: '', better: 'lower' },
  { key: 'falseDetections', label: 'false frustration detections (concentration)', unit: '', better: 'lower' },
  { key: 'finalTrust', label: 'final trust', unit: '', better: 'higher' },
] as const satisfies readonly { key: keyof EpisodeMetrics; label: string; unit: string; better: string }[];

/** A reported metric key. */
export type MetricKey = (typeof REPORTED_METRICS)[number]['key'];

/** A tree under comparison. */
export interface ComparedTree {
  name: string;
  factory: TreeFactory;
}

/** Options of {@link runComparison}. */
export interface ComparisonOptions {
  trees: readonly ComparedTree[];
  scenarios: readonly Scenario[];
  episodes: number;
  seed: number | string;
  mode?: 'skip' | 'fixed';
  /** Called after every episode with (done, total). */
  onProgress?: (done: number, total: number) => void;
  /** Also record the timeline of episode 0 of every tree × scenario (for plots). */
  timelines?: boolean;
}

/** Results of one tree on one scenario. */
export interface TreeResult {
  tree: string;
  metrics: Record<MetricKey, Summary>;
  /** Sums over all episodes. */
  totals: { episodes: number; tasks: number; tasksSucceeded: number; handoverAttempts: number; ticks: number; frames: number; published: number; simTimeS: number; detections: number };
  failures: Record<'drop' | 'timeout' | 'human_not_ready' | 'other', number>;
  /** Per-episode values (kept for paired comparisons; not serialised). */
  perEpisode: Record<MetricKey, Float64Array>;
  timeline?: Timeline;
}

/** A paired comparison of one tree against the baseline. */
export interface PairedComparison {
  baseline: string;
  tree: string;
  /** Paired difference tree − baseline per metric. */
  diff: Record<MetricKey, Summary>;
  /** Task-first check: success not lower than the baseline beyond the 95% CI. */
  taskFirst: { pass: boolean; diff: Summary };
}

/** All results of one scenario. */
export interface ScenarioResult {
  scenario: string;
  description: string;
  trees: TreeResult[];
  comparisons: PairedComparison[];
}

/**
 * Runs every tree on every scenario for `episodes` seeded episodes.
 *
 * @example
 * ```ts
 * const res = runComparison({ trees: [baseline, affect], scenarios: [loadScenario('impatient_novice')], episodes: 200, seed: 1 });
 * res[0].comparisons[0].taskFirst.pass;
 * ```
 */
export function runComparison(o: ComparisonOptions): ScenarioResult[] {
  if (!Number.isInteger(o.episodes) || o.episodes < 1) throw new RangeError(`runComparison: episodes must be an integer ≥ 1, got ${o.episodes}`);
  if (o.trees.length === 0) throw new RangeError('runComparison: give at least one tree');
  const total = o.trees.length * o.scenarios.length * o.episodes;
  let done = 0;
  const out: ScenarioResult[] = [];
  for (const sc of o.scenarios) {
    const trees: TreeResult[] = [];
    for (const tree of o.trees) {
      const per = Object.fromEntries(REPORTED_METRICS.map((m) => [m.key, new Float64Array(o.episodes)])) as Record<MetricKey, Float64Array>;
      const totals = { episodes: o.episodes, tasks: 0, tasksSucceeded: 0, handoverAttempts: 0, ticks: 0, frames: 0, published: 0, simTimeS: 0, detections: 0 };
      const failures = { drop: 0, timeout: 0, human_not_ready: 0, other: 0 };
      let timeline: Timeline | undefined;
      for (let ep = 0; ep < o.episodes; ep++) {
        const r = runEpisode({ scenario: sc, tree: tree.factory, seed: episodeSeed(o.seed, sc.name, ep), mode: o.mode, timeline: o.timelines === true && ep === 0 });
        const m = r.metrics;
        for (const d of REPORTED_METRICS) per[d.key][ep] = m[d.key];
        totals.tasks += m.tasks;
        totals.tasksSucceeded += m.tasksSucceeded;
        totals.handoverAttempts += m.handoverAttempts;
        totals.ticks += m.ticks;
        totals.frames += m.frames;
        totals.published += m.published;
        totals.simTimeS += m.simTimeS;
        totals.detections += m.detections;
        for (const k of ['drop', 'timeout', 'human_not_ready', 'other'] as const) failures[k] += m.failures[k];
        if (r.timeline) timeline = r.timeline;
        o.onProgress?.(++done, total);
      }
      const metrics = Object.fromEntries(REPORTED_METRICS.map((d) => [d.key, summarize(per[d.key])])) as Record<MetricKey, Summary>;
      trees.push(timeline ? { tree: tree.name, metrics, totals, failures, perEpisode: per, timeline } : { tree: tree.name, metrics, totals, failures, perEpisode: per });
    }
    const base = trees[0]!;
    const comparisons = trees.slice(1).map((t): PairedComparison => {
      const diff = Object.fromEntries(REPORTED_METRICS.map((d) => [d.key, pairedDiff(base.perEpisode[d.key], t.perEpisode[d.key])])) as Record<MetricKey, Summary>;
      const s = diff.successRate;
      return { baseline: base.tree, tree: t.tree, diff, taskFirst: { pass: !(s.hi < 0), diff: s } };
    });
    out.push({ scenario: sc.name, description: sc.description, trees, comparisons });
  }
  return out;
}

/**
 * Runs several trees on the same scenarios and seeds (paired design) and reduces the
 * per-episode records to summaries with confidence intervals, paired differences of
 * each candidate against the baseline and against its controls, and the declared
 * claims with their verdicts (`sim/claims.ts`).
 *
 * Running and reducing are separate steps: {@link runEpisodes} produces per-episode
 * records (`sim/record.ts`) in-process; worker threads and shard files produce the
 * same records elsewhere; {@link reduceComparison} turns any complete set of records
 * into the result. Pure computation: no I/O, no wall-clock values in the result, so the
 * same inputs give byte-identical JSON.
 *
 * Intervals: bounded metrics (success, trust, shares, precision/recall) use a
 * percentile bootstrap over episodes (one resampling plan per scenario, shared by all
 * trees, so paired quantities are resampled together) and never leave their range;
 * unbounded ones (seconds, counts) use Student t. Shares and precision/recall are
 * pooled ratios (Σ numerator / Σ denominator over episodes), not means of per-episode
 * ratios.
 */
import type { Scenario } from './params.ts';
import { ALIGNED_TRUST_OFFSETS_S, combineObservers, runEpisode, timelineRecorder, type EpisodeMetrics, type EpisodeObserver, type Timeline, type TreeFactory } from './episode.ts';
import { episodeSeed } from './rng.ts';
import {
  BootstrapPlan,
  bootstrapMean,
  bootstrapPairedMean,
  bootstrapPairedRatio,
  bootstrapRatio,
  pairedDiff,
  summarize,
  type Summary,
} from './stats.ts';
import { ALIGNED_COLUMN, RECORD_FAILURES, RECORD_LENGTH, failureColumn, metricColumn, toRecord, type RecordMetric } from './record.ts';
import { CLAIMS, judgeClaim, type ClaimResult } from './claims.ts';
import type { ControlKind } from './controls.ts';
import type { EpisodeSettings } from './trees.ts';

/** How a reported metric is summarised. */
interface MetricSpec {
  key: string;
  label: string;
  unit: string;
  better: 'higher' | 'lower' | 'none';
  /** Bounded range: bootstrap intervals that stay inside it. */
  range?: readonly [number, number];
  /** Pooled ratio Σnum / Σden (den summed over several record metrics). */
  ratio?: { num: RecordMetric; den: readonly RecordMetric[] };
}

/**
 * The metrics reported with CIs, in table order, with units, direction and range.
 *
 * @example
 * ```ts
 * REPORTED_METRICS.map((m) => m.key); // ['successRate', 'handoverTimeS', …]
 * ```
 */
export const REPORTED_METRICS = [
  { key: 'successRate', label: 'task success', unit: '', better: 'higher', range: [0, 1] },
  { key: 'handoverTimeS', label: 'handover time', unit: 's', better: 'lower' },
  { key: 'waitTimeS', label: 'human wait', unit: 's', better: 'lower' },
  { key: 'delayS', label: 'delay beyond a nominal handover', unit: 's', better: 'lower' },
  { key: 'meanFrustration', label: 'mean frustration (area under curve)', unit: '', better: 'lower', range: [0, 1] },
  { key: 'frustrationExposureS', label: 'frustration exposure', unit: 's', better: 'lower' },
  { key: 'meanTrust', label: 'mean trust (area under curve)', unit: '', better: 'higher', range: [0, 1] },
  { key: 'finalTrust', label: 'final trust', unit: '', better: 'higher', range: [0, 1] },
  { key: 'apologies', label: 'apologies', unit: '', better: 'none' },
  { key: 'congruentShare', label: 'congruent share', unit: '', better: 'higher', range: [0, 1], ratio: { num: 'congruentApologies', den: ['apologies'] } },
  { key: 'unwarrantedApologies', label: 'apologies for no failure', unit: '', better: 'lower' },
  { key: 'repeatApologies', label: 'repeated apologies', unit: '', better: 'lower' },
  { key: 'falseDetections', label: 'false frustration detections', unit: '', better: 'lower' },
  { key: 'falseDetectionsConcentration', label: '… while concentrating', unit: '', better: 'lower' },
  { key: 'detectionPrecision', label: 'detection precision', unit: '', better: 'higher', range: [0, 1], ratio: { num: 'detectedFrustratedS', den: ['detectedFrustratedS', 'detectedCalmS'] } },
  { key: 'detectionRecall', label: 'detection recall', unit: '', better: 'higher', range: [0, 1], ratio: { num: 'detectedFrustratedS', den: ['detectedFrustratedS', 'missedFrustratedS'] } },
  { key: 'needlessSlowdowns', label: 'needless slow-downs', unit: '', better: 'lower' },
  { key: 'needlessSlowS', label: 'needless slow time', unit: 's', better: 'lower' },
] as const satisfies readonly (MetricSpec & { key: keyof EpisodeMetrics })[];

/** A reported metric key. */
export type MetricKey = (typeof REPORTED_METRICS)[number]['key'];

const SPECS: readonly MetricSpec[] = REPORTED_METRICS;

/** A tree under comparison. */
export interface ComparedTree {
  name: string;
  factory: TreeFactory;
  /** What an episode of this tree changes (controls: blind, constant facts). */
  episode?: EpisodeSettings;
  /** Set for a derived control. */
  control?: { kind: ControlKind; of: string };
}

/** Options of {@link runComparison}. */
export interface ComparisonOptions {
  trees: readonly ComparedTree[];
  scenarios: readonly Scenario[];
  episodes: number;
  seed: number | string;
  mode?: 'skip' | 'fixed';
  /** Non-inferiority margin of task success (default 0.01). */
  margin?: number;
  /** Called after every episode with (done, total). */
  onProgress?: (done: number, total: number) => void;
  /** Also record the timeline of episode 0 of every tree × scenario (for plots). */
  timelines?: boolean;
  /** An observer for chosen episodes (e.g. a recorder); in-process runs only. */
  observe?: (at: { scenario: string; tree: string; episode: number }) => EpisodeObserver | undefined;
}

/** Records of one scenario: per tree, one record per episode of the run range. */
export interface ScenarioRecords {
  scenario: Scenario;
  trees: { name: string; records: Float64Array[]; timeline?: Timeline }[];
}

/** Aggregated trust trajectory around the first failure, per offset. */
export interface AlignedTrust {
  offsetsS: readonly number[];
  mean: number[];
  lo: number[];
  hi: number[];
  n: number[];
}

/** Results of one tree on one scenario. */
export interface TreeResult {
  tree: string;
  control?: { kind: ControlKind; of: string };
  metrics: Record<MetricKey, Summary>;
  /** Sums over all episodes. */
  totals: {
    episodes: number;
    tasks: number;
    tasksSucceeded: number;
    undeliveredSuccesses: number;
    handoverAttempts: number;
    slowdowns: number;
    detections: number;
    ticks: number;
    frames: number;
    published: number;
    simTimeS: number;
  };
  failures: Record<(typeof RECORD_FAILURES)[number], number>;
  /** Per-episode values (kept for paired comparisons; not serialised). */
  perEpisode: Record<RecordMetric, Float64Array>;
  alignedTrust: AlignedTrust;
  timeline?: Timeline;
}

/** A paired comparison: candidate − reference per metric. */
export interface PairedComparison {
  reference: string;
  candidate: string;
  diff: Record<MetricKey, Summary>;
}

/** All results of one scenario. */
export interface ScenarioResult {
  scenario: string;
  description: string;
  trees: TreeResult[];
  comparisons: PairedComparison[];
  claims: ClaimResult[];
}

/** Facts about a run the reduction needs. */
export interface ReduceOptions {
  seed: number | string;
  /** Total episodes per tree and scenario. */
  episodes: number;
  margin?: number;
  /** Control info per tree name. */
  controls?: ReadonlyMap<string, { kind: ControlKind; of: string }>;
}

/**
 * Runs the episodes `[from, to)` of every tree on every scenario in-process and returns
 * their records.
 *
 * @example
 * ```ts
 * const recs = runEpisodes({ trees, scenarios, episodes: 200, seed: 1 });
 * ```
 */
export function runEpisodes(o: ComparisonOptions, range: readonly [number, number] = [0, o.episodes]): ScenarioRecords[] {
  if (!Number.isInteger(o.episodes) || o.episodes < 1) throw new RangeError(`runComparison: episodes must be an integer ≥ 1, got ${o.episodes}`);
  if (o.trees.length === 0) throw new RangeError('runComparison: give at least one tree');
  const [from, to] = range;
  const total = o.trees.length * o.scenarios.length * (to - from);
  let done = 0;
  return o.scenarios.map((sc) => ({
    scenario: sc,
    trees: o.trees.map((tree) => {
      const records: Float64Array[] = [];
      let timeline: Timeline | undefined;
      for (let ep = from; ep < to; ep++) {
        const rec = o.timelines === true && ep === 0 ? timelineRecorder() : undefined;
        const extra = o.observe?.({ scenario: sc.name, tree: tree.name, episode: ep });
        const r = runEpisode({
          scenario: sc,
          tree: tree.factory,
          seed: episodeSeed(o.seed, sc.name, ep),
          mode: o.mode,
          blind: tree.episode?.blind,
          facts: tree.episode?.facts,
          observer: combineObservers(rec?.observer, extra),
        });
        records.push(toRecord(r));
        if (rec) timeline = rec.timeline;
        o.onProgress?.(++done, total);
      }
      return timeline ? { name: tree.name, records, timeline } : { name: tree.name, records };
    }),
  }));
}

function column(records: readonly Float64Array[], col: number): Float64Array {
  const out = new Float64Array(records.length);
  for (let i = 0; i < records.length; i++) out[i] = records[i]![col]!;
  return out;
}

function sumOf(records: readonly Float64Array[], col: number): number {
  let s = 0;
  for (const r of records) if (Number.isFinite(r[col]!)) s += r[col]!;
  return s;
}

function ratioParts(per: Record<RecordMetric, Float64Array>, spec: NonNullable<MetricSpec['ratio']>): [Float64Array, Float64Array] {
  const num = per[spec.num];
  const den = new Float64Array(num.length);
  for (const k of spec.den) for (let i = 0; i < den.length; i++) den[i]! += per[k][i]!;
  return [num, den];
}

function summarizeMetric(spec: MetricSpec, per: Record<RecordMetric, Float64Array>, plan: BootstrapPlan): Summary {
  if (spec.ratio) {
    const [num, den] = ratioParts(per, spec.ratio);
    return bootstrapRatio(num, den, plan);
  }
  const v = per[spec.key as RecordMetric];
  return spec.range ? bootstrapMean(v, plan) : summarize(v);
}

function diffMetric(spec: MetricSpec, ref: Record<RecordMetric, Float64Array>, cand: Record<RecordMetric, Float64Array>, plan: BootstrapPlan, level = 0.95): Summary {
  if (spec.ratio) {
    const [an, ad] = ratioParts(ref, spec.ratio);
    const [bn, bd] = ratioParts(cand, spec.ratio);
    return bootstrapPairedRatio(an, ad, bn, bd, plan, level);
  }
  const k = spec.key as RecordMetric;
  return spec.range ? bootstrapPairedMean(ref[k], cand[k], plan, level) : pairedDiff(ref[k], cand[k], level);
}

function alignedTrust(records: readonly Float64Array[]): AlignedTrust {
  const out: AlignedTrust = { offsetsS: ALIGNED_TRUST_OFFSETS_S, mean: [], lo: [], hi: [], n: [] };
  for (let k = 0; k < ALIGNED_TRUST_OFFSETS_S.length; k++) {
    const s = summarize(column(records, ALIGNED_COLUMN + k));
    out.mean.push(s.mean);
    out.lo.push(s.lo);
    out.hi.push(s.hi);
    out.n.push(s.n);
  }
  return out;
}

const PER_EPISODE_KEYS: readonly RecordMetric[] = [
  ...new Set<RecordMetric>([
    ...SPECS.flatMap((s) => (s.ratio ? [s.ratio.num, ...s.ratio.den] : [s.key as RecordMetric])),
    'tasks',
    'tasksSucceeded',
    'undeliveredSuccesses',
    'handoverAttempts',
    'slowdowns',
    'detections',
    'ticks',
    'frames',
    'published',
    'simTimeS',
  ]),
];

/**
 * Reduces complete records (every episode of every tree) to the comparison result:
 * summaries, paired differences of each candidate against the baseline and its
 * controls, and the claims. Candidates are the trees after the first (the baseline)
 * that are not controls, and any tree that has controls.
 *
 * @example
 * ```ts
 * const results = reduceComparison(runEpisodes(opts), { seed: 1, episodes: 200 });
 * ```
 */
export function reduceComparison(recs: readonly ScenarioRecords[], o: ReduceOptions): ScenarioResult[] {
  const margin = o.margin ?? 0.01;
  return recs.map((sr) => {
    const plan = new BootstrapPlan(o.episodes, `${o.seed}/${sr.scenario.name}`);
    const trees: TreeResult[] = sr.trees.map((t) => {
      if (t.records.length !== o.episodes) throw new Error(`reduceComparison: ${sr.scenario.name}/${t.name} has ${t.records.length} episode records, expected ${o.episodes}`);
      for (const r of t.records) if (r.length !== RECORD_LENGTH) throw new Error(`reduceComparison: a record of ${t.name} has ${r.length} values, expected ${RECORD_LENGTH}`);
      const per = {} as Record<RecordMetric, Float64Array>;
      for (const k of PER_EPISODE_KEYS) per[k] = column(t.records, metricColumn(k));
      const metrics = Object.fromEntries(SPECS.map((s) => [s.key, summarizeMetric(s, per, plan)])) as Record<MetricKey, Summary>;
      const sum = (k: RecordMetric) => sumOf(t.records, metricColumn(k));
      const failures = Object.fromEntries(RECORD_FAILURES.map((f) => [f, sumOf(t.records, failureColumn(f))])) as TreeResult['failures'];
      const control = o.controls?.get(t.name);
      const res: TreeResult = {
        tree: t.name,
        metrics,
        totals: {
          episodes: o.episodes,
          tasks: sum('tasks'),
          tasksSucceeded: sum('tasksSucceeded'),
          undeliveredSuccesses: sum('undeliveredSuccesses'),
          handoverAttempts: sum('handoverAttempts'),
          slowdowns: sum('slowdowns'),
          detections: sum('detections'),
          ticks: sum('ticks'),
          frames: sum('frames'),
          published: sum('published'),
          simTimeS: sum('simTimeS'),
        },
        failures,
        perEpisode: per,
        alignedTrust: alignedTrust(t.records),
      };
      if (control) res.control = control;
      if (t.timeline) res.timeline = t.timeline;
      return res;
    });
    const byName = new Map(trees.map((t) => [t.tree, t]));
    const base = trees[0]!;
    // candidates: every tree after the baseline that is not a control, and any tree that has controls
    const candidates = trees.filter((t, i) => !t.control && (i > 0 || trees.some((c) => c.control?.of === t.tree)));
    const comparisons: PairedComparison[] = [];
    const claims: ClaimResult[] = [];
    const compare = (ref: TreeResult, cand: TreeResult): PairedComparison => {
      const c: PairedComparison = {
        reference: ref.tree,
        candidate: cand.tree,
        diff: Object.fromEntries(SPECS.map((s) => [s.key, diffMetric(s, ref.perEpisode, cand.perEpisode, plan)])) as Record<MetricKey, Summary>,
      };
      comparisons.push(c);
      return c;
    };
    for (const cand of candidates) {
      if (cand !== base) compare(base, cand);
      const controls = trees.filter((t) => t.control?.of === cand.tree);
      for (const ctl of controls) compare(ctl, cand);
      const superiorityClaims = CLAIMS.filter((c) => c.test === 'superiority' && controls.some((t) => t.control!.kind === c.against));
      for (const spec of CLAIMS) {
        const ref = spec.against === 'baseline' ? (cand === base ? undefined : base) : controls.find((t) => t.control!.kind === spec.against);
        if (!ref) continue;
        const level = spec.test === 'superiority' ? 1 - 0.05 / Math.max(1, superiorityClaims.length) : 0.95;
        const m = SPECS.find((s) => s.key === spec.metric)!;
        const diff = diffMetric(m, ref.perEpisode, cand.perEpisode, plan, level);
        claims.push(judgeClaim(spec, { candidate: cand.tree, reference: byName.get(ref.tree)!.tree, diff, level, margin, episodes: o.episodes }));
      }
    }
    return { scenario: sr.scenario.name, description: sr.scenario.description, trees, comparisons, claims };
  });
}

/**
 * Runs every tree on every scenario for `episodes` seeded episodes, in-process, and
 * reduces the records.
 *
 * @example
 * ```ts
 * const res = runComparison({ trees: [baseline, affect], scenarios: [loadScenario('impatient_novice')], episodes: 200, seed: 1 });
 * res[0].claims[0].verdict; // task first: 'NON-INFERIOR' | 'INFERIOR' | 'INCONCLUSIVE'
 * ```
 */
export function runComparison(o: ComparisonOptions): ScenarioResult[] {
  const controls = new Map(o.trees.filter((t) => t.control).map((t) => [t.name, t.control!]));
  return reduceComparison(runEpisodes(o), { seed: o.seed, episodes: o.episodes, margin: o.margin, controls });
}

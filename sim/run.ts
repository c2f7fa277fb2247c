/**
 * One simulator run as `affect-bt sim` and the bench start it: run every seed's episodes
 * of the given trees (and their controls) in-process or in worker threads (all, or
 * one shard's slice), and reduce them — the command module only parses options and
 * prints. Results do not depend on how many workers ran them.
 */
import type { Scenario } from './params.ts';
import { reduceComparison, runEpisodes, type ScenarioRecords, type ScenarioResult } from './compare.ts';
import { treeSources, type SimTree } from './trees.ts';
import { runEpisodesInWorkers } from './workers.ts';
import { seedSpread, type ReportMeta, type SeedSpread } from './report.ts';
import { shardRange, type ShardSpec } from './shard.ts';

/** What to run. */
export interface SimRunOptions {
  /** The trees (with their controls), from `loadSimTrees`. */
  trees: readonly SimTree[];
  scenarios: readonly Scenario[];
  episodes: number;
  /** One run per seed (the first one's results are the main table). */
  seeds: readonly (number | string)[];
  mode?: 'skip' | 'fixed';
  /** Non-inferiority margin of task success (default 0.01). */
  margin?: number;
  /** Worker threads (default 1: in-process). */
  workers?: number;
  /** Plugin node modules (absolute paths) the trees need beyond their `nodes:` headers; worker threads load them. */
  nodeModules?: readonly string[];
  /** Run only this slice of the episodes (records, no reduction). */
  shard?: ShardSpec;
  /** Record episode-0 timelines for plots (in-process runs only). */
  timelines?: boolean;
  onProgress?: (done: number, total: number) => void;
}

/** What a run produced. */
export interface SimRun {
  trees: SimTree[];
  meta: ReportMeta;
  /** Results per seed (empty for a shard). */
  runs: { seed: number | string; results: ScenarioResult[] }[];
  /** Seed robustness, with more than one seed. */
  spread?: SeedSpread[];
  /** The slice's records (shards only). */
  shardRecords?: ScenarioRecords[];
}

/**
 * Runs every seed of a comparison.
 *
 * @example
 * ```ts
 * const trees = await loadSimTrees(['trees/handover_baseline.yaml', 'trees/handover_affect.yaml'], { controls: true });
 * const run = await runSimulation({ trees, scenarios: [loadScenario('impatient_novice')], episodes: 200, seeds: [1], workers: 2 });
 * console.log(toTable(run.runs[0].results, run.meta));
 * ```
 */
export async function runSimulation(o: SimRunOptions): Promise<SimRun> {
  const trees = [...o.trees];
  const mode = o.mode ?? 'skip';
  const margin = o.margin ?? 0.01;
  const meta: ReportMeta = {
    seed: o.seeds[0]!,
    episodes: o.episodes,
    mode,
    margin,
    trees: trees.map((t) => ({ name: t.name, path: t.path, ...(t.control ? { control: t.control } : {}) })),
    scenarios: o.scenarios,
  };
  const controls = new Map(trees.flatMap((t) => (t.control ? [[t.name, t.control] as const] : [])));
  const workers = o.workers ?? 1;
  const range = o.shard ? shardRange(o.shard, o.episodes) : ([0, o.episodes] as [number, number]);
  const seedsTotal = o.seeds.length;
  const runs: SimRun['runs'] = [];
  let shardRecords: ScenarioRecords[] | undefined;
  for (let i = 0; i < seedsTotal; i++) {
    const seed = o.seeds[i]!;
    const perSeed = trees.length * o.scenarios.length * (range[1] - range[0]);
    const progress = o.onProgress ? (d: number) => o.onProgress!(i * perSeed + d, seedsTotal * perSeed) : undefined;
    const records =
      workers > 1
        ? await runEpisodesInWorkers({ sources: treeSources(trees), nodeModules: [...(o.nodeModules ?? [])], scenarios: [...o.scenarios], seed, mode }, { workers, episodes: o.episodes, range, local: trees, onProgress: progress })
        : runEpisodes({ trees, scenarios: o.scenarios, episodes: o.episodes, seed, mode, timelines: o.timelines && i === 0, onProgress: progress }, range);
    if (o.shard) {
      shardRecords = records;
      break;
    }
    runs.push({ seed, results: reduceComparison(records, { seed, episodes: o.episodes, margin, controls }) });
  }
  const out: SimRun = { trees, meta, runs };
  if (runs.length > 1) out.spread = seedSpread(runs);
  if (shardRecords) out.shardRecords = shardRecords;
  return out;
}

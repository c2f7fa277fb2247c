/**
 * `affect-bt sim`: the headless handover simulator. Runs one or more trees (and, with
 * `--controls`, the controls derived from each affect tree) on one or all shipped
 * scenarios (or a scenario file) for N seeded episodes, prints the comparison (levels,
 * paired differences, one verdict per declared claim with its power line), and
 * optionally writes all metrics as JSON and SVG plots. `--workers N` spreads episodes
 * over threads, `--shard K/N` runs one slice and `affect-bt sim merge` combines slices
 * (same table). `--record DIR` re-runs selected episodes with an MCAP recorder
 * (src/monitor/sim-record.ts). With `--mqtt URL` it instead runs a short end-to-end
 * episode over a broker. See docs/simulator.md.
 *
 * The work lives in `sim/` (`runSimulation`, report, plots); this module parses
 * options, checks them, and prints.
 */
import { parseCommandArgs } from '../args.ts';
import { commandRegistry, NODES_HELP, NODES_OPTION } from '../nodes.ts';
import { packagePath } from '../../core/package-files.ts';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Scenario } from '../../../sim/params.ts';
import type { SimTree } from '../../../sim/trees.ts';

const USAGE = `usage: affect-bt sim [--tree FILE]... [--scenario NAME|FILE|all] [--episodes N] [--seed S | --seeds A..B]
                    [--controls] [--margin M] [--workers N] [--shard K/N] [--json OUT] [--plots DIR]
                    [--quiet] [--mode skip|fixed] [--check] [--mqtt URL] [--record DIR [--record-episodes LIST]]
                    [--nodes FILE]...
       affect-bt sim merge SHARD.json... [--json OUT] [--plots DIR] [--check]

Runs trees through the real tree runtime against a simulated person and robot on a
virtual clock, and compares them on the same seeds (paired).

options:
  --tree FILE        tree to evaluate; repeat to compare (the first is the baseline)
                     (default: trees/handover_baseline.yaml and trees/handover_affect.yaml
                     shipped with affect-bt)
  --scenario S       shipped scenario name, a scenario .yaml file, or 'all' (default impatient_novice)
  --episodes N       episodes per tree and scenario, 1..1000000 (default 200)
  --seed S           integer seed ≥ 0 (default 1); same seed → byte-identical --json
  --seeds A..B       run every seed A..B (or a list 1,4,9) and report each claim's spread
  --controls         add the controls derived from each affect tree (blind, scripted
                     apology, always-slow, no apology) and the claims that need them
  --margin M         non-inferiority margin of task success (default 0.01)
  --workers N        worker threads (default 1); results are identical for any N
  --shard K/N        run only slice K of N of the episodes; --json writes the shard file
  --json OUT         write all metrics as JSON
  --plots DIR        write SVG plots (timelines, trust after failures, detection, controls)
  --quiet            no progress bar (it is also off when stderr is not a terminal)
  --mode M           skip (default: tick only when something observable changed) or fixed (20 Hz)
  --check            exit 1 when a task-first claim does not hold
  --mqtt URL         end-to-end check over a broker (mqtt://host:port, or 'embedded')
  --record DIR       write one MCAP file per selected episode, tree and scenario
                     (replay: affect-bt monitor --replay FILE; opens in Foxglove)
  --record-episodes LIST  episodes to record, e.g. 0,3,10-12 (default 0; first seed)
${NODES_HELP}
  -h, --help         this text`;

/**
 * Parses `--seeds`: `A..B` (inclusive) or a comma list, integers ≥ 0.
 *
 * @example
 * ```ts
 * parseSeeds('1..5'); // [1, 2, 3, 4, 5]
 * parseSeeds('3,9'); // [3, 9]
 * ```
 */
export function parseSeeds(text: string): number[] | string {
  const range = /^(\d+)\.\.(\d+)$/.exec(text.trim());
  if (range) {
    const a = Number(range[1]);
    const b = Number(range[2]);
    if (b < a || b - a > 999) return `--seeds A..B needs A ≤ B and at most 1000 seeds, got ${text}`;
    return Array.from({ length: b - a + 1 }, (_, i) => a + i);
  }
  const list = text.split(',').map((x) => x.trim());
  if (list.some((x) => !/^\d+$/.test(x))) return `--seeds must be A..B or a comma-separated list of integers ≥ 0, got '${text}'`;
  return list.map(Number);
}

/**
 * Entry point of `affect-bt sim`.
 *
 * @example
 * ```ts
 * const code = await run(['--scenario', 'calm_expert', '--episodes', '20', '--controls', '--quiet']);
 * ```
 */
export async function run(argv: string[]): Promise<number> {
  if (argv[0] === 'merge') return (await import('./sim-merge.ts')).run(argv.slice(1));
  const a = parseCommandArgs(
    'sim',
    USAGE,
    argv,
    {
      tree: { type: 'string', multiple: true },
      scenario: { type: 'string', default: 'impatient_novice' },
      episodes: { type: 'string', default: '200' },
      seed: { type: 'string' },
      seeds: { type: 'string' },
      controls: { type: 'boolean', default: false },
      margin: { type: 'string', default: '0.01' },
      workers: { type: 'string', default: '1' },
      shard: { type: 'string' },
      json: { type: 'string' },
      plots: { type: 'string' },
      quiet: { type: 'boolean', default: false },
      mode: { type: 'string', default: 'skip' },
      check: { type: 'boolean', default: false },
      mqtt: { type: 'string' },
      record: { type: 'string' },
      'record-episodes': { type: 'string', default: '0' },
      ...NODES_OPTION,
    },
    {
      numbers: {
        episodes: { integer: true, min: 1, max: 1_000_000 },
        seed: { integer: true, min: 0, max: Number.MAX_SAFE_INTEGER },
        margin: { min: 0, max: 0.5 },
        workers: { integer: true, min: 1, max: 256 },
      },
      brokerUrls: { mqtt: 'url-or-embedded' },
      outputs: { json: 'file', plots: 'dir', record: 'dir' },
    },
  );
  if (typeof a === 'number') return a;
  const v = a.values;

  // ---- option checks (usage errors: exit 2) ----
  const episodes = a.numbers.episodes!;
  const margin = a.numbers.margin!;
  const workers = a.numbers.workers!;
  if (v.mode !== 'skip' && v.mode !== 'fixed') return a.usage(`--mode must be 'skip' or 'fixed', got '${v.mode}'`);
  if (v.seed !== undefined && v.seeds !== undefined) return a.usage('give --seed or --seeds, not both');
  const seeds = v.seeds !== undefined ? parseSeeds(v.seeds) : [a.numbers.seed ?? 1];
  if (typeof seeds === 'string') return a.usage(seeds);
  const { parseShard } = await import('../../../sim/shard.ts');
  const shard = v.shard === undefined ? undefined : parseShard(v.shard);
  if (typeof shard === 'string') return a.usage(shard);
  if (shard && seeds.length > 1) return a.usage('--shard runs one seed; give --seed, not --seeds');
  if (shard && v.plots !== undefined) return a.usage('--plots needs the whole run: give it to `affect-bt sim merge`');
  const recordEpisodes = v.record !== undefined ? parseEpisodeList(v['record-episodes']!, episodes) : [];
  if (typeof recordEpisodes === 'string') return a.usage(`--record-episodes ${recordEpisodes}`);
  const treePaths = v.tree && v.tree.length > 0 ? v.tree : [packagePath('trees', 'handover_baseline.yaml'), packagePath('trees', 'handover_affect.yaml')];
  const registry = await commandRegistry('sim', v.nodes);
  if (typeof registry === 'number') return registry;

  const { loadScenarios, ScenarioError } = await import('../../../sim/scenario.ts');
  let scenarios;
  try {
    scenarios = loadScenarios(v.scenario!);
  } catch (err) {
    if (err instanceof ScenarioError) {
      process.stderr.write(`affect-bt sim: cannot load scenario:\n${err.message}\n`);
      return 2;
    }
    throw err;
  }

  if (v.mqtt !== undefined) {
    const { runMqttEpisode } = await import('../../../sim/mqtt.ts');
    try {
      const r = await runMqttEpisode({ url: v.mqtt, treePath: treePaths[treePaths.length - 1]!, registry, scenario: scenarios[0]!, seed: String(seeds[0]) });
      process.stdout.write(JSON.stringify(r) + '\n');
      return r.tasksSucceeded > 0 ? 0 : 1;
    } catch (err) {
      process.stderr.write(`affect-bt sim --mqtt: ${(err as Error).message}\n`);
      return 1;
    }
  }

  // ---- trees and scenario checks (exit 2) ----
  const { loadSimTrees } = await import('../../../sim/trees.ts');
  const { validateScenarios } = await import('../../../sim/validate.ts');
  let trees;
  try {
    trees = await loadSimTrees(treePaths, { controls: v.controls, registry });
  } catch (err) {
    process.stderr.write(`affect-bt sim: ${(err as Error).message}\n`);
    return 2;
  }
  const names = new Set<string>();
  for (const t of trees) {
    if (names.has(t.name)) {
      process.stderr.write(`affect-bt sim: two trees are named '${t.name}'; give files with different names\n`);
      return 2;
    }
    names.add(t.name);
  }
  const problems = validateScenarios(scenarios, trees);
  for (const p of problems) process.stderr.write(`affect-bt sim: ${p.severity}: ${p.text}\n`);
  if (problems.some((p) => p.severity === 'error')) return 2;

  // ---- run ----
  const { runSimulation } = await import('../../../sim/run.ts');
  const { createProgress } = await import('../../../sim/progress.ts');
  const bar = createProgress(process.stderr, { quiet: v.quiet });
  let sim;
  try {
    sim = await runSimulation({
      trees: trees,
      scenarios,
      episodes,
      seeds,
      mode: v.mode,
      margin,
      workers,
      nodeModules: (v.nodes ?? []).map((p) => resolve(p)),
      shard,
      timelines: v.plots !== undefined,
      onProgress: (d, n) => bar.update(d, n),
    });
  } finally {
    bar.finish();
  }

  // ---- output ----
  if (shard) {
    const { shardJson, shardRange } = await import('../../../sim/shard.ts');
    const [from, to] = shardRange(shard, episodes);
    process.stdout.write(
      `shard ${shard.index}/${shard.count}: episodes ${from}..${to - 1} of ${episodes}, ${sim.trees.length} trees × ${scenarios.length} scenarios, seed ${seeds[0]}${v.json === undefined ? ' (give --json FILE to keep the records)' : ` → ${v.json}`}; combine the shard files with 'affect-bt sim merge'\n`,
    );
    if (v.json !== undefined) {
      mkdirSync(dirname(v.json), { recursive: true });
      writeFileSync(v.json, shardJson(sim.shardRecords!, sim.meta, shard));
    }
    return 0;
  }
  const code = await (await import('./sim-output.ts')).output(sim.runs[0]!.results, sim.meta, { json: v.json, plots: v.plots, check: v.check, spread: sim.spread });
  if (v.record !== undefined) await record(v.record, recordEpisodes, sim.trees, scenarios, seeds[0]!, v.mode as 'skip' | 'fixed');
  return code;
}

/** `--record DIR`: re-runs the selected episodes of every tree (controls too) with an MCAP recorder (src/monitor/sim-record.ts). */
async function record(dir: string, episodes: number[], trees: readonly SimTree[], scenarios: readonly Scenario[], seed: number | string, mode: 'skip' | 'fixed'): Promise<void> {
  const { join } = await import('node:path');
  const { recordEpisode } = await import('../../monitor/sim-record.ts');
  const { episodeSeed } = await import('../../../sim/rng.ts');
  mkdirSync(dir, { recursive: true });
  for (const sc of scenarios) {
    for (const t of trees) {
      for (const ep of episodes) {
        const file = join(dir, `${sc.name}-${t.name.replace(/[^A-Za-z0-9_.-]/g, '_')}-e${ep}.mcap`);
        const r = await recordEpisode({ file, scenario: sc, doc: t.doc, treeName: t.name, episode: t.episode, seed: episodeSeed(seed, sc.name, ep), mode, meta: { episode: String(ep) } });
        process.stdout.write(`recorded ${file} (${r.messages} messages, ${r.metrics.simTimeS.toFixed(0)} s simulated)\n`);
      }
    }
  }
}

/** `0,3,10-12` → [0, 3, 10, 11, 12]; an error text when malformed or ≥ episodes. */
function parseEpisodeList(text: string, episodes: number): number[] | string {
  const out = new Set<number>();
  for (const part of text.split(',')) {
    const m = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(part);
    if (!m) return `must be episode numbers or ranges like 0,3,10-12, got '${text}'`;
    const a = Number(m[1]);
    const b = m[2] === undefined ? a : Number(m[2]);
    if (b < a || b >= episodes) return `'${part.trim()}' is not within the ${episodes} episodes run (0-${episodes - 1})`;
    if (b - a > 1000) return `'${part.trim()}' selects more than 1000 episodes`;
    for (let i = a; i <= b; i++) out.add(i);
  }
  return [...out].sort((x, y) => x - y);
}

/**
 * `affect-bt sim`: the headless handover simulator. Runs one or more trees on one or
 * all shipped scenarios (or a scenario file) for N seeded episodes, prints a comparison
 * table (mean [95% CI], paired differences against the first tree, task-first check),
 * and optionally writes all metrics as JSON and SVG plots. With `--mqtt URL` it instead
 * runs a short end-to-end episode over a broker (planner ↔ controller simulator ↔
 * scripted affect publisher). See docs/simulator.md.
 */
import { parseCommandArgs } from '../args.ts';
import { commandRegistry, NODES_HELP, NODES_OPTION } from '../nodes.ts';
import { packagePath } from '../../core/package-files.ts';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const USAGE = `usage: affect-bt sim [--tree FILE]... [--scenario NAME|FILE|all] [--episodes N] [--seed S]
                    [--json OUT] [--plots DIR] [--quiet] [--mode skip|fixed] [--check] [--mqtt URL]
                    [--record DIR [--record-episodes LIST]] [--nodes FILE]...

Runs trees through the real tree runtime against a simulated person and robot on a
virtual clock, and compares them on the same seeds (paired).

options:
  --tree FILE        tree to evaluate; repeat to compare (the first is the baseline)
                     (default: trees/handover_baseline.yaml and trees/handover_affect.yaml
                     shipped with affect-bt)
  --scenario S       shipped scenario name, a scenario .yaml file, or 'all' (default impatient_novice)
  --episodes N       episodes per tree and scenario, 1..1000000 (default 200)
  --seed S           integer seed ≥ 0 (default 1); same seed → byte-identical --json
  --json OUT         write all metrics as JSON
  --plots DIR        write SVG plots (episode-0 timeline per tree, bar charts per scenario)
  --quiet            no progress bar (it is also off when stderr is not a terminal)
  --mode M           skip (default: tick only when something observable changed) or fixed (20 Hz)
  --check            exit 1 when a task-first check fails
  --mqtt URL         end-to-end check over a broker (mqtt://host:port, or 'embedded')
  --record DIR       write one MCAP file per selected episode, tree and scenario
                     (replay: affect-bt monitor --replay FILE; opens in Foxglove)
  --record-episodes LIST  episodes to record, e.g. 0,3,10-12 (default 0)
${NODES_HELP}
  -h, --help         this text`;

/**
 * Entry point of `affect-bt sim`.
 *
 * @example
 * ```ts
 * const code = await run(['--scenario', 'calm_expert', '--episodes', '20', '--quiet']);
 * ```
 */
export async function run(argv: string[]): Promise<number> {
  const a = parseCommandArgs(
    'sim',
    USAGE,
    argv,
    {
      tree: { type: 'string', multiple: true },
      scenario: { type: 'string', default: 'impatient_novice' },
      episodes: { type: 'string', default: '200' },
      seed: { type: 'string', default: '1' },
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
      numbers: { episodes: { integer: true, min: 1, max: 1_000_000 }, seed: { integer: true, min: 0, max: Number.MAX_SAFE_INTEGER } },
      brokerUrls: { mqtt: 'url-or-embedded' },
      outputs: { json: 'file', plots: 'dir', record: 'dir' },
    },
  );
  if (typeof a === 'number') return a;
  const v = a.values;
  const episodes = a.numbers.episodes!;
  if (v.mode !== 'skip' && v.mode !== 'fixed') return a.usage(`--mode must be 'skip' or 'fixed', got '${v.mode}'`);
  const seed = a.numbers.seed!;
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
      const r = await runMqttEpisode({ url: v.mqtt, treePath: treePaths[treePaths.length - 1]!, registry, scenario: scenarios[0]!, seed: String(seed) });
      process.stdout.write(JSON.stringify(r) + '\n');
      return r.tasksSucceeded > 0 ? 0 : 1;
    } catch (err) {
      process.stderr.write(`affect-bt sim --mqtt: ${(err as Error).message}\n`);
      return 1;
    }
  }

  const { loadSimTree } = await import('../../../sim/trees.ts');
  const trees = [];
  for (const p of treePaths) {
    try {
      trees.push(await loadSimTree(p, registry));
    } catch (err) {
      process.stderr.write(`affect-bt sim: cannot load tree ${p}:\n${(err as Error).message}\n`);
      return 2;
    }
  }
  const names = new Set<string>();
  for (const t of trees) {
    if (names.has(t.name)) {
      process.stderr.write(`affect-bt sim: two trees are named '${t.name}'; give files with different names\n`);
      return 2;
    }
    names.add(t.name);
  }

  const { runComparison } = await import('../../../sim/compare.ts');
  const { toJson, toTable } = await import('../../../sim/report.ts');
  const { createProgress } = await import('../../../sim/progress.ts');
  const bar = createProgress(process.stderr, { quiet: v.quiet });
  let results;
  try {
    results = runComparison({
      trees: trees.map((t) => ({ name: t.name, factory: t.factory })),
      scenarios,
      episodes,
      seed,
      mode: v.mode,
      timelines: v.plots !== undefined,
      onProgress: (d, n) => bar.update(d, n),
    });
  } finally {
    bar.finish();
  }
  const meta = { seed, episodes, mode: v.mode as 'skip' | 'fixed', trees: trees.map((t) => ({ name: t.name, path: t.path })) };
  process.stdout.write(toTable(results, meta));
  if (v.json !== undefined) {
    mkdirSync(dirname(v.json), { recursive: true });
    writeFileSync(v.json, toJson(results, meta));
  }
  if (v.plots !== undefined) {
    const { timelineSvg, comparisonSvg } = await import('../../../sim/plots.ts');
    mkdirSync(v.plots, { recursive: true });
    for (const s of results) {
      writeFileSync(join(v.plots, `${s.scenario}-comparison.svg`), comparisonSvg(s));
      for (const t of s.trees) if (t.timeline) writeFileSync(join(v.plots, `${s.scenario}-${t.tree}-timeline.svg`), timelineSvg(t.timeline, `${s.scenario} / ${t.tree} / episode 0 (seed ${seed})`));
    }
  }
  if (v.record !== undefined) {
    const { recordEpisode } = await import('../../monitor/sim-record.ts');
    const { loadTreeFile } = await import('../../tree/loader.ts');
    const { episodeSeed } = await import('../../../sim/rng.ts');
    mkdirSync(v.record, { recursive: true });
    for (const sc of scenarios) {
      for (const t of trees) {
        const doc = await loadTreeFile(t.path, { registry });
        for (const ep of recordEpisodes) {
          const file = join(v.record, `${sc.name}-${t.name}-e${ep}.mcap`);
          const r = await recordEpisode({ file, scenario: sc, doc, seed: episodeSeed(seed, sc.name, ep), mode: v.mode as 'skip' | 'fixed', meta: { episode: String(ep) } });
          process.stdout.write(`recorded ${file} (${r.messages} messages, ${r.metrics.simTimeS.toFixed(0)} s simulated)\n`);
        }
      }
    }
  }
  const failed = results.some((s) => s.comparisons.some((c) => !c.taskFirst.pass));
  return v.check && failed ? 1 : 0;
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

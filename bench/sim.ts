/**
 * `npm run bench -- sim [--episodes N] [--handovers H] [--scenario S] [--workers 1,2] [--controls]`:
 * the standard comparison — baseline and affect trees × 1,000 episodes × 10 handovers,
 * skip-ahead on the virtual clock — run once per worker count (in-process for 1,
 * worker threads otherwise). Prints wall time and episodes/s for each, checks that the
 * `--json` documents are byte-identical, then the same comparison ticking at a fixed
 * 20 Hz on fewer episodes for scale. Ends with one JSON line
 * `{"bench":"sim","runs":[{"workers":1,"wall_s":…,"episodes_per_s":…},…],"identical_json":true,…}`.
 */
import { parseArgs } from 'node:util';
import { runEpisodes } from '../sim/compare.ts';
import { loadScenario } from '../sim/scenario.ts';
import { loadSimTrees } from '../sim/trees.ts';
import { runSimulation } from '../sim/run.ts';
import { toJson } from '../sim/report.ts';

/**
 * Runs the benchmark.
 *
 * @example
 * ```ts
 * await main(['--episodes', '100', '--workers', '1,2']);
 * ```
 */
export async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      episodes: { type: 'string', default: '1000' },
      handovers: { type: 'string', default: '10' },
      scenario: { type: 'string', default: 'impatient_novice' },
      workers: { type: 'string', default: '1,2' },
      controls: { type: 'boolean', default: false },
      'fixed-episodes': { type: 'string', default: '50' },
    },
  });
  const episodes = Number(values.episodes);
  const scenario = { ...loadScenario(values.scenario!), handovers: Number(values.handovers) };
  const trees = await loadSimTrees(['trees/handover_baseline.yaml', 'trees/handover_affect.yaml'], { controls: values.controls });
  const workerCounts = values.workers!.split(',').map(Number);
  const total = trees.length * episodes;
  // warm-up (JIT) outside the measurement
  runEpisodes({ trees, scenarios: [scenario], episodes: 5, seed: 'warmup' });
  console.log(`sim bench: ${trees.length} trees × ${episodes} episodes × ${scenario.handovers} handovers on ${scenario.name}`);
  const runs: { workers: number; wall_s: number; cpu_s: number; episodes_per_s: number }[] = [];
  const jsons: string[] = [];
  let ticks = 0;
  let frames = 0;
  let simS = 0;
  for (const workers of workerCounts) {
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    const sim = await runSimulation({ trees, scenarios: [scenario], episodes, seeds: [1], workers });
    const wall = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const res = sim.runs[0]!.results;
    jsons.push(toJson(res, sim.meta));
    runs.push({ workers, wall_s: Math.round(wall * 100) / 100, cpu_s: Math.round((cpu.user + cpu.system) / 1e4) / 100, episodes_per_s: Math.round((total / wall) * 10) / 10 });
    console.log(`  --workers ${workers}: wall ${wall.toFixed(2)} s (process cpu, all threads ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s), ${(total / wall).toFixed(0)} episodes/s`);
    ticks = 0;
    frames = 0;
    simS = 0;
    for (const t of res[0]!.trees) {
      ticks += t.totals.ticks;
      frames += t.totals.frames;
      simS += t.totals.simTimeS;
    }
    if (workers === workerCounts[0]) {
      for (const t of res[0]!.trees) {
        const m = t.metrics;
        console.log(`    ${t.tree.padEnd(20)} success ${m.successRate.mean.toFixed(3)}  mean frustration ${m.meanFrustration.mean.toFixed(3)}  mean trust ${m.meanTrust.mean.toFixed(3)}`);
      }
    }
  }
  const identical = jsons.every((j) => j === jsons[0]);
  console.log(`  --json identical for --workers ${workerCounts.join(' and ')}: ${identical ? 'yes' : 'NO'}`);
  const fixedTicks = Math.round((simS * 1000) / scenario.tickMs);
  console.log(`  simulated ${(simS / 3600).toFixed(1)} h; ticks ${ticks} (fixed 20 Hz would need ${fixedTicks}, ×${(fixedTicks / ticks).toFixed(1)}); camera frames fused ${frames}`);
  // the same comparison ticking at a fixed 20 Hz, on fewer episodes, for scale
  const nf = Number(values['fixed-episodes']);
  let fixedEps = NaN;
  if (nf > 0) {
    const f0 = performance.now();
    runEpisodes({ trees, scenarios: [scenario], episodes: nf, seed: 1, mode: 'fixed' });
    fixedEps = (trees.length * nf) / ((performance.now() - f0) / 1000);
    console.log(`  fixed 20 Hz ticking (${nf} episodes per tree, 1 thread): ${fixedEps.toFixed(0)} episodes/s → skip-ahead is ×${(runs[0]!.episodes_per_s / fixedEps).toFixed(1)} faster`);
  }
  console.log(
    JSON.stringify({
      bench: 'sim',
      episodes: total,
      runs,
      identical_json: identical,
      ticks,
      fixed_rate_ticks: fixedTicks,
      fixed_rate_episodes_per_s: Number.isFinite(fixedEps) ? Math.round(fixedEps * 10) / 10 : null,
    }),
  );
  if (!identical) process.exitCode = 1;
}

/**
 * `npm run bench -- sim [--episodes N] [--handovers H] [--scenario S]`: the standard
 * comparison — baseline and affect trees × 1,000 episodes × 10 handovers, in-process,
 * skip-ahead on the virtual clock. Budget: ≤ 20 s total on the 2-core CI machine.
 * Prints readable numbers, then `{"bench":"sim","episodes_per_s":…,"ticks_per_s":…}`.
 */
import { parseArgs } from 'node:util';
import { runComparison } from '../sim/compare.ts';
import { loadScenario } from '../sim/scenario.ts';
import { loadSimTree } from '../sim/trees.ts';

/**
 * Runs the benchmark.
 *
 * @example
 * ```ts
 * await main(['--episodes', '100']);
 * ```
 */
export async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      episodes: { type: 'string', default: '1000' },
      handovers: { type: 'string', default: '10' },
      scenario: { type: 'string', default: 'impatient_novice' },
      'fixed-episodes': { type: 'string', default: '50' },
    },
  });
  const episodes = Number(values.episodes);
  const scenario = { ...loadScenario(values.scenario!), handovers: Number(values.handovers) };
  const trees = await Promise.all(['trees/handover_baseline.yaml', 'trees/handover_affect.yaml'].map((p) => loadSimTree(p)));
  // warm-up (JIT) outside the measurement
  runComparison({ trees, scenarios: [scenario], episodes: 5, seed: 'warmup' });
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const res = runComparison({ trees, scenarios: [scenario], episodes, seed: 1 });
  const wall = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const total = trees.length * episodes;
  let ticks = 0;
  let frames = 0;
  let simS = 0;
  for (const t of res[0]!.trees) {
    ticks += t.totals.ticks;
    frames += t.totals.frames;
    simS += t.totals.simTimeS;
  }
  const fixedTicks = Math.round((simS * 1000) / scenario.tickMs);
  console.log(`sim bench: ${trees.length} trees × ${episodes} episodes × ${scenario.handovers} handovers on ${scenario.name}`);
  console.log(`  wall ${wall.toFixed(2)} s (cpu ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s), ${(total / wall).toFixed(0)} episodes/s`);
  console.log(`  simulated ${(simS / 3600).toFixed(1)} h; ticks ${ticks} (fixed 20 Hz would need ${fixedTicks}, ×${(fixedTicks / ticks).toFixed(1)}), ${(ticks / wall).toFixed(0)} ticks/s`);
  console.log(`  camera frames fused ${frames} (${(frames / wall).toFixed(0)}/s)`);
  for (const t of res[0]!.trees) {
    const m = t.metrics;
    console.log(`  ${t.tree.padEnd(20)} success ${m.successRate.mean.toFixed(3)}  frustration exposure ${m.frustrationExposureS.mean.toFixed(2)} s  congruent apologies ${m.congruentApologies.mean.toFixed(2)}`);
  }
  console.log(`  budget ≤ 20 s: ${wall <= 20 ? 'OK' : 'OVER'}`);
  // the same comparison ticking at a fixed 20 Hz, on fewer episodes, for scale
  const nf = Number(values['fixed-episodes']);
  let fixedEps = NaN;
  if (nf > 0) {
    const f0 = performance.now();
    runComparison({ trees, scenarios: [scenario], episodes: nf, seed: 1, mode: 'fixed' });
    fixedEps = (trees.length * nf) / ((performance.now() - f0) / 1000);
    console.log(`  fixed 20 Hz ticking (${nf} episodes per tree): ${fixedEps.toFixed(0)} episodes/s → skip-ahead is ×${(total / wall / fixedEps).toFixed(1)} faster`);
  }
  console.log(
    JSON.stringify({
      bench: 'sim',
      episodes_per_s: Math.round((total / wall) * 10) / 10,
      ticks_per_s: Math.round(ticks / wall),
      wall_s: Math.round(wall * 100) / 100,
      episodes: total,
      ticks,
      fixed_rate_ticks: fixedTicks,
      fixed_rate_episodes_per_s: Number.isFinite(fixedEps) ? Math.round(fixedEps * 10) / 10 : null,
    }),
  );
}

/**
 * What `affect-bt sim` and `affect-bt sim merge` print and write for a finished
 * comparison: the table on stdout, `--json`, `--plots`, and the `--check` exit code.
 * One place, so a merged sweep prints exactly what the unsharded run prints.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { ScenarioResult } from '../../../sim/compare.ts';
import type { ReportMeta, SeedSpread } from '../../../sim/report.ts';

/**
 * Prints the table, writes JSON and plots; returns the exit code (1 with `check` when
 * a task-first claim does not hold).
 *
 * @example
 * ```ts
 * return output(results, meta, { json: 'out.json', plots: undefined, check: true });
 * ```
 */
export async function output(
  results: readonly ScenarioResult[],
  meta: ReportMeta,
  o: { json?: string; plots?: string; check?: boolean; spread?: readonly SeedSpread[] },
): Promise<number> {
  const { toJson, toTable } = await import('../../../sim/report.ts');
  process.stdout.write(toTable(results, meta, o.spread));
  if (o.json !== undefined) {
    mkdirSync(dirname(o.json), { recursive: true });
    writeFileSync(o.json, toJson(results, meta, o.spread));
  }
  if (o.plots !== undefined) {
    const { scenarioPlots } = await import('../../../sim/plots.ts');
    mkdirSync(o.plots, { recursive: true });
    for (const s of results) for (const [file, svg] of scenarioPlots(s, meta.seed)) writeFileSync(`${o.plots}/${file}`, svg);
  }
  const failed = results.some((s) => s.claims.some((c) => c.id === 'task-first' && !c.holds));
  return o.check && failed ? 1 : 0;
}

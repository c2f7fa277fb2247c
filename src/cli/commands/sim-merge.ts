/**
 * `affect-bt sim merge SHARD.json...`: combines the shard files of `affect-bt sim
 * --shard K/N --json FILE` into the table (and `--json`, `--plots`) the unsharded run
 * would give. Errors name the file: not a shard file, shards of different runs, a
 * missing or duplicated slice.
 */
import { readFileSync } from 'node:fs';
import { parseCommandArgs } from '../args.ts';

const USAGE = `usage: affect-bt sim merge SHARD.json... [--json OUT] [--plots DIR] [--check]

Combines the slices written by 'affect-bt sim --shard K/N --json FILE' (every K of one
run) into the same table and JSON as the unsharded run.

options:
  --json OUT     write all metrics as JSON (identical to the unsharded run's --json)
  --plots DIR    write the SVG plots (aggregate plots; no single-episode timelines)
  --check        exit 1 when a task-first claim does not hold
  -h, --help     this text`;

/**
 * Entry point of `affect-bt sim merge`.
 *
 * @example
 * ```ts
 * const code = await run(['a.json', 'b.json', '--json', 'merged.json']);
 * ```
 */
export async function run(argv: string[]): Promise<number> {
  const a = parseCommandArgs('sim merge', USAGE, argv, { json: { type: 'string' }, plots: { type: 'string' }, check: { type: 'boolean', default: false } }, { positionals: true });
  if (typeof a === 'number') return a;
  if (a.positionals.length === 0) return a.usage('give the shard files to merge');
  const files: [string, string][] = [];
  for (const f of a.positionals) {
    try {
      files.push([f, readFileSync(f, 'utf8')]);
    } catch (err) {
      process.stderr.write(`affect-bt sim merge: cannot read ${f}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}\n`);
      return 2;
    }
  }
  const { mergeShards, MergeError } = await import('../../../sim/shard.ts');
  const { reduceComparison } = await import('../../../sim/compare.ts');
  let merged;
  try {
    merged = mergeShards(files);
  } catch (err) {
    if (err instanceof MergeError) {
      process.stderr.write(`affect-bt sim merge: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
  const { meta, records } = merged;
  const controls = new Map(meta.trees.flatMap((t) => (t.control ? [[t.name, t.control] as const] : [])));
  const results = reduceComparison(records, { seed: meta.seed, episodes: meta.episodes, margin: meta.margin, controls });
  const { output } = await import('./sim-output.ts');
  return output(results, meta, { json: a.values.json, plots: a.values.plots, check: a.values.check });
}

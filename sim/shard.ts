/**
 * Sweeps bigger than one machine: `sim --shard K/N` runs a deterministic slice of the
 * episodes (the K-th of N contiguous blocks of episode indices, every tree and
 * scenario) and writes its per-episode records; `sim merge` checks that the slices
 * belong to one run and cover every episode exactly once, and reduces them into the
 * same table and JSON the unsharded run gives. Any batch scheduler can spread the
 * slices (Kubernetes indexed jobs: K = JOB_COMPLETION_INDEX + 1; a CI matrix).
 *
 * A shard file carries the full run description (seed, episodes, mode, margin, trees,
 * resolved scenarios), so merging needs neither the tree files nor the scenarios.
 */
import type { Scenario } from './params.ts';
import type { ScenarioRecords } from './compare.ts';
import { RECORD_LENGTH, recordFromJson, recordToJson } from './record.ts';
import type { ReportMeta } from './report.ts';

/**
 * Format id of a shard file.
 *
 * @example
 * ```ts
 * JSON.parse(text).format === SHARD_FORMAT;
 * ```
 */
export const SHARD_FORMAT = 'affect-bt-sim-shard/1';

/** Which slice a shard is. */
export interface ShardSpec {
  /** 1-based. */
  index: number;
  count: number;
}

/**
 * Parses `K/N` (1 ≤ K ≤ N); returns an error message for anything else.
 *
 * @example
 * ```ts
 * parseShard('2/4'); // { index: 2, count: 4 }
 * parseShard('5/4'); // 'shard must be K/N with 1 ≤ K ≤ N, got 5/4'
 * ```
 */
export function parseShard(text: string): ShardSpec | string {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const k = m ? Number(m[1]) : NaN;
  const n = m ? Number(m[2]) : NaN;
  if (!m || !(k >= 1 && k <= n)) return `shard must be K/N with 1 ≤ K ≤ N, got ${text}`;
  return { index: k, count: n };
}

/**
 * Episode range `[from, to)` of shard K of N over `episodes` episodes (contiguous,
 * sizes differ by at most one).
 *
 * @example
 * ```ts
 * shardRange({ index: 1, count: 3 }, 10); // [0, 3]
 * shardRange({ index: 3, count: 3 }, 10); // [6, 10]
 * ```
 */
export function shardRange(s: ShardSpec, episodes: number): [number, number] {
  return [Math.floor(((s.index - 1) * episodes) / s.count), Math.floor((s.index * episodes) / s.count)];
}

/**
 * The shard file of a slice (JSON text).
 *
 * @example
 * ```ts
 * writeFileSync('shard-2.json', shardJson(records, meta, { index: 2, count: 4 }));
 * ```
 */
export function shardJson(records: readonly ScenarioRecords[], meta: ReportMeta, shard: ShardSpec): string {
  const [from, to] = shardRange(shard, meta.episodes);
  const doc = {
    format: SHARD_FORMAT,
    run: { seed: meta.seed, episodes: meta.episodes, mode: meta.mode, margin: meta.margin, trees: meta.trees, scenarios: records.map((r) => r.scenario) },
    shard: { index: shard.index, count: shard.count, from, to },
    records: records.map((r) => ({ scenario: r.scenario.name, trees: r.trees.map((t) => ({ tree: t.name, episodes: t.records.map(recordToJson) })) })),
  };
  return JSON.stringify(doc) + '\n';
}

interface ShardDoc {
  format: string;
  run: { seed: number | string; episodes: number; mode: 'skip' | 'fixed'; margin: number; trees: ReportMeta['trees']; scenarios: Scenario[] };
  shard: { index: number; count: number; from: number; to: number };
  records: { scenario: string; trees: { tree: string; episodes: unknown[] }[] }[];
}

/**
 * Raised when shard files cannot be merged; the message says which file and why.
 *
 * @example
 * ```ts
 * try { mergeShards(files); } catch (e) { if (e instanceof MergeError) console.error(e.message); }
 * ```
 */
export class MergeError extends Error {
  override name = 'MergeError';
}

/**
 * Merges shard files (name → text) into complete records and the run description.
 * Every problem names the file: not a shard file, shards of different runs, a missing
 * or duplicated slice, a wrong number of records.
 *
 * @example
 * ```ts
 * const { records, meta } = mergeShards([['a.json', textA], ['b.json', textB]]);
 * const results = reduceComparison(records, { seed: meta.seed, episodes: meta.episodes, margin: meta.margin });
 * ```
 */
export function mergeShards(files: readonly (readonly [string, string])[]): { records: ScenarioRecords[]; meta: ReportMeta } {
  if (files.length === 0) throw new MergeError('give at least one shard file');
  const docs: [string, ShardDoc][] = files.map(([name, text]) => {
    let d: unknown;
    try {
      d = JSON.parse(text);
    } catch (err) {
      throw new MergeError(`${name}: not JSON (${(err as Error).message})`);
    }
    const doc = d as Partial<ShardDoc> | null;
    if (!doc || doc.format !== SHARD_FORMAT || !doc.run || !doc.shard || !Array.isArray(doc.records)) {
      throw new MergeError(`${name}: not an affect-bt shard file (expected format '${SHARD_FORMAT}'; write one with 'affect-bt sim --shard K/N --json FILE')`);
    }
    return [name, doc as ShardDoc];
  });
  const [firstName, first] = docs[0]!;
  // one run: same seed, episodes, mode, margin, scenarios and trees (by name and control;
  // the paths may differ between the machines that ran the slices)
  const identity = (r: ShardDoc['run']) => JSON.stringify({ ...r, trees: r.trees.map((t) => ({ name: t.name, control: t.control })) });
  const runKey = identity(first.run);
  const count = first.shard.count;
  const seen = new Map<number, string>();
  for (const [name, d] of docs) {
    if (identity(d.run) !== runKey) throw new MergeError(`${name}: belongs to another run than ${firstName} (seed, episodes, mode, margin, trees or scenarios differ)`);
    if (d.shard.count !== count) throw new MergeError(`${name}: is shard ${d.shard.index}/${d.shard.count}, but ${firstName} is one of ${count}`);
    const prev = seen.get(d.shard.index);
    if (prev) throw new MergeError(`${name}: shard ${d.shard.index}/${count} given twice (also ${prev})`);
    seen.set(d.shard.index, name);
  }
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((k) => !seen.has(k));
  if (missing.length) throw new MergeError(`missing shard${missing.length > 1 ? 's' : ''} ${missing.map((k) => `${k}/${count}`).join(', ')} of ${count}`);
  docs.sort((a, b) => a[1].shard.index - b[1].shard.index);
  const run = first.run;
  const records: ScenarioRecords[] = run.scenarios.map((scenario, s) => ({
    scenario,
    trees: run.trees.map((tree, t) => {
      const all: Float64Array[] = [];
      for (const [name, d] of docs) {
        const block = d.records[s]?.trees[t];
        const want = d.shard.to - d.shard.from;
        if (!block || block.tree !== tree.name || !Array.isArray(block.episodes) || block.episodes.length !== want) {
          throw new MergeError(`${name}: expected ${want} episode records of ${tree.name} on ${scenario.name}`);
        }
        try {
          for (const e of block.episodes) all.push(recordFromJson(e));
        } catch (err) {
          throw new MergeError(`${name}: ${scenario.name}/${tree.name}: ${(err as Error).message} (records of ${RECORD_LENGTH} values)`);
        }
      }
      return { name: tree.name, records: all };
    }),
  }));
  return { records, meta: { seed: run.seed, episodes: run.episodes, mode: run.mode, margin: run.margin, trees: run.trees, scenarios: run.scenarios } };
}

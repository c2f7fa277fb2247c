/**
 * `sim --workers N`: spreads episodes over worker threads. Each worker receives plain
 * data only — tree file paths with their control kinds, plugin node module paths, the
 * resolved scenarios, seed and mode — and builds its own trees (registry, loader,
 * controls) from them, so nothing that cannot cross a thread boundary is shared. The
 * main thread hands out chunks of episodes of one tree × scenario, collects the
 * per-episode records (`sim/record.ts`) and places them by episode index, so the
 * result is byte-identical to a single-threaded run for the same seed whatever the
 * order in which chunks finish. The main thread, already warm, works on chunks too.
 *
 * Running from the TypeScript sources, a worker first registers tsx (resolved from this
 * package, not from the working directory); running compiled JavaScript it does not.
 */
import { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Scenario } from './params.ts';
import { runEpisodes, type ComparedTree, type ScenarioRecords } from './compare.ts';
import type { TreeSource } from './trees.ts';

/** Everything a worker needs, as plain data. */
export interface WorkerJob {
  sources: TreeSource[];
  /** Plugin node modules to load before the trees (absolute paths; `nodes:` headers of the tree files load themselves). */
  nodeModules: string[];
  scenarios: Scenario[];
  seed: number | string;
  mode: 'skip' | 'fixed';
}

/** A chunk of work: episodes [from, to) of tree `tree` on scenario `scenario` (indices). */
export interface WorkerTask {
  id: number;
  scenario: number;
  tree: number;
  from: number;
  to: number;
}

/** Messages a worker sends. */
export type WorkerMessage =
  | { type: 'ready' }
  | { type: 'done'; id: number; records: Float64Array[] }
  | { type: 'error'; message: string };

/** Episodes per chunk: small enough to balance two workers, large enough that messages cost nothing. */
const CHUNK = 10;

const BOOTSTRAP = `
const { parentPort, workerData } = require('node:worker_threads');
(async () => {
  if (workerData.tsxApi) (await import(workerData.tsxApi)).register();
  await import(workerData.entry);
})().catch((e) => parentPort.postMessage({ type: 'error', message: 'worker start-up failed: ' + (e && e.stack || e) }));
`;

function entryPoints(): { entry: string; tsxApi?: string } {
  const here = import.meta.url;
  if (!here.endsWith('.ts')) return { entry: new URL('./worker.js', here).href };
  const req = createRequire(here);
  const pkgPath = req.resolve('tsx/package.json');
  const pkg = req('tsx/package.json') as { exports: Record<string, { import: { default: string } }> };
  return { entry: new URL('./worker.ts', here).href, tsxApi: pathToFileURL(join(dirname(pkgPath), pkg.exports['./esm/api']!.import.default)).href };
}

/**
 * Runs episodes `[from, to)` of every tree on every scenario on `workers` threads and
 * returns the same records an in-process `runEpisodes` would. Given the already loaded
 * trees (`local`, in the job's order), the calling thread is one of the workers —
 * it is warm already, so `--workers 2` starts one thread, not two.
 *
 * @example
 * ```ts
 * const recs = await runEpisodesInWorkers({ sources: treeSources(trees), nodeModules: [], scenarios, seed: 1, mode: 'skip' }, { workers: 2, episodes: 200, local: trees });
 * const results = reduceComparison(recs, { seed: 1, episodes: 200 });
 * ```
 */
export async function runEpisodesInWorkers(
  job: WorkerJob,
  o: { workers: number; episodes: number; range?: readonly [number, number]; local?: readonly ComparedTree[]; onProgress?: (done: number, total: number) => void },
): Promise<ScenarioRecords[]> {
  const [from, to] = o.range ?? [0, o.episodes];
  const tasks: WorkerTask[] = [];
  for (let s = 0; s < job.scenarios.length; s++)
    for (let t = 0; t < job.sources.length; t++) for (let e = from; e < to; e += CHUNK) tasks.push({ id: tasks.length, scenario: s, tree: t, from: e, to: Math.min(to, e + CHUNK) });
  const out: ScenarioRecords[] = job.scenarios.map((scenario) => ({ scenario, trees: job.sources.map((src) => ({ name: src.name, records: new Array<Float64Array>(to - from) })) }));
  const total = tasks.length === 0 ? 0 : job.scenarios.length * job.sources.length * (to - from);
  let done = 0;
  let next = 0;
  const store = (task: WorkerTask, records: readonly Float64Array[]) => {
    const slot = out[task.scenario]!.trees[task.tree]!.records;
    records.forEach((r, i) => (slot[task.from - from + i] = r));
    done += records.length;
    o.onProgress?.(done, total);
  };
  const threads = Math.max(0, Math.min(o.workers - (o.local ? 1 : 0), tasks.length));
  const { entry, tsxApi } = entryPoints();
  const pool: Worker[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      let running = 0;
      let failed = false;
      const fail = (err: Error) => {
        if (failed) return;
        failed = true;
        reject(err);
      };
      const finished = () => {
        running--;
        if (running === 0 && !failed) resolve();
      };
      const feed = (w: Worker) => {
        if (failed) return;
        const task = tasks[next++];
        if (task) w.postMessage(task);
        else finished();
      };
      for (let i = 0; i < threads; i++) {
        const w = new Worker(BOOTSTRAP, { eval: true, workerData: { kind: 'affect-bt-sim', job, entry, tsxApi } });
        pool.push(w);
        running++;
        w.on('message', (m: WorkerMessage) => {
          if (m.type === 'error') return fail(new Error(m.message));
          if (m.type === 'done') store(tasks[m.id]!, m.records);
          feed(w);
        });
        w.on('error', (err) => fail(err));
        w.on('exit', (code) => {
          if (code !== 0) fail(new Error(`sim worker exited with code ${code}`));
        });
      }
      if (o.local) {
        const local = o.local;
        running++;
        // the calling thread takes chunks too, yielding between them so worker messages are served
        const loop = async () => {
          for (let task = tasks[next++]; task && !failed; task = tasks[next++]) {
            const recs = runEpisodes({ trees: [local[task.tree]!], scenarios: [job.scenarios[task.scenario]!], episodes: task.to, seed: job.seed, mode: job.mode }, [task.from, task.to]);
            store(task, recs[0]!.trees[0]!.records);
            await new Promise((r) => setImmediate(r));
          }
          finished();
        };
        loop().catch((err: Error) => fail(err));
      }
      if (running === 0) resolve();
    });
  } finally {
    await Promise.all(pool.map((w) => w.terminate()));
  }
  return out;
}

/**
 * The worker-thread side of `sim --workers N` (see `sim/workers.ts`): builds its own
 * node registry (built-in nodes + the job's plugin modules, loaded by path) and trees
 * (with their `nodes:` headers and controls) from the job's plain data, announces `ready`, then runs each chunk of episodes
 * it is sent and posts their records back (buffers transferred, not copied).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { runEpisodes, type ComparedTree } from './compare.ts';
import { loadTreeSources } from './trees.ts';
import { createNodeRegistry } from '../src/builtins.ts';
import { loadNodeModules } from '../src/tree/plugins.ts';
import type { WorkerJob, WorkerMessage, WorkerTask } from './workers.ts';

/**
 * Serves one worker thread: loads the job's trees, then answers tasks until terminated.
 *
 * @example
 * ```ts
 * // started by runEpisodesInWorkers, never called directly
 * await serve(workerData.job, parentPort!);
 * ```
 */
export async function serve(job: WorkerJob, port: NonNullable<typeof parentPort>): Promise<void> {
  const post = (m: WorkerMessage, transfer: ArrayBuffer[] = []) => port.postMessage(m, transfer);
  try {
    // this thread's own registry: the built-in nodes plus the plugin modules, by path
    const registry = createNodeRegistry();
    await loadNodeModules(job.nodeModules, registry);
    const trees: ComparedTree[] = await loadTreeSources(job.sources, registry);
    port.on('message', (task: WorkerTask) => {
      try {
        const recs = runEpisodes({ trees: [trees[task.tree]!], scenarios: [job.scenarios[task.scenario]!], episodes: task.to, seed: job.seed, mode: job.mode }, [task.from, task.to]);
        const records = recs[0]!.trees[0]!.records;
        post({ type: 'done', id: task.id, records }, records.map((r) => r.buffer as ArrayBuffer));
      } catch (err) {
        post({ type: 'error', message: (err as Error).stack ?? String(err) });
      }
    });
    post({ type: 'ready' });
  } catch (err) {
    post({ type: 'error', message: (err as Error).stack ?? String(err) });
  }
}

const data = workerData as { kind?: string; job?: WorkerJob } | undefined;
if (parentPort && data?.kind === 'affect-bt-sim' && data.job) void serve(data.job, parentPort);

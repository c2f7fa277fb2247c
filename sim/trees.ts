/**
 * Loads YAML trees for the simulator through the real tree runtime (loader, builder,
 * runner, nodes): the simulator never re-implements a node. A loaded tree is a
 * {@link TreeFactory} that builds a fresh runner per episode.
 */
import { basename } from 'node:path';
import '../src/builtins.ts';
import { loadTreeFile, buildTree, type NodeRegistry } from '../src/tree/index.ts';
import { Blackboard } from '../src/core/blackboard.ts';
import { VirtualClock } from '../src/core/clock.ts';
import { InMemoryController } from '../src/core/in-memory-controller.ts';
import type { TreeFactory } from './episode.ts';

/** A tree ready for episodes. */
export interface SimTree {
  /** Display name (file name without `.yaml`). */
  name: string;
  /** Path as given. */
  path: string;
  factory: TreeFactory;
}

/**
 * Loads a tree file (validation errors throw the loader's `TreeLoadError` with
 * `file:line:col` diagnostics) and builds it once against a throwaway blackboard and
 * in-memory controller, so build errors (e.g. conflicting key remaps) surface here,
 * before any episode runs. Node kinds come from `registry` (default: the built-in
 * nodes) plus the tree file's own `nodes:` modules.
 *
 * @example
 * ```ts
 * const tree = await loadSimTree('trees/handover_affect.yaml');
 * runEpisode({ scenario, tree: tree.factory, seed: '1/x/0' });
 * ```
 */
export async function loadSimTree(path: string, registry?: NodeRegistry): Promise<SimTree> {
  const doc = await loadTreeFile(path, { registry });
  const clock = new VirtualClock(0);
  buildTree(doc, { blackboard: new Blackboard({ clock }), controller: new InMemoryController({ clock }), clock });
  return {
    name: basename(path).replace(/\.ya?ml$/, ''),
    path,
    factory: ({ blackboard, controller, clock }) => buildTree(doc, { blackboard, controller, clock }),
  };
}

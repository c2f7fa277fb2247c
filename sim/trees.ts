/**
 * Loads YAML trees for the simulator through the real tree runtime (loader, builder,
 * runner, nodes): the simulator never re-implements a node. A loaded tree is a
 * {@link TreeFactory} that builds a fresh runner per episode.
 *
 * With controls, every affect tree after the baseline also yields its derived
 * controls (`sim/controls.ts`). What was loaded can be described as plain data
 * ({@link TreeSource}: path, control kind, name) so a worker thread rebuilds exactly
 * the same trees from it.
 */
import { basename } from 'node:path';
import '../src/builtins.ts';
import { loadTreeFile, buildTree, type NodeRegistry, type TreeDocument } from '../src/tree/index.ts';
import { Blackboard } from '../src/core/blackboard.ts';
import { VirtualClock } from '../src/core/clock.ts';
import { InMemoryController } from '../src/core/in-memory-controller.ts';
import type { TreeFactory } from './episode.ts';
import { applicableControls, deriveControl, isAffectTree, type ControlKind } from './controls.ts';

/** What an episode of a tree changes in the world (controls only). */
export interface EpisodeSettings {
  blind?: boolean;
  facts?: Readonly<Record<string, string | number | boolean>>;
}

/** A tree ready for episodes. */
export interface SimTree {
  /** Display name (file name without `.yaml`; a control is `kind` or `tree:kind`). */
  name: string;
  /** Path as given. */
  path: string;
  factory: TreeFactory;
  /** The validated document it was built from. */
  doc: TreeDocument;
  /** Set for a derived control: its kind and the tree it was derived from. */
  control?: { kind: ControlKind; of: string };
  /** Episode settings of a control (blind, constant facts). */
  episode?: EpisodeSettings;
}

/** A tree as plain data: enough to load it again in another thread. */
export interface TreeSource {
  name: string;
  path: string;
  control?: ControlKind;
}

function factoryOf(doc: TreeDocument): TreeFactory {
  // built once against throwaway parts, so build errors (e.g. conflicting key remaps) surface now
  const clock = new VirtualClock(0);
  buildTree(doc, { blackboard: new Blackboard({ clock }), controller: new InMemoryController({ clock }), clock });
  return ({ blackboard, controller, clock: c }) => buildTree(doc, { blackboard, controller, clock: c });
}

/**
 * Loads a tree file (validation errors throw the loader's `TreeLoadError` with
 * `file:line:col` diagnostics) and builds it once, before any episode runs. Node kinds
 * come from `registry` (default: the built-in nodes) plus the tree file's own `nodes:`
 * modules.
 *
 * @example
 * ```ts
 * const tree = await loadSimTree('trees/handover_affect.yaml');
 * runEpisode({ scenario, tree: tree.factory, seed: '1/x/0' });
 * ```
 */
export async function loadSimTree(path: string, registry?: NodeRegistry): Promise<SimTree> {
  const doc = await loadTreeFile(path, { registry });
  return { name: basename(path).replace(/\.ya?ml$/, ''), path, doc, factory: factoryOf(doc) };
}

/**
 * A derived control of a loaded tree, named `name`.
 *
 * @example
 * ```ts
 * const blind = controlOf(affect, 'blind', 'blind');
 * ```
 */
export function controlOf(tree: SimTree, kind: ControlKind, name: string): SimTree {
  const c = deriveControl(tree.doc, kind);
  return { name, path: tree.path, doc: c.doc, factory: c.doc === tree.doc ? tree.factory : factoryOf(c.doc), control: { kind, of: tree.name }, episode: c.episode };
}

/**
 * Loads the trees of a comparison, and with `controls` adds, after them, the controls
 * of every affect tree other than the first (the baseline; a single tree is its own
 * candidate). Controls are named by kind when one tree gets them, else `tree:kind`.
 * A file that does not load fails with `cannot load tree PATH:` and the loader's
 * `file:line:col` diagnostics.
 *
 * @example
 * ```ts
 * const trees = await loadSimTrees(['trees/handover_baseline.yaml', 'trees/handover_affect.yaml'], { controls: true });
 * trees.map((t) => t.name); // ['handover_baseline', 'handover_affect', 'blind', 'scripted', 'always_slow', 'no_apology']
 * ```
 */
export async function loadSimTrees(paths: readonly string[], opts: { controls?: boolean; registry?: NodeRegistry } = {}): Promise<SimTree[]> {
  const trees: SimTree[] = [];
  for (const p of paths) {
    try {
      trees.push(await loadSimTree(p, opts.registry));
    } catch (err) {
      throw new Error(`cannot load tree ${p}:\n${(err as Error).message}`, { cause: err });
    }
  }
  if (!opts.controls) return trees;
  const candidates = (trees.length === 1 ? trees : trees.slice(1)).filter((t) => isAffectTree(t.doc));
  const out = [...trees];
  for (const t of candidates) for (const kind of applicableControls(t.doc)) out.push(controlOf(t, kind, candidates.length === 1 ? kind : `${t.name}:${kind}`));
  return out;
}

/**
 * Plain-data description of loaded trees (for worker threads and shard files).
 *
 * @example
 * ```ts
 * const sources = treeSources(trees); // [{ name, path, control? }, …]
 * ```
 */
export function treeSources(trees: readonly SimTree[]): TreeSource[] {
  return trees.map((t) => (t.control ? { name: t.name, path: t.path, control: t.control.kind } : { name: t.name, path: t.path }));
}

/**
 * Rebuilds trees from their plain-data description (each file loaded once), with node
 * kinds from `registry` (default: the built-in nodes).
 *
 * @example
 * ```ts
 * const trees = await loadTreeSources(sources, registry);
 * ```
 */
export async function loadTreeSources(sources: readonly TreeSource[], registry?: NodeRegistry): Promise<SimTree[]> {
  const byPath = new Map<string, SimTree>();
  const out: SimTree[] = [];
  for (const s of sources) {
    let base = byPath.get(s.path);
    if (!base) {
      base = await loadSimTree(s.path, registry);
      byPath.set(s.path, base);
    }
    out.push(s.control ? controlOf(base, s.control, s.name) : { ...base, name: s.name });
  }
  return out;
}

/**
 * Builds a runnable tree from a validated {@link TreeDocument}: expands subtrees,
 * resolves `{key}` ports through subtree remaps, gives every node a unique path,
 * creates leaf behaviours with their blackboard access windows, and wraps the result
 * in a {@link TreeRunner}. Affect nodes receive a controller view that can speak and
 * change speed but can never start or cancel a handover (task first). Node kinds and
 * the fixed blackboard keys come from the registry the document was validated with
 * (`doc.registry`).
 */
import type { Blackboard } from '../core/blackboard.ts';
import type { Clock } from '../core/clock.ts';
import type { Controller } from '../core/controller.ts';
import { ControlDecorator, MemoryFallback, MemorySequence, ReactiveComposite, type DecoratorMode } from './composites.ts';
import { LeafTask, TickShared, type LeafContext, type NodeDef, type RtNode } from './node.ts';
import { parseKeyRef } from './ports.ts';
import type { TreeDocument, TreeNodeSpec } from './loader.ts';
import { TreeRunner } from './runner.ts';

/** What `buildTree` needs. */
export interface BuildContext {
  blackboard: Blackboard;
  controller: Controller;
  clock: Clock;
  /** Tree to build (default: the document's `main`). */
  treeName?: string;
  /** Record a per-tick trace (default false; costs a little per node). */
  trace?: boolean;
}

/**
 * A controller view for affect nodes: `say` and `setSpeedScale` pass through;
 * `startHandover` and `cancel` throw (affect never touches target, grip or release).
 *
 * @example
 * ```ts
 * const view = affectControllerView(controller, 'root/affect/Apologise');
 * view.say({ text: 'Sorry', kind: 'apology' });
 * ```
 */
export function affectControllerView(c: Controller, owner: string): Controller {
  return {
    get available() {
      return c.available;
    },
    get speedRange() {
      return c.speedRange;
    },
    get speedScale() {
      return c.speedScale;
    },
    startHandover() {
      throw new Error(`${owner}: affect nodes may not start handovers (task-first rule)`);
    },
    cancel() {
      throw new Error(`${owner}: affect nodes may not cancel actions (task-first rule)`);
    },
    setSpeedScale: (s: number) => c.setSpeedScale(s),
    say: (p) => c.say(p),
    actionState: (id: string) => c.actionState(id),
  };
}

/**
 * Builds the document's main tree (or `ctx.treeName`) into a runner.
 *
 * @example
 * ```ts
 * const doc = await loadTreeFile('trees/handover_affect.yaml');
 * const runner = buildTree(doc, { blackboard, controller, clock });
 * runner.tick(); // 'RUNNING'
 * ```
 */
export function buildTree(doc: TreeDocument, ctx: BuildContext): TreeRunner {
  const name = ctx.treeName ?? doc.main;
  const root = doc.trees.get(name);
  if (root === undefined) {
    throw new Error(`buildTree: tree '${name}' is not in ${doc.file} (trees: ${[...doc.trees.keys()].join(', ')})`);
  }
  const registry = doc.registry;
  for (const [k, spec] of registry.keySpecs()) ctx.blackboard.declare(k, spec);
  const shared = new TickShared();
  shared.traceOn = ctx.trace === true;
  const leaves: LeafTask[] = [];
  const usedPaths = new Set<string>();
  const behaviours: { setup(): void }[] = [];

  const uniquePath = (p: string): string => {
    if (!usedPaths.has(p)) {
      usedPaths.add(p);
      return p;
    }
    for (let i = 2; ; i++) {
      const q = `${p}#${i}`;
      if (!usedPaths.has(q)) {
        usedPaths.add(q);
        return q;
      }
    }
  };

  const resolveKey = (ref: string, scope: ReadonlyMap<string, string>): string => {
    const k = parseKeyRef(ref) ?? ref;
    return scope.get(k) ?? k;
  };

  const make = (spec: TreeNodeSpec, parentPath: string, scope: ReadonlyMap<string, string>, inAffect: boolean, depth: number): RtNode => {
    if (depth > 256) throw new Error(`buildTree: tree '${name}' is too deep (subtree cycle?) at ${spec.pos.file}:${spec.pos.line}`);
    const def = registry.get(spec.kind) as NodeDef;
    const path = uniquePath(parentPath === '' ? spec.name : `${parentPath}/${spec.name}`);
    const info = { kind: spec.kind, name: spec.name, path, shared };
    if (spec.kind === 'Subtree') {
      const sub = doc.trees.get(String(spec.ports.tree));
      if (sub === undefined) throw new Error(`buildTree: unknown subtree '${String(spec.ports.tree)}' at ${spec.pos.file}:${spec.pos.line}`);
      const inner = new Map(scope);
      for (const [k, ref] of Object.entries(spec.remap ?? {})) inner.set(k, resolveKey(ref, scope));
      const child = make(sub, path, inner, inAffect, depth + 1);
      return new ControlDecorator(info, child, 'Subtree', spec.ports, ctx.clock);
    }
    // The loader checks the task-first rule from `main`; building another tree by name
    // (ctx.treeName) must not bypass it.
    if (def.role === 'affect' && !inAffect) {
      throw new Error(`buildTree: affect node ${spec.kind} at ${spec.pos.file}:${spec.pos.line}:${spec.pos.col} is not inside an AffectBranch (task-first rule); build a tree that wraps it in AffectBranch`);
    }
    if (def.role === 'task' && inAffect) {
      throw new Error(`buildTree: task node ${spec.kind} at ${spec.pos.file}:${spec.pos.line}:${spec.pos.col} is inside an AffectBranch (task-first rule)`);
    }
    const affectHere = inAffect || spec.kind === 'AffectBranch';
    if (def.category === 'composite') {
      const children = spec.children.map((c) => make(c, path, scope, affectHere, depth + 1));
      switch (spec.kind) {
        case 'Sequence':
          return new MemorySequence(info, children);
        case 'Fallback':
          return new MemoryFallback(info, children);
        case 'ReactiveSequence':
          return new ReactiveComposite(info, children, true);
        default:
          return new ReactiveComposite(info, children, false);
      }
    }
    if (def.category === 'decorator') {
      const child = make(spec.children[0]!, path, scope, affectHere, depth + 1);
      return new ControlDecorator(info, child, spec.kind as DecoratorMode, spec.ports, ctx.clock);
    }
    if (def.create === undefined) throw new Error(`buildTree: node kind '${spec.kind}' has no create()`);
    const ports: Record<string, string | number | boolean> = {};
    for (const p of def.ports) {
      const v = spec.ports[p.name];
      if (v === undefined) continue;
      ports[p.name] = p.type === 'key' ? resolveKey(String(v), scope) : v;
      if (p.type === 'key' && p.valueType !== undefined) {
        try {
          ctx.blackboard.declare(String(ports[p.name]), { type: p.valueType, description: p.description });
        } catch (err) {
          throw new Error(
            `buildTree: port '${p.name}' of ${path} (${spec.pos.file}:${spec.pos.line}:${spec.pos.col}) uses blackboard key '${String(ports[p.name])}' as ${p.valueType}, but ${(err as Error).message}; remap one of them to another key`,
          );
        }
      }
    }
    const leafCtx: LeafContext = {
      ports,
      access: (declared) => ctx.blackboard.access(path, declared),
      controller: def.role === 'task' ? ctx.controller : affectControllerView(ctx.controller, path),
      clock: ctx.clock,
      name: spec.name,
      path,
    };
    const behaviour = def.create(leafCtx);
    behaviours.push(behaviour);
    const leaf = new LeafTask(spec.kind, spec.name, path, behaviour, shared);
    leaves.push(leaf);
    return leaf;
  };

  const rootNode = make(root, '', new Map(), false, 0);
  for (const b of behaviours) b.setup();
  return new TreeRunner(rootNode, shared, leaves, name, ctx.blackboard);
}

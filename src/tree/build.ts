/**
 * Builds a runnable tree from a validated {@link TreeDocument}: expands subtrees with
 * their blackboard scopes (`expand.ts`), declares the typed blackboard keys, writes
 * subtree ports bound to literals into their scopes, compiles scripts (conditions,
 * `Script`, `Precondition`) against each node's blackboard window, creates leaf
 * behaviours and control nodes, and wraps the result in a {@link TreeRunner}. Affect
 * nodes receive a controller view that can speak and change speed but can never start
 * or cancel a handover (task first).
 */
import type { Blackboard, BlackboardAccess, EntryType } from '../core/blackboard.ts';
import type { Clock } from '../core/clock.ts';
import { controllerView, type Controller } from '../core/controller.ts';
import { expandTree, type Instance } from './expand.ts';
import { CONDITION_KEYS, TreeLoadError, type TreeDocument } from './loader.ts';
import { BehaviourLogic, EngineLogic, type LeafContext, type NodeConditions, type NodeInfo, type RtNode } from './node.ts';
import { RuntimeNode, TickShared } from './runtime.ts';
import { TreeRunner } from './runner.ts';
import { compileScript, type CompiledScript } from './script/index.ts';

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
  return controllerView(c, {
    startHandover() {
      throw new Error(`${owner}: affect nodes may not start handovers (task-first rule)`);
    },
    cancel() {
      throw new Error(`${owner}: affect nodes may not cancel actions (task-first rule)`);
    },
  });
}

const PRE_POST: Record<(typeof CONDITION_KEYS)[number], keyof NodeConditions> = {
  _failureIf: 'failureIf',
  _successIf: 'successIf',
  _skipIf: 'skipIf',
  _while: 'whileTrue',
  _onSuccess: 'onSuccess',
  _onFailure: 'onFailure',
  _onHalted: 'onHalted',
  _post: 'post',
};

/**
 * Builds the document's main tree (or `ctx.treeName`) into a runner. Throws
 * {@link TreeLoadError} when that tree does not pass the whole-tree checks (the loader
 * checks `main`; another tree built by name is checked here).
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
  if (!doc.trees.has(name)) {
    throw new Error(`buildTree: tree '${name}' is not in ${doc.file} (trees: ${[...doc.trees.keys()].join(', ')})`);
  }
  const x = expandTree(doc, name);
  if (x.diagnostics.length > 0) throw new TreeLoadError(x.diagnostics);
  const bb = ctx.blackboard;
  // the fixed keys the registry's nodes declare (built-in and plugins), then the tree's own
  const fixed = new Map(doc.registry.keySpecs());
  for (const [k, spec] of fixed) bb.declare(k, spec);
  for (const [k, t] of x.keyTypes) {
    if (!fixed.has(k)) bb.declare(k, { type: t as EntryType, description: 'declared by the tree' });
  }
  // every key a port or remapping uses exists (untyped if need be), as BehaviorTree.CPP creates those entries
  for (const k of x.keys) if (bb.spec(k) === undefined) bb.declare(k, { type: 'any', description: 'used by the tree' });
  const shared = new TickShared();
  shared.traceOn = ctx.trace === true;
  const leaves: RtNode[] = [];
  const nodes: RtNode[] = [];
  const behaviours: { setup(): void }[] = [];

  const scriptsOf = (inst: Instance, io: () => BlackboardAccess): Record<string, CompiledScript> => {
    const out: Record<string, CompiledScript> = {};
    for (const [attr, src] of Object.entries(inst.spec.scripts ?? {})) {
      out[attr] = compileScript(src.program, { key: (r) => inst.scriptKeys.get(r)!, io: io(), exists: (k) => x.keys.has(k) });
    }
    return out;
  };

  const make = (inst: Instance): RtNode => {
    for (const i of inst.init) bb.set(i.key, i.value, { source: `subtree:${inst.path}`, maxAgeMs: Infinity });
    const { spec, def, path } = inst;
    let window: BlackboardAccess | undefined;
    const scriptIo = (): BlackboardAccess => {
      if (window === undefined) {
        const reads: string[] = [];
        const writes: string[] = [];
        for (const src of Object.values(spec.scripts ?? {})) {
          for (const r of src.program.reads) reads.push(inst.scriptKeys.get(r)!);
          for (const w of src.program.writes) writes.push(inst.scriptKeys.get(w)!);
        }
        window = bb.access(path, { reads, writes });
      }
      return window;
    };
    const scripts = scriptsOf(inst, scriptIo);
    let conditions: NodeConditions | null = null;
    for (const k of CONDITION_KEYS) {
      const s = scripts[k];
      if (s === undefined) continue;
      conditions ??= { failureIf: null, successIf: null, skipIf: null, whileTrue: null, onSuccess: null, onFailure: null, onHalted: null, post: null };
      (conditions as unknown as Record<string, CompiledScript>)[PRE_POST[k]] = s;
    }
    const info: NodeInfo = { kind: spec.kind, name: spec.name, path, shared, conditions };
    let node: RtNode;
    if (def.createControl !== undefined) {
      const children = inst.children.map(make);
      node = def.createControl({ info, children, ports: inst.ports, scripts, clock: ctx.clock, access: (declared) => bb.access(path, declared) });
    } else {
      const leafCtx: LeafContext = {
        ports: inst.ports,
        access: (declared) => bb.access(path, declared),
        controller: def.role === 'task' ? ctx.controller : affectControllerView(ctx.controller, path),
        clock: ctx.clock,
        name: spec.name,
        path,
      };
      if (def.create !== undefined) {
        const behaviour = def.create(leafCtx);
        behaviours.push(behaviour);
        node = new RuntimeNode(info, [], new BehaviourLogic(behaviour));
      } else if (def.engineNode !== undefined) {
        node = new RuntimeNode(info, [], new EngineLogic(def.engineNode(leafCtx)));
      } else throw new Error(`buildTree: node kind '${spec.kind}' has no create(), engineNode() or createControl()`);
      leaves.push(node);
    }
    nodes.push(node);
    return node;
  };

  const root = make(x.root!);
  for (const b of behaviours) b.setup();
  nodes.reverse(); // pre-order: parents before children (make() pushes children first)
  return new TreeRunner(root, shared, leaves, name, bb, nodes);
}

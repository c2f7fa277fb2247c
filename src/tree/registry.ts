/**
 * `NodeRegistry`: the node kinds a YAML tree may use (BehaviorTree.CPP's factory), each
 * with its declared ports (name, type, default, bounds, description), child count and
 * task-first role, plus the blackboard keys those nodes declare. One registry drives
 * validation (the loader), building, the node reference in docs/trees.md and the JSON
 * Schema of the tree format.
 *
 * A new registry holds the tree runtime's control nodes (composites and decorators from
 * `composites.ts`). Leaves come in as a {@link NodePlugin} — `{ nodes, keys }` — the same
 * way for affect-bt's built-in leaves (the package entry registers them into the default
 * {@link nodeRegistry}) and for an integrator's own module (`loadNodeModules`,
 * `--nodes`, `nodes:` in a tree or cell file). Every definition is checked when it is
 * registered, so a plugin written in plain JavaScript gets an error naming its file and
 * node instead of a confusing failure later.
 */
import type { KeySpec } from '../core/blackboard.ts';
import { CONTROL_DEFS } from './composites.ts';
import type { NodeDef } from './node.ts';
import { checkPort, type PortSpec } from './ports.ts';

/**
 * What a node module provides: leaf definitions (from `defineNode`) and, optionally,
 * declarations of the fixed blackboard keys its nodes use (keys named by `key` ports
 * are declared from the ports at build).
 *
 * @example
 * ```ts
 * const plugin: NodePlugin = { nodes: [IsPartAvailable], keys: { 'parts/stock': { type: 'object', description: 'stock by part id' } } };
 * ```
 */
export interface NodePlugin {
  nodes: readonly NodeDef[];
  keys?: Readonly<Record<string, KeySpec>>;
}

/**
 * A definition (or a whole plugin) was rejected; the message names the origin (file)
 * and the node.
 *
 * @example
 * ```ts
 * try { registry.use(plugin, './my-nodes.js'); } catch (e) { if (e instanceof NodeRegistryError) console.error(e.message); }
 * ```
 */
export class NodeRegistryError extends Error {
  override name = 'NodeRegistryError';
  constructor(
    message: string,
    readonly origin: string,
    readonly kind?: string,
  ) {
    super(message);
  }
}

/**
 * Origin recorded for the tree runtime's control nodes.
 *
 * @example
 * ```ts
 * new NodeRegistry().originOf('Sequence') === CONTROL_ORIGIN; // true
 * ```
 */
export const CONTROL_ORIGIN = 'affect-bt (control nodes)';

const KIND_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;
const PORT_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;
const RESERVED_PORTS = new Set(['name', 'children', 'child', 'remap']);
const PORT_TYPES = new Set(['number', 'integer', 'string', 'boolean', 'key', 'enum', 'scalar', 'script']);
const VALUE_TYPES = new Set(['number', 'string', 'boolean', 'object', 'any']);
const ENTRY_TYPES = new Set(['number', 'string', 'boolean', 'object', 'any']);

function problemInPort(p: PortSpec, seen: Set<string>): string | undefined {
  if (typeof p !== 'object' || p === null) return 'a port must be an object { name, type, description, … }';
  if (typeof p.name !== 'string' || !PORT_RE.test(p.name)) return `port name ${JSON.stringify(p.name)} must be an identifier (letters, digits, _)`;
  const what = `port '${p.name}'`;
  if (RESERVED_PORTS.has(p.name)) return `${what} uses a reserved word (name, children, child, remap)`;
  if (seen.has(p.name)) return `${what} is declared twice`;
  seen.add(p.name);
  if (!PORT_TYPES.has(p.type)) return `${what} has type ${JSON.stringify(p.type)}; expected one of ${[...PORT_TYPES].join(', ')}`;
  if (typeof p.description !== 'string' || p.description.length === 0) return `${what} needs a description (one line for docs and error hints)`;
  if (p.min !== undefined && typeof p.min !== 'number') return `${what}: min must be a number`;
  if (p.max !== undefined && typeof p.max !== 'number') return `${what}: max must be a number`;
  if (p.min !== undefined && p.max !== undefined && p.min > p.max) return `${what}: min ${p.min} is above max ${p.max}`;
  if (p.type === 'enum' && (!Array.isArray(p.values) || p.values.length === 0 || p.values.some((v) => typeof v !== 'string'))) return `${what} is an enum and needs values: ['a', 'b', …]`;
  if (p.valueType !== undefined && !VALUE_TYPES.has(p.valueType)) return `${what}: valueType must be number, string, boolean, object or any`;
  if (p.required === true && p.default !== undefined) return `${what} is required and has a default; drop one of them`;
  if (p.default !== undefined && p.type !== 'script') {
    const c = checkPort(p, p.default);
    if (!c.ok) return `${what}: its default is invalid: ${c.message}`;
  }
  return undefined;
}

/** Why a definition cannot be registered, or undefined when it is fine. */
function problemInDef(def: NodeDef, leafOnly: boolean): string | undefined {
  if (typeof def !== 'object' || def === null) return 'a node definition must be an object (use defineNode)';
  if (typeof def.kind !== 'string' || !KIND_RE.test(def.kind)) return `node kind ${JSON.stringify(def.kind)} must be an identifier such as IsPartAvailable`;
  const what = `node '${def.kind}'`;
  if (leafOnly) {
    if (def.category !== 'action' && def.category !== 'condition') return `${what}: category must be 'action' or 'condition' (control nodes belong to the tree runtime)`;
    if (def.role !== 'task' && def.role !== 'affect' && def.role !== 'control') return `${what}: role must be 'task', 'affect' or 'control'`;
    if (typeof def.create !== 'function' && typeof def.engineNode !== 'function') return `${what} has no create(ctx) function returning its behaviour`;
  }
  if (typeof def.description !== 'string' || def.description.length === 0) return `${what} needs a description`;
  if (!Array.isArray(def.ports)) return `${what}: ports must be a list`;
  if (typeof def.children !== 'object' || def.children === null || !(def.children.min <= def.children.max)) return `${what}: children must be { min, max } with min ≤ max`;
  if (leafOnly && def.children.max !== 0) return `${what}: a leaf takes no children (children: { min: 0, max: 0 })`;
  if (typeof def.example !== 'string') return `${what}: example must be a YAML string`;
  if (def.check !== undefined && typeof def.check !== 'function') return `${what}: check must be a function`;
  if (def.aliases !== undefined && (!Array.isArray(def.aliases) || def.aliases.some((a) => typeof a !== 'string' || !KIND_RE.test(a)))) return `${what}: aliases must be a list of identifiers`;
  const seen = new Set<string>();
  for (const p of def.ports) {
    const problem = problemInPort(p, seen);
    if (problem) return `${what}: ${problem}`;
  }
  return undefined;
}

/**
 * The node kinds (and blackboard keys) available to the trees that use it. Reads like a
 * `ReadonlyMap` from kind — and alias, e.g. `Retry` for `RetryUntilSuccessful` — to
 * definition ({@link definitions} lists each definition once).
 *
 * @example
 * ```ts
 * const registry = new NodeRegistry();              // the control nodes
 * registry.use(BUILTIN_NODES, 'affect-bt');          // + affect-bt's leaves
 * registry.use(await import('./my-nodes.js').then((m) => m.default), './my-nodes.js');
 * const doc = loadTreeText(yaml, 'cell.yaml', { registry });
 * ```
 */
export class NodeRegistry implements ReadonlyMap<string, NodeDef> {
  private readonly defs = new Map<string, NodeDef>();
  private readonly origins = new Map<string, string>();
  private readonly keyDecls = new Map<string, { spec: KeySpec; origin: string }>();
  private readonly plugins = new Set<NodePlugin>();
  private readonly modules = new Set<string>();

  /** A registry with the tree runtime's control nodes (`controls: false`: empty). */
  constructor(options: { controls?: boolean } = {}) {
    if (options.controls !== false) for (const def of CONTROL_DEFS) this.add(def, CONTROL_ORIGIN, false);
  }

  /** Adds one node kind; `origin` (a file or package) appears in errors. Throws {@link NodeRegistryError}. */
  register(def: NodeDef, origin = 'registerNode'): this {
    this.add(def, origin, true);
    return this;
  }

  /**
   * Adds a plugin's nodes and keys, all or nothing. Using the same plugin object again is
   * a no-op. Throws {@link NodeRegistryError} naming `origin` and the node.
   */
  use(plugin: NodePlugin, origin: string): this {
    if (this.plugins.has(plugin)) return this;
    if (typeof plugin !== 'object' || plugin === null || !Array.isArray(plugin.nodes)) {
      throw new NodeRegistryError(`${origin}: a node plugin is { nodes: [...], keys?: {...} }`, origin);
    }
    const kinds = new Set<string>();
    for (const def of plugin.nodes) {
      this.check(def, origin, true);
      for (const name of [def.kind, ...(def.aliases ?? [])]) {
        if (kinds.has(name)) throw new NodeRegistryError(`${origin}: node '${name}' is defined twice in this module`, origin, def.kind);
        kinds.add(name);
      }
    }
    const keys = Object.entries(plugin.keys ?? {});
    for (const [key, spec] of keys) this.checkKey(key, spec, origin);
    for (const def of plugin.nodes) this.put(def, origin);
    for (const [key, spec] of keys) this.keyDecls.set(key, { spec, origin });
    this.plugins.add(plugin);
    return this;
  }

  /** Declares a fixed blackboard key that `buildTree` declares on every blackboard. */
  declareKey(key: string, spec: KeySpec, origin = 'declareKey'): this {
    this.checkKey(key, spec, origin);
    this.keyDecls.set(key, { spec, origin });
    return this;
  }

  /** The declaration of a node kind. */
  get(kind: string): NodeDef | undefined {
    return this.defs.get(kind);
  }

  /** Whether the kind is registered. */
  has(kind: string): boolean {
    return this.defs.has(kind);
  }

  /** Where a kind came from (`affect-bt`, a plugin file…). */
  originOf(kind: string): string | undefined {
    return this.origins.get(kind);
  }

  /** Each registered definition once (aliases left out), in registration order. */
  definitions(): NodeDef[] {
    return [...new Set(this.defs.values())];
  }

  /** Registered kinds and aliases, in registration order. */
  keys(): MapIterator<string> {
    return this.defs.keys();
  }

  /** Definitions per key (an aliased definition appears once per name). */
  values(): MapIterator<NodeDef> {
    return this.defs.values();
  }

  /** Kind → definition pairs, in registration order. */
  entries(): MapIterator<[string, NodeDef]> {
    return this.defs.entries();
  }

  [Symbol.iterator](): MapIterator<[string, NodeDef]> {
    return this.defs.entries();
  }

  forEach(fn: (def: NodeDef, kind: string, map: ReadonlyMap<string, NodeDef>) => void): void {
    this.defs.forEach((def, kind) => fn(def, kind, this));
  }

  /** Number of kinds and aliases. */
  get size(): number {
    return this.defs.size;
  }

  /** The fixed blackboard keys the registered nodes declare. */
  keySpecs(): IterableIterator<[string, KeySpec]> {
    const out: [string, KeySpec][] = [];
    for (const [k, d] of this.keyDecls) out.push([k, d.spec]);
    return out.values();
  }

  /** Records that a node module file (absolute path) has been loaded into this registry. */
  markModule(path: string): void {
    this.modules.add(path);
  }

  /** Whether a node module file (absolute path) has been loaded into this registry. */
  hasModule(path: string): boolean {
    return this.modules.has(path);
  }

  /** An independent copy (loading plugins into it leaves this one unchanged). */
  clone(): NodeRegistry {
    const c = new NodeRegistry({ controls: false });
    for (const [k, d] of this.defs) {
      c.defs.set(k, d);
      c.origins.set(k, this.origins.get(k)!);
    }
    for (const [k, d] of this.keyDecls) c.keyDecls.set(k, d);
    for (const p of this.plugins) c.plugins.add(p);
    for (const m of this.modules) c.modules.add(m);
    return c;
  }

  private add(def: NodeDef, origin: string, leafOnly: boolean): void {
    this.check(def, origin, leafOnly);
    this.put(def, origin);
  }

  private put(def: NodeDef, origin: string): void {
    for (const name of [def.kind, ...(def.aliases ?? [])]) {
      this.defs.set(name, def);
      this.origins.set(name, origin);
    }
  }

  private check(def: NodeDef, origin: string, leafOnly: boolean): void {
    const problem = problemInDef(def, leafOnly);
    const kind = typeof def?.kind === 'string' ? def.kind : undefined;
    if (problem) throw new NodeRegistryError(`${origin}: ${problem}`, origin, kind);
    for (const name of [def.kind, ...(def.aliases ?? [])]) {
      const prev = this.origins.get(name);
      if (prev !== undefined) throw new NodeRegistryError(`${origin}: node '${name}' is already defined by ${prev}; give yours another name`, origin, def.kind);
    }
  }

  private checkKey(key: string, spec: KeySpec, origin: string): void {
    if (typeof key !== 'string' || key.length === 0) throw new NodeRegistryError(`${origin}: blackboard key names must be non-empty strings`, origin);
    if (typeof spec !== 'object' || spec === null || !ENTRY_TYPES.has(spec.type)) {
      throw new NodeRegistryError(`${origin}: blackboard key '${key}' needs { type: number|string|boolean|object|any }`, origin);
    }
    const prev = this.keyDecls.get(key);
    if (prev && prev.spec.type !== spec.type && prev.spec.type !== 'any' && spec.type !== 'any') {
      throw new NodeRegistryError(`${origin}: blackboard key '${key}' is declared as ${spec.type}, but ${prev.origin} declares it as ${prev.spec.type}`, origin);
    }
  }
}

/**
 * The default registry: the control nodes, plus affect-bt's built-in leaves once the
 * package entry (or `src/builtins.ts`) is loaded. Loading and building use it when no
 * registry is given.
 *
 * @example
 * ```ts
 * nodeRegistry.get('Handover')?.ports.map((p) => p.name); // ['objectId', 'target', …]
 * ```
 */
export const nodeRegistry: NodeRegistry = new NodeRegistry();

/**
 * Adds a node kind to the default registry. Throws when the kind exists.
 *
 * @example
 * ```ts
 * registerNode(defineNode({ kind: 'Beep', category: 'action', role: 'task', description: 'beeps', ports: {}, create: () => new Beep() }));
 * ```
 */
export function registerNode(def: NodeDef): void {
  nodeRegistry.register(def);
}

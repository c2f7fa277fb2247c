/**
 * Pass 2 of loading, shared with building: expands a tree through its subtrees into
 * node *instances* and resolves every blackboard key to the key the blackboard will
 * hold, then checks what needs the whole tree.
 *
 * Scopes (BehaviorTree.CPP's subtree blackboards, on one flat blackboard): the main
 * tree's keys are the blackboard's keys. Each Subtree instance gets its own scope, named
 * by its path (`root/task:attempts`): a key used inside it is private to that instance
 * unless it is one of the subtree's ports bound by the caller to a caller key
 * (`port: '{key}'`), `_autoremap: true` shares it (all but `_private` keys), or it is
 * written `{@key}` / `@key` (the root blackboard's key, from anywhere). A port bound to
 * a literal (`port: 0.5`) holds that literal in the instance's scope, and a node port
 * that takes a value (not a key) may name the subtree port as `'{port}'` to receive the
 * literal.
 *
 * Checks: unknown subtrees, cycles, the depth limit; subtree ports (unknown, missing,
 * mistyped; for a tree that declares no `ports:`, a remapped key the tree never uses);
 * one type per blackboard key across node ports, subtree ports and scripts (scripts are
 * type-checked here); and the task-first rule — affect nodes only below an
 * AffectBranch, task nodes never there, no script or node outside an AffectBranch
 * reading what affect nodes write (except ports marked `affectInput`, e.g. Handover's
 * pacing, which can only slow it down), and no script inside one writing what the task
 * reads.
 */
import { KEY_SPECS } from '../../nodes/keys.ts';
import type { Diagnostic, ScriptSource, SourcePos, TreeDocument, TreeNodeSpec } from './loader.ts';
import type { NodeDef } from './node.ts';
import { checkLiteral, checkPort, didYouMean, parseKeyRef, type SubtreePortDecl } from './ports.ts';
import { checkScript, type KeyRef, type ValueType } from './script/index.ts';

/** One node of an expanded tree. */
export interface Instance {
  spec: TreeNodeSpec;
  def: NodeDef;
  /** Unique path (`root/task/handover_task/give_part`; `#2` suffixes for repeats). */
  path: string;
  /** Below an AffectBranch. */
  inAffect: boolean;
  /** Port values: key ports hold the resolved blackboard key (no braces); `{port}` values are filled in. */
  ports: Record<string, string | number | boolean>;
  /** The resolved blackboard key of every key the node's scripts name. */
  scriptKeys: Map<KeyRef, string>;
  children: Instance[];
  /** Subtree instances: literals bound to its ports, written into its scope when built. */
  init: { key: string; value: string | number | boolean }[];
}

/** Result of {@link expandTree}. */
export interface Expansion {
  root: Instance | undefined;
  diagnostics: Diagnostic[];
  /** Resolved blackboard key → its value type (for typed declaration at build). */
  keyTypes: Map<string, ValueType>;
  /** Resolved blackboard keys that node ports and subtree literals use (they exist, as in BehaviorTree.CPP, before anything writes them). */
  keys: Set<string>;
}

/** Options of {@link expandTree}. */
export interface ExpandOptions {
  maxDepth?: number;
  /** A depth problem was already reported by pass 1. */
  depthReported?: boolean;
  /** Also look for subtree cycles among trees the main tree does not reach. */
  checkUnreached?: boolean;
  /** Names of all trees written in the document, including ones with errors (no "unknown subtree" for those). */
  knownTrees?: ReadonlySet<string>;
}

type Binding = { kind: 'key'; key: string } | { kind: 'literal'; key: string; value: string | number | boolean };

class Scope {
  constructor(
    readonly prefix: string,
    readonly parent: Scope | null,
    readonly autoremap: boolean,
    readonly bindings: Map<string, Binding>,
    readonly tree: string,
    readonly decls: Map<string, SubtreePortDecl> | undefined,
  ) {}
  /** The blackboard key a key name (as written in this scope) stands for. */
  resolve(name: string): string {
    if (name.startsWith('@')) return name.slice(1);
    const b = this.bindings.get(name);
    if (b !== undefined) return b.key;
    if (this.parent !== null && this.autoremap && !name.startsWith('_')) return this.parent.resolve(name);
    return this.prefix + name;
  }
}

/** Prefixes of keys that only the affect side (bridge, estimator, affect nodes) writes. */
const AFFECT_PREFIXES = ['affect/', 'apology/'];

function isAffectKey(key: string, affectKeys: ReadonlySet<string>): boolean {
  return affectKeys.has(key) || AFFECT_PREFIXES.some((p) => key.startsWith(p)) || key === 'affect';
}

function typeOfValue(v: string | number | boolean): ValueType {
  return typeof v as ValueType;
}

function declType(t: SubtreePortDecl['type']): ValueType {
  return t === 'integer' ? 'number' : t;
}

interface ScriptUse {
  inst: Instance;
  attr: string;
  src: ScriptSource;
}

const cache = new WeakMap<TreeDocument, Map<string, Expansion>>();

/**
 * Expands the document's tree `name` (cached per document for building; the loader
 * calls it with its own options).
 *
 * @example
 * ```ts
 * const x = expandTree(doc, doc.main);
 * x.diagnostics; // []
 * x.root?.children[0]?.path; // 'root/ControllerAvailable'
 * ```
 */
export function expandTree(doc: TreeDocument, name: string, opts: ExpandOptions = {}): Expansion {
  const cacheable = opts.maxDepth === undefined && opts.checkUnreached !== true && opts.depthReported !== true && opts.knownTrees === undefined;
  if (cacheable) {
    const hit = cache.get(doc)?.get(name);
    if (hit !== undefined) return hit;
  }
  const x = new Expander(doc, opts).run(name);
  if (cacheable) {
    let m = cache.get(doc);
    if (m === undefined) cache.set(doc, (m = new Map()));
    m.set(name, x);
  }
  return x;
}

class Expander {
  private readonly diags: Diagnostic[] = [];
  /** Names already used under each parent path (paths can only collide among siblings). */
  private readonly siblingNames = new Map<string, Map<string, number>>();
  private readonly types = new Map<string, { type: ValueType; where: string }>();
  private readonly scripts: ScriptUse[] = [];
  private readonly instances: Instance[] = [];
  private readonly usedKeysCache = new Map<string, Set<string>>();
  private readonly maxDepth: number;
  private depthReported: boolean;

  constructor(
    private readonly doc: TreeDocument,
    private readonly opts: ExpandOptions,
  ) {
    this.maxDepth = opts.maxDepth ?? 256;
    this.depthReported = opts.depthReported ?? false;
    for (const [k, s] of Object.entries(KEY_SPECS)) if (s.type !== 'any') this.types.set(k, { type: s.type, where: 'the built-in key' });
  }

  private push(pos: SourcePos, message: string, hint?: string): void {
    this.diags.push(hint === undefined ? { ...pos, message } : { ...pos, message, hint });
  }

  run(name: string): Expansion {
    const rootSpec = this.doc.trees.get(name);
    let root: Instance | undefined;
    if (rootSpec !== undefined) {
      const decls = this.doc.treePorts.get(name);
      const bindings = new Map<string, Binding>();
      // the main tree's declared ports with literal defaults hold them in the root scope
      for (const d of decls ?? []) if (d.default !== undefined && !(typeof d.default === 'string' && parseKeyRef(d.default) !== undefined)) bindings.set(d.name, { kind: 'literal', key: d.name, value: d.default });
      const scope = new Scope('', null, false, bindings, name, decls === undefined ? undefined : new Map(decls.map((d) => [d.name, d])));
      const init: Instance['init'] = [];
      for (const [k, b] of bindings) if (b.kind === 'literal') init.push({ key: k, value: b.value });
      root = this.walk(rootSpec, scope, '', false, 1, [name]);
      if (root !== undefined) root.init.push(...init);
      for (const d of decls ?? []) this.setType(d.name, declType(d.type), `port '${d.name}' of tree ${name}`, d.pos);
      this.checkScripts();
      this.checkTaskFirst();
    }
    if (this.opts.checkUnreached) this.unreachedCycles(name);
    const keys = new Set<string>();
    for (const inst of this.instances) {
      for (const p of inst.def.ports) if (p.type === 'key' && typeof inst.ports[p.name] === 'string') keys.add(String(inst.ports[p.name]));
      for (const i of inst.init) keys.add(i.key);
    }
    return { root, diagnostics: this.diags, keyTypes: new Map([...this.types].map(([k, v]) => [k, v.type])), keys };
  }

  /** `parent/name`, or `parent/name#2`, `#3` … for a repeated name under one parent. */
  private uniquePath(parent: string, name: string): string {
    let used = this.siblingNames.get(parent);
    if (used === undefined) this.siblingNames.set(parent, (used = new Map()));
    const n = (used.get(name) ?? 0) + 1;
    used.set(name, n);
    const base = parent === '' ? name : `${parent}/${name}`;
    return n === 1 ? base : `${base}#${n}`;
  }

  private setType(key: string, type: ValueType, where: string, pos: SourcePos): void {
    if (type === 'any') return;
    const prev = this.types.get(key);
    if (prev === undefined) this.types.set(key, { type, where });
    else if (prev.type !== type) this.push(pos, `${where} uses blackboard key '${key}' as ${type}, but ${prev.where} uses it as ${prev.type}`, 'remap one of them to another key');
  }

  private walk(spec: TreeNodeSpec, scope: Scope, parentPath: string, inAffect: boolean, depth: number, stack: string[]): Instance | undefined {
    if (depth > this.maxDepth) {
      if (!this.depthReported) this.push(spec.pos, `tree is deeper than the depth limit ${this.maxDepth} (through ${stack.join(' → ')})`, 'flatten the tree or raise maxDepth');
      this.depthReported = true;
      return undefined;
    }
    const def = this.doc.registry.get(spec.kind) as NodeDef;
    if (def.role === 'affect' && !inAffect) {
      this.push(spec.pos, `affect node ${spec.kind} must be inside an AffectBranch (task-first rule)`, 'wrap the affect nodes in `AffectBranch: { child: … }` so they can never fail the task');
    }
    if (def.role === 'task' && inAffect) {
      this.push(spec.pos, `task node ${spec.kind} cannot be inside an AffectBranch (task-first rule: affect only modulates apology and pacing)`, 'move it out of the AffectBranch into the task branch');
    }
    const path = this.uniquePath(parentPath, spec.name);
    const inst: Instance = { spec, def, path, inAffect, ports: {}, scriptKeys: new Map(), children: [], init: [] };
    this.instances.push(inst);
    for (const p of def.ports) {
      const ref = spec.portRefs?.[p.name];
      if (ref !== undefined) {
        const v = this.fromSubtreePort(ref.name, ref.pos, scope, `port '${p.name}' of ${spec.kind}`);
        if (v === undefined) continue;
        const c = checkPort(p, v);
        if (!c.ok) this.push(ref.pos, `'{${ref.name}}' = ${JSON.stringify(v)} does not fit: ${c.message} on ${spec.kind}`, c.hint);
        else inst.ports[p.name] = c.value;
        continue;
      }
      const v = spec.ports[p.name];
      if (v === undefined) continue;
      if (p.type === 'key') {
        const key = scope.resolve(parseKeyRef(String(v)) ?? String(v));
        inst.ports[p.name] = key;
        if (p.valueType !== undefined) this.setType(key, p.valueType, `port '${p.name}' of ${path}`, spec.portPos[p.name] ?? spec.pos);
      } else inst.ports[p.name] = v;
    }
    for (const [attr, src] of Object.entries(spec.scripts ?? {})) {
      for (const r of [...src.program.reads, ...src.program.writes]) inst.scriptKeys.set(r, scope.resolve(r.root ? `@${r.name}` : r.name));
      this.scripts.push({ inst, attr, src });
    }
    if (spec.portRefs !== undefined) {
      // the port checks the loader could not run before the `{port}` values were known
      const problem = def.check?.(inst.ports) ?? def.checkChildren?.(inst.ports, spec.children.length);
      if (problem) this.push(spec.pos, `${problem.message} on ${spec.kind}`, problem.hint);
    }
    if (spec.kind === 'Subtree') {
      const child = this.subtree(spec, inst, scope, inAffect, depth, stack);
      if (child !== undefined) inst.children.push(child);
      return inst;
    }
    const affectHere = inAffect || spec.kind === 'AffectBranch';
    for (const c of spec.children) {
      const ci = this.walk(c, scope, path, affectHere, depth + 1, stack);
      if (ci !== undefined) inst.children.push(ci);
    }
    return inst;
  }

  /** The literal a subtree port holds, for a node port written `'{port}'`. */
  private fromSubtreePort(name: string, pos: SourcePos, scope: Scope, what: string): string | number | boolean | undefined {
    const b = scope.bindings.get(name);
    if (b !== undefined && b.kind === 'literal') return b.value;
    if (b !== undefined) {
      this.push(pos, `${what} takes a fixed value, but subtree port '${name}' of ${scope.tree} is bound to blackboard key '${b.key}'`, `pass a literal for '${name}' (e.g. \`${name}: cup\`), or use a node port that reads a key`);
      return undefined;
    }
    const declared = scope.decls?.get(name);
    if (declared !== undefined) {
      this.push(pos, `${what}: subtree port '${name}' of ${scope.tree} has no value here`, `pass \`${name}: …\` where the subtree is used, or give the port a default`);
      return undefined;
    }
    const names = [...(scope.decls?.keys() ?? [])];
    const guess = didYouMean(name, names);
    this.push(
      pos,
      `${what} is '{${name}}', but tree ${scope.tree} has no port '${name}'`,
      guess ? `did you mean '{${guess}}'?` : `declare it under \`ports:\` of tree ${scope.tree} (e.g. \`ports: { ${name}: string }\`); a literal value is written without braces`,
    );
    return undefined;
  }

  private subtree(spec: TreeNodeSpec, inst: Instance, scope: Scope, inAffect: boolean, depth: number, stack: string[]): Instance | undefined {
    if (spec.ports.tree === undefined) return undefined;
    const target = String(spec.ports.tree);
    const sub = this.doc.trees.get(target);
    if (sub === undefined) {
      if (!this.doc.trees.has(target) && !this.knownTree(target)) {
        const guess = didYouMean(target, this.doc.trees.keys());
        this.push(spec.pos, `unknown subtree '${target}'`, guess ? `did you mean '${guess}'?` : `trees: ${[...this.doc.trees.keys()].join(', ') || 'none'}`);
      }
      return undefined;
    }
    if (stack.includes(target)) {
      this.push(spec.pos, `subtree cycle: ${[...stack, target].join(' → ')}`, 'a tree cannot include itself, directly or through other subtrees');
      return undefined;
    }
    const declList = this.doc.treePorts.get(target);
    const decls = declList === undefined ? undefined : new Map(declList.map((d) => [d.name, d]));
    const bindings = new Map<string, Binding>();
    const prefix = `${inst.path}:`;
    const args = spec.args ?? {};
    const used = decls === undefined ? this.usedKeys(target, new Set()) : undefined;
    for (const [name, arg] of Object.entries(args)) {
      const decl = decls?.get(name);
      if (decls !== undefined && decl === undefined) {
        const guess = didYouMean(name, decls.keys());
        this.push(arg.pos, `tree ${target} has no port '${name}'`, guess ? `did you mean '${guess}'?` : decls.size ? `ports of ${target}: ${[...decls.keys()].join(', ')}` : `${target} declares no ports`);
        continue;
      }
      if (used !== undefined && !used.has(name)) {
        const guess = didYouMean(name, used);
        this.push(arg.pos, `tree ${target} never uses blackboard key '${name}', so it cannot be remapped`, guess ? `did you mean '${guess}'?` : used.size ? `keys ${target} uses: ${[...used].sort().join(', ')}` : `${target} uses no blackboard keys`);
        continue;
      }
      const ref = typeof arg.value === 'string' ? parseKeyRef(arg.value) : undefined;
      if (ref !== undefined) {
        const key = scope.resolve(ref);
        bindings.set(name, { kind: 'key', key });
        if (decl !== undefined) this.setType(key, declType(decl.type), `port '${name}' of subtree ${target} (at ${inst.path})`, arg.pos);
      } else {
        if (decl !== undefined) {
          const problem = checkLiteral(decl, arg.value);
          if (problem !== undefined) {
            this.push(arg.pos, `${problem} (subtree ${target})`, decl.description || undefined);
            continue;
          }
        }
        const key = prefix + name;
        bindings.set(name, { kind: 'literal', key, value: arg.value });
        inst.init.push({ key, value: arg.value });
        this.setType(key, decl !== undefined && decl.type !== 'any' ? declType(decl.type) : typeOfValue(arg.value), `port '${name}' of subtree ${target} (at ${inst.path})`, arg.pos);
      }
    }
    for (const d of declList ?? []) {
      if (args[d.name] !== undefined) continue;
      if (d.default !== undefined) {
        const ref = typeof d.default === 'string' ? parseKeyRef(d.default) : undefined;
        if (ref !== undefined) {
          const key = scope.resolve(ref);
          bindings.set(d.name, { kind: 'key', key });
          this.setType(key, declType(d.type), `port '${d.name}' of subtree ${target} (at ${inst.path})`, spec.pos);
        } else {
          const key = prefix + d.name;
          bindings.set(d.name, { kind: 'literal', key, value: d.default });
          inst.init.push({ key, value: d.default });
          this.setType(key, declType(d.type), `port '${d.name}' of subtree ${target} (at ${inst.path})`, spec.pos);
        }
      } else if (d.required) {
        this.push(spec.pos, `missing required port '${d.name}' of subtree ${target}`, `${d.description || `a ${d.type}`}; add \`${d.name}: …\``);
      }
    }
    const inner = new Scope(prefix, scope, spec.autoremap === true, bindings, target, decls);
    stack.push(target);
    const child = this.walk(sub, inner, inst.path, inAffect, depth + 1, stack);
    stack.pop();
    return child;
  }

  private knownTree(name: string): boolean {
    return this.opts.knownTrees?.has(name) ?? false;
  }

  /** Key names a tree uses in its own scope (what a tree without `ports:` lets callers remap). */
  private usedKeys(tree: string, visiting: Set<string>): Set<string> {
    const hit = this.usedKeysCache.get(tree);
    if (hit !== undefined) return hit;
    const out = new Set<string>();
    const spec = this.doc.trees.get(tree);
    if (spec === undefined || visiting.has(tree)) return out;
    visiting.add(tree);
    const visit = (s: TreeNodeSpec): void => {
      const def = this.doc.registry.get(s.kind);
      for (const p of def?.ports ?? []) {
        const v = s.ports[p.name];
        if (p.type === 'key' && typeof v === 'string') {
          const k = parseKeyRef(v);
          if (k !== undefined && !k.startsWith('@')) out.add(k);
        }
      }
      for (const r of Object.values(s.portRefs ?? {})) out.add(r.name);
      for (const src of Object.values(s.scripts ?? {})) for (const r of [...src.program.reads, ...src.program.writes]) if (!r.root) out.add(r.name);
      if (s.kind === 'Subtree') {
        for (const a of Object.values(s.args ?? {})) {
          const k = typeof a.value === 'string' ? parseKeyRef(a.value) : undefined;
          if (k !== undefined && !k.startsWith('@')) out.add(k);
        }
        if (s.autoremap === true) for (const k of this.usedKeys(String(s.ports.tree), visiting)) if (!k.startsWith('_')) out.add(k);
      }
      for (const c of s.children) visit(c);
    };
    visit(spec);
    visiting.delete(tree);
    this.usedKeysCache.set(tree, out);
    return out;
  }

  private checkScripts(): void {
    for (const { inst, attr, src } of this.scripts) {
      const where = `${attr} of ${inst.path}`;
      const problems = checkScript(
        src.program,
        {
          typeOf: (ref) => this.types.get(inst.scriptKeys.get(ref)!)?.type ?? 'any',
          assign: (ref, type) => {
            if (type === 'any') return undefined;
            const key = inst.scriptKeys.get(ref)!;
            const prev = this.types.get(key);
            if (prev === undefined) {
              this.types.set(key, { type, where: `${where} (\`${ref.name}\`)` });
              return undefined;
            }
            return prev.type === type ? undefined : `cannot assign a ${type} to '${ref.name}': ${prev.where} uses blackboard key '${key}' as ${prev.type}`;
          },
        },
        PRE.has(attr) ? 'boolean' : attr === 'if' || (attr === 'code' && inst.spec.kind === 'ScriptCondition') ? 'boolean' : undefined,
      );
      for (const p of problems) this.push(src.at(p.start), `${attr} of ${inst.spec.kind}: ${p.message}`, p.hint);
    }
  }

  private checkTaskFirst(): void {
    // keys affect nodes touch, and keys scripts inside AffectBranches write
    const affectNodeKeys = new Set<string>();
    for (const inst of this.instances) {
      if (inst.def.role !== 'affect') continue;
      for (const p of inst.def.ports) if (p.type === 'key' && typeof inst.ports[p.name] === 'string') affectNodeKeys.add(String(inst.ports[p.name]));
    }
    const affectKeys = new Set(affectNodeKeys);
    for (const { inst, src } of this.scripts) if (inst.inAffect) for (const w of src.program.writes) affectKeys.add(inst.scriptKeys.get(w)!);
    // what the task side uses: fixed task keys, key ports and scripts outside AffectBranches
    const taskKeys = new Map<string, string>();
    for (const k of Object.keys(KEY_SPECS)) if (!isAffectKey(k, affectNodeKeys)) taskKeys.set(k, 'the task nodes');
    for (const inst of this.instances) {
      if (inst.inAffect || inst.def.role === 'affect') continue;
      for (const p of inst.def.ports) {
        if (p.type !== 'key' || typeof inst.ports[p.name] !== 'string') continue;
        const key = String(inst.ports[p.name]);
        if (isAffectKey(key, affectNodeKeys) && p.affectInput !== true) {
          this.push(inst.spec.portPos[p.name] ?? inst.spec.pos, `port '${p.name}' of ${inst.spec.kind} reads blackboard key '${key}', which affect nodes write (task-first rule: affect cannot change the task's outcome)`, 'use another key, or move the decision into an AffectBranch where it can only change apology and pacing');
        } else taskKeys.set(key, `port '${p.name}' of ${inst.path}`);
      }
    }
    for (const { inst, attr, src } of this.scripts) {
      if (inst.inAffect) continue;
      for (const r of [...src.program.reads, ...src.program.writes]) {
        const key = inst.scriptKeys.get(r)!;
        if (isAffectKey(key, affectKeys)) {
          this.push(src.at(r.start), `${attr} of ${inst.spec.kind} uses blackboard key '${key}', which the affect side writes (task-first rule: affect cannot change the task's outcome)`, 'only scripts inside an AffectBranch may use affect keys');
        } else taskKeys.set(key, `${attr} of ${inst.path}`);
      }
    }
    for (const { inst, attr, src } of this.scripts) {
      if (!inst.inAffect) continue;
      for (const w of src.program.writes) {
        const key = inst.scriptKeys.get(w)!;
        const user = taskKeys.get(key);
        if (user !== undefined) this.push(src.at(w.start), `${attr} of ${inst.spec.kind} inside an AffectBranch writes blackboard key '${key}', which ${user} reads (task-first rule)`, 'affect scripts may only write keys the task branch does not use');
      }
    }
  }

  private unreachedCycles(main: string): void {
    for (const [name, spec] of this.doc.trees) {
      if (name === main) continue;
      const seen = new Set<string>();
      const find = (s: TreeNodeSpec, path: string[]): void => {
        if (s.kind === 'Subtree') {
          const t = String(s.ports.tree);
          if (t === name) {
            if (!this.diags.some((d) => d.message.startsWith('subtree cycle:') && d.message.includes(name))) {
              this.push(s.pos, `subtree cycle: ${[...path, t].join(' → ')}`, 'a tree cannot include itself, directly or through other subtrees');
            }
            return;
          }
          if (seen.has(t)) return;
          seen.add(t);
          const sub = this.doc.trees.get(t);
          if (sub) find(sub, [...path, t]);
          return;
        }
        for (const c of s.children) find(c, path);
      };
      find(spec, [name]);
    }
  }
}

const PRE = new Set(['_failureIf', '_successIf', '_skipIf', '_while']);

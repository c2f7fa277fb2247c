/**
 * YAML tree loader. Two passes, as the design asks:
 *  1. parse with positions (`yaml` document API + LineCounter) and convert each tree
 *     into {@link TreeNodeSpec}s, checking everything local to a node: YAML syntax,
 *     non-YAML input, unknown node types ("did you mean"), unknown / mistyped /
 *     missing ports, child counts, duplicate names;
 *  2. expand from the main tree through subtrees, checking what needs the whole
 *     document: unknown subtrees, subtree cycles, the depth limit and the task-first
 *     rule (affect nodes only below an `AffectBranch`, task nodes never there).
 * Every problem becomes a {@link Diagnostic} (`file:line:col: message` + hint); all of
 * them are reported together in one {@link TreeLoadError}, before anything is built.
 * The loader never throws anything else (a property test feeds it random text).
 *
 * Node kinds come from a {@link NodeRegistry} (`LoadOptions.registry`, default the
 * package's `nodeRegistry`). A file's `nodes:` header lists node modules (paths relative
 * to the file); {@link loadTreeFile} loads them into a copy of that registry, which the
 * returned document carries so that building uses exactly the kinds it was validated with.
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { LineCounter, parseDocument, isMap, isSeq, isScalar, type Node as YNode, type YAMLMap } from 'yaml';
import { checkPort, didYouMean, parseKeyRef } from './ports.ts';
import { nodeRegistry, type NodeRegistry } from './registry.ts';
import { loadNodeModules, NodeModuleError } from './plugins.ts';
import type { NodeDef } from './node.ts';

/** One loader problem, located in a file. */
export interface Diagnostic {
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  col: number;
  message: string;
  hint?: string;
}

/**
 * Formats a diagnostic as `file:line:col: message (hint: …)`.
 *
 * @example
 * ```ts
 * formatDiagnostic({ file: 't.yaml', line: 3, col: 7, message: "unknown node type 'Handovr'", hint: "did you mean 'Handover'?" });
 * // "t.yaml:3:7: unknown node type 'Handovr' (hint: did you mean 'Handover'?)"
 * ```
 */
export function formatDiagnostic(d: Diagnostic): string {
  return `${d.file}:${d.line}:${d.col}: ${d.message}${d.hint ? ` (hint: ${d.hint})` : ''}`;
}

/**
 * Thrown by the loader with every diagnostic of the document; the message lists them,
 * one per line.
 *
 * @example
 * ```ts
 * try { loadTreeText('trees: 3', 'x.yaml'); } catch (e) { if (e instanceof TreeLoadError) console.log(e.diagnostics.length); }
 * ```
 */
export class TreeLoadError extends Error {
  override name = 'TreeLoadError';
  constructor(readonly diagnostics: Diagnostic[]) {
    super(diagnostics.map(formatDiagnostic).join('\n'));
  }
}

/** Where a node was written. */
export interface SourcePos {
  file: string;
  line: number;
  col: number;
}

/** A validated node of a tree, as written (subtrees are not expanded). */
export interface TreeNodeSpec {
  kind: string;
  /** `name:` or, when absent, the kind. */
  name: string;
  /** Port values with defaults applied (key ports keep their braces). */
  ports: Record<string, string | number | boolean>;
  children: TreeNodeSpec[];
  /** Subtree only: inner key → outer key reference (`{outer}`). */
  remap?: Record<string, string>;
  pos: SourcePos;
}

/** A loaded, validated tree document (with its imports). */
export interface TreeDocument {
  /** The file it was loaded from. */
  file: string;
  /** Name of the tree that `buildTree` builds by default. */
  main: string;
  /** All trees by name, including those from imported files. */
  trees: Map<string, TreeNodeSpec>;
  /** Files read (this one first). */
  files: string[];
  /** The node kinds the document was validated with (and is built with). */
  registry: NodeRegistry;
}

/** Loader options. */
export interface LoadOptions {
  /** Maximum node depth after subtree expansion (default 32). */
  maxDepth?: number;
  /** Whether `imports:` may read other files (default true). */
  allowImports?: boolean;
  /** Node kinds to validate against (default: `nodeRegistry`, the built-in nodes). */
  registry?: NodeRegistry;
}

const TOP_KEYS = ['main', 'imports', 'nodes', 'trees', 'version', 'description'];
const RESERVED = ['name', 'children', 'child', 'remap'];
const MAX_CHILDREN_NODES = 10_000;

interface FileCtx {
  file: string;
  lc: LineCounter;
  diags: Diagnostic[];
}

function at(fc: FileCtx, node: YNode | null | undefined, fallback?: number): SourcePos {
  const off = node?.range?.[0] ?? fallback ?? 0;
  const p = fc.lc.linePos(off);
  return { file: fc.file, line: p.line, col: p.col };
}

function report(fc: FileCtx, node: YNode | null | undefined, message: string, hint?: string): void {
  const p = at(fc, node);
  fc.diags.push(hint === undefined ? { ...p, message } : { ...p, message, hint });
}

function keyText(k: unknown): string {
  if (isScalar(k)) return String(k.value);
  return String(k);
}

function kindList(registry: NodeRegistry): string {
  return [...registry.keys()].join(', ');
}

/** State of pass 1 across all files of a document. */
interface LoadState {
  trees: Map<string, TreeNodeSpec>;
  treePos: Map<string, SourcePos>;
  files: string[];
  diags: Diagnostic[];
  opts: LoadOptions;
  registry: NodeRegistry;
  nodes: number;
  depthReported: boolean;
}

function convertNode(fc: FileCtx, st: LoadState, n: YNode | null, names: Map<string, SourcePos>, depth = 1): TreeNodeSpec | undefined {
  const maxDepth = st.opts.maxDepth ?? 32;
  if (depth > maxDepth) {
    if (!st.depthReported) report(fc, n, `tree is deeper than the depth limit ${maxDepth}`, 'flatten the tree or raise maxDepth');
    st.depthReported = true;
    return undefined;
  }
  if (++st.nodes > MAX_CHILDREN_NODES) {
    if (st.nodes === MAX_CHILDREN_NODES + 1) report(fc, n, `too many nodes (more than ${MAX_CHILDREN_NODES})`, 'split the tree into files or simplify it');
    return undefined;
  }
  let kindNode: YNode | null = n;
  let body: YNode | null = null;
  let kind: string;
  if (isScalar(n) && typeof n.value === 'string') {
    kind = n.value;
  } else if (isMap(n)) {
    if (n.items.length !== 1) {
      const keys = n.items.map((p) => keyText(p.key));
      report(
        fc,
        n,
        n.items.length === 0 ? 'empty node: expected a mapping like `Handover: {…}`' : `a node must have exactly one key (its type), found ${n.items.length}: ${keys.join(', ')}`,
        'ports go inside the node, e.g. `Handover: { objectId: cup, target: right_hand }`; several nodes go under `children:`',
      );
      return undefined;
    }
    const pair = n.items[0]!;
    kindNode = pair.key as YNode;
    kind = keyText(pair.key);
    body = (pair.value as YNode | null) ?? null;
  } else {
    report(fc, n, `expected a node (a mapping like \`Handover: {…}\`), got ${isSeq(n) ? 'a list' : isScalar(n) ? `${typeof n.value} ${String(n.value)}` : 'nothing'}`, 'each node is `Type: { port: value, … }`');
    return undefined;
  }
  const def = st.registry.get(kind);
  if (def === undefined) {
    const guess = didYouMean(kind, st.registry.keys());
    report(fc, kindNode, `unknown node type '${kind}'`, guess ? `did you mean '${guess}'?` : `known types: ${kindList(st.registry)}`);
    return undefined;
  }
  const spec: TreeNodeSpec = { kind, name: kind, ports: {}, children: [], pos: at(fc, kindNode) };
  let ok = true;
  let childNodes: YNode[] | undefined;
  let childrenKeyNode: YNode | null = kindNode;
  if (body !== null && !(isScalar(body) && body.value === null)) {
    if (!isMap(body)) {
      report(fc, body, `the body of ${kind} must be a mapping of ports, got ${isSeq(body) ? 'a list' : 'a scalar'}`, isSeq(body) ? 'put child nodes under `children:`' : `write \`${kind}: { port: value }\``);
      return undefined;
    }
    const seen = new Set<string>();
    for (const pair of (body as YAMLMap).items) {
      const key = keyText(pair.key);
      const keyNode = pair.key as YNode;
      const val = (pair.value as YNode | null) ?? null;
      seen.add(key);
      if (key === 'name') {
        if (!isScalar(val) || typeof val.value !== 'string' || val.value.length === 0 || val.value.includes('/')) {
          report(fc, val ?? keyNode, `name of ${kind} must be a non-empty string without '/'`, 'e.g. `name: give_part`');
          ok = false;
        } else {
          const prev = names.get(val.value);
          if (prev) {
            report(fc, val, `duplicate node name '${val.value}' (first used at ${prev.line}:${prev.col})`, 'node names must be unique within a tree: rename one');
            ok = false;
          } else names.set(val.value, at(fc, val));
          spec.name = val.value;
        }
      } else if (key === 'children' || key === 'child') {
        if (def.children.max === 0) {
          report(fc, keyNode, `${kind} takes no children`, `${kind} is a ${def.category}; move the nodes under a Sequence or Fallback`);
          ok = false;
        } else if (key === 'children') {
          if (!isSeq(val)) {
            report(fc, val ?? keyNode, `children of ${kind} must be a list`, 'write each child on its own line starting with `- `');
            ok = false;
          } else childNodes = val.items as YNode[];
        } else {
          if (val === null || isSeq(val)) {
            report(fc, val ?? keyNode, `child of ${kind} must be one node`, 'use `children:` with a list under composites');
            ok = false;
          } else childNodes = [val];
        }
        if (childNodes !== undefined && seen.has(key === 'child' ? 'children' : 'child')) {
          report(fc, keyNode, `${kind} has both 'child' and 'children'`, 'use one of them');
          ok = false;
        }
        childrenKeyNode = keyNode;
      } else if (key === 'remap' && kind === 'Subtree') {
        if (!isMap(val)) {
          report(fc, val ?? keyNode, 'remap must be a mapping of inner key → outer key', "e.g. `remap: { affect: '{affect_h2}' }`");
          ok = false;
          continue;
        }
        spec.remap = {};
        for (const rp of val.items) {
          const inner = keyText(rp.key);
          const rv = rp.value as YNode | null;
          let ref: string | undefined;
          if (isScalar(rv) && typeof rv.value === 'string') ref = rv.value;
          else if (isMap(rv) && rv.items.length === 1 && (rv.items[0]!.value === null || (isScalar(rv.items[0]!.value) && (rv.items[0]!.value as { value: unknown }).value === null))) ref = `{${keyText(rv.items[0]!.key)}}`;
          if (ref === undefined || parseKeyRef(ref) === undefined || parseKeyRef(`{${inner}}`) === undefined) {
            report(fc, rv ?? (rp.key as YNode), `remap of '${inner}' must name a blackboard key in braces`, `write \`${inner}: '{otherKey}'\``);
            ok = false;
          } else spec.remap[inner] = ref;
        }
      } else {
        const port = def.ports.find((p) => p.name === key);
        if (port === undefined) {
          const guess = didYouMean(key, [...def.ports.map((p) => p.name), ...RESERVED.filter((r) => r !== 'remap' || kind === 'Subtree')]);
          report(
            fc,
            keyNode,
            `unknown port '${key}' on ${kind}`,
            guess ? `did you mean '${guess}'?` : def.ports.length ? `ports of ${kind}: ${def.ports.map((p) => p.name).join(', ')}` : `${kind} has no ports`,
          );
          ok = false;
          continue;
        }
        let raw: unknown = isScalar(val) ? val.value : val === null ? null : val.toJSON();
        if (port.type === 'key' && isMap(val) && val.items.length === 1) {
          const only = val.items[0]!;
          const v = only.value as YNode | null;
          if (v === null || (isScalar(v) && v.value === null)) raw = `{${keyText(only.key)}}`;
        }
        const c = checkPort(port, raw);
        if (!c.ok) {
          report(fc, val ?? keyNode, `${c.message} on ${kind}`, c.hint);
          ok = false;
        } else spec.ports[key] = c.value;
      }
    }
  }
  for (const p of def.ports) {
    if (spec.ports[p.name] !== undefined) continue;
    if (p.required) {
      report(fc, kindNode, `missing required port '${p.name}' on ${kind}`, `${p.description}; add \`${p.name}: …\``);
      ok = false;
    } else if (p.default !== undefined) spec.ports[p.name] = p.default;
  }
  const count = childNodes?.length ?? 0;
  if (def.children.max > 0 && (count < def.children.min || count > def.children.max)) {
    const want = def.children.min === def.children.max ? `exactly ${def.children.min}` : `${def.children.min}..${def.children.max}`;
    report(fc, childrenKeyNode, `${kind} needs ${want} child${def.children.max === 1 ? '' : 'ren'}, got ${count}`, def.category === 'decorator' ? 'write `child:` followed by one node' : 'list the children under `children:`');
    ok = false;
  }
  if (ok && def.check) {
    const problem = def.check(spec.ports);
    if (problem) {
      report(fc, kindNode, `${problem.message} on ${kind}`, problem.hint);
      ok = false;
    }
  }
  for (const cn of childNodes ?? []) {
    const child = convertNode(fc, st, cn, names, depth + 1);
    if (child) spec.children.push(child);
  }
  // A node with errors is still returned (its errors are already reported) so that the
  // second pass can check the rest of the tree too: all errors, not just the first.
  return spec;
}

function loadFile(text: string, file: string, st: LoadState): string | undefined {
  st.files.push(file);
  const lc = new LineCounter();
  const fc: FileCtx = { file, lc, diags: st.diags };
  if (text.trim().length === 0) {
    fc.diags.push({ file, line: 1, col: 1, message: 'file is empty', hint: 'a tree file starts with `trees:`; see docs/trees.md' });
    return undefined;
  }
  const binary = binaryOffset(text);
  if (binary >= 0) {
    // One error, not twenty YAML syntax errors about control characters.
    fc.diags.push({ file, line: 1, col: 1, message: `not a text file (binary data at character ${binary + 1})`, hint: 'a tree file is UTF-8 YAML text; check the path' });
    return undefined;
  }
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true, strict: true });
  if (doc.errors.length > 0) {
    for (const e of doc.errors.slice(0, 20)) {
      const p = lc.linePos(e.pos[0]);
      const dup = /unique/i.test(e.message);
      fc.diags.push({
        file,
        line: p.line,
        col: p.col,
        message: dup ? `duplicate key: ${e.message.split('\n')[0]}` : `YAML syntax error: ${e.message.split('\n')[0]}`,
        hint: dup ? 'tree names and ports must be unique within a mapping: rename or remove one' : 'check indentation, colons and quotes near this position',
      });
    }
    return undefined;
  }
  const root = doc.contents as YNode | null;
  if (!isMap(root)) {
    report(fc, root, `not a tree file: expected a YAML mapping with a 'trees:' key, got ${isSeq(root) ? 'a list' : root === null ? 'nothing' : 'a scalar'}`, 'see docs/trees.md for the format');
    return undefined;
  }
  let main: string | undefined;
  let treesNode: YNode | null = null;
  for (const pair of root.items) {
    const key = keyText(pair.key);
    const val = (pair.value as YNode | null) ?? null;
    if (!TOP_KEYS.includes(key)) {
      const guess = didYouMean(key, TOP_KEYS);
      report(fc, pair.key as YNode, `unknown top-level key '${key}'`, guess ? `did you mean '${guess}'?` : `allowed: ${TOP_KEYS.join(', ')}`);
    } else if (key === 'main') {
      if (!isScalar(val) || typeof val.value !== 'string') report(fc, val ?? (pair.key as YNode), 'main must be a tree name', 'e.g. `main: HandoverWithAffect`');
      else main = val.value;
    } else if (key === 'trees') treesNode = val ?? (pair.key as YNode);
    else if (key === 'nodes') checkNodeModules(fc, st, val ?? (pair.key as YNode));
    else if (key === 'imports') {
      if (!isSeq(val)) {
        report(fc, val ?? (pair.key as YNode), 'imports must be a list of file paths', 'e.g. `imports: [affect_branch.yaml]`');
        continue;
      }
      for (const item of val.items as YNode[]) {
        if (!isScalar(item) || typeof item.value !== 'string') {
          report(fc, item, 'an import must be a file path', 'paths are relative to this file');
          continue;
        }
        if (st.opts.allowImports === false) {
          report(fc, item, 'imports are not allowed here', 'load the file with loadTreeFile');
          continue;
        }
        const path = join(dirname(file), item.value);
        if (st.files.includes(path) || st.files.includes(item.value)) continue;
        let txt: string;
        try {
          txt = readFileSync(path, 'utf8');
        } catch (err) {
          report(fc, item, `cannot read import '${item.value}': ${(err as NodeJS.ErrnoException).code ?? String(err)}`, `paths are relative to ${dirname(file)}`);
          continue;
        }
        loadFile(txt, path, st);
      }
    }
  }
  if (treesNode === null) {
    report(fc, root, "missing 'trees:'", 'a tree file has `trees:` with one or more named trees');
    return main;
  }
  if (!isMap(treesNode)) {
    report(fc, treesNode, "'trees' must be a mapping of tree name → root node", 'e.g. `trees:\\n  Main:\\n    Sequence: …`');
    return main;
  }
  for (const pair of treesNode.items) {
    const name = keyText(pair.key);
    const prev = st.treePos.get(name);
    if (prev) {
      report(fc, pair.key as YNode, `duplicate tree name '${name}' (also defined at ${prev.file}:${prev.line}:${prev.col})`, 'tree names must be unique across a file and its imports');
      continue;
    }
    st.treePos.set(name, at(fc, pair.key as YNode));
    const names = new Map<string, SourcePos>();
    const spec = convertNode(fc, st, (pair.value as YNode | null) ?? null, names);
    if (spec) st.trees.set(name, spec);
  }
  if (main === undefined && treesNode.items.length > 0) main = keyText(treesNode.items[0]!.key);
  return main;
}

/** Index of the first NUL or undecodable byte (read as U+FFFD), or -1 for text. */
function binaryOffset(text: string): number {
  const nul = text.indexOf('\u0000');
  const bad = text.indexOf('\uFFFD');
  return nul < 0 ? bad : bad < 0 ? nul : Math.min(nul, bad);
}

/** `nodes:` entries must be paths of node modules already loaded into the registry. */
function checkNodeModules(fc: FileCtx, st: LoadState, val: YNode): void {
  if (!isSeq(val)) {
    report(fc, val, 'nodes must be a list of node module paths', 'e.g. `nodes: [../nodes/index.js]` (relative to this file)');
    return;
  }
  for (const item of val.items as YNode[]) {
    if (!isScalar(item) || typeof item.value !== 'string' || item.value.length === 0) {
      report(fc, item, 'a nodes entry must be a file path', 'paths are relative to this file');
    } else if (!st.registry.hasModule(resolve(dirname(fc.file), item.value))) {
      report(fc, item, `node module '${item.value}' is not loaded`, 'loadTreeFile loads the `nodes:` modules; before loadTreeText, call loadNodeModules');
    }
  }
}

/** Pass 2: expansion from the main tree. */
function expand(st: LoadState, main: string, mainPos: SourcePos): void {
  const maxDepth = st.opts.maxDepth ?? 32;
  const push = (pos: SourcePos, message: string, hint?: string) => st.diags.push(hint === undefined ? { ...pos, message } : { ...pos, message, hint });
  let depthReported = st.depthReported;
  const walk = (spec: TreeNodeSpec, depth: number, stack: string[], inAffect: boolean): void => {
    if (depth > maxDepth) {
      if (!depthReported) push(spec.pos, `tree is deeper than the depth limit ${maxDepth} (through ${stack.join(' → ')})`, 'flatten the tree or raise maxDepth');
      depthReported = true;
      return;
    }
    const def = st.registry.get(spec.kind) as NodeDef;
    if (def.role === 'affect' && !inAffect) {
      push(spec.pos, `affect node ${spec.kind} must be inside an AffectBranch (task-first rule)`, 'wrap the affect nodes in `AffectBranch: { child: … }` so they can never fail the task');
    }
    if (def.role === 'task' && inAffect) {
      push(spec.pos, `task node ${spec.kind} cannot be inside an AffectBranch (task-first rule: affect only modulates apology and pacing)`, 'move it out of the AffectBranch into the task branch');
    }
    const affectHere = inAffect || spec.kind === 'AffectBranch';
    if (spec.kind === 'Subtree') {
      if (spec.ports.tree === undefined) return;
      const target = String(spec.ports.tree);
      const sub = st.trees.get(target);
      if (sub === undefined) {
        if (!st.treePos.has(target)) {
          const guess = didYouMean(target, st.treePos.keys());
          push(spec.pos, `unknown subtree '${target}'`, guess ? `did you mean '${guess}'?` : `trees: ${[...st.treePos.keys()].join(', ') || 'none'}`);
        }
        return;
      }
      if (stack.includes(target)) {
        push(spec.pos, `subtree cycle: ${[...stack, target].join(' → ')}`, 'a tree cannot include itself, directly or through other subtrees');
        return;
      }
      stack.push(target);
      walk(sub, depth + 1, stack, affectHere);
      stack.pop();
      return;
    }
    for (const c of spec.children) walk(c, depth + 1, stack, affectHere);
  };
  const root = st.trees.get(main);
  if (root === undefined) {
    if (!st.treePos.has(main)) {
      const guess = didYouMean(main, st.treePos.keys());
      push(mainPos, `main tree '${main}' is not defined`, guess ? `did you mean '${guess}'?` : `trees: ${[...st.treePos.keys()].join(', ') || 'none'}`);
    }
    return;
  }
  walk(root, 1, [main], false);
  // Trees never reached from main are still checked for cycles (they may be used by importers).
  for (const [name, spec] of st.trees) {
    if (name === main) continue;
    const seen = new Set<string>();
    const find = (s: TreeNodeSpec, path: string[]): void => {
      if (s.kind === 'Subtree') {
        const t = String(s.ports.tree);
        if (t === name) {
          if (!st.diags.some((d) => d.message.startsWith('subtree cycle:') && d.message.includes(name))) {
            push(s.pos, `subtree cycle: ${[...path, t].join(' → ')}`, 'a tree cannot include itself, directly or through other subtrees');
          }
          return;
        }
        if (seen.has(t)) return;
        seen.add(t);
        const sub = st.trees.get(t);
        if (sub) find(sub, [...path, t]);
        return;
      }
      for (const c of s.children) find(c, path);
    };
    find(spec, [name]);
  }
}

/**
 * Parses and validates a tree document from text. Imports are read relative to `file`.
 * Throws {@link TreeLoadError} with every diagnostic; never throws anything else.
 *
 * @example
 * ```ts
 * const doc = loadTreeText('trees:\n  Main:\n    ControllerAvailable: {}\n', 'inline.yaml');
 * doc.main; // 'Main'
 * ```
 */
export function loadTreeText(text: string, file: string, opts: LoadOptions = {}): TreeDocument {
  const registry = opts.registry ?? nodeRegistry;
  const st: LoadState = { trees: new Map(), treePos: new Map(), files: [], diags: [], opts, registry, nodes: 0, depthReported: false };
  let main: string | undefined;
  try {
    if (typeof text !== 'string') {
      throw new TreeLoadError([{ file, line: 1, col: 1, message: 'tree text must be a string', hint: 'read the file as UTF-8' }]);
    }
    main = loadFile(text, file, st);
    if (main !== undefined) {
      const mainPos = st.treePos.get(main) ?? { file, line: 1, col: 1 };
      if (st.diags.length === 0 || st.trees.has(main)) expand(st, main, mainPos);
    } else if (st.diags.length === 0) {
      st.diags.push({ file, line: 1, col: 1, message: 'no trees defined', hint: 'add at least one tree under `trees:`' });
    }
  } catch (err) {
    if (err instanceof TreeLoadError) throw err;
    st.diags.push({ file, line: 1, col: 1, message: `internal loader error: ${err instanceof Error ? err.message : String(err)}`, hint: 'please report this with the file' });
  }
  if (st.diags.length > 0) {
    st.diags.sort((a, b) => (a.file === b.file ? a.line - b.line || a.col - b.col : a.file === file ? -1 : b.file === file ? 1 : a.file < b.file ? -1 : 1));
    throw new TreeLoadError(st.diags);
  }
  return { file, main: main!, trees: st.trees, files: st.files, registry };
}

/** A `nodes:` entry and where it was written. */
interface ModuleRef {
  file: string;
  line: number;
  col: number;
  path: string;
}

/** Collects the `nodes:` entries of a file and of the files it imports (problems are left to the loader). */
function collectModuleRefs(text: string, file: string, out: ModuleRef[], seen: Set<string>, allowImports: boolean): void {
  seen.add(file);
  const hasImports = allowImports && /^imports\s*:/m.test(text);
  if (!/^nodes\s*:/m.test(text) && !hasImports) return;
  const lc = new LineCounter();
  const root = parseDocument(text, { lineCounter: lc }).contents;
  if (!isMap(root)) return;
  for (const pair of root.items) {
    const key = keyText(pair.key);
    if ((key !== 'nodes' && !(key === 'imports' && hasImports)) || !isSeq(pair.value)) continue;
    for (const item of pair.value.items as YNode[]) {
      if (!isScalar(item) || typeof item.value !== 'string') continue;
      if (key === 'nodes') {
        const p = lc.linePos(item.range?.[0] ?? 0);
        out.push({ file, line: p.line, col: p.col, path: item.value });
        continue;
      }
      const imported = join(dirname(file), item.value);
      if (seen.has(imported)) continue;
      let t: string;
      try {
        t = readFileSync(imported, 'utf8');
      } catch {
        continue;
      }
      collectModuleRefs(t, imported, out, seen, allowImports);
    }
  }
}

/** The registry a file is validated with: `base` plus its (and its imports') `nodes:` modules. */
async function registryFor(text: string, file: string, opts: LoadOptions): Promise<NodeRegistry> {
  const base = opts.registry ?? nodeRegistry;
  const refs: ModuleRef[] = [];
  try {
    collectModuleRefs(text, file, refs, new Set(), opts.allowImports !== false);
  } catch {
    return base; // unreadable YAML: the loader reports it
  }
  if (refs.length === 0) return base;
  const registry = base.clone();
  const diags: Diagnostic[] = [];
  for (const r of refs) {
    try {
      await loadNodeModules([r.path], registry, { base: dirname(r.file) });
    } catch (err) {
      const message = err instanceof NodeModuleError ? err.message : `${r.path}: ${err instanceof Error ? err.message : String(err)}`;
      diags.push({ file: r.file, line: r.line, col: r.col, message });
    }
  }
  if (diags.length > 0) throw new TreeLoadError(diags);
  return registry;
}

/**
 * Reads, parses and validates a tree file. The node modules its `nodes:` header lists
 * (and those of its imports) are loaded into a copy of `opts.registry` first; a module
 * that fails to load is a diagnostic at its `nodes:` entry. Throws {@link TreeLoadError}
 * (also when the file cannot be read).
 *
 * @example
 * ```ts
 * const doc = await loadTreeFile('trees/handover_affect.yaml');
 * ```
 */
export async function loadTreeFile(path: string, opts: LoadOptions = {}): Promise<TreeDocument> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new TreeLoadError([{ file: path, line: 1, col: 1, message: `cannot read file: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, hint: 'check the path' }]);
  }
  return loadTreeText(text, path, { ...opts, registry: await registryFor(text, path, opts) });
}

/**
 * Validates several files and returns all their diagnostics (empty when all valid).
 *
 * @example
 * ```ts
 * const diags = await validateTreeFiles(['trees/handover_baseline.yaml', 'trees/handover_affect.yaml']);
 * diags.length; // 0
 * ```
 */
export async function validateTreeFiles(paths: string[], opts: LoadOptions = {}): Promise<Diagnostic[]> {
  const out: Diagnostic[] = [];
  for (const p of paths) {
    try {
      await loadTreeFile(p, opts);
    } catch (err) {
      if (err instanceof TreeLoadError) out.push(...err.diagnostics);
      else out.push({ file: p, line: 1, col: 1, message: String(err) });
    }
  }
  return out;
}

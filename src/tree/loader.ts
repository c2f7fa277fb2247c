/**
 * YAML tree loader. Two passes, as the design asks:
 *  1. read with positions (the fast YAML reader, or the `yaml` package for anything
 *     outside its subset — see `yaml/`) and convert each tree into
 *     {@link TreeNodeSpec}s, checking everything local to a node: YAML syntax, non-YAML
 *     input, unknown node types ("did you mean"), unknown / mistyped / missing ports
 *     (BehaviorTree.CPP's spellings such as `num_attempts` are accepted), child counts,
 *     duplicate names, the syntax of every script (`_skipIf`, `Script: { code }` …) and
 *     the `ports:` a tree declares for its callers;
 *  2. expand from the main tree through subtrees (`expand.ts`), checking what needs the
 *     whole document: unknown subtrees, subtree cycles, the depth limit, subtree ports
 *     and their remapping, key types (scripts are type-checked against them) and the
 *     task-first rule.
 * Every problem becomes a {@link Diagnostic} (`file:line:col: message` + hint); all of
 * them are reported together in one {@link TreeLoadError}, before anything is built.
 * The loader never throws anything else (a property test feeds it random text).
 *
 * Node kinds come from a {@link NodeRegistry} (`LoadOptions.registry`, default the
 * package's `nodeRegistry`). A file's `nodes:` header lists node modules (paths relative
 * to the file); {@link loadTreeFile} loads them into a copy of that registry, which the
 * returned document carries so that expanding and building use exactly the kinds it was
 * validated with.
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { checkLiteral, checkPort, didYouMean, parseKeyRef, type PortSpec, type SubtreePortDecl, type SubtreePortType } from './ports.ts';
import { nodeRegistry, type NodeRegistry } from './registry.ts';
import { loadNodeModules, NodeModuleError } from './plugins.ts';
import { parseScript, type Program } from './script/index.ts';
import { LineIndex, readYaml, type YMap, type YNode, type YScalar } from './yaml/index.ts';
import type { NodeDef } from './node.ts';
import { expandTree } from './expand.ts';

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

/** A parsed script and how to locate a character of it in the file. */
export interface ScriptSource {
  source: string;
  program: Program;
  /** File position of the script's character at `offset`. */
  at(offset: number): SourcePos;
}

/** A value given to a subtree port: a literal, or a caller key written `'{key}'`. */
export interface SubtreeArg {
  value: string | number | boolean;
  pos: SourcePos;
}

/** A node a port value refers to as `{name}`: filled from the subtree port of that name when the tree is expanded. */
export interface PortRef {
  name: string;
  pos: SourcePos;
}

/** A validated node of a tree, as written (subtrees are not expanded). */
export interface TreeNodeSpec {
  /** Node kind (the canonical name when an alias such as `Retry` was written). */
  kind: string;
  /** `name:` or, when absent, the kind as written. */
  name: string;
  /** Port values with defaults applied (key ports keep their braces). */
  ports: Record<string, string | number | boolean>;
  children: TreeNodeSpec[];
  /** Ports written `'{name}'` where a value (not a key) is expected: filled from subtree ports at expansion. */
  portRefs?: Record<string, PortRef>;
  /** Scripts: pre/post conditions (`_skipIf` …) and `script` ports (`code`, `if`). */
  scripts?: Record<string, ScriptSource>;
  /** Subtree only: the ports passed to the target tree (also what `remap:` lists). */
  args?: Record<string, SubtreeArg>;
  /** Subtree only: `_autoremap: true` shares the caller's keys (except `_private` ones). */
  autoremap?: boolean;
  pos: SourcePos;
  /** Where each port was written. */
  portPos: Record<string, SourcePos>;
}

/** A loaded, validated tree document (with its imports). */
export interface TreeDocument {
  /** The file it was loaded from. */
  file: string;
  /** Name of the tree that `buildTree` builds by default. */
  main: string;
  /** All trees by name, including those from imported files. */
  trees: Map<string, TreeNodeSpec>;
  /** Ports each tree declares (absent: the tree declares none). */
  treePorts: Map<string, SubtreePortDecl[]>;
  /** Files read (this one first). */
  files: string[];
  /** The node kinds the document was validated with (and is expanded and built with). */
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

/**
 * BehaviorTree.CPP's pre-conditions (checked before a node starts) and post-conditions
 * (run when it finishes or is halted), accepted on every node.
 *
 * @example
 * ```ts
 * CONDITION_KEYS.includes('_skipIf'); // true
 * ```
 */
export const CONDITION_KEYS = ['_failureIf', '_successIf', '_skipIf', '_while', '_onSuccess', '_onFailure', '_onHalted', '_post'] as const;
/** A pre- or post-condition attribute. */
export type ConditionKey = (typeof CONDITION_KEYS)[number];

const TOP_KEYS = ['main', 'imports', 'nodes', 'trees', 'version', 'description'];
const RESERVED = ['name', 'children', 'child'];
const TREE_KEYS = ['ports', 'description'];
const PORT_DECL_KEYS = ['type', 'default', 'required', 'min', 'max', 'description'];
const PORT_DECL_TYPES: readonly SubtreePortType[] = ['number', 'integer', 'string', 'boolean', 'object', 'any'];
const MAX_NODES = 10_000;

interface FileCtx {
  file: string;
  text: string;
  lines: LineIndex;
  diags: Diagnostic[];
}

function posAt(fc: FileCtx, off: number): SourcePos {
  const p = fc.lines.pos(off);
  return { file: fc.file, line: p.line, col: p.col };
}

function at(fc: FileCtx, node: YNode | null | undefined, fallback = 0): SourcePos {
  return posAt(fc, node?.off ?? fallback);
}

function report(fc: FileCtx, node: YNode | null | undefined, message: string, hint?: string, fallback?: number): void {
  const p = at(fc, node, fallback);
  fc.diags.push(hint === undefined ? { ...p, message } : { ...p, message, hint });
}

function keyText(k: YScalar): string {
  return String(k.value);
}

function isNull(n: YNode | null): boolean {
  return n === null || (n.t === 'scalar' && n.value === null);
}

/** Plain JS value of a YAML node (for port checks and messages). */
function toValue(n: YNode | null): unknown {
  if (n === null) return null;
  if (n.t === 'scalar') return n.value;
  if (n.t === 'seq') return n.items.map(toValue);
  const o: Record<string, unknown> = {};
  for (const p of n.items) o[keyText(p.key)] = toValue(p.value);
  return o;
}

/** `{key}` written unquoted: YAML reads it as a one-key mapping with no value. */
function bareKeyRef(n: YNode | null): string | undefined {
  if (n !== null && n.t === 'map' && n.items.length === 1 && isNull(n.items[0]!.value)) return `{${keyText(n.items[0]!.key)}}`;
  return undefined;
}

/**
 * Maps an offset into a scalar's value to a file position: exact for plain and
 * one-line quoted scalars, the scalar's start otherwise.
 */
function scalarLocator(fc: FileCtx, n: YScalar): (offset: number) => SourcePos {
  const raw = fc.text.slice(n.off, n.end);
  if (n.style === 'plain') return (i) => posAt(fc, n.off + Math.min(i, raw.length));
  if ((n.style === 'single' || n.style === 'double') && !raw.includes('\n')) {
    return (i) => {
      // walk the raw text, counting decoded characters
      let decoded = 0;
      let k = 1;
      while (k < raw.length - 1 && decoded < i) {
        if (n.style === 'single' && raw[k] === "'" && raw[k + 1] === "'") k += 2;
        else if (n.style === 'double' && raw[k] === '\\') k += raw[k + 1] === 'u' ? 6 : raw[k + 1] === 'x' ? 4 : 2;
        else k++;
        decoded++;
      }
      return posAt(fc, n.off + k);
    };
  }
  return () => posAt(fc, n.off);
}

/** State of pass 1 across all files of a document. */
interface LoadState {
  trees: Map<string, TreeNodeSpec>;
  treePorts: Map<string, SubtreePortDecl[]>;
  treePos: Map<string, SourcePos>;
  files: string[];
  diags: Diagnostic[];
  opts: LoadOptions;
  registry: NodeRegistry;
  nodes: number;
  depthReported: boolean;
}

function findPort(def: NodeDef, key: string): PortSpec | undefined {
  for (const p of def.ports) if (p.name === key || p.alias === key) return p;
  return undefined;
}

function scriptOf(fc: FileCtx, n: YNode | null, what: string, fallback: YNode): ScriptSource | undefined {
  if (n === null || n.t !== 'scalar' || typeof n.value !== 'string' || n.value.trim().length === 0) {
    report(fc, n ?? fallback, `${what} must be a script (quoted text), got ${describe(toValue(n))}`, "e.g. `_skipIf: \"{human/ready} == false\"` or `code: 'attempts := 0'`");
    return undefined;
  }
  const locate = scalarLocator(fc, n);
  const r = parseScript(n.value);
  if (!r.ok) {
    const p = locate(r.problem.start);
    fc.diags.push({ ...p, message: `${what}: ${r.problem.message}`, ...(r.problem.hint ? { hint: r.problem.hint } : {}) });
    return undefined;
  }
  return { source: n.value, program: r.program, at: locate };
}

function describe(v: unknown): string {
  if (v === null || v === undefined) return 'nothing';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return `string ${JSON.stringify(v.length > 40 ? v.slice(0, 37) + '...' : v)}`;
  return `${typeof v} ${String(v)}`;
}

function convertNode(fc: FileCtx, st: LoadState, n: YNode | null, names: Map<string, SourcePos>, depth: number, fallbackOff: number): TreeNodeSpec | undefined {
  const maxDepth = st.opts.maxDepth ?? 32;
  if (depth > maxDepth) {
    if (!st.depthReported) report(fc, n, `tree is deeper than the depth limit ${maxDepth}`, 'flatten the tree or raise maxDepth', fallbackOff);
    st.depthReported = true;
    return undefined;
  }
  if (++st.nodes > MAX_NODES) {
    if (st.nodes === MAX_NODES + 1) report(fc, n, `too many nodes (more than ${MAX_NODES})`, 'split the tree into files or simplify it', fallbackOff);
    return undefined;
  }
  let kindNode: YNode | null = n;
  let body: YNode | null = null;
  let written: string;
  if (n !== null && n.t === 'scalar' && typeof n.value === 'string') {
    written = n.value;
  } else if (n !== null && n.t === 'map') {
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
    kindNode = pair.key;
    written = keyText(pair.key);
    body = pair.value;
  } else {
    report(fc, n, `expected a node (a mapping like \`Handover: {…}\`), got ${n === null ? 'nothing' : n.t === 'seq' ? 'a list' : `${typeof n.value} ${String(n.value)}`}`, 'each node is `Type: { port: value, … }`', fallbackOff);
    return undefined;
  }
  const def = st.registry.get(written);
  if (def === undefined) {
    const guess = didYouMean(written, st.registry.keys());
    report(fc, kindNode, `unknown node type '${written}'`, guess ? `did you mean '${guess}'?` : `known types: ${[...st.registry.keys()].join(', ')}`);
    return undefined;
  }
  const kind = def.kind;
  const spec: TreeNodeSpec = { kind, name: written, ports: {}, children: [], pos: at(fc, kindNode), portPos: {} };
  let ok = true;
  let childNodes: (YNode | null)[] | undefined;
  let childrenKeyNode: YNode | null = kindNode;
  const isSubtree = kind === 'Subtree';
  if (!isNull(body)) {
    if (body!.t !== 'map') {
      report(fc, body, `the body of ${written} must be a mapping of ports, got ${body!.t === 'seq' ? 'a list' : 'a scalar'}`, body!.t === 'seq' ? 'put child nodes under `children:`' : `write \`${written}: { port: value }\``);
      return undefined;
    }
    const seen = new Set<string>();
    for (const pair of (body as YMap).items) {
      const key = keyText(pair.key);
      const keyNode = pair.key;
      const val = pair.value;
      seen.add(key);
      if (key === 'name') {
        if (val === null || val.t !== 'scalar' || typeof val.value !== 'string' || val.value.length === 0 || /[/:#]/.test(val.value)) {
          report(fc, val ?? keyNode, `name of ${written} must be a non-empty string without '/', ':' or '#'`, 'e.g. `name: give_part`');
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
          report(fc, keyNode, `${written} takes no children`, `${written} is a ${def.category}; move the nodes under a Sequence or Fallback`);
          ok = false;
        } else if (key === 'children') {
          if (val === null || val.t !== 'seq') {
            report(fc, val ?? keyNode, `children of ${written} must be a list`, 'write each child on its own line starting with `- `');
            ok = false;
          } else childNodes = val.items;
        } else {
          if (val === null || val.t === 'seq') {
            report(fc, val ?? keyNode, `child of ${written} must be one node`, 'use `children:` with a list under composites');
            ok = false;
          } else childNodes = [val];
        }
        if (childNodes !== undefined && seen.has(key === 'child' ? 'children' : 'child')) {
          report(fc, keyNode, `${written} has both 'child' and 'children'`, 'use one of them');
          ok = false;
        }
        childrenKeyNode = keyNode;
      } else if ((CONDITION_KEYS as readonly string[]).includes(key)) {
        const s = scriptOf(fc, val, `${key} of ${written}`, keyNode);
        if (s === undefined) ok = false;
        else (spec.scripts ??= {})[key] = s;
      } else if (isSubtree && key === '_autoremap') {
        if (val === null || val.t !== 'scalar' || typeof val.value !== 'boolean') {
          report(fc, val ?? keyNode, '_autoremap expects true or false', 'e.g. `_autoremap: true`');
          ok = false;
        } else spec.autoremap = val.value;
      } else if (isSubtree && key === 'remap') {
        if (val === null || val.t !== 'map') {
          report(fc, val ?? keyNode, 'remap must be a mapping of inner key → outer key', "e.g. `remap: { affect: '{affect_h2}' }`");
          ok = false;
          continue;
        }
        for (const rp of val.items) {
          const inner = keyText(rp.key);
          const rv = rp.value;
          const ref = rv !== null && rv.t === 'scalar' && typeof rv.value === 'string' ? rv.value : bareKeyRef(rv);
          if (ref === undefined || parseKeyRef(ref) === undefined || parseKeyRef(`{${inner}}`) === undefined) {
            report(fc, rv ?? rp.key, `remap of '${inner}' must name a blackboard key in braces`, `write \`${inner}: '{otherKey}'\``);
            ok = false;
          } else (spec.args ??= {})[inner] = { value: ref, pos: at(fc, rp.key) };
        }
      } else {
        const port = findPort(def, key);
        if (port === undefined) {
          if (isSubtree) {
            // a port of the target tree: checked against its declaration when the tree is expanded
            const raw = bareKeyRef(val) ?? toValue(val);
            if (typeof raw === 'string' || typeof raw === 'number' || typeof raw === 'boolean') (spec.args ??= {})[key] = { value: raw, pos: at(fc, keyNode) };
            else {
              report(fc, val ?? keyNode, `subtree port '${key}' expects a literal or a blackboard key in braces, got ${describe(raw)}`, `e.g. \`${key}: '{myKey}'\` or \`${key}: 0.5\``);
              ok = false;
            }
            continue;
          }
          const candidates = [...def.ports.map((p) => p.name), ...RESERVED, ...CONDITION_KEYS];
          const guess = didYouMean(key, candidates);
          report(
            fc,
            keyNode,
            `unknown port '${key}' on ${written}`,
            guess ? `did you mean '${guess}'?` : def.ports.length ? `ports of ${written}: ${def.ports.map((p) => p.name).join(', ')}` : `${written} has no ports`,
          );
          ok = false;
          continue;
        }
        if (spec.portPos[port.name] !== undefined) {
          report(fc, keyNode, `port '${port.name}' of ${written} is given twice (also as '${port.alias === key ? port.name : port.alias}')`, 'keep one spelling');
          ok = false;
          continue;
        }
        spec.portPos[port.name] = at(fc, val ?? keyNode);
        if (port.type === 'script') {
          const s = scriptOf(fc, val, `port '${port.name}' of ${written}`, keyNode);
          if (s === undefined) ok = false;
          else {
            (spec.scripts ??= {})[port.name] = s;
            spec.ports[port.name] = s.source;
          }
          continue;
        }
        let raw: unknown = toValue(val);
        const bare = bareKeyRef(val);
        if (bare !== undefined) raw = bare;
        if (port.type !== 'key' && typeof raw === 'string' && parseKeyRef(raw) !== undefined) {
          // `objectId: '{part}'`: a value taken from the subtree port `part`
          const name = parseKeyRef(raw)!;
          if (name.startsWith('@')) {
            report(fc, val ?? keyNode, `port '${port.name}' of ${written} takes a value; '${raw}' names a root blackboard key`, 'values come from subtree ports (`{port}`), not from the blackboard');
            ok = false;
          } else (spec.portRefs ??= {})[port.name] = { name, pos: at(fc, val ?? keyNode) };
          continue;
        }
        const c = checkPort(port, raw);
        if (!c.ok) {
          report(fc, val ?? keyNode, `${c.message} on ${written}`, c.hint);
          ok = false;
        } else spec.ports[port.name] = c.value;
      }
    }
  }
  for (const p of def.ports) {
    if (spec.ports[p.name] !== undefined || spec.portRefs?.[p.name] !== undefined || spec.portPos[p.name] !== undefined) continue;
    if (p.required) {
      report(fc, kindNode, `missing required port '${p.name}' on ${written}`, `${p.description}; add \`${p.name}: …\``);
      ok = false;
    } else if (p.default !== undefined) spec.ports[p.name] = p.default;
  }
  if (kind === 'AffectBranch' && spec.scripts?._failureIf !== undefined) {
    const s = spec.scripts._failureIf;
    fc.diags.push({ ...s.at(0), message: 'an AffectBranch cannot have _failureIf: it always succeeds (task-first rule)', hint: 'use _skipIf to switch the affect branch off' });
    ok = false;
  }
  const count = childNodes?.length ?? 0;
  if (def.children.max > 0 && (count < def.children.min || count > def.children.max)) {
    const want = def.children.min === def.children.max ? `exactly ${def.children.min}` : `${def.children.min}..${def.children.max}`;
    report(fc, childrenKeyNode, `${written} needs ${want} child${def.children.max === 1 ? '' : 'ren'}, got ${count}`, def.category === 'decorator' ? 'write `child:` followed by one node' : 'list the children under `children:`');
    ok = false;
  }
  if (ok && def.check && spec.portRefs === undefined) {
    const problem = def.check(spec.ports);
    if (problem) {
      report(fc, kindNode, `${problem.message} on ${written}`, problem.hint);
      ok = false;
    }
  }
  if (ok && def.checkChildren && spec.portRefs === undefined) {
    const problem = def.checkChildren(spec.ports, count);
    if (problem) report(fc, kindNode, `${problem.message} on ${written}`, problem.hint);
  }
  for (const cn of childNodes ?? []) {
    const child = convertNode(fc, st, cn, names, depth + 1, childrenKeyNode?.off ?? 0);
    if (child) spec.children.push(child);
  }
  // A node with errors is still returned (its errors are already reported) so that the
  // second pass can check the rest of the tree too: all errors, not just the first.
  return spec;
}

function portDecls(fc: FileCtx, n: YNode | null, fallback: YNode): SubtreePortDecl[] | undefined {
  if (n === null || n.t !== 'map') {
    report(fc, n ?? fallback, "'ports' must be a mapping of port name → declaration", "e.g. `ports: { speed: { type: number, default: 0.6 }, part: string }`");
    return undefined;
  }
  const out: SubtreePortDecl[] = [];
  for (const p of n.items) {
    const name = keyText(p.key);
    const pos = at(fc, p.key);
    if (parseKeyRef(`{${name}}`) === undefined || name.startsWith('@')) {
      report(fc, p.key, `port name '${name}' is not a valid key name`, 'use letters, digits, _ . / : -');
      continue;
    }
    const v = p.value;
    if (v !== null && v.t === 'scalar' && typeof v.value === 'string') {
      if (!(PORT_DECL_TYPES as readonly string[]).includes(v.value)) {
        report(fc, v, `port '${name}' has unknown type '${v.value}'`, `types: ${PORT_DECL_TYPES.join(', ')}`);
        continue;
      }
      out.push({ name, type: v.value as SubtreePortType, description: '', pos });
      continue;
    }
    if (v === null || v.t !== 'map') {
      report(fc, v ?? p.key, `port '${name}' must be a type name or a mapping like { type: number, default: 1 }`, `types: ${PORT_DECL_TYPES.join(', ')}`);
      continue;
    }
    const d: Partial<SubtreePortDecl> & { name: string; pos: SourcePos } = { name, pos, description: '' };
    let good = true;
    for (const f of v.items) {
      const k = keyText(f.key);
      const fv = toValue(f.value);
      if (!PORT_DECL_KEYS.includes(k)) {
        const guess = didYouMean(k, PORT_DECL_KEYS);
        report(fc, f.key, `unknown field '${k}' in the declaration of port '${name}'`, guess ? `did you mean '${guess}'?` : `fields: ${PORT_DECL_KEYS.join(', ')}`);
        good = false;
      } else if (k === 'type') {
        if (typeof fv !== 'string' || !(PORT_DECL_TYPES as readonly string[]).includes(fv)) {
          report(fc, f.value ?? f.key, `port '${name}' has unknown type ${describe(fv)}`, `types: ${PORT_DECL_TYPES.join(', ')}`);
          good = false;
        } else d.type = fv as SubtreePortType;
      } else if (k === 'default') {
        const bare = bareKeyRef(f.value);
        const dv = bare ?? fv;
        if (typeof dv !== 'string' && typeof dv !== 'number' && typeof dv !== 'boolean') {
          report(fc, f.value ?? f.key, `default of port '${name}' must be a literal or a '{key}'`, 'e.g. `default: 0.6` or `default: "{pacing}"`');
          good = false;
        } else d.default = dv;
      } else if (k === 'required') {
        if (typeof fv !== 'boolean') {
          report(fc, f.value ?? f.key, `'required' of port '${name}' must be true or false`);
          good = false;
        } else d.required = fv;
      } else if (k === 'min' || k === 'max') {
        if (typeof fv !== 'number' || !Number.isFinite(fv)) {
          report(fc, f.value ?? f.key, `'${k}' of port '${name}' must be a number`);
          good = false;
        } else d[k] = fv;
      } else {
        if (typeof fv !== 'string') {
          report(fc, f.value ?? f.key, `'description' of port '${name}' must be text`);
          good = false;
        } else d.description = fv;
      }
    }
    if (d.type === undefined) {
      if (good) report(fc, p.key, `port '${name}' needs a type`, `add \`type: …\` (${PORT_DECL_TYPES.join(', ')})`);
      continue;
    }
    if (d.required && d.default !== undefined) {
      report(fc, p.key, `port '${name}' is required and has a default`, 'drop one of them');
      continue;
    }
    if (good && d.default !== undefined && !(typeof d.default === 'string' && parseKeyRef(d.default) !== undefined)) {
      const c = checkLiteral(d as SubtreePortDecl, d.default);
      if (c !== undefined) {
        report(fc, p.key, `default of port '${name}': ${c}`);
        continue;
      }
    }
    if (good) out.push(d as SubtreePortDecl);
  }
  return out;
}

/** Index of the first NUL or undecodable byte (read as U+FFFD), or -1 for text. */
function binaryOffset(text: string): number {
  const nul = text.indexOf('\u0000');
  const bad = text.indexOf('\uFFFD');
  return nul < 0 ? bad : bad < 0 ? nul : Math.min(nul, bad);
}

/** `nodes:` entries must be paths of node modules already loaded into the registry. */
function checkNodeModules(fc: FileCtx, st: LoadState, val: YNode | null, keyNode: YNode): void {
  if (val === null || val.t !== 'seq') {
    report(fc, val ?? keyNode, 'nodes must be a list of node module paths', 'e.g. `nodes: [../nodes/index.js]` (relative to this file)');
    return;
  }
  for (const item of val.items) {
    if (item === null || item.t !== 'scalar' || typeof item.value !== 'string' || item.value.length === 0) {
      report(fc, item ?? keyNode, 'a nodes entry must be a file path', 'paths are relative to this file');
    } else if (!st.registry.hasModule(resolve(dirname(fc.file), item.value))) {
      report(fc, item, `node module '${item.value}' is not loaded`, 'loadTreeFile loads the `nodes:` modules; before loadTreeText, call loadNodeModules');
    }
  }
}

function loadFile(text: string, file: string, st: LoadState): string | undefined {
  st.files.push(file);
  const fc: FileCtx = { file, text, lines: new LineIndex(text), diags: st.diags };
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
  const read = readYaml(text);
  if (!read.ok) {
    for (const e of read.problems) {
      const p = posAt(fc, e.off);
      fc.diags.push({
        ...p,
        message: e.duplicateKey ? `duplicate key: ${e.message}` : `YAML syntax error: ${e.message}`,
        hint: e.duplicateKey ? 'tree names and ports must be unique within a mapping: rename or remove one' : 'check indentation, colons and quotes near this position',
      });
    }
    return undefined;
  }
  const root = read.root;
  if (root === null || root.t !== 'map') {
    report(fc, root, `not a tree file: expected a YAML mapping with a 'trees:' key, got ${root === null ? 'nothing' : root.t === 'seq' ? 'a list' : 'a scalar'}`, 'see docs/trees.md for the format');
    return undefined;
  }
  let main: string | undefined;
  let treesNode: YNode | null = null;
  let treesKey: YNode = root;
  for (const pair of root.items) {
    const key = keyText(pair.key);
    const val = pair.value;
    if (!TOP_KEYS.includes(key)) {
      const guess = didYouMean(key, TOP_KEYS);
      report(fc, pair.key, `unknown top-level key '${key}'`, guess ? `did you mean '${guess}'?` : `allowed: ${TOP_KEYS.join(', ')}`);
    } else if (key === 'main') {
      if (val === null || val.t !== 'scalar' || typeof val.value !== 'string') report(fc, val ?? pair.key, 'main must be a tree name', 'e.g. `main: HandoverWithAffect`');
      else main = val.value;
    } else if (key === 'trees') {
      treesNode = val;
      treesKey = pair.key;
    } else if (key === 'nodes') {
      checkNodeModules(fc, st, val, pair.key);
    } else if (key === 'imports') {
      if (val === null || val.t !== 'seq') {
        report(fc, val ?? pair.key, 'imports must be a list of file paths', 'e.g. `imports: [affect_branch.yaml]`');
        continue;
      }
      for (const item of val.items) {
        if (item === null || item.t !== 'scalar' || typeof item.value !== 'string') {
          report(fc, item ?? pair.key, 'an import must be a file path', 'paths are relative to this file');
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
    report(fc, treesKey === root ? root : treesKey, "missing 'trees:'", 'a tree file has `trees:` with one or more named trees');
    return main;
  }
  if (treesNode.t !== 'map') {
    report(fc, treesNode, "'trees' must be a mapping of tree name → root node", 'e.g. `trees:\\n  Main:\\n    Sequence: …`');
    return main;
  }
  for (const pair of treesNode.items) {
    const name = keyText(pair.key);
    const prev = st.treePos.get(name);
    if (prev) {
      report(fc, pair.key, `duplicate tree name '${name}' (also defined at ${prev.file}:${prev.line}:${prev.col})`, 'tree names must be unique across a file and its imports');
      continue;
    }
    st.treePos.set(name, at(fc, pair.key));
    let rootNode = pair.value;
    // a tree may declare its ports (and a description) beside its root node
    if (rootNode !== null && rootNode.t === 'map' && rootNode.items.some((p) => TREE_KEYS.includes(keyText(p.key)))) {
      const rest = rootNode.items.filter((p) => !TREE_KEYS.includes(keyText(p.key)));
      const portsPair = rootNode.items.find((p) => keyText(p.key) === 'ports');
      if (portsPair !== undefined) {
        const decls = portDecls(fc, portsPair.value, portsPair.key);
        if (decls !== undefined) st.treePorts.set(name, decls);
      }
      rootNode = rest.length === 0 ? null : { t: 'map', items: rest, off: rest[0]!.key.off };
    }
    const names = new Map<string, SourcePos>();
    const spec = convertNode(fc, st, rootNode, names, 1, pair.key.off);
    if (spec) st.trees.set(name, spec);
  }
  if (main === undefined && treesNode.items.length > 0) main = keyText(treesNode.items[0]!.key);
  return main;
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
  const st: LoadState = { trees: new Map(), treePorts: new Map(), treePos: new Map(), files: [], diags: [], opts, registry, nodes: 0, depthReported: false };
  let main: string | undefined;
  let doc: TreeDocument | undefined;
  try {
    if (typeof text !== 'string') {
      throw new TreeLoadError([{ file, line: 1, col: 1, message: 'tree text must be a string', hint: 'read the file as UTF-8' }]);
    }
    main = loadFile(text, file, st);
    if (main !== undefined) {
      const mainPos = st.treePos.get(main) ?? { file, line: 1, col: 1 };
      doc = { file, main, trees: st.trees, treePorts: st.treePorts, files: st.files, registry };
      if (!st.treePos.has(main)) {
        const guess = didYouMean(main, st.treePos.keys());
        st.diags.push({ ...mainPos, message: `main tree '${main}' is not defined`, hint: guess ? `did you mean '${guess}'?` : `trees: ${[...st.treePos.keys()].join(', ') || 'none'}` });
      } else if (st.trees.has(main)) {
        st.diags.push(...expandTree(doc, main, { maxDepth: opts.maxDepth ?? 32, depthReported: st.depthReported, checkUnreached: true, knownTrees: new Set(st.treePos.keys()) }).diagnostics);
      }
    } else if (st.diags.length === 0) {
      st.diags.push({ file, line: 1, col: 1, message: 'no trees defined', hint: 'add at least one tree under `trees:`' });
    }
  } catch (err) {
    if (err instanceof TreeLoadError) throw err;
    st.diags.push({ file, line: 1, col: 1, message: `internal loader error: ${err instanceof Error ? err.message : String(err)}`, hint: 'please report this with the file' });
  }
  if (st.diags.length > 0) {
    const seen = new Set<string>();
    const unique = st.diags.filter((d) => {
      const k = formatDiagnostic(d);
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
    unique.sort((a, b) => (a.file === b.file ? a.line - b.line || a.col - b.col : a.file === file ? -1 : b.file === file ? 1 : a.file < b.file ? -1 : 1));
    throw new TreeLoadError(unique);
  }
  return doc!;
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
  const read = readYaml(text);
  if (!read.ok || read.root === null || read.root.t !== 'map') return;
  const lines = new LineIndex(text);
  for (const pair of read.root.items) {
    const key = keyText(pair.key);
    const val = pair.value;
    if ((key !== 'nodes' && !(key === 'imports' && hasImports)) || val === null || val.t !== 'seq') continue;
    for (const item of val.items) {
      if (item === null || item.t !== 'scalar' || typeof item.value !== 'string') continue;
      if (key === 'nodes') {
        const p = lines.pos(item.off);
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

/** The registry a file is validated with: `opts.registry` plus its (and its imports') `nodes:` modules. */
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


/**
 * Loading node modules: an integrator's own leaves (`IsPartAvailable`, a speech
 * action…) in a JavaScript or TypeScript file, registered into a {@link NodeRegistry}.
 * Every command loads them the same way (`--nodes FILE`, `nodes:` in a tree file's
 * header or in a cell config), and so can a worker thread, given the paths.
 *
 * A module exports its nodes as `export default { nodes: [...], keys?: {...} }` (a
 * {@link NodePlugin}), or as named exports `nodes` (and `keys`); an array of definitions
 * or a single definition as the default export are accepted too. A `.ts` module is
 * loaded through tsx when the project has it (Node 20 cannot import TypeScript itself).
 *
 * Every failure — missing file, syntax error, a throw while importing, nothing usable
 * exported, an invalid or duplicate node — becomes one {@link NodeModuleError} whose
 * message is a single line naming the file (and the node).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { NodeDef } from './node.ts';
import { NodeRegistryError, type NodePlugin, type NodeRegistry } from './registry.ts';

/**
 * A node module could not be loaded; `message` is one line naming the file (and node).
 *
 * @example
 * ```ts
 * try { await loadNodeModules(['./bad.js'], registry); } catch (e) { if (e instanceof NodeModuleError) console.error(e.message); }
 * ```
 */
export class NodeModuleError extends Error {
  override name = 'NodeModuleError';
  constructor(
    message: string,
    /** The module path as given. */
    readonly file: string,
    /** The node kind at fault, when one is. */
    readonly kind?: string,
  ) {
    super(message);
  }
}

/** Options of {@link loadNodeModules}. */
export interface LoadNodeModulesOptions {
  /** Directory relative paths resolve against (default: the current directory). */
  base?: string;
}

function firstLine(text: string): string {
  return text.split('\n', 1)[0]!.trim();
}

function isNodeDef(v: unknown): v is NodeDef {
  return typeof v === 'object' && v !== null && typeof (v as NodeDef).kind === 'string' && typeof (v as NodeDef).create === 'function';
}

function isPlugin(v: unknown): v is NodePlugin {
  return typeof v === 'object' && v !== null && Array.isArray((v as NodePlugin).nodes);
}

/**
 * The {@link NodePlugin} a module's exports describe; throws {@link NodeModuleError}
 * when they describe none.
 *
 * @example
 * ```ts
 * pluginOf({ default: { nodes: [IsPartAvailable] } }, './nodes.js').nodes.length; // 1
 * ```
 */
export function pluginOf(mod: Record<string, unknown>, file: string): NodePlugin {
  const d = mod['default'];
  let plugin: NodePlugin | undefined;
  if (isPlugin(d)) plugin = d;
  else if (Array.isArray(d)) plugin = { nodes: d as NodeDef[] };
  else if (isNodeDef(d)) plugin = { nodes: [d] };
  else if (Array.isArray(mod['nodes'])) plugin = { nodes: mod['nodes'] as NodeDef[], keys: mod['keys'] as NodePlugin['keys'] };
  if (plugin === undefined || plugin.nodes.length === 0) {
    const names = Object.keys(mod).filter((k) => k !== '__esModule');
    throw new NodeModuleError(
      `${file}: exports no nodes; write \`export default { nodes: [MyNode] }\` with MyNode = defineNode({…}) (exports found: ${names.length > 0 ? names.join(', ') : 'none'})`,
      file,
    );
  }
  return plugin;
}

/**
 * The ESM entry of tsx's API (`tsx/esm/api`, import condition), from the plugin's own
 * project first, then affect-bt's; undefined when neither has tsx.
 */
function tsxApi(file: string): string | undefined {
  for (const from of [file, import.meta.url]) {
    let manifest: string;
    try {
      manifest = createRequire(from).resolve('tsx/package.json');
    } catch {
      continue; // not installed there
    }
    const exp = (JSON.parse(readFileSync(manifest, 'utf8')) as { exports?: Record<string, { import?: { default?: string } }> }).exports?.['./esm/api']?.import?.default;
    if (exp) return pathToFileURL(join(dirname(manifest), exp)).href;
  }
  return undefined;
}

async function importFile(abs: string, shown: string): Promise<Record<string, unknown>> {
  const url = pathToFileURL(abs).href;
  try {
    return (await import(url)) as Record<string, unknown>;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ERR_UNKNOWN_FILE_EXTENSION' || !/\.[cm]?tsx?$/.test(abs)) throw err;
    const api = tsxApi(abs);
    if (api === undefined) {
      throw new NodeModuleError(`${shown}: Node ${process.version} cannot import TypeScript by itself; install tsx in your project (npm install --save-dev tsx) or compile the module to JavaScript`, shown);
    }
    const { tsImport } = (await import(api)) as { tsImport(specifier: string, parent: string): Promise<Record<string, unknown>> };
    return tsImport(url, import.meta.url);
  }
}

/**
 * `:line:col` of a JavaScript syntax error. Node's ESM SyntaxError does not carry the
 * position, so ask `node --check` (a child process, only on this error path).
 */
function syntaxPosition(abs: string): string | undefined {
  const r = spawnSync(process.execPath, ['--check', abs], { encoding: 'utf8', timeout: 10_000 });
  if (r.status === 0) return undefined; // parses: the SyntaxError was thrown while running (e.g. JSON.parse)
  const lines = (r.stderr ?? '').split('\n');
  const line = /:(\d+)$/.exec(lines[0] ?? '')?.[1];
  const caret = (lines[2] ?? '').indexOf('^');
  return line === undefined ? '' : caret >= 0 ? `:${line}:${caret + 1}` : `:${line}`;
}

/** One line describing why importing a module failed. */
function importProblem(err: unknown, abs: string, shown: string): string {
  if (err instanceof SyntaxError || (err as Error)?.name === 'SyntaxError') {
    const at = /\.[cm]?js$/.test(abs) ? syntaxPosition(abs) : '';
    if (at !== undefined) return `${shown}${at}: syntax error: ${firstLine((err as Error).message)}`;
  }
  if (err instanceof Error) {
    const esbuild = /^Transform failed with \d+ errors?:\s*\n?(.*)$/m.exec(err.message);
    if (esbuild) return `${shown}: syntax error: ${firstLine(esbuild[1]!.replace(`${abs}:`, 'line '))}`;
    return `${shown}: threw while loading: ${err.name === 'Error' ? '' : `${err.name}: `}${firstLine(err.message)}`;
  }
  return `${shown}: threw while loading: ${firstLine(String(err))}`;
}

/**
 * Imports node modules and registers their nodes (and key declarations) into
 * `registry`, in order. A file already loaded into this registry is skipped. Throws
 * {@link NodeModuleError} (one line naming the file and node) on the first failure.
 *
 * @example
 * ```ts
 * const registry = createNodeRegistry();
 * await loadNodeModules(['./nodes/index.js'], registry);
 * const doc = await loadTreeFile('trees/cell.yaml', { registry });
 * ```
 */
export async function loadNodeModules(paths: readonly string[], registry: NodeRegistry, options: LoadNodeModulesOptions = {}): Promise<void> {
  const base = options.base ?? process.cwd();
  for (const shown of paths) {
    if (typeof shown !== 'string' || shown.length === 0) throw new NodeModuleError(`node module paths must be non-empty strings, got ${JSON.stringify(shown)}`, String(shown));
    const abs = resolve(base, shown);
    if (registry.hasModule(abs)) continue;
    if (!existsSync(abs) || !statSync(abs).isFile()) {
      throw new NodeModuleError(`${shown}: cannot find the node module (looked for ${abs})`, shown);
    }
    let mod: Record<string, unknown>;
    try {
      mod = await importFile(abs, shown);
    } catch (err) {
      if (err instanceof NodeModuleError) throw err;
      throw new NodeModuleError(importProblem(err, abs, shown), shown);
    }
    const plugin = pluginOf(mod, shown);
    try {
      registry.use(plugin, shown);
    } catch (err) {
      if (err instanceof NodeRegistryError) throw new NodeModuleError(err.message, shown, err.kind);
      throw err;
    }
    registry.markModule(abs);
  }
}

/**
 * `--nodes FILE` (repeatable) for every command that loads trees: a fresh node registry
 * with the built-in nodes plus the integrator's node modules. A module that cannot be
 * used gets one line on stderr naming the file (and node) and exit code 1; no stack trace.
 * Tree files can list modules themselves (`nodes:` header), which the loader adds.
 */
import { createNodeRegistry } from '../builtins.ts';
import { loadNodeModules, NodeModuleError } from '../tree/plugins.ts';
import type { NodeRegistry } from '../tree/registry.ts';

/**
 * The `--nodes` option definition (spread into a command's options).
 *
 * @example
 * ```ts
 * parseCommandArgs('validate', HELP, argv, { ...NODES_OPTION, quiet: { type: 'boolean' } }, { positionals: true });
 * ```
 */
export const NODES_OPTION = { nodes: { type: 'string', multiple: true } } as const;

/**
 * Help line of `--nodes`, aligned like the other option lines.
 *
 * @example
 * ```ts
 * const HELP = `usage: affect-bt validate [--nodes FILE]... FILE...\n\noptions:\n${NODES_HELP}`;
 * ```
 */
export const NODES_HELP = '  --nodes FILE       load node definitions from a JS/TS module (repeatable; see docs/trees.md)';

/**
 * A registry with the built-in nodes and the given modules (relative to `base`), or
 * exit code 1 after printing `affect-bt <command>: <file>: <problem>`.
 *
 * @example
 * ```ts
 * const registry = await commandRegistry('validate', parsed.values.nodes);
 * if (typeof registry === 'number') return registry;
 * ```
 */
export async function commandRegistry(
  command: string,
  paths: readonly string[] | undefined,
  options: { base?: string; stderr?: { write(text: string): unknown } } = {},
): Promise<NodeRegistry | number> {
  const registry = createNodeRegistry();
  try {
    await loadNodeModules(paths ?? [], registry, { base: options.base });
  } catch (err) {
    if (!(err instanceof NodeModuleError)) throw err;
    (options.stderr ?? process.stderr).write(`affect-bt ${command}: ${err.message}\n`);
    return 1;
  }
  return registry;
}

/**
 * `affect-bt validate [--nodes FILE]... FILE...`: loads every tree file (both passes)
 * and prints every problem as `file:line:col: message (hint: …)`. Node modules come
 * from `--nodes` and from each file's `nodes:` header. Exit 0 when all files are valid,
 * 1 when any has errors (or a node module cannot be used), 2 on usage errors.
 */
import { parseCommandArgs } from '../args.ts';
import { commandRegistry, NODES_HELP, NODES_OPTION } from '../nodes.ts';
import { formatDiagnostic, validateTreeFiles } from '../../tree/index.ts';

const HELP = `usage: affect-bt validate [--nodes FILE]... FILE...

Validates behaviour-tree YAML files (syntax, node types, ports, children, subtrees,
depth, task-first rule) and prints every error as file:line:col: message.

options:
${NODES_HELP}
  -q, --quiet        print nothing when all files are valid
Exit codes: 0 all valid, 1 errors found, 2 usage error.`;

/**
 * Runs the command.
 *
 * @example
 * ```ts
 * const code = await run(['trees/handover_affect.yaml']); // 0
 * ```
 */
export async function run(argv: string[]): Promise<number> {
  const parsed = parseCommandArgs('validate', HELP, argv, { ...NODES_OPTION, quiet: { type: 'boolean', short: 'q' } }, { positionals: true });
  if (typeof parsed === 'number') return parsed;
  if (parsed.positionals.length === 0) return parsed.usage('no files given');
  const registry = await commandRegistry('validate', parsed.values.nodes);
  if (typeof registry === 'number') return registry;
  const diags = await validateTreeFiles(parsed.positionals, { registry });
  for (const d of diags) process.stderr.write(formatDiagnostic(d) + '\n');
  if (diags.length > 0) {
    const files = new Set(diags.map((d) => d.file)).size;
    process.stderr.write(`${diags.length} error${diags.length === 1 ? '' : 's'} in ${files} file${files === 1 ? '' : 's'}\n`);
    return 1;
  }
  if (!parsed.values.quiet) process.stdout.write(`ok: ${parsed.positionals.length} file${parsed.positionals.length === 1 ? '' : 's'} valid\n`);
  return 0;
}

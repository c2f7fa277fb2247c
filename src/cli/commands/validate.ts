/**
 * `affect-bt validate FILE...`: loads every tree file (both passes) and prints every
 * problem as `file:line:col: message (hint: …)`. Exit 0 when all files are valid, 1 when
 * any has errors, 2 on usage errors.
 */
import { parseCommandArgs } from '../args.ts';
import { formatDiagnostic, validateTreeFiles } from '../../tree/index.ts';

const HELP = `usage: affect-bt validate FILE...

Validates behaviour-tree YAML files (syntax, node types, ports, children, subtrees,
depth, task-first rule) and prints every error as file:line:col: message.
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
  const parsed = parseCommandArgs('validate', HELP, argv, { quiet: { type: 'boolean', short: 'q' } }, { positionals: true });
  if (typeof parsed === 'number') return parsed;
  if (parsed.positionals.length === 0) return parsed.usage('no files given');
  const diags = await validateTreeFiles(parsed.positionals);
  for (const d of diags) process.stderr.write(formatDiagnostic(d) + '\n');
  if (diags.length > 0) {
    const files = new Set(diags.map((d) => d.file)).size;
    process.stderr.write(`${diags.length} error${diags.length === 1 ? '' : 's'} in ${files} file${files === 1 ? '' : 's'}\n`);
    return 1;
  }
  if (!parsed.values.quiet) process.stdout.write(`ok: ${parsed.positionals.length} file${parsed.positionals.length === 1 ? '' : 's'} valid\n`);
  return 0;
}

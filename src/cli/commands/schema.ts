/**
 * `affect-bt schema [--nodes FILE]... [--out FILE]`: writes the JSON Schema of tree
 * files, generated from the node registry — the built-in nodes plus the node modules
 * given — so YAML editors complete and check trees (node names, ports, types, ranges,
 * descriptions). Reference it from a tree file's first line:
 * `# yaml-language-server: $schema=./tree.schema.json`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseCommandArgs } from '../args.ts';
import { commandRegistry, NODES_HELP, NODES_OPTION } from '../nodes.ts';
import { treeSchema } from '../../tree/schema.ts';

const HELP = `usage: affect-bt schema [--nodes FILE]... [--out FILE]

Writes the JSON Schema (draft-07) of affect-bt tree files for the built-in nodes and
the node modules given, on stdout or to --out. Point your YAML editor at it with a first
line such as:  # yaml-language-server: $schema=./tree.schema.json

options:
${NODES_HELP}
  -o, --out FILE     write the schema to FILE instead of stdout
Exit codes: 0 ok, 1 a node module cannot be used, 2 usage error.`;

/**
 * Runs the command.
 *
 * @example
 * ```ts
 * await run(['--nodes', './nodes/index.js', '--out', 'tree.schema.json']);
 * ```
 */
export async function run(argv: string[]): Promise<number> {
  const parsed = parseCommandArgs('schema', HELP, argv, { ...NODES_OPTION, out: { type: 'string', short: 'o' } }, { outputs: { out: 'file' } });
  if (typeof parsed === 'number') return parsed;
  const registry = await commandRegistry('schema', parsed.values.nodes);
  if (typeof registry === 'number') return registry;
  const text = JSON.stringify(treeSchema(registry), null, 2) + '\n';
  const out = parsed.values.out;
  if (out === undefined) {
    process.stdout.write(text);
    return 0;
  }
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, text);
  process.stderr.write(`wrote ${out} (${registry.size} node kinds)\n`);
  return 0;
}

/**
 * `affect-bt init DIR [--force]`: creates a small cell project in DIR (see
 * `../scaffold.ts`): a tree, a cell config, one custom node in TypeScript with its
 * vitest test, and a package.json whose `npm test` passes after `npm install`.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { parseCommandArgs } from '../args.ts';
import { scaffoldFiles } from '../scaffold.ts';
import { packagePath } from '../../core/package-files.ts';

const HELP = `usage: affect-bt init DIR [--name NAME] [--force]

Creates a cell project in DIR: trees/cell.yaml, cell.yaml, nodes/IsPartAvailable.ts
(a custom node) with its test, package.json and tsconfig.json. Then:
  cd DIR && npm install && npm test

options:
  --name NAME        package name (default: the directory name)
  --force            write into a directory that is not empty (existing files are kept)
Exit codes: 0 ok, 1 cannot write, 2 usage error.`;

/**
 * Runs the command.
 *
 * @example
 * ```ts
 * await run(['my-cell']); // writes my-cell/…
 * ```
 */
export async function run(argv: string[]): Promise<number> {
  const parsed = parseCommandArgs('init', HELP, argv, { name: { type: 'string' }, force: { type: 'boolean' } }, { positionals: true });
  if (typeof parsed === 'number') return parsed;
  if (parsed.positionals.length !== 1) return parsed.usage('give exactly one DIR');
  const dir = resolve(parsed.positionals[0]!);
  const name = parsed.values.name ?? (basename(dir).toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^[._-]+/, '') || 'cell');
  if (!/^(?:@[a-z0-9-~][a-z0-9-._~]*\/)?[a-z0-9-~][a-z0-9-._~]*$/.test(name)) return parsed.usage(`--name '${name}' is not a valid npm package name`);
  if (existsSync(dir) && (!statSync(dir).isDirectory() || (readdirSync(dir).length > 0 && !parsed.values.force))) {
    return parsed.usage(`${parsed.positionals[0]} exists and is not an empty directory (use --force to add the files to it)`);
  }
  const own = JSON.parse(readFileSync(packagePath('package.json'), 'utf8')) as { version: string; devDependencies: Record<string, string> };
  const dev = own.devDependencies;
  const files = scaffoldFiles(name, { affectBt: own.version, typescript: dev['typescript']!, vitest: dev['vitest']!, tsx: dev['tsx']!, typesNode: dev['@types/node']! });
  const written: string[] = [];
  try {
    for (const [rel, text] of Object.entries(files)) {
      const path = join(dir, rel);
      if (existsSync(path)) continue;
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, text);
      written.push(rel);
    }
  } catch (err) {
    process.stderr.write(`affect-bt init: ${(err as Error).message}\n`);
    return 1;
  }
  const shown = parsed.positionals[0]!;
  process.stdout.write(`created ${shown}: ${written.join(', ')}\n\nnext:\n  cd ${shown}\n  npm install\n  npm test\n  npm run schema    # tree.schema.json for YAML editors\n`);
  return 0;
}

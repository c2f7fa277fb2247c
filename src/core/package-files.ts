/**
 * Where affect-bt's own files are: the shipped example trees, scenarios, models and
 * `package.json` resolve from the installed package (or the checkout), never from the
 * current directory, so `affect-bt tick` works in any folder. Found by walking up from
 * this module to the `package.json` named `affect-bt` — the same answer from the
 * TypeScript sources (`src/core/`) and from the build (`dist/src/core/`).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;
let manifest: { name: string; version: string } | undefined;

function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      const json = JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string; version?: string };
      if (json.name === 'affect-bt') {
        manifest = { name: json.name, version: String(json.version) };
        return dir;
      }
    }
    const up = dirname(dir);
    if (up === dir) throw new Error(`affect-bt: cannot find its package.json above ${fileURLToPath(import.meta.url)}`);
    dir = up;
  }
}

/**
 * Absolute path of a file shipped with affect-bt.
 *
 * @example
 * ```ts
 * packagePath('trees', 'handover_affect.yaml'); // '/…/node_modules/affect-bt/trees/handover_affect.yaml'
 * ```
 */
export function packagePath(...segments: string[]): string {
  root ??= findRoot();
  return join(root, ...segments);
}

/**
 * affect-bt's version (from its package.json).
 *
 * @example
 * ```ts
 * packageVersion(); // '0.1.0'
 * ```
 */
export function packageVersion(): string {
  root ??= findRoot();
  return manifest!.version;
}

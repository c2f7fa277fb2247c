/**
 * The monitor page's static files (index.html, app.js, app.css). The front end in
 * `web/` (Preact, d3-hierarchy, uPlot) is bundled by esbuild into those three files, with
 * everything inlined, so the page needs no network at run time.
 *
 * Where they come from:
 * - running from sources (this module is a `.ts` file: a checkout, the tests), the page
 *   is bundled in memory when the server starts — never a stale bundle;
 * - an installed package (compiled `.js`) serves the bundle `npm run build:monitor`
 *   wrote beside this module, in `page/` (the package build calls it).
 *
 * @example
 * ```ts
 * const assets = await loadPageAssets();
 * assets.get('/app.js')?.type; // 'text/javascript; charset=utf-8'
 * ```
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** One served file. */
export interface PageAsset {
  type: string;
  body: Buffer;
}

/** Served files by URL path (`/`, `/app.js`, `/app.css`). */
export type PageAssets = ReadonlyMap<string, PageAsset>;

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

const HERE = fileURLToPath(new URL('.', import.meta.url));
const WEB = join(HERE, 'web');
/** Folder of the prebuilt page beside the compiled module. */
const PREBUILT = join(HERE, 'page');

/**
 * Bundles the page with esbuild (a devDependency: available in a checkout, not needed
 * by an installed package). Returns file name → contents.
 *
 * @example
 * ```ts
 * const files = await bundlePage(); // Map { 'index.html' => …, 'app.js' => …, 'app.css' => … }
 * ```
 */
export async function bundlePage(): Promise<Map<string, Buffer>> {
  let esbuild: typeof import('esbuild');
  try {
    esbuild = await import('esbuild');
  } catch (e) {
    throw new Error(`cannot bundle the monitor page: esbuild is not installed (${(e as Error).message}); run 'npm ci' in the checkout, or use a built package`);
  }
  const r = await esbuild.build({
    entryPoints: { app: join(WEB, 'main.tsx') },
    bundle: true,
    write: false,
    outdir: '/out',
    format: 'iife',
    target: 'es2020',
    platform: 'browser',
    minify: true,
    legalComments: 'none',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    logLevel: 'silent',
  });
  const files = new Map<string, Buffer>();
  for (const f of r.outputFiles) files.set(basename(f.path), Buffer.from(f.contents));
  files.set('index.html', readFileSync(join(WEB, 'index.html')));
  for (const need of ['app.js', 'app.css']) if (!files.has(need)) throw new Error(`bundlePage: esbuild produced no ${need} (got ${[...files.keys()].join(', ')})`);
  return files;
}

/**
 * Writes the bundled page into `outdir` (for the package build).
 *
 * @example
 * ```ts
 * await writePage('dist/src/monitor/page');
 * ```
 */
export async function writePage(outdir: string): Promise<string[]> {
  const files = await bundlePage();
  await mkdir(outdir, { recursive: true });
  for (const [name, body] of files) await writeFile(join(outdir, name), body);
  return [...files.keys()].map((n) => join(outdir, n));
}

function toAssets(files: Map<string, Buffer>): PageAssets {
  const out = new Map<string, PageAsset>();
  for (const [name, body] of files) {
    const asset = { type: TYPES[name.slice(name.lastIndexOf('.'))] ?? 'application/octet-stream', body };
    out.set(`/${name}`, asset);
    if (name === 'index.html') out.set('/', asset);
  }
  return out;
}

/**
 * The page's files: prebuilt ones from `dir` when given, else bundled now from sources
 * (a checkout) or the prebuilt `page/` beside the compiled module (a package).
 *
 * @example
 * ```ts
 * const assets = await loadPageAssets();
 * ```
 */
export async function loadPageAssets(options: { dir?: string } = {}): Promise<PageAssets> {
  const fromSources = import.meta.url.endsWith('.ts');
  const dir = options.dir ?? (fromSources ? undefined : PREBUILT);
  if (dir === undefined) return toAssets(await bundlePage());
  const files = new Map<string, Buffer>();
  for (const name of ['index.html', 'app.js', 'app.css']) {
    const p = join(dir, name);
    if (!existsSync(p)) throw new Error(`the monitor page is not built: ${p} is missing (run 'npm run build:monitor' when building the package)`);
    files.set(name, readFileSync(p));
  }
  return toAssets(files);
}

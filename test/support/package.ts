/**
 * The package as a user gets it: `npm pack` (whose prepare step builds dist/ fresh) and
 * an install of the tarball into a new project, from the local npm cache first
 * (`--prefer-offline`; only the npm registry is reachable). Shared by the package test
 * and `npm run bench -- package`. Child npm processes get an environment without the
 * `npm_*` variables of an enclosing `npm test`, which would point them at this repo.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, runProcess, type Finished } from './processes.ts';

/**
 * The environment for child npm/node processes: this one without `npm_*` variables.
 *
 * @example
 * ```ts
 * spawn('npm', ['install'], { cwd: project, env: cleanEnv({ ONNXRUNTIME_NODE_INSTALL: 'skip' }) });
 * ```
 */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.toLowerCase().startsWith('npm_')) env[k] = v;
  return { ...env, ...extra };
}

/**
 * Runs a command to completion in `cwd` with {@link cleanEnv} plus `env`.
 *
 * @example
 * ```ts
 * const r = await run('npm', ['--version'], '/tmp');
 * ```
 */
export function run(command: string, args: readonly string[], cwd: string, env: Record<string, string> = {}): Promise<Finished> {
  return runProcess(command, args, { cwd, env: cleanEnv(env) });
}

/** What `npm pack` produced. */
export interface Packed {
  tarball: string;
  /** Bytes of the .tgz. */
  size: number;
  unpackedSize: number;
  files: string[];
}

/**
 * Packs the repository into `dest` (the prepare script rebuilds dist/ first).
 *
 * @example
 * ```ts
 * const packed = await packRepo(tmp); packed.tarball; // '/tmp/…/affect-bt-0.1.0.tgz'
 * ```
 */
export async function packRepo(dest: string): Promise<Packed> {
  const r = await run('npm', ['pack', '--json', '--pack-destination', dest], REPO_ROOT);
  if (r.code !== 0) throw new Error(`npm pack failed (${r.code}):\n${r.err.slice(-3000)}`);
  const info = (JSON.parse(r.out.slice(r.out.indexOf('['))) as { filename: string; size: number; unpackedSize: number; files: { path: string }[] }[])[0]!;
  return { tarball: join(dest, info.filename), size: info.size, unpackedSize: info.unpackedSize, files: info.files.map((f) => f.path) };
}

/**
 * `npm install` in `cwd` from the local cache first; throws with npm's output on failure.
 *
 * @example
 * ```ts
 * await npmInstall(project, [packed.tarball]);
 * ```
 */
export async function npmInstall(cwd: string, specs: readonly string[], env: Record<string, string> = {}): Promise<Finished> {
  const r = await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', ...specs], cwd, env);
  if (r.code !== 0) throw new Error(`npm install ${specs.join(' ')} failed in ${cwd} (${r.code}):\n${(r.out + r.err).slice(-4000)}`);
  return r;
}

/**
 * A new ESM project in `dir` with the tarball installed (dependencies only: no peers).
 *
 * @example
 * ```ts
 * await consumerProject(dir, packed);
 * ```
 */
export async function consumerProject(dir: string, packed: Packed, extra: readonly string[] = []): Promise<Finished> {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true, type: 'module' }, null, 2) + '\n');
  return npmInstall(dir, [packed.tarball, ...extra]);
}

/**
 * The optional peers (estimator) as install specs, from affect-bt's package.json.
 *
 * @example
 * ```ts
 * peerSpecs(); // ['onnxruntime-node@1.30.0', 'sharp@0.35.5']
 * ```
 */
export function peerSpecs(): string[] {
  const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { peerDependencies: Record<string, string> };
  return Object.entries(pkg.peerDependencies).map(([n, v]) => `${n}@${v}`);
}

/**
 * An install spec of one of affect-bt's dev dependencies at the version it pins (cached).
 *
 * @example
 * ```ts
 * devSpec('@types/node'); // '@types/node@20.19.43'
 * ```
 */
export function devSpec(name: string): string {
  const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };
  return `${name}@${pkg.devDependencies[name]}`;
}

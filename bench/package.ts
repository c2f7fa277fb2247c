/**
 * Package benchmark: what a user of the published package pays. Packs the repository
 * (building dist/ fresh), installs the tarball into a temporary project (planner-only:
 * no estimator peers) and measures, with plain Node, the import time and RSS growth of
 * the `affect-bt` root, the wall time of `affect-bt --version` and `--help` (median of
 * N runs), and the tarball size; for comparison, the root imported from the sources
 * through tsx (how the checkout and the tests run).
 *
 * Usage: npm run bench -- package [--runs N]
 */
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { consumerProject, packRepo, run } from '../test/support/package.ts';
import { REPO_ROOT } from '../test/support/processes.ts';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

async function importStats(args: string[], cwd: string, runs: number): Promise<{ ms: number; rssMiB: number }> {
  const ms: number[] = [];
  const rss: number[] = [];
  for (let i = 0; i < runs; i++) {
    const r = await run(process.execPath, args, cwd);
    if (r.code !== 0) throw new Error(`import failed: ${r.err}`);
    const j = JSON.parse(r.out.trim().split('\n').at(-1)!) as { ms: number; rssMiB: number };
    ms.push(j.ms);
    rss.push(j.rssMiB);
  }
  return { ms: median(ms), rssMiB: median(rss) };
}

async function wallMs(command: string, args: string[], cwd: string, runs: number): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const r = await run(command, args, cwd);
    if (r.code !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${r.err}`);
    times.push(r.ms);
  }
  return median(times);
}

/**
 * Runs the benchmark.
 *
 * @example
 * ```ts
 * await main(['--runs', '10']);
 * ```
 */
export async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { runs: { type: 'string', default: '10' } } });
  const runs = Math.max(1, Number(values.runs));
  const work = mkdtempSync(join(tmpdir(), 'affect-bt-bench-package-'));
  const t0 = Date.now();
  const packed = await packRepo(work);
  const consumer = join(work, 'consumer');
  await consumerProject(consumer, packed);
  process.stdout.write(`packed and installed in ${((Date.now() - t0) / 1000).toFixed(1)} s (${work})\n`);
  copyFileSync(join(REPO_ROOT, 'test/support/import-report.mjs'), join(consumer, 'import-report.mjs'));
  const installed = await importStats(['import-report.mjs', 'affect-bt'], consumer, runs);
  const tsx = resolve(REPO_ROOT, 'node_modules/tsx/dist/loader.mjs');
  const sources = await importStats(['--import', `file://${tsx}`, join(REPO_ROOT, 'test/support/import-report.mjs'), `file://${join(REPO_ROOT, 'src/index.ts')}`], REPO_ROOT, runs);
  const bin = join(consumer, 'node_modules/.bin/affect-bt');
  const version = await wallMs(bin, ['--version'], consumer, runs);
  const help = await wallMs(bin, ['--help'], consumer, runs);
  const r1 = (x: number) => Math.round(x * 10) / 10;
  process.stdout.write(
    [
      `root import, installed package, plain node: ${installed.ms} ms, +${r1(installed.rssMiB)} MiB RSS (median of ${runs})`,
      `root import, sources through tsx:          ${sources.ms} ms, +${r1(sources.rssMiB)} MiB RSS`,
      `affect-bt --version: ${version} ms wall; --help: ${help} ms (median of ${runs})`,
      `tarball: ${r1(packed.size / 1024)} KiB (${packed.files.length} files, ${r1(packed.unpackedSize / 1048576)} MiB unpacked)`,
    ].join('\n') + '\n',
  );
  process.stdout.write(
    JSON.stringify({
      bench: 'package',
      root_import_ms: installed.ms,
      root_rss_mib: r1(installed.rssMiB),
      sources_import_ms: sources.ms,
      sources_rss_mib: r1(sources.rssMiB),
      version_ms: version,
      help_ms: help,
      tarball_kib: r1(packed.size / 1024),
      unpacked_mib: r1(packed.unpackedSize / 1048576),
      files: packed.files.length,
      runs,
    }) + '\n',
  );
}

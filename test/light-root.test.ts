// The root entry is light: importing it (here from the sources, in a child process)
// loads none of onnxruntime-node, sharp, mqtt, aedes or @google/genai. The package
// test repeats this on the installed, built package with plain Node.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './support/processes.ts';

/** Packages the root entry must never load. */
const HEAVY = ['onnxruntime-node', 'sharp', 'mqtt', 'aedes', '@google/genai'];

describe('light root entry', () => {
  it('src/index.ts loads none of the heavy packages', () => {
    const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
    const r = spawnSync(
      process.execPath,
      ['--import', tsx, '--import', pathToFileURL(resolve(REPO_ROOT, 'test/support/record-imports.mjs')).href, resolve(REPO_ROOT, 'test/support/import-report.mjs'), pathToFileURL(resolve(REPO_ROOT, 'src/index.ts')).href],
      { encoding: 'utf8', timeout: 60_000 },
    );
    expect(r.status, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { packages: string[]; exports: number };
    expect(report.exports).toBeGreaterThan(50);
    expect(report.packages).toContain('behaviortree'); // the recorder sees package loads
    expect(report.packages).toContain('yaml');
    for (const heavy of HEAVY) expect(report.packages).not.toContain(heavy);
  });
});

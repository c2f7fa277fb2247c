// What a new user of the CLI runs into, outside the checkout's habits: --version,
// default paths that resolve from the package (not the current directory), one error
// for a binary file given as a tree, a static render without runtime feedback, flag
// errors of `run` that name the flag (exit 2), `estimate` printing its usage once, and
// hints that name commands that exist.
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, runCli } from './support/processes.ts';
import { COMMANDS } from '../src/cli/main.ts';
import { loadCalibration } from '../src/estimator/calibration.ts';

const cli = runCli;

describe('CLI polish', () => {
  it('--version prints the package version; help lists it', async () => {
    const [v, h] = await Promise.all([cli(['--version']), cli(['--help'])]);
    expect(v).toMatchObject({ code: 0, out: `${JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')).version}\n`, err: '' });
    expect(h.out).toContain('affect-bt --version');
  });

  it('default trees and scenarios resolve from the package, from any directory', async () => {
    const elsewhere = mkdtempSync(join(tmpdir(), 'affect-bt-cwd-'));
    const [tick, sim] = await Promise.all([cli(['tick', '--ticks', '5'], elsewhere), cli(['sim', '--episodes', '2', '--quiet'], elsewhere)]);
    expect(tick.code).toBe(0);
    expect(tick.out).toContain('ReactiveSequence "root"');
    expect(sim.code).toBe(0);
    expect(sim.out).toContain('handover_affect');
  });

  it('a binary file given as a tree is one error, not twenty', async () => {
    const r = await cli(['validate', 'models/face_expression.onnx']);
    expect(r.code).toBe(1);
    expect(r.err.trimEnd().split('\n')).toEqual([
      expect.stringMatching(/^models\/face_expression\.onnx:1:1: not a text file \(binary data at character \d+\) \(hint: a tree file is UTF-8 YAML text; check the path\)$/),
      '1 error in 1 file',
    ]);
  });

  it('a static render shows the structure only: no statuses, no runtime feedback', async () => {
    const [text, mermaid] = await Promise.all([cli(['render', 'trees/handover_affect.yaml']), cli(['render', 'trees/handover_affect.yaml', '-f', 'mermaid'])]);
    expect(text.code).toBe(0);
    expect(text.out.split('\n')[0]).toBe('ReactiveSequence "root"');
    expect(text.out).not.toMatch(/IDLE|not ticked|\[/);
    expect(mermaid.out).not.toContain(':::');
  });

  it('run: a bad flag value is a usage error that names the flag (exit 2)', async () => {
    const cases = [
      [['--robot', 'acme'], "affect-bt run: --robot must be MANUFACTURER/SERIAL (letters, digits, _ . -), got 'acme'"],
      [['--tick-hz', '0'], 'affect-bt run: --tick-hz must be > 0, got 0'],
      [['--log-level', 'loud'], "affect-bt run: --log-level must be one of fatal, error, warn, info, debug, trace, silent, got 'loud'"],
      [['--mqtt', '127.0.0.1:1883'], 'did you mean mqtt://127.0.0.1:1883?'],
      [['--human', 'h 1'], "affect-bt run: humanId must match pattern"],
    ] as const;
    const results = await Promise.all(cases.map(([args]) => cli(['run', '--config', 'cells/example.yaml', '--check', ...args])));
    results.forEach((r, i) => {
      expect(r.code, cases[i]![1]).toBe(2);
      expect(r.err.split('\n')[0]).toContain(cases[i]![1]);
      expect(r.err).not.toMatch(/^--\w[\w-]*:1:1:/m);
    });
  });

  it('estimate prints its usage once', async () => {
    const results = await Promise.all([cli(['estimate']), cli(['estimate', '--fps', '0', 'x.jpg']), cli(['estimate', '--bogus']), cli(['estimate', '--help'])]);
    for (const r of results) expect((r.out + r.err).match(/^usage: affect-bt estimate/gm)).toHaveLength(1);
  });

  it('tests start the CLI from the sources (test/support/processes.ts), never through bin/affect-bt.js, which runs dist/', () => {
    const files = (dir: string): string[] =>
      readdirSync(join(REPO_ROOT, dir), { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : /\.(ts|mjs)$/.test(e.name) ? [join(dir, e.name)] : []));
    const offenders = [...files('test'), ...files('bench')].filter((f) => ![join('test', 'support', 'processes.ts'), join('test', 'cli-polish.test.ts'), join('test', 'package.test.ts')].includes(f) && readFileSync(join(REPO_ROOT, f), 'utf8').includes('bin/affect-bt.js'));
    expect(offenders).toEqual([]);
  });

  it('hints name commands that exist', () => {
    expect(() => loadCalibration(join(tmpdir(), 'no-such-calibration.json'))).toThrow(/Re-create it with 'affect-bt eval-faces DIR --fit-calibration /);
    expect(Object.keys(COMMANDS)).toContain('eval-faces');
  });
});

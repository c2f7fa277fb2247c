// `affect-bt sim` end to end (in-process): exit codes, table, byte-identical JSON for
// the same seed, different JSON for another seed, SVG plots.
import { describe, it, expect, afterAll } from 'vitest';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../src/cli/commands/sim.ts';

const dir = mkdtempSync(join(tmpdir(), 'affect-bt-sim-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function capture(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const o = process.stdout.write.bind(process.stdout);
  const e = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((s: string) => (out.push(String(s)), true)) as typeof process.stdout.write;
  process.stderr.write = ((s: string) => (err.push(String(s)), true)) as typeof process.stderr.write;
  try {
    const code = await run(argv);
    return { code, out: out.join(''), err: err.join('') };
  } finally {
    process.stdout.write = o;
    process.stderr.write = e;
  }
}

describe('affect-bt sim', () => {
  it('prints help and rejects bad usage with exit code 2', async () => {
    expect((await capture(['--help'])).code).toBe(0);
    const bad = await capture(['--episodes', 'lots']);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--episodes must be an integer, got 'lots'/);
    for (const [args, message] of [
      [['--episodes', '-3'], '--episodes must be ≥ 1, got -3'],
      [['--seed', 'abc'], "--seed must be an integer, got 'abc'"],
      [['--mqtt', '127.0.0.1:1883'], 'did you mean mqtt://127.0.0.1:1883?'],
      [['--json', 'trees'], '--json: cannot write trees: it is a directory'],
      [['--plots', 'package.json'], '--plots: cannot write package.json: it is a file, not a directory'],
    ] as const) {
      const r = await capture([...args]);
      expect(r.code).toBe(2);
      expect(r.err).toContain(message);
    }
    const noScenario = await capture(['--scenario', 'nope', '--episodes', '1']);
    expect(noScenario.code).toBe(2);
    expect(noScenario.err).toMatch(/no such scenario/);
    const badTree = await capture(['--tree', 'trees/missing.yaml', '--episodes', '1', '--quiet']);
    expect(badTree.code).toBe(2);
    expect(badTree.err).toMatch(/cannot load tree trees\/missing\.yaml/);
  });

  it('same seed → byte-identical --json; another seed differs; table and plots are written', async () => {
    const args = ['--tree', 'trees/handover_baseline.yaml', '--tree', 'trees/handover_affect.yaml', '--scenario', 'high_drop_robot', '--episodes', '6', '--quiet'];
    const a = await capture([...args, '--seed', '3', '--json', join(dir, 'a.json'), '--plots', join(dir, 'plots')]);
    const b = await capture([...args, '--seed', '3', '--json', join(dir, 'b.json')]);
    const c = await capture([...args, '--seed', '4', '--json', join(dir, 'c.json')]);
    expect([a.code, b.code, c.code]).toEqual([0, 0, 0]);
    expect(a.out).toMatch(/scenario high_drop_robot/);
    expect(a.out).toMatch(/task-first check handover_affect vs handover_baseline: (PASS|FAIL)/);
    expect(a.err).toBe('');
    const ja = readFileSync(join(dir, 'a.json'), 'utf8');
    expect(readFileSync(join(dir, 'b.json'), 'utf8')).toBe(ja);
    expect(readFileSync(join(dir, 'c.json'), 'utf8')).not.toBe(ja);
    const doc = JSON.parse(ja);
    expect(doc.scenarios[0].trees.map((t: { tree: string }) => t.tree)).toEqual(['handover_baseline', 'handover_affect']);
    expect(doc.scenarios[0].trees[0].metrics.successRate).toHaveProperty('lo');
    const svgs = readdirSync(join(dir, 'plots')).sort();
    expect(svgs).toEqual(['high_drop_robot-comparison.svg', 'high_drop_robot-handover_affect-timeline.svg', 'high_drop_robot-handover_baseline-timeline.svg']);
    expect(readFileSync(join(dir, 'plots', svgs[1]!), 'utf8')).toMatch(/^<svg [^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  });
});

describe('affect-bt sim --scenario FILE', () => {
  it('runs a scenario file and reports scenario errors as file:line:col with exit code 2', async () => {
    const { writeFileSync } = await import('node:fs');
    const good = join(dir, 'two.yaml');
    writeFileSync(good, 'name: two_tasks\nhandovers: 2\n');
    const ok = await capture(['--scenario', good, '--episodes', '2', '--quiet']);
    expect(ok.code).toBe(0);
    expect(ok.out).toMatch(/scenario two_tasks — 2 episodes, seed 1/);
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'name: bad\nrobot:\n  dropBase: 7\n');
    const r = await capture(['--scenario', bad, '--episodes', '2', '--quiet']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/bad\.yaml:3:\d+: robot\.dropBase: Expected number to be less or equal to 1 \(got 7\)/);
  });
});

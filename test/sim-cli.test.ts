// `affect-bt sim` end to end (in-process): exit codes, table, byte-identical JSON for
// the same seed, different JSON for another seed, SVG plots.
import { describe, it, expect, afterAll } from 'vitest';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../src/cli/commands/sim.ts';
import { captureRun } from './support/capture.ts';

const dir = mkdtempSync(join(tmpdir(), 'affect-bt-sim-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const capture = (argv: string[]) => captureRun(run, argv);

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
    expect(a.out).toMatch(/task first — handover_affect vs handover_baseline, task success \(margin −0\.010\): (NON-INFERIOR|INFERIOR|INCONCLUSIVE)/);
    expect(a.err).toBe('');
    const ja = readFileSync(join(dir, 'a.json'), 'utf8');
    expect(readFileSync(join(dir, 'b.json'), 'utf8')).toBe(ja);
    expect(readFileSync(join(dir, 'c.json'), 'utf8')).not.toBe(ja);
    const doc = JSON.parse(ja);
    expect(doc.scenarios[0].trees.map((t: { tree: string }) => t.tree)).toEqual(['handover_baseline', 'handover_affect']);
    expect(doc.scenarios[0].trees[0].metrics.successRate).toHaveProperty('lo');
    const svgs = readdirSync(join(dir, 'plots')).sort();
    expect(svgs).toEqual([
      'high_drop_robot-claims.svg',
      'high_drop_robot-comparison.svg',
      'high_drop_robot-detection.svg',
      'high_drop_robot-handover_affect-timeline.svg',
      'high_drop_robot-handover_baseline-timeline.svg',
      'high_drop_robot-trust-after-failure.svg',
    ]);
    for (const f of svgs) expect(readFileSync(join(dir, 'plots', f), 'utf8')).toMatch(/^<svg [^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  });
});

describe('affect-bt sim --controls', () => {
  it('shows the controls and a verdict line per claim on every shipped scenario', async () => {
    const { listScenarios } = await import('../sim/scenario.ts');
    const r = await capture(['--scenario', 'all', '--controls', '--episodes', '3', '--quiet']);
    expect(r.code).toBe(0);
    const blocks = r.out.split(/^scenario /m).slice(1);
    expect(blocks.map((b) => b.split(/[:\s]/)[0])).toEqual(listScenarios());
    for (const b of blocks) {
      expect(b).toMatch(/^controls: blind, scripted, always_slow, no_apology \(of handover_affect\)$/m);
      expect(b).toMatch(/^  blind: the same tree with its affect input cut/m);
      expect(b).toMatch(/^metric +handover_baseline +handover_affect +blind +scripted +always_slow +no_apology$/m);
      for (const claim of ['task first', 'sensing adds value', 'adaptive pacing beats always-slow', 'its apology adds value', 'it beats a scripted apology without sensing']) {
        expect(b).toMatch(new RegExp(`^  ${claim} — handover_affect vs \\S+, .*: [A-Z:\\- ]+  Δ .*\\(9\\d(\\.\\d+)?% CI\\); `, 'm'));
      }
    }
  }, 60_000);

  it('--record writes an MCAP file for the controls too (each as it runs: blind, constant facts)', async () => {
    const rec = join(dir, 'rec');
    const r = await capture(['--scenario', 'calm_expert', '--controls', '--episodes', '1', '--quiet', '--record', rec]);
    expect(r.code).toBe(0);
    expect(readdirSync(rec).sort()).toEqual(
      ['always_slow', 'blind', 'handover_affect', 'handover_baseline', 'no_apology', 'scripted'].map((t) => `calm_expert-${t}-e0.mcap`),
    );
    expect(r.out).toMatch(/recorded .*calm_expert-blind-e0\.mcap \(\d+ messages/);
    expect((await capture(['--record', rec, '--record-episodes', '7', '--episodes', '2'])).err).toMatch(/--record-episodes '7' is not within the 2 episodes run/);
  }, 60_000);

  it('--seeds A..B reports each claim across seeds', async () => {
    const r = await capture(['--scenario', 'calm_expert', '--controls', '--episodes', '3', '--seeds', '1..2', '--quiet']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^seed robustness \(seeds 1, 2\): primary Δ per seed and verdicts$/m);
    expect(r.out).toMatch(/^  calm_expert · sensing adds value \(handover_affect vs blind\): Δ /m);
    expect((await capture(['--seeds', '5..1'])).err).toMatch(/--seeds A\.\.B needs A ≤ B/);
    expect((await capture(['--seeds', '1..2', '--seed', '3'])).err).toMatch(/give --seed or --seeds, not both/);
  });
});

describe('affect-bt sim: semantic scenario checks', () => {
  it('warns with file:line:col and runs on; stops (exit 2) on errors', async () => {
    const { writeFileSync } = await import('node:fs');
    const warn = join(dir, 'warn.yaml');
    writeFileSync(warn, 'name: warn\nhumanId: h2\nhandovers: 2\nestimator:\n  heartbeatMs: 2000\n  maxAgeMs: 1500\nhuman:\n  patience: { mean: 0.95, sd: 0.9 }\n');
    const w = await capture(['--scenario', warn, '--episodes', '1', '--quiet']);
    expect(w.code).toBe(0);
    expect(w.err).toMatch(/warning: .*warn\.yaml:2:10: estimates are published for person 'h2' but no tree reads affect\/h2 \(the trees read affect\/h1\)/);
    expect(w.err).toMatch(/warning: .*warn\.yaml:5:16: heartbeatMs 2000 ≥ maxAgeMs 1500: a steady estimate goes stale between heartbeats/);
    expect(w.err).toMatch(/warning: .*warn\.yaml:8:\d+: human\.patience: sd 0\.9 around mean 0\.95 leaves the mean meaningless/);
    const bad = join(dir, 'bad-facts.yaml');
    writeFileSync(bad, "name: badfacts\ntask:\n  target: '{person/hand}'\nhuman:\n  shortExpressions: { minS: 0.6, maxS: 0.3 }\nfacts:\n  frustrated: 'yes'\n  cell/side: { values: [a, b], weights: [1] }\n");
    const e = await capture(['--scenario', bad, '--episodes', '1', '--quiet']);
    expect(e.code).toBe(2);
    expect(e.err).toMatch(/error: .*bad-facts\.yaml:3:11: task\.target refers to fact 'person\/hand', which the scenario does not define/);
    expect(e.err).toMatch(/error: .*bad-facts\.yaml:5:\d+: shortExpressions\.minS 0\.6 is above maxS 0\.3/);
    expect(e.err).toMatch(/error: .*bad-facts\.yaml:7:15: fact frustrated = "yes" is a string, but the trees declare frustrated as boolean/);
    expect(e.err).toMatch(/error: .*bad-facts\.yaml:8:\d+: fact cell\/side: 1 weights for 2 values/);
    expect(e.out).toBe('');
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

// The tree CLI commands through the real `affect-bt` binary: validate exit codes and
// file:line:col output, render formats, and the tick demo.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliArgv } from './support/processes.ts';

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, cliArgv(args), { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('affect-bt validate / render / tick', () => {
  it('validate exits 0 on the example trees', () => {
    const r = cli('validate', 'trees/handover_baseline.yaml', 'trees/handover_affect.yaml');
    expect(r.code).toBe(0);
    expect(r.out).toBe('ok: 2 files valid\n');
  });

  it('validate exits 1 and prints every mistake as file:line:col on a bad file; 2 on usage errors', () => {
    const dir = mkdtempSync(join(tmpdir(), 'affect-bt-cli-'));
    const bad = join(dir, 'bad.yaml');
    writeFileSync(
      bad,
      'trees:\n  M:\n    Sequence:\n      children:\n        - Handovr: { objectId: a, target: b }\n        - SlowHandover: { speedScale: 2 }\n        - Handover: { objectId: a }\n',
    );
    const r = cli('validate', bad);
    expect(r.code).toBe(1);
    const lines = r.err.trim().split('\n');
    expect(lines.slice(0, -1)).toEqual([
      `${bad}:5:11: unknown node type 'Handovr' (hint: did you mean 'Handover'?)`,
      `${bad}:6:11: affect node SlowHandover must be inside an AffectBranch (task-first rule) (hint: wrap the affect nodes in \`AffectBranch: { child: … }\` so they can never fail the task)`,
      `${bad}:6:39: port 'speedScale' is 2, outside [0.05, 1] on SlowHandover (hint: speed scale while frustrated)`,
      `${bad}:7:11: missing required port 'target' on Handover (hint: where to hand it (e.g. right_hand; never changed by affect); add \`target: …\`)`,
    ]);
    expect(lines.at(-1)).toBe('4 errors in 1 file');
    expect(cli('validate').code).toBe(2);
    expect(cli('validate', '--bogus').code).toBe(2);
  });

  it('render prints Mermaid and DOT; tick runs the demo', () => {
    const m = cli('render', 'trees/handover_affect.yaml', '--format', 'mermaid');
    expect(m.code).toBe(0);
    expect(m.out).toContain('flowchart TD');
    expect(m.out).toContain('Handover<br/>give_part');
    expect(cli('render', 'trees/handover_affect.yaml', '--format', 'svg').code).toBe(2);
    const t = cli('tick', '--ticks', '60');
    expect(t.code).toBe(0);
    expect(t.out).toContain('robot says (empathic)');
    expect(t.out).toMatch(/t= 4800ms SUCCESS/);
  });

  it('tick --trace shows a node that throws: its path, kind and message, and that the tree was halted', () => {
    const dir = mkdtempSync(join(tmpdir(), 'affect-bt-cli-'));
    const file = join(dir, 'throws.yaml');
    writeFileSync(file, "trees:\n  M:\n    Sequence:\n      name: root\n      children:\n        - Script: { name: setup, code: 'd := 0' }\n        - Script: { name: divide, code: 'x := 1 / d' }\n");
    const t = cli('tick', '--tree', file, '--ticks', '1', '--trace');
    expect(t.code).toBe(0);
    expect(t.out).toContain('    FAILURE ');
    expect(t.out).toMatch(/FAILURE +[\d.]+µs root\/divide\n/);
    expect(t.out).toContain('    ERROR   root/divide (Script) threw: script `x := 1 / d`: division by zero; the tree was halted\n');
    expect(t.out).toContain('"errors":1');
  });
});

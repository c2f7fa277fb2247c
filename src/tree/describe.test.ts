// describeTree: the `tree` topic's description of a built tree — paths equal to the
// trace's, affect-only marking, subtree boundaries, a stable version id, schema-valid.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { HeaderFactory, validateMessage } from '../contract/index.ts';
import { describeTree } from './describe.ts';
import { loadTreeText } from './loader.ts';
import { treeHarness } from './testing.ts';

const affectYaml = readFileSync(new URL('../../trees/handover_affect.yaml', import.meta.url), 'utf8');
const baselineYaml = readFileSync(new URL('../../trees/handover_baseline.yaml', import.meta.url), 'utf8');

describe('describeTree', () => {
  const h = treeHarness(affectYaml, { trace: true });
  const d = describeTree(loadTreeText(affectYaml, 'inline.yaml'), h.runner);

  it('lists every node in pre-order with its parent, the root first', () => {
    expect(d.treeName).toBe('HandoverWithAffect');
    expect(d.nodes[0]).toMatchObject({ path: 'root', parent: null, kind: 'ReactiveSequence', category: 'composite', role: 'control', affect: false });
    const paths = new Set(d.nodes.map((n) => n.path));
    expect(paths.size).toBe(d.nodes.length);
    for (const n of d.nodes.slice(1)) expect(paths.has(n.parent!)).toBe(true);
    // pre-order: a parent always comes before its children
    const index = new Map(d.nodes.map((n, i) => [n.path, i]));
    for (const n of d.nodes.slice(1)) expect(index.get(n.parent!)!).toBeLessThan(index.get(n.path)!);
  });

  it('uses the paths the trace uses', () => {
    h.ready(true);
    h.affect(0.1);
    h.step(50);
    const traced = h.runner.lastTrace.map((r) => r.path);
    expect(traced.length).toBeGreaterThan(5);
    const described = new Set(d.nodes.map((n) => n.path));
    for (const p of traced) expect(described.has(p)).toBe(true);
  });

  it('marks the AffectBranch and everything below it as affect-only, and nothing else', () => {
    const branch = d.nodes.find((n) => n.kind === 'AffectBranch')!;
    expect(branch.affect).toBe(true);
    for (const n of d.nodes) expect(n.affect).toBe(n.path === branch.path || n.path.startsWith(branch.path + '/'));
    expect(d.nodes.find((n) => n.kind === 'Apologise')).toMatchObject({ role: 'affect', category: 'action', affect: true });
    expect(d.nodes.find((n) => n.kind === 'Handover')).toMatchObject({ role: 'task', affect: false });
  });

  it('names the tree a Subtree node expands', () => {
    const subs = d.nodes.filter((n) => n.kind === 'Subtree').map((n) => [n.name, n.subtree]);
    expect(subs).toEqual([
      ['modulate', 'AffectModulation'],
      ['task', 'HandoverTask'],
    ]);
  });

  it('has a version id that is stable for the same tree and changes with the tree', () => {
    const again = describeTree(loadTreeText(affectYaml, 'other.yaml'), treeHarness(affectYaml).runner);
    expect(again.treeId).toBe(d.treeId);
    const base = describeTree(loadTreeText(baselineYaml, 'b.yaml'), treeHarness(baselineYaml).runner);
    expect(base.treeId).not.toBe(d.treeId);
  });

  it('is a valid `tree` message once a header is added', () => {
    const msg = { ...new HeaderFactory({ manufacturer: 'acme', serialNumber: 'c1' }).next('tree', Date.now()), ...d };
    expect(validateMessage('tree', msg)).toEqual({ ok: true, value: msg });
  });

  it('refuses a runner built from another document', () => {
    expect(() => describeTree(loadTreeText(baselineYaml, 'b.yaml'), { root: h.runner.root, treeName: 'HandoverWithAffect' })).toThrow(/describeTree: tree 'HandoverWithAffect' is not in b.yaml/);
  });
});

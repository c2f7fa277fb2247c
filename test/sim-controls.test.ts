// Controls derived from an affect tree, and the claims that need them: the controls are
// what they say; a tree blind to affect gets "no added value" for sensing against its
// own blind control; a dead, stale or misdirected estimator shows no benefit from sensing.
import { describe, it, expect, beforeAll } from 'vitest';
import { loadSimTrees, controlOf, type SimTree } from '../sim/trees.ts';
import { applicableControls, reachableNodes } from '../sim/controls.ts';
import { runComparison, type ComparedTree } from '../sim/compare.ts';
import { runEpisode } from '../sim/episode.ts';
import { loadScenario } from '../sim/scenario.ts';
import { episodeSeed } from '../sim/rng.ts';

const kinds = (t: SimTree) => reachableNodes(t.doc).map((n) => n.kind);

describe('derived controls', () => {
  let trees: SimTree[];
  beforeAll(async () => {
    trees = await loadSimTrees(['trees/handover_baseline.yaml', 'trees/handover_affect.yaml'], { controls: true });
  });
  const byName = (n: string) => trees.find((t) => t.name === n)!;

  it('adds the four controls of the affect tree (none for the baseline), named by kind', () => {
    expect(trees.map((t) => t.name)).toEqual(['handover_baseline', 'handover_affect', 'blind', 'scripted', 'always_slow', 'no_apology']);
    expect(byName('blind').control).toEqual({ kind: 'blind', of: 'handover_affect' });
    expect(applicableControls(byName('handover_baseline').doc)).toEqual(['blind']);
  });

  it('each control is what it claims to be, episode by episode', () => {
    const sc = { ...loadScenario('high_drop_robot'), handovers: 6 };
    const ep = (t: SimTree) => runEpisode({ scenario: sc, tree: t.factory, seed: episodeSeed(3, sc.name, 0), blind: t.episode?.blind, facts: t.episode?.facts }).metrics;
    const affect = ep(byName('handover_affect'));
    const blind = ep(byName('blind'));
    const scripted = ep(byName('scripted'));
    const slow = ep(byName('always_slow'));
    const noApology = ep(byName('no_apology'));
    // blind: the same tree, no estimate ever arrives, so it never detects or slows
    expect(kinds(byName('blind'))).toEqual(kinds(byName('handover_affect')));
    expect([blind.published, blind.detections, blind.slowdowns]).toEqual([0, 0, 0]);
    expect(affect.published).toBeGreaterThan(0);
    // scripted: an apology after every failure, neutral, no sensing nodes, no pacing
    expect(kinds(byName('scripted'))).not.toContain('PerceiveAffect');
    expect(kinds(byName('scripted'))).not.toContain('SlowHandover');
    const failures = Object.values(scripted.failures).reduce((a, b) => a + b, 0);
    expect(failures).toBeGreaterThan(0);
    expect(scripted.apologies).toBe(failures);
    expect(scripted.slowdowns).toBe(0);
    // always slow: every handover slowed, no sensing
    expect(slow.slowdowns).toBe(slow.handoverAttempts);
    expect(slow.published).toBe(0);
    // no apology: sensing intact, silent
    expect(kinds(byName('no_apology'))).not.toContain('Apologise');
    expect(noApology.apologies).toBe(0);
    expect(noApology.published).toBeGreaterThan(0);
  });
});

describe('the sensing claim cannot be won without sensing', () => {
  let affect: SimTree;
  let baseline: SimTree;
  beforeAll(async () => {
    [baseline, affect] = await loadSimTrees(['trees/handover_baseline.yaml', 'trees/handover_affect.yaml']);
  });
  const sensing = (r: ReturnType<typeof runComparison>[number]) => r.claims.find((c) => c.id === 'sensing')!;
  const withControls = (cand: ComparedTree & { doc: SimTree['doc'] }): ComparedTree[] => [
    baseline,
    cand,
    ...(['blind', 'scripted', 'always_slow', 'no_apology'] as const).map((k) => ({ ...controlOf({ ...affect, name: cand.name }, k, k) })),
  ];

  it("a tree blind to affect gets 'no added value' against its own blind control (while it still 'beats' the baseline on apology trust)", () => {
    // identical behaviour gives a difference of exactly 0: 20 episodes are as good as 2,000
    const blindTree = { ...affect, name: 'affect_blind', episode: { blind: true } };
    const r = runComparison({ trees: withControls(blindTree), scenarios: [loadScenario('impatient_novice')], episodes: 20, seed: 2 })[0]!;
    const s = sensing(r);
    expect(s).toMatchObject({ candidate: 'affect_blind', reference: 'blind', verdict: 'NO ADDED VALUE', holds: false });
    expect([s.diff.mean, s.diff.lo, s.diff.hi]).toEqual([0, 0, 0]);
    const vsBaseline = r.comparisons.find((c) => c.reference === 'handover_baseline')!;
    expect(vsBaseline.diff.meanTrust.lo).toBeGreaterThan(0);
  });

  it('a dead, a stale and a misdirected estimator show no benefit from sensing', () => {
    const dead = loadScenario('dead_estimator');
    const stale = { ...dead, name: 'stale_estimator', estimator: { ...dead.estimator, enabled: true, latencyMs: 2000, maxAgeMs: 1500 } };
    const wrongPerson = { ...dead, name: 'wrong_person', estimator: { ...dead.estimator, enabled: true, publishAs: 'h2' } };
    const trees = withControls({ ...affect });
    const results = runComparison({ trees, scenarios: [dead, stale, wrongPerson], episodes: 20, seed: 3 });
    for (const r of results.slice(0, 3)) {
      const s = sensing(r);
      expect(s.verdict, r.scenario).toBe('NO ADDED VALUE');
      expect([s.diff.mean, s.diff.lo, s.diff.hi], r.scenario).toEqual([0, 0, 0]);
      const t = r.trees.find((x) => x.tree === 'handover_affect')!;
      expect(t.totals.detections, r.scenario).toBe(0);
    }
    // the same person with a live estimator: the tree does react, so its behaviour differs from blind
    // (it detects frustration in roughly one episode in ten, hence 60 episodes)
    const live = { ...dead, name: 'live_estimator', estimator: { ...dead.estimator, enabled: true } };
    const r = runComparison({ trees: [affect, controlOf(affect, 'blind', 'blind')], scenarios: [live], episodes: 60, seed: 3 })[0]!;
    expect(r.trees[0]!.totals.detections).toBeGreaterThan(0);
    expect(r.comparisons[0]!.diff.meanFrustration.sd).toBeGreaterThan(0);
  });
});

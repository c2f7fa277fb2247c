// PerceiveAffect: fresh → SUCCESS + normalised entry that goes stale with the estimate.
import { describe, expect, it } from 'vitest';
import { treeHarness } from '../src/tree/index.ts';
import type { NormalisedAffect } from './keys.ts';

const TREE = "trees:\n  M:\n    AffectBranch:\n      child:\n        PerceiveAffect: { humanId: h1, output: '{mood}', minConfidence: 0.3 }\n";
const node = (h: ReturnType<typeof treeHarness>) => h.runner.find('AffectBranch/PerceiveAffect')!;

describe('PerceiveAffect', () => {
  it('fails with a clear feedback when no affect arrived yet', () => {
    const h = treeHarness(TREE);
    h.runner.tick();
    expect(node(h).lastStatus).toBe('FAILURE');
    expect(node(h).feedback()).toBe('no affect for h1 yet');
  });

  it('succeeds on a fresh estimate and writes the normalised entry with the same timestamp and maxAgeMs', () => {
    const h = treeHarness(TREE);
    h.affect(0.7, { maxAgeMs: 500, cues: { workingOnTask: true } });
    h.runner.tick();
    expect(node(h).lastStatus).toBe('SUCCESS');
    const mood = h.blackboard.get<NormalisedAffect>('mood')!;
    expect(mood).toMatchObject({ humanId: 'h1', frustration: 0.7, confidence: 0.8, source: 'local', cues: { workingOnTask: true } });
    expect(h.blackboard.entry('mood')!.maxAgeMs).toBe(500);
    expect(h.runner.nextDeadline()).toBe(h.clock.now() + 501);
    h.step(501);
    expect(node(h).lastStatus).toBe('FAILURE');
    expect(node(h).feedback()).toBe('affect for h1 is stale');
    expect(h.blackboard.get('mood')).toBeUndefined();
  });

  it('treats low-confidence and malformed entries as unknown', () => {
    const h = treeHarness(TREE);
    h.affect(0.9, { confidence: 0.1 });
    h.runner.tick();
    expect(node(h).feedback()).toBe('affect confidence below minConfidence');
    h.blackboard.set('affect/h1', { nope: true }, { source: 'test' });
    h.runner.tick();
    expect(node(h).feedback()).toBe('affect entry affect/h1 is not an AffectEstimate');
    expect(node(h).lastStatus).toBe('FAILURE');
  });
});

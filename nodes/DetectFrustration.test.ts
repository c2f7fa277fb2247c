// DetectFrustration: threshold + minDurationMs, hysteresis, the concentration context
// rule (and its switch), staleness, and a property: never frustrated below threshold.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { treeHarness } from '../src/tree/index.ts';

function tree(ports = 'threshold: 0.6, releaseThreshold: 0.4, minDurationMs: 500') {
  return `trees:\n  M:\n    AffectBranch:\n      child:\n        Sequence:\n          children:\n            - ForceSuccess: { child: { PerceiveAffect: {} } }\n            - DetectFrustration: { ${ports} }\n`;
}
const status = (h: ReturnType<typeof treeHarness>) => h.runner.find('AffectBranch/Sequence/DetectFrustration')!;

describe('DetectFrustration', () => {
  it('switches on only after minDurationMs above threshold, and reports that deadline', () => {
    const h = treeHarness(tree());
    h.affect(0.8);
    h.runner.tick();
    expect(status(h).lastStatus).toBe('FAILURE');
    expect(status(h).feedback()).toBe('above threshold, waiting for minDurationMs');
    expect(h.runner.nextDeadline()).toBe(h.clock.now() + 500);
    h.clock.advance(499);
    h.affect(0.8);
    h.runner.tick();
    expect(h.blackboard.get('frustrated')).toBe(false);
    h.clock.advance(1);
    h.affect(0.8);
    h.runner.tick();
    expect(status(h).lastStatus).toBe('SUCCESS');
    expect(h.blackboard.get('frustrated')).toBe(true);
  });

  it('has hysteresis: stays on between releaseThreshold and threshold, off below release', () => {
    const h = treeHarness(tree('minDurationMs: 0'));
    h.affect(0.7);
    h.runner.tick();
    h.affect(0.5);
    h.runner.tick();
    expect(h.blackboard.get('frustrated')).toBe(true);
    h.affect(0.39);
    h.runner.tick();
    expect(h.blackboard.get('frustrated')).toBe(false);
    h.affect(0.5);
    h.runner.tick();
    expect(h.blackboard.get('frustrated')).toBe(false);
  });

  it('a frown while working on a task is concentration unless other cues agree', () => {
    const h = treeHarness(tree('minDurationMs: 0'));
    h.affect(0.9, { cues: { workingOnTask: true, furrowedBrow: 0.9 } });
    h.runner.tick();
    expect(status(h).feedback()).toBe('furrowed brow while working: concentration');
    expect(h.blackboard.get('frustrated')).toBe(false);
    h.affect(0.9, { cues: { workingOnTask: true, furrowedBrow: 0.9, fingerDrumming: true } });
    h.runner.tick();
    expect(h.blackboard.get('frustrated')).toBe(true);
  });

  it('a recent task failure corroborates frustration while working; an old one does not', () => {
    const h = treeHarness(tree('minDurationMs: 0, failureWindowMs: 5000'));
    h.blackboard.set('task/lastFailure', { kind: 'drop', at: h.clock.now() }, { source: 'test' });
    h.affect(0.9, { cues: { workingOnTask: true } });
    h.runner.tick();
    expect(h.blackboard.get('frustrated')).toBe(true);
    const h2 = treeHarness(tree('minDurationMs: 0, failureWindowMs: 5000'));
    h2.blackboard.set('task/lastFailure', { kind: 'drop', at: h2.clock.now() - 6000 }, { source: 'test' });
    h2.affect(0.9, { cues: { workingOnTask: true } });
    h2.runner.tick();
    expect(h2.blackboard.get('frustrated')).toBe(false);
  });

  it('reports the failure window\'s expiry as a deadline when only the failure makes a frown count (skip-ahead = fixed ticking)', () => {
    const h = treeHarness(tree('minDurationMs: 0, failureWindowMs: 5000'));
    const at = h.clock.now();
    h.blackboard.set('task/lastFailure', { kind: 'drop', at }, { source: 'test' });
    h.affect(0.9, { cues: { workingOnTask: true }, maxAgeMs: 60_000 });
    h.runner.tick();
    expect(h.blackboard.get('frustrated')).toBe(true);
    // nothing else is pending, so the runner's deadline is the expiry: the first instant the frown is concentration again
    expect(h.runner.nextDeadline()).toBe(at + 5001);
    h.clock.set(at + 5000);
    h.runner.tick();
    expect(h.blackboard.get('frustrated')).toBe(true);
    h.clock.set(at + 5001);
    h.runner.tick();
    expect(h.blackboard.get('frustrated')).toBe(false);
    expect(status(h).feedback()).toBe('furrowed brow while working: concentration');
  });

  it('useContext: false reads the face alone (for comparisons in the simulator)', () => {
    const h = treeHarness(tree('minDurationMs: 0, useContext: false'));
    h.affect(0.9, { cues: { workingOnTask: true } });
    h.runner.tick();
    expect(h.blackboard.get('frustrated')).toBe(true);
  });

  it('the output goes stale with the affect (stale is unknown)', () => {
    const h = treeHarness(tree('minDurationMs: 0'));
    h.affect(0.9, { maxAgeMs: 300 });
    h.runner.tick();
    expect(h.blackboard.get('frustrated')).toBe(true);
    h.clock.advance(301);
    expect(h.blackboard.get('frustrated')).toBeUndefined();
    h.runner.tick();
    expect(status(h).feedback()).toBe('affect unknown: not frustrated');
  });

  it('property: never frustrated when every reading stays below threshold', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.double({ min: 0, max: 0.599, noNaN: true }), fc.integer({ min: 0, max: 400 })), { maxLength: 30 }), (readings) => {
        const h = treeHarness(tree('minDurationMs: 0'));
        for (const [level, dt] of readings) {
          h.clock.advance(dt);
          h.affect(level);
          h.runner.tick();
          if (h.blackboard.get('frustrated') === true) return false;
        }
        return true;
      }),
      { numRuns: 60 },
    );
  });
});

// Apologise: congruent with failure kind and tone, once per failure, rate-limited,
// recorded, and harmless when there is nothing to say.
import { describe, expect, it } from 'vitest';
import { treeHarness } from '../src/tree/index.ts';
import { APOLOGY_TEXTS } from './Apologise.ts';
import type { ApologyRecord } from './keys.ts';

const TREE = 'trees:\n  M:\n    AffectBranch:\n      child:\n        Apologise: { minIntervalMs: 10000, maxFailureAgeMs: 5000 }\n';

function fail(h: ReturnType<typeof treeHarness>, kind: string): void {
  h.blackboard.set('task/lastFailure', { kind, at: h.clock.now(), actionId: 'ho-9' }, { source: 'test' });
}

describe('Apologise', () => {
  it('says nothing without a failure', () => {
    const h = treeHarness(TREE);
    h.runner.tick();
    expect(h.controller.utterances).toEqual([]);
    expect(h.runner.find('AffectBranch/Apologise')!.feedback()).toBe('nothing to apologise for');
  });

  it.each(['drop', 'timeout', 'human_not_ready'] as const)('apologises congruently for %s: empathic when frustrated, neutral otherwise', (kind) => {
    const h = treeHarness(TREE);
    fail(h, kind);
    h.runner.tick();
    expect(h.controller.utterances[0]!.params).toEqual({ text: APOLOGY_TEXTS[kind].neutral, kind: 'apology', failureKind: kind, tone: 'neutral' });
    const h2 = treeHarness(TREE);
    h2.blackboard.set('frustrated', true, { source: 'test' });
    fail(h2, kind);
    h2.runner.tick();
    expect(h2.controller.utterances[0]!.params).toMatchObject({ text: APOLOGY_TEXTS[kind].empathic, tone: 'empathic', failureKind: kind });
  });

  it('apologises once per failure, records it, and is rate-limited by minIntervalMs', () => {
    const h = treeHarness(TREE);
    fail(h, 'drop');
    h.runner.tick();
    h.step(100);
    expect(h.controller.utterances).toHaveLength(1);
    const rec = h.blackboard.get<ApologyRecord>('apology/last')!;
    expect(rec).toMatchObject({ tone: 'neutral', failureKind: 'drop', actionId: 'say-1' });
    expect(h.blackboard.get('apology/count')).toBe(1);
    h.clock.advance(2000);
    fail(h, 'timeout');
    h.runner.tick();
    expect(h.controller.utterances).toHaveLength(1);
    expect(h.runner.find('AffectBranch/Apologise')!.feedback()).toBe('rate-limited (minIntervalMs)');
    expect(h.runner.nextDeadline()).toBe(h.clock.now() + 5001); // the failure expires before the rate limit ends
  });

  it('does not apologise for failures older than maxFailureAgeMs, nor without a controller', () => {
    const h = treeHarness(TREE);
    fail(h, 'drop');
    h.clock.advance(5001);
    h.runner.tick();
    expect(h.controller.utterances).toHaveLength(0);
    const h2 = treeHarness(TREE);
    h2.controller.available = false;
    fail(h2, 'drop');
    h2.runner.tick();
    expect(h2.runner.find('AffectBranch/Apologise')!.feedback()).toBe('controller unavailable');
  });
});

// SlowHandover: slow pacing while frustrated, normal when it clears or goes stale,
// always within [minSpeedScale, 1].
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { treeHarness } from '../src/tree/index.ts';
import type { Pacing } from './keys.ts';

const tree = (ports: string) => `trees:\n  M:\n    AffectBranch:\n      child:\n        SlowHandover: { ${ports} }\n`;

describe('SlowHandover', () => {
  it('writes slow pacing while frustrated and restores normal pacing when it clears or goes stale', () => {
    const h = treeHarness(tree('speedScale: 0.5, approachWaitMs: 2000'));
    h.runner.tick();
    expect(h.blackboard.get<Pacing>('pacing')).toEqual({ speedScale: 1, approachWaitMs: 0, reason: 'normal' });
    h.blackboard.set('frustrated', true, { source: 'test', maxAgeMs: 1000 });
    h.runner.tick();
    expect(h.blackboard.get<Pacing>('pacing')).toEqual({ speedScale: 0.5, approachWaitMs: 2000, reason: 'slow' });
    h.step(1001);
    expect(h.blackboard.get<Pacing>('pacing')!.reason).toBe('normal');
    h.blackboard.set('frustrated', true, { source: 'test' });
    h.runner.tick();
    h.blackboard.set('frustrated', false, { source: 'test' });
    h.runner.tick();
    expect(h.blackboard.get<Pacing>('pacing')!.reason).toBe('normal');
    expect(h.runner.lastStatus).toBe('SUCCESS');
  });

  it('respects the controller\'s safe range as well as minSpeedScale', () => {
    const h = treeHarness(tree('speedScale: 0.35, minSpeedScale: 0.3'), { speedRange: [0.4, 1] });
    h.blackboard.set('frustrated', true, { source: 'test' });
    h.runner.tick();
    expect(h.blackboard.get<Pacing>('pacing')!.speedScale).toBe(0.4);
  });

  it('property: pacing always stays within [minSpeedScale, 1]', () => {
    fc.assert(
      fc.property(fc.double({ min: 0.05, max: 1, noNaN: true }), fc.double({ min: 0.05, max: 1, noNaN: true }), fc.array(fc.boolean(), { maxLength: 8 }), (a, b, seq) => {
        const [min, speed] = a <= b ? [a, b] : [b, a];
        const h = treeHarness(tree(`speedScale: ${speed}, minSpeedScale: ${min}`), { speedRange: [0.05, 1] });
        for (const f of seq) {
          h.blackboard.set('frustrated', f, { source: 'test' });
          h.runner.tick();
          const p = h.blackboard.get<Pacing>('pacing')!;
          if (!(p.speedScale >= min && p.speedScale <= 1)) return false;
        }
        return true;
      }),
      { numRuns: 80 },
    );
  });
});

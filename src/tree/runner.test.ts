// TreeRunner.tickAffect: ticks only the affect branches (the planner does it between
// orders) — perception advances, no task node runs, trees without an AffectBranch tick nothing.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { treeHarness } from './testing.ts';

const affectYaml = readFileSync(new URL('../../trees/handover_affect.yaml', import.meta.url), 'utf8');
const baselineYaml = readFileSync(new URL('../../trees/handover_baseline.yaml', import.meta.url), 'utf8');

describe('TreeRunner.tickAffect', () => {
  it('runs the affect branch only: frustration held for minDurationMs is detected without any handover, and the next full tick starts the handover slowed', () => {
    const h = treeHarness(affectYaml, { trace: true });
    h.ready(true);
    for (let t = 0; t <= 1000; t += 50) {
      h.affect(0.9);
      expect(h.runner.tickAffect()).toBe(1);
      h.clock.advance(50);
    }
    expect(h.controller.handovers).toEqual([]);
    expect(h.runner.lastTrace.every((r) => r.path === 'root/affect' || r.path.startsWith('root/affect/'))).toBe(true);
    expect(h.runner.lastTrace.some((r) => r.path.endsWith('/DetectFrustration') && r.status === 'SUCCESS')).toBe(true);
    expect(h.runner.blackboard.get('frustrated')).toBe(true);
    // the order's first full tick: the handover starts already slowed
    h.affect(0.9);
    h.runner.tick();
    expect(h.controller.handovers).toHaveLength(1);
    expect(h.controller.handovers[0]!.params.speedScale).toBe(0.6);
  });

  it('ticks nothing in a tree without an AffectBranch', () => {
    const h = treeHarness(baselineYaml, { trace: true });
    h.ready(true);
    expect(h.runner.tickAffect()).toBe(0);
    expect(h.controller.handovers).toEqual([]);
  });
});

// The simulator's control tree must stay the affect tree minus the context rule, or
// the "what the concentration rule buys" comparison stops meaning anything.
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { loadSimTree } from '../sim/trees.ts';

describe('trees/handover_affect_no_context.yaml', () => {
  it('equals handover_affect.yaml except for DetectFrustration useContext: false and the main tree name', () => {
    const affect = parse(readFileSync('trees/handover_affect.yaml', 'utf8'));
    const noCtx = parse(readFileSync('trees/handover_affect_no_context.yaml', 'utf8'));
    const rename = JSON.stringify(noCtx).replaceAll('HandoverWithAffectNoContext', affect.main).replace('"useContext":false', '"useContext":true');
    expect(JSON.parse(rename)).toEqual(affect);
    expect(JSON.stringify(noCtx)).toContain('"useContext":false');
  });

  it('loads through the real loader', async () => {
    const t = await loadSimTree('trees/handover_affect_no_context.yaml');
    expect(t.name).toBe('handover_affect_no_context');
  });
});

describe('shipped trees do not copy the judge', () => {
  it("no tree's apology or detection timing equals the person's judge windows or thresholds on any shipped scenario", async () => {
    const { loadScenarios } = await import('../sim/scenario.ts');
    const { reachableNodes } = await import('../sim/controls.ts');
    const { loadTreeFile } = await import('../src/tree/index.ts');
    const { readdirSync } = await import('node:fs');
    for (const f of readdirSync('trees').filter((x) => x.endsWith('.yaml'))) {
      const nodes = reachableNodes(await loadTreeFile(`trees/${f}`));
      for (const sc of loadScenarios('all')) {
        const a = sc.human.apology;
        for (const n of nodes.filter((x) => x.kind === 'Apologise')) {
          expect(n.ports.maxFailureAgeMs, `${f} Apologise.maxFailureAgeMs vs ${sc.name} congruentWindowS`).not.toBe(a.congruentWindowS.median * 1000);
          expect(n.ports.minIntervalMs, `${f} Apologise.minIntervalMs vs ${sc.name} repeatWindowS`).not.toBe(a.repeatWindowS.median * 1000);
        }
        for (const n of nodes.filter((x) => x.kind === 'DetectFrustration')) {
          for (const p of ['threshold', 'releaseThreshold'] as const) {
            expect(n.ports[p], `${f} DetectFrustration.${p} vs ${sc.name}`).not.toBe(a.toneThreshold.mean);
            expect(n.ports[p], `${f} DetectFrustration.${p} vs ${sc.name}`).not.toBe(sc.frustrationThreshold);
          }
        }
      }
    }
  });
});

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

import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { scenarioParamsMarkdown, PARAMS_BEGIN, PARAMS_END } from './params-doc.ts';

describe('docs/simulator.md parameter table', () => {
  it('matches the schema (regenerate with scenarioParamsMarkdown() when parameters change)', () => {
    const doc = readFileSync('docs/simulator.md', 'utf8');
    const a = doc.indexOf(PARAMS_BEGIN);
    const b = doc.indexOf(PARAMS_END);
    expect(a).toBeGreaterThan(-1);
    expect(doc.slice(a + PARAMS_BEGIN.length, b).trim()).toBe(scenarioParamsMarkdown().trim());
  });

  it('lists every parameter with a default and a description', () => {
    const md = scenarioParamsMarkdown();
    expect(md).toMatch(/\| `trust\.failureWeight` \| median 2\.5, sdLog 0\.3 \| log-normal, median in \[0, 10\] \| .*Desai13/);
    expect(md).toMatch(/\| `human\.apology\.congruentWindowS` \| median 30, sdLog 0\.4 \|.*judge/);
    expect(md).toMatch(/\| `facts` \| \{\} \| map/);
    expect(md).toMatch(/\| `human\.patience` \| mean 0\.6, sd 0\.15 \|/);
  });
});

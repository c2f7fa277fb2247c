// docs/trees.md's node reference must match the built-in registry (types as data → docs).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BEGIN, renderNodeReference, spliceReference } from './docs.ts';
import { nodeRegistry } from './registry.ts';
import { loadTreeText } from './loader.ts';

describe('docs/trees.md', () => {
  it('has an up-to-date node reference (regenerate: npx tsx scripts/generate-node-docs.ts)', () => {
    const md = readFileSync('docs/trees.md', 'utf8');
    expect(spliceReference(md)).toBe(md);
    for (const def of new Set(nodeRegistry.values())) {
      expect(renderNodeReference()).toContain(`### ${def.kind}`);
      for (const a of def.aliases ?? []) expect(renderNodeReference()).toContain(`\`${a}\``);
    }
  });

  it('every node example in the reference is a valid node', () => {
    for (const def of new Set(nodeRegistry.values())) {
      const body = def.example.replace(/^/gm, '      ');
      const wrapped = def.role === 'affect' ? `trees:\n  M:\n    AffectBranch:\n      child:\n${body.replace(/^ {6}/gm, '        ')}\n` : `trees:\n  M:\n${body.replace(/^ {6}/gm, '    ')}\n`;
      const extra = def.kind === 'Subtree' ? '  AffectModulation:\n    ports: { frustrated: boolean }\n    ControllerAvailable: {}\n' : '';
      expect(() => loadTreeText(wrapped + extra, `${def.kind}.yaml`)).not.toThrow();
    }
  });

  it('every YAML tree example in docs/trees.md loads', () => {
    const md = readFileSync('docs/trees.md', 'utf8');
    const head = md.slice(0, md.indexOf(BEGIN));
    const blocks = [...head.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!).filter((b) => /^trees:|\ntrees:/.test(b));
    expect(blocks.length).toBeGreaterThanOrEqual(2);
    // (the format example's `imports:` names a file that is not there; imports have their own tests)
    for (const b of blocks) expect(() => loadTreeText(b.replace(/^imports:.*\n/m, ''), 'docs/trees.md')).not.toThrow();
  });
});

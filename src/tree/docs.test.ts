// docs/trees.md's node reference must match the built-in registry (types as data → docs).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderNodeReference, spliceReference } from './docs.ts';
import { nodeRegistry } from './registry.ts';
import { loadTreeText } from './loader.ts';

describe('docs/trees.md', () => {
  it('has an up-to-date node reference (regenerate: npx tsx scripts/generate-node-docs.ts)', () => {
    const md = readFileSync('docs/trees.md', 'utf8');
    expect(spliceReference(md)).toBe(md);
    for (const kind of nodeRegistry.keys()) expect(renderNodeReference()).toContain(`### ${kind}`);
  });

  it('every node example in the reference is a valid node', () => {
    for (const def of nodeRegistry.values()) {
      const body = def.example.replace(/^/gm, '      ');
      const wrapped = def.role === 'affect' ? `trees:\n  M:\n    AffectBranch:\n      child:\n${body.replace(/^ {6}/gm, '        ')}\n` : `trees:\n  M:\n${body.replace(/^ {6}/gm, '    ')}\n`;
      const extra = def.kind === 'Subtree' ? '  AffectModulation:\n    ControllerAvailable\n' : '';
      expect(() => loadTreeText(wrapped + extra, `${def.kind}.yaml`)).not.toThrow();
    }
  });
});

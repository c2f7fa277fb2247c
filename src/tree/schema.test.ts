// The JSON Schema of tree files (editor support), checked with ajv: it accepts every
// shipped tree and every node example, rejects a misspelt port, an out-of-range value,
// an unknown node and a missing required port; the shipped copy matches the registry
// and the shipped trees point editors at it.
import { readdirSync, readFileSync } from 'node:fs';
import { Ajv, type ErrorObject } from 'ajv';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { createNodeRegistry } from '../builtins.ts';
import { defineNode } from './define.ts';
import { Behaviour } from './node.ts';
import { treeSchema } from './schema.ts';

const registry = createNodeRegistry();
const validate = new Ajv({ allErrors: true, allowUnionTypes: true }).compile(treeSchema(registry));
const shipped = readdirSync('trees').filter((f) => f.endsWith('.yaml'));

function errors(yaml: string): ErrorObject[] {
  return validate(parse(yaml)) ? [] : [...(validate.errors ?? [])];
}

describe('tree JSON Schema', () => {
  it('trees/tree.schema.json is generated from the built-in registry (regenerate: npx tsx scripts/generate-node-docs.ts)', () => {
    expect(JSON.parse(readFileSync('trees/tree.schema.json', 'utf8'))).toEqual(treeSchema(registry));
  });

  it.each(shipped)('accepts the shipped tree %s, which points editors at the schema', (file) => {
    const text = readFileSync(`trees/${file}`, 'utf8');
    expect(text.split('\n')[0]).toBe('# yaml-language-server: $schema=tree.schema.json');
    expect(errors(text)).toEqual([]);
  });

  it('accepts every node example of the reference and the README tree', () => {
    for (const def of registry.values()) {
      const wrapped = `trees:\n  M:\n${def.example.replace(/^/gm, '    ')}\n  AffectModulation: ControllerAvailable\n`;
      expect(errors(wrapped), def.kind).toEqual([]);
    }
    const readme = /```yaml\n([\s\S]*?)```/.exec(readFileSync('README.md', 'utf8'))![1]!;
    expect(errors(readme)).toEqual([]);
  });

  it('rejects a misspelt port, naming it', () => {
    const e = errors('trees:\n  M:\n    Handover: { objectId: a, target: b, timeoutMS: 5000 }\n');
    expect(e).toContainEqual(expect.objectContaining({ instancePath: '/trees/M/Handover', keyword: 'additionalProperties', params: { additionalProperty: 'timeoutMS' } }));
  });

  it('rejects an out-of-range value, with the bound', () => {
    const e = errors('trees:\n  M:\n    AffectBranch:\n      child:\n        SlowHandover: { speedScale: 2 }\n');
    expect(e).toContainEqual(expect.objectContaining({ instancePath: '/trees/M/AffectBranch/child/SlowHandover/speedScale', keyword: 'maximum', params: { comparison: '<=', limit: 1 } }));
  });

  it('rejects an unknown node, a missing required port, a wrong type and a childless composite', () => {
    expect(errors('trees:\n  M:\n    Handovr: { objectId: a, target: b }\n')).toContainEqual(expect.objectContaining({ keyword: 'additionalProperties', params: { additionalProperty: 'Handovr' } }));
    expect(errors('trees:\n  M:\n    Handover: { objectId: a }\n')).toContainEqual(expect.objectContaining({ keyword: 'required', params: { missingProperty: 'target' } }));
    expect(errors('trees:\n  M:\n    Wait: { durationMs: soon }\n')).toContainEqual(expect.objectContaining({ keyword: 'type', params: { type: 'integer' } }));
    expect(errors('trees:\n  M:\n    Sequence: {}\n').length).toBeGreaterThan(0);
    expect(errors('trees:\n  M:\n    Sequence: { children: [] }\n')).toContainEqual(expect.objectContaining({ keyword: 'minItems' }));
    expect(errors("trees:\n  M:\n    PerceiveAffect: { output: 'affect' }\n")).toContainEqual(expect.objectContaining({ keyword: 'pattern' }));
  });

  it('includes a plugin node with its ports when the registry has it', () => {
    const plugin = defineNode({
      kind: 'IsPartAvailable',
      category: 'condition',
      role: 'task',
      description: 'enough parts in the feeder',
      ports: { minCount: { type: 'integer', default: 1, min: 1, max: 100, description: 'parts needed' } },
      create: () => new (class extends Behaviour {
        update() {
          return 'SUCCESS' as const;
        }
      })(),
    });
    const v = new Ajv({ allowUnionTypes: true }).compile(treeSchema(createNodeRegistry().use({ nodes: [plugin] }, 'p.js')));
    expect(v(parse('trees:\n  M:\n    IsPartAvailable: { minCount: 3 }\n'))).toBe(true);
    expect(v(parse('trees:\n  M:\n    IsPartAvailable: { minCount: 300 }\n'))).toBe(false);
    expect(validate(parse('trees:\n  M:\n    IsPartAvailable: {}\n'))).toBe(false);
  });
});

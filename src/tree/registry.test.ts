// NodeRegistry: control nodes built in, plugins registered all-or-nothing with their
// keys, every definition checked (errors name the origin and the node), copies
// independent, and a document carries (and builds with) the registry it was loaded with.
import { describe, expect, it } from 'vitest';
import { Blackboard } from '../core/blackboard.ts';
import { VirtualClock } from '../core/clock.ts';
import { InMemoryController } from '../core/in-memory-controller.ts';
import { buildTree } from './build.ts';
import { defineNode } from './define.ts';
import { loadTreeText, TreeLoadError } from './loader.ts';
import { Behaviour, type NodeDef, type Status } from './node.ts';
import { CONTROL_ORIGIN, NodeRegistry, NodeRegistryError, nodeRegistry } from './registry.ts';

class Fixed extends Behaviour {
  constructor(private readonly s: Status) {
    super();
  }
  update(): Status {
    return this.s;
  }
}

const beep = defineNode({
  kind: 'Beep',
  category: 'action',
  role: 'task',
  description: 'beeps',
  ports: { times: { type: 'integer', default: 1, min: 1, max: 5, description: 'how often' } },
  create: (ctx) => new Fixed(ctx.ports.times > 2 ? 'FAILURE' : 'SUCCESS'),
});

function errorOf(fn: () => unknown): NodeRegistryError {
  try {
    fn();
  } catch (e) {
    if (e instanceof NodeRegistryError) return e;
    throw e;
  }
  throw new Error('expected a NodeRegistryError');
}

describe('NodeRegistry', () => {
  it('starts with the control nodes only; reads like a map', () => {
    const r = new NodeRegistry();
    expect(r.has('Sequence') && r.has('AffectBranch') && r.has('Subtree')).toBe(true);
    expect(r.has('Handover')).toBe(false);
    expect(r.originOf('Retry')).toBe(CONTROL_ORIGIN);
    expect([...r].map(([k]) => k)).toEqual([...r.keys()]);
    expect(r.size).toBe([...r.values()].length);
    expect(new NodeRegistry({ controls: false }).size).toBe(0);
  });

  it('registers a plugin with its keys; building declares the keys on the blackboard', () => {
    const r = new NodeRegistry().use({ nodes: [beep], keys: { 'beep/count': { type: 'number', description: 'beeps so far' } } }, 'beep.js');
    expect(r.originOf('Beep')).toBe('beep.js');
    const clock = new VirtualClock(0);
    const blackboard = new Blackboard({ clock });
    const runner = buildTree(loadTreeText('trees:\n  M:\n    Beep: { times: 3 }\n', 'm.yaml', { registry: r }), { blackboard, controller: new InMemoryController({ clock }), clock });
    expect(runner.tick()).toBe('FAILURE');
    expect(blackboard.spec('beep/count')?.type).toBe('number');
    expect(() => blackboard.set('beep/count', 'many', { source: 'test' })).toThrow(/beep\/count/);
  });

  it('the default registry is untouched by a copy, and a document uses its own registry', () => {
    const r = nodeRegistry.clone().use({ nodes: [beep] }, 'beep.js');
    expect(nodeRegistry.has('Beep')).toBe(false);
    expect(() => loadTreeText('trees:\n  M:\n    Beep\n', 'm.yaml')).toThrow(/unknown node type 'Beep'/);
    expect(loadTreeText('trees:\n  M:\n    Beep\n', 'm.yaml', { registry: r }).registry).toBe(r);
  });

  it('rejects a kind that exists, naming both origins', () => {
    const r = new NodeRegistry().use({ nodes: [beep] }, 'a.js');
    expect(errorOf(() => r.use({ nodes: [{ ...beep }] }, 'b.js')).message).toBe("b.js: node 'Beep' is already defined by a.js; give yours another name");
    expect(errorOf(() => r.register({ ...beep, kind: 'Sequence' }, 'c.js')).message).toBe(`c.js: node 'Sequence' is already defined by ${CONTROL_ORIGIN}; give yours another name`);
    expect(errorOf(() => new NodeRegistry().use({ nodes: [beep, { ...beep }] }, 'd.js')).message).toBe("d.js: node 'Beep' is defined twice in this module");
  });

  it('registers a plugin all or nothing', () => {
    const r = new NodeRegistry();
    const bad = { ...beep, kind: 'Bad', create: undefined } as unknown as NodeDef;
    expect(() => r.use({ nodes: [beep, bad] }, 'p.js')).toThrow("p.js: node 'Bad' has no create(ctx) function returning its behaviour");
    expect(r.has('Beep')).toBe(false);
    r.use({ nodes: [beep] }, 'p.js');
    const plugin = { nodes: [defineNode({ kind: 'Other', category: 'action', role: 'task', description: 'x', ports: {}, create: () => new Fixed('SUCCESS') })] };
    r.use(plugin, 'q.js');
    r.use(plugin, 'q.js'); // the same plugin again: no-op
    expect(r.originOf('Other')).toBe('q.js');
  });

  it.each([
    [{ kind: 'has space' }, 'node kind "has space" must be an identifier such as IsPartAvailable'],
    [{ category: 'composite' }, "node 'Beep': category must be 'action' or 'condition' (control nodes belong to the tree runtime)"],
    [{ role: 'boss' }, "node 'Beep': role must be 'task', 'affect' or 'control'"],
    [{ description: '' }, "node 'Beep' needs a description"],
    [{ children: { min: 1, max: 2 } }, "node 'Beep': a leaf takes no children (children: { min: 0, max: 0 })"],
    [{ ports: [{ name: 'x', type: 'float', description: 'x' }] }, "node 'Beep': port 'x' has type \"float\"; expected one of number, integer, string, boolean, key, enum, scalar, script"],
    [{ ports: [{ name: 'child', type: 'string', description: 'x' }] }, "node 'Beep': port 'child' uses a reserved word (name, children, child, remap)"],
    [{ ports: [{ name: 'n', type: 'integer', default: 9, min: 1, max: 5, description: 'n' }] }, "node 'Beep': port 'n': its default is invalid: port 'n' is 9, outside [1, 5]"],
    [{ ports: [{ name: 'n', type: 'integer', min: 5, max: 1, description: 'n' }] }, "node 'Beep': port 'n': min 5 is above max 1"],
    [{ ports: [{ name: 'n', type: 'integer', required: true, default: 1, description: 'n' }] }, "node 'Beep': port 'n' is required and has a default; drop one of them"],
    [{ ports: [{ name: 'm', type: 'enum', description: 'm' }] }, "node 'Beep': port 'm' is an enum and needs values: ['a', 'b', …]"],
    [{ ports: [{ name: 'm', type: 'string' }] }, "node 'Beep': port 'm' needs a description (one line for docs and error hints)"],
  ] as const)('checks definitions: %j', (patch, message) => {
    expect(errorOf(() => new NodeRegistry().use({ nodes: [{ ...beep, ...patch } as unknown as NodeDef] }, 'm.js')).message).toBe(`m.js: ${message}`);
  });

  it('rejects key declarations that conflict in type', () => {
    const r = new NodeRegistry().use({ nodes: [beep], keys: { shared: { type: 'number' } } }, 'a.js');
    expect(() => r.declareKey('shared', { type: 'string' }, 'b.js')).toThrow("b.js: blackboard key 'shared' is declared as string, but a.js declares it as number");
    expect(() => r.declareKey('shared', { type: 'any' }, 'c.js')).not.toThrow();
    expect(() => r.declareKey('k', { type: 'list' } as never, 'd.js')).toThrow("d.js: blackboard key 'k' needs { type: number|string|boolean|object|any }");
  });

  it('typed ports: defineNode passes port values with defaults applied', () => {
    const seen: unknown[] = [];
    const probe = defineNode({
      kind: 'Probe2',
      category: 'condition',
      role: 'control',
      description: 'records its ports',
      ports: {
        mode: { type: 'enum', values: ['a', 'b'], default: 'b', description: 'mode' },
        limit: { type: 'number', description: 'optional limit' },
        on: { type: 'key', default: '{probe/on}', valueType: 'boolean', description: 'flag' },
      },
      create: (ctx) => {
        const mode: 'a' | 'b' = ctx.ports.mode;
        const limit: number | undefined = ctx.ports.limit;
        seen.push(mode, limit, ctx.ports.on);
        return new Fixed('SUCCESS');
      },
    });
    const r = new NodeRegistry().use({ nodes: [probe] }, 'probe.js');
    const clock = new VirtualClock(0);
    buildTree(loadTreeText("trees:\n  M:\n    Probe2: { on: '{x}' }\n", 'm.yaml', { registry: r }), { blackboard: new Blackboard({ clock }), controller: new InMemoryController({ clock }), clock });
    expect(seen).toEqual(['b', undefined, 'x']);
    expect(probe.example).toBe('Probe2: {}');
  });

  it('a tree that names a node module not loaded into the registry is an error at the nodes: entry', () => {
    const e = (() => {
      try {
        loadTreeText('nodes: [./my-nodes.js]\ntrees:\n  M:\n    AlwaysSuccess\n', 'cell.yaml');
      } catch (err) {
        return err as TreeLoadError;
      }
      throw new Error('expected a TreeLoadError');
    })();
    expect(e.message).toBe("cell.yaml:1:9: node module './my-nodes.js' is not loaded (hint: loadTreeFile loads the `nodes:` modules; before loadTreeText, call loadNodeModules)");
  });
});

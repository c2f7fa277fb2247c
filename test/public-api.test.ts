// The package's root entry: a tree loads, builds and ticks through it alone; the heavy
// subsystems are subpath entries of their own.
import { describe, it, expect } from 'vitest';
import { fileURLToPath } from 'node:url';
import * as affectBt from '../src/index.ts';

const treePath = fileURLToPath(new URL('../trees/handover_affect.yaml', import.meta.url));

describe('public API (src/index.ts)', () => {
  it('loads, builds and ticks the affect tree with only exported pieces', async () => {
    const clock = new affectBt.VirtualClock(Date.UTC(2026, 0, 1));
    const blackboard = new affectBt.Blackboard({ clock });
    const controller = new affectBt.InMemoryController({ clock });
    const runner = affectBt.buildTree(await affectBt.loadTreeFile(treePath), { blackboard, controller, clock });
    expect(runner.tick()).toBe('RUNNING');
    expect(runner.counters.ticks).toBe(1);
  });

  it('keeps the subsystems in their own entries (subpaths), not in the root', async () => {
    for (const name of ['mqtt', 'estimator', 'vlm', 'sim', 'deploy']) expect(name in affectBt).toBe(false);
    expect(typeof (await import('../src/mqtt/index.ts')).startEmbeddedBroker).toBe('function');
    expect(typeof (await import('../src/estimator/index.ts')).createAffectFuser).toBe('function');
    expect(typeof (await import('../src/vlm/index.ts')).Escalator).toBe('function');
    expect(typeof (await import('../sim/index.ts')).runComparison).toBe('function');
    expect(typeof (await import('../src/deploy/index.ts')).loadCellConfig).toBe('function');
  });

  it('registers the built-in leaves into the default registry, like a plugin', () => {
    expect(affectBt.nodeRegistry.originOf('Handover')).toBe(affectBt.BUILTIN_ORIGIN);
    expect(affectBt.nodeRegistry.originOf('Sequence')).toBe(affectBt.CONTROL_ORIGIN);
    const fresh = affectBt.createNodeRegistry();
    expect([...fresh.keys()]).toEqual([...affectBt.nodeRegistry.keys()]);
    expect(fresh).not.toBe(affectBt.nodeRegistry);
  });
});

// The package's one entry point: a tree loads, builds and ticks through it alone, and
// every subsystem namespace is reachable.
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

  it('exposes the subsystems as namespaces', () => {
    expect(typeof affectBt.mqtt.startEmbeddedBroker).toBe('function');
    expect(typeof affectBt.estimator.createAffectFuser).toBe('function');
    expect(typeof affectBt.vlm.Escalator).toBe('function');
    expect(typeof affectBt.sim.runComparison).toBe('function');
    expect(typeof affectBt.deploy.loadCellConfig).toBe('function');
  });
});

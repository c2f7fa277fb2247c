import { describe, it, expect } from 'vitest';
import { TracePublisher, blackboardSnapshot } from './trace.ts';
import { Blackboard } from '../core/blackboard.ts';
import { VirtualClock } from '../core/clock.ts';

describe('TracePublisher', () => {
  it('publishes at most maxHz messages per second and builds only what it sends', () => {
    const sent: string[] = [];
    let builds = 0;
    const tp = new TracePublisher({ maxHz: 2, publish: (p) => (sent.push(p), true) });
    for (let t = 0; t < 3000; t += 20) tp.offer(t, () => (builds++, { tick: t, nodes: [{ path: 'root', status: 'RUNNING' }] }));
    expect(sent).toHaveLength(6);
    expect(builds).toBe(6);
    expect(tp.published).toBe(6);
    expect(tp.dropped).toBe(144);
    const first = JSON.parse(sent[0]!);
    expect(first).toEqual({ tick: 0, nodes: [{ path: 'root', status: 'RUNNING' }] });
    expect(JSON.parse(sent[1]!).tick).toBe(500);
  });

  it('counts failed publishes (offline) and unserialisable payloads', () => {
    const tp = new TracePublisher({ maxHz: 10, publish: () => false });
    expect(tp.offer(0, () => ({}))).toBe(false);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(tp.offer(1000, () => cyclic)).toBe(false);
    expect(tp.failed).toBe(2);
  });

  it('rejects a non-positive rate', () => {
    expect(() => new TracePublisher({ maxHz: 0, publish: () => true })).toThrow('TracePublisher: maxHz must be a finite number > 0, got 0');
  });
});

describe('blackboardSnapshot', () => {
  it('reports value, source, age and staleness of every key', () => {
    const clock = new VirtualClock(10_000);
    const bb = new Blackboard({ clock });
    bb.set('human/ready', true, { source: 'planner:assume', maxAgeMs: Infinity });
    bb.set('affect/h1', { frustration: 0.7 }, { source: 'mqtt:affect', timestamp: 9_000, maxAgeMs: 800 });
    bb.set('pacing', { speedScale: 0.6 }, { source: 'root/SlowHandover', maxAgeMs: 5_000 });
    clock.advance(100);
    const snap = blackboardSnapshot(bb, clock.now());
    expect(snap).toEqual([
      { key: 'human/ready', value: true, source: 'planner:assume', ageMs: 100, maxAgeMs: null, stale: false },
      { key: 'affect/h1', value: { frustration: 0.7 }, source: 'mqtt:affect', ageMs: 1100, maxAgeMs: 800, stale: true },
      { key: 'pacing', value: { speedScale: 0.6 }, source: 'root/SlowHandover', ageMs: 100, maxAgeMs: 5000, stale: false },
    ]);
  });

  it('truncates large values so one key cannot blow up the trace', () => {
    const bb = new Blackboard({ clock: new VirtualClock(0) });
    bb.set('big', { list: Array.from({ length: 1000 }, (_, i) => i) }, { source: 't' });
    const [e] = blackboardSnapshot(bb, 0);
    expect(typeof e!.value).toBe('string');
    expect(e!.value as string).toMatch(/^\{"list":\[0,1,2,.*… \(\d+ chars\)$/);
    expect((e!.value as string).length).toBeLessThan(2100);
  });
});

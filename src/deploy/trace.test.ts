import { describe, it, expect } from 'vitest';
import { TracePublisher } from './trace.ts';

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

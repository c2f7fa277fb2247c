// Unit tests of the live-loop figures (fps, drops, CPU per frame, latency percentiles).
import { describe, it, expect } from 'vitest';
import { formatLoopReport, LoopStats, processCpuMs } from './loop-stats.ts';

describe('LoopStats', () => {
  it('reports latency percentiles and counters per window and for the whole run', () => {
    const src = { decoded: 0, delivered: 0, dropped: 0, restarts: 0, stalls: 0 };
    const stats = new LoopStats(() => src);
    for (let i = 1; i <= 100; i++) stats.frame(i);
    Object.assign(src, { decoded: 120, dropped: 20 });
    const w = stats.report();
    expect(w.frames).toBe(100);
    expect(w.latencyP50Ms).toBe(51);
    expect(w.latencyP99Ms).toBe(100);
    expect(w.fps).toBeGreaterThan(0);
    expect(w.cpuMsPerFrame).toBeGreaterThanOrEqual(0);
    expect(w.decoderCpuMsPerFrame).toBeNull(); // no decoder process followed
    stats.frame(500);
    const w2 = stats.report();
    expect(w2.frames).toBe(1);
    expect(w2.latencyP50Ms).toBe(500);
    expect(stats.total().frames).toBe(101);
    expect(formatLoopReport(w)).toMatch(/^processed 100 frames \([\d.]+ fps\), decoded 120, dropped 20, CPU [\d.]+ ms\/frame, latency p50 51\.0 ms p99 100\.0 ms$/);
    expect(formatLoopReport({ ...w, restarts: 1, stalls: 2, decoderCpuMsPerFrame: 1.25 })).toContain('dropped 20, 1 restart, 2 stalls, CPU');
    expect(formatLoopReport(new LoopStats(() => src).report())).toContain('latency p50 n/a ms');
  });

  it('reads a process CPU time from /proc, null when the process does not exist', () => {
    let x = 0;
    for (let i = 0; i < 5e6; i++) x += Math.sqrt(i); // burn a little CPU
    expect(x).toBeGreaterThan(0);
    expect(processCpuMs(process.pid)).toBeGreaterThan(0);
    expect(processCpuMs(2 ** 30)).toBeNull();
  });
});

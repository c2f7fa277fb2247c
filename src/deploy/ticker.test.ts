import { describe, it, expect } from 'vitest';
import { Ticker } from './ticker.ts';

function busy(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end);
}

describe('Ticker', () => {
  it('ticks at the configured rate and reports durations', async () => {
    const durations: number[] = [];
    const t = new Ticker({ rateHz: 100, tick: () => {}, onTick: (ms) => durations.push(ms) });
    t.start();
    await new Promise((r) => setTimeout(r, 300));
    t.stop();
    expect(t.ticks).toBeGreaterThanOrEqual(20);
    expect(t.ticks).toBeLessThanOrEqual(32);
    expect(durations).toHaveLength(t.ticks);
  });

  it('counts a slow tick as an overrun and skips missed slots instead of bunching', async () => {
    let n = 0;
    const t = new Ticker({ rateHz: 100, tick: () => { if (n++ === 2) busy(45); } });
    t.start();
    await new Promise((r) => setTimeout(r, 150));
    t.stop();
    expect(t.overruns).toBeGreaterThanOrEqual(1);
    expect(t.slowTicks).toBeGreaterThanOrEqual(1);
    expect(t.skipped).toBeGreaterThanOrEqual(3);
  });

  it('keeps ticking after a tick throws and reports the error', async () => {
    const errors: unknown[] = [];
    let n = 0;
    const t = new Ticker({ rateHz: 200, tick: () => { if (n++ === 0) throw new Error('boom'); }, onError: (e) => errors.push(e) });
    t.start();
    await new Promise((r) => setTimeout(r, 50));
    t.stop();
    expect((errors[0] as Error).message).toBe('boom');
    expect(t.ticks).toBeGreaterThan(2);
  });

  it('runs no tick after stop', async () => {
    const t = new Ticker({ rateHz: 100, tick: () => {} });
    t.start();
    await new Promise((r) => setTimeout(r, 30));
    t.stop();
    const n = t.ticks;
    await new Promise((r) => setTimeout(r, 50));
    expect(t.ticks).toBe(n);
    expect(t.isRunning).toBe(false);
  });

  it('rejects a bad rate', () => {
    expect(() => new Ticker({ rateHz: 0, tick: () => {} })).toThrow('Ticker: rateHz must be a finite number > 0, got 0');
  });
});

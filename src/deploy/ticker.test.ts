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

describe('Ticker deadlines (nextWakeInMs)', () => {
  it('runs one extra tick at a deadline between grid slots, then keeps the grid', async () => {
    const times: number[] = [];
    let start = 0;
    let deadline = Infinity;
    const t = new Ticker({
      rateHz: 2, // grid slots 500 ms apart
      tick: () => {
        const now = performance.now();
        if (times.length === 0) {
          start = now;
          deadline = now + 120;
        }
        times.push(now - start);
      },
      nextWakeInMs: () => (performance.now() < deadline ? deadline - performance.now() : undefined),
    });
    t.start();
    const end = Date.now() + 5000;
    while (times.length < 3 && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
    t.stop();
    expect(times.length).toBeGreaterThanOrEqual(3);
    expect(times[1]!).toBeGreaterThanOrEqual(119);
    expect(times[1]!).toBeLessThan(450); // well before the next grid slot at 500 ms
    expect(times[2]!).toBeGreaterThanOrEqual(450); // then the grid slot (500 ms after the loop started)
    expect(t.wakeups).toBe(1);
  });

  it('ignores deadlines that are already due (no busy loop) and ones after the next slot', async () => {
    let n = 0;
    const t = new Ticker({ rateHz: 20, tick: () => n++, nextWakeInMs: () => (n % 2 === 0 ? -5 : 10_000) });
    t.start();
    await new Promise((r) => setTimeout(r, 240));
    t.stop();
    expect(n).toBeLessThanOrEqual(7); // ~5 grid ticks in 240 ms at 20 Hz, none extra
    expect(t.wakeups).toBe(0);
  });
});

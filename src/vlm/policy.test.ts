import { describe, expect, it } from 'vitest';
import { CircuitBreaker, CostBudget, costUsd, DEFAULT_TRIGGERS, evaluateTriggers, GEMINI_25_FLASH_PRICE, SlidingWindowCounter, VerdictCache } from './policy.ts';
import { syntheticSession } from './synthetic.ts';
import type { TriggerKind } from './types.ts';

describe('SlidingWindowCounter', () => {
  it('allows `limit` events per window and frees slots as they age out', () => {
    const c = new SlidingWindowCounter(60_000, 2);
    c.add(0);
    c.add(10_000);
    expect(c.available(59_999)).toBe(false);
    expect(c.available(60_000)).toBe(true);
    expect(c.count(70_000)).toBe(0);
  });
  it('rejects bad parameters with the values', () => {
    expect(() => new SlidingWindowCounter(0, 1)).toThrow('windowMs must be > 0 and limit ≥ 0, got 0, 1');
  });
});

describe('CostBudget', () => {
  it('prices tokens at Gemini 2.5 Flash list price', () => {
    expect(costUsd({ inputTokens: 1_000_000, outputTokens: 0 }, GEMINI_25_FLASH_PRICE)).toBeCloseTo(0.3, 9);
    expect(costUsd({ inputTokens: 1200, outputTokens: 60 }, GEMINI_25_FLASH_PRICE)).toBeCloseTo(0.00051, 9);
  });
  it('blocks when the rolling hour is spent and frees when it rolls', () => {
    const b = new CostBudget(0.01);
    b.record(0, 0.006);
    b.record(1000, 0.004);
    expect(b.allows(2000, 0.0001)).toBe(false);
    expect(b.allows(3_600_000, 0.0061)).toBe(false); // the 0.006 at t=0 rolled out, the 0.004 at t=1000 has not
    expect(b.allows(3_600_000, 0.006)).toBe(true);
    expect(b.spentUsd(3_600_001)).toBeCloseTo(0.004, 9);
    expect(b.allows(3_601_000, 0.0099)).toBe(true);
  });
});

describe('CircuitBreaker', () => {
  it('opens after K consecutive failures, half-opens after the cool-down with one probe, closes on success', () => {
    const br = new CircuitBreaker(3, 10_000);
    br.failure(0);
    br.failure(1);
    expect(br.state(2)).toBe('closed');
    br.success(); // resets the count
    br.failure(3);
    br.failure(4);
    br.failure(5);
    expect(br.state(6)).toBe('open');
    expect(br.canCall(10_004)).toBe(false);
    expect(br.state(10_005)).toBe('half_open');
    expect(br.tryAcquire(10_005)).toBe(true);
    expect(br.tryAcquire(10_006)).toBe(false); // one probe only
    br.success();
    expect(br.state(10_007)).toBe('closed');
    expect(br.opens).toBe(1);
  });
  it('re-opens when the half-open probe fails', () => {
    const br = new CircuitBreaker(1, 1000);
    br.failure(0);
    expect(br.tryAcquire(1000)).toBe(true);
    br.failure(1000);
    expect(br.state(1500)).toBe('open');
    expect(br.state(2000)).toBe('half_open');
    expect(br.opens).toBe(2);
  });
});

describe('VerdictCache', () => {
  it('expires after the TTL and evicts the least recently used', () => {
    const c = new VerdictCache<number>(2, 1000);
    c.set('a', 1, 0);
    c.set('b', 2, 0);
    expect(c.get('a', 10)).toBe(1); // a is now most recent
    c.set('c', 3, 20);
    expect(c.get('b', 30)).toBeUndefined();
    expect(c.get('a', 1000)).toBe(1);
    expect(c.get('a', 1001)).toBeUndefined();
  });
});

describe('evaluateTriggers', () => {
  const frames = syntheticSession({ seed: 3, durationMs: 30_000 });
  const base = frames[0]!;
  const out: TriggerKind[] = [];
  it('fires on low confidence, concentration conflict, rare label and a recent failure', () => {
    const f = { ...base.fused, confidence: 0.2, concentration: true, label: 'fearful' as const };
    const ctx = { ...base.context, lastHandover: 'drop' as const, lastHandoverAt: f.t - 1000 };
    expect(evaluateTriggers(f, ctx, DEFAULT_TRIGGERS, out)).toEqual(['low_confidence', 'context_conflict', 'rare_label', 'task_failure']);
  });
  it('fires on a furrowed brow while working even without the estimator flag', () => {
    const f = { ...base.fused, confidence: 0.9, label: 'angry' as const, concentration: false, estimate: { ...base.fused.estimate, cues: { furrowedBrow: 0.7 } } };
    expect(evaluateTriggers(f, { ...base.context, workingOnTask: true }, DEFAULT_TRIGGERS, out)).toEqual(['context_conflict']);
    expect(evaluateTriggers(f, { ...base.context, workingOnTask: false }, DEFAULT_TRIGGERS, out)).toEqual([]);
  });
  it('ignores a success and an old failure', () => {
    const f = { ...base.fused, confidence: 0.9, label: 'neutral' as const, concentration: false };
    expect(evaluateTriggers(f, { ...base.context, lastHandover: 'success', lastHandoverAt: f.t }, DEFAULT_TRIGGERS, out)).toEqual([]);
    expect(evaluateTriggers(f, { ...base.context, lastHandover: 'drop', lastHandoverAt: f.t - 3001 }, DEFAULT_TRIGGERS, out)).toEqual([]);
  });
});

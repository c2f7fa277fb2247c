/**
 * Escalation limits end to end (Escalator + real SDK + fake Gemini server): budget,
 * circuit breaker, scene cache, rate limit, late verdicts, and "no key → no calls".
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { GeminiProvider, geminiFromEnv } from '../src/vlm/gemini.ts';
import { DEFAULT_ANSWER, startFakeGeminiServer, type FakeGeminiServer } from './support/fake-gemini-server.ts';
import { ambiguousFrames, escalateOnce, testEscalator } from './support/vlm-fixtures.ts';

let srv: FakeGeminiServer;
const T0 = Date.UTC(2026, 0, 1);
/** Different scenes (different seeds) at increasing times, so the cache does not interfere. */
const scene = (i: number, at = T0 + i * 10_000) => ambiguousFrames(100 + i, at, i + 1);

function provider(): GeminiProvider {
  return new GeminiProvider({ apiKey: 'test-key', baseUrl: srv.baseUrl, attempts: 1 });
}

beforeAll(async () => {
  srv = await startFakeGeminiServer();
});
afterAll(async () => srv.close());
beforeEach(() => {
  srv.requests.length = 0;
  // 1000 in + 100 out at $0.30/$2.50 per MTok = $0.00055 per call
  srv.setFallback({ kind: 'answer', answer: DEFAULT_ANSWER, usage: { promptTokenCount: 1000, candidatesTokenCount: 100 } });
});

describe('cost budget', () => {
  it('stops calling when the hourly budget is spent, and resumes when the window rolls', async () => {
    const { esc, clock } = testEscalator({ provider: provider(), budgetUsdPerHour: 0.0015, cooldownMs: 0, callsPerMinute: 100 });
    expect(await escalateOnce(esc, clock, scene(0))).toBe(true);
    expect(await escalateOnce(esc, clock, scene(1))).toBe(true);
    expect(esc.spentUsd()).toBeCloseTo(0.0011, 9);
    // Third scene: every frame is refused for budget, the server sees nothing.
    expect(await escalateOnce(esc, clock, scene(2))).toBe(false);
    expect(srv.requests).toHaveLength(2);
    expect(esc.stats().skipped.over_budget).toBe(scene(2).length);
    // An hour after the first call the window has rolled.
    const later = T0 + 3_600_000 + 1;
    expect(await escalateOnce(esc, clock, scene(3, later))).toBe(true);
    expect(srv.requests).toHaveLength(3);
  });
});

describe('circuit breaker', () => {
  it('opens after K failures (no requests while open), half-opens after the cool-down and closes on a good probe', async () => {
    srv.setFallback({ kind: 'status', status: 500 });
    const { esc, clock } = testEscalator({ provider: provider(), breakerFailures: 2, breakerOpenMs: 30_000, cooldownMs: 0, cacheSize: 0 });
    await escalateOnce(esc, clock, scene(0));
    await escalateOnce(esc, clock, scene(1));
    expect(esc.stats()).toMatchObject({ breaker: 'open', breakerOpens: 1, errors: { server: 2 } });
    expect(await escalateOnce(esc, clock, scene(2, T0 + 25_000))).toBe(false);
    expect(esc.stats().skipped.breaker_open).toBeGreaterThan(0);
    expect(srv.requests).toHaveLength(2);
    // Cool-down over (the second failure was at T0+10 000): half-open, one probe.
    srv.setFallback({ kind: 'answer', answer: DEFAULT_ANSWER });
    expect(await escalateOnce(esc, clock, scene(3, T0 + 40_000))).toBe(true);
    expect(esc.stats()).toMatchObject({ breaker: 'closed', merged: 1 });
    expect(srv.requests).toHaveLength(3);
  });

  it('re-opens when the half-open probe fails', async () => {
    srv.setFallback({ kind: 'status', status: 503 });
    const { esc, clock } = testEscalator({ provider: provider(), breakerFailures: 1, breakerOpenMs: 5_000, cooldownMs: 0 });
    await escalateOnce(esc, clock, scene(0));
    expect(esc.stats().breaker).toBe('open');
    await escalateOnce(esc, clock, scene(1)); // T0+10 000: half-open probe, fails again
    expect(esc.stats()).toMatchObject({ breaker: 'open', breakerOpens: 2, errors: { server: 2 } });
  });
});

describe('scene cache', () => {
  it('the same scene again costs no HTTP request and still publishes the verdict', async () => {
    const { esc, clock, published } = testEscalator({ provider: provider(), cooldownMs: 0 });
    await escalateOnce(esc, clock, ambiguousFrames(5, T0));
    await escalateOnce(esc, clock, ambiguousFrames(5, T0 + 10_000)); // same scene, 10 s later
    expect(srv.requests).toHaveLength(1);
    expect(esc.stats()).toMatchObject({ calls: 1, cacheHits: 1, merged: 2 });
    expect(published).toHaveLength(2);
    // The cached verdict is about the new moment, not the old one.
    expect(published[1]!.observedAt).toBe(ambiguousFrames(5, T0 + 10_000)[0]!.fused.estimate.observedAt);
  });
});

describe('rate limit', () => {
  it('allows callsPerMinute calls, then refuses until the minute rolls', async () => {
    const { esc, clock } = testEscalator({ provider: provider(), callsPerMinute: 2, cooldownMs: 0 });
    expect(await escalateOnce(esc, clock, scene(0, T0))).toBe(true);
    expect(await escalateOnce(esc, clock, scene(1, T0 + 5_000))).toBe(true);
    expect(await escalateOnce(esc, clock, scene(2, T0 + 10_000))).toBe(false);
    expect(esc.stats().skipped.rate_limited).toBeGreaterThan(0);
    expect(await escalateOnce(esc, clock, scene(3, T0 + 60_001))).toBe(true);
    expect(srv.requests).toHaveLength(3);
  });
});

describe('HTTP 429 back-off', () => {
  it("after a final 429, no calls for the server's retryDelay, then calls resume", async () => {
    srv.setFallback({ kind: 'status', status: 429, retryDelay: '20s' });
    const { esc, clock } = testEscalator({ provider: provider(), cooldownMs: 0, breakerFailures: 10 });
    expect(await escalateOnce(esc, clock, scene(0, T0))).toBe(true);
    expect(esc.stats().errors).toEqual({ rate_limited: 1 });
    expect(await escalateOnce(esc, clock, scene(1, T0 + 10_000))).toBe(false); // paused until T0+20 s
    expect(srv.requests).toHaveLength(1);
    srv.setFallback({ kind: 'answer', answer: DEFAULT_ANSWER });
    expect(await escalateOnce(esc, clock, scene(2, T0 + 21_000))).toBe(true);
    expect(esc.stats()).toMatchObject({ merged: 1 });
  });
});

describe('late verdicts', () => {
  it('a verdict about a moment older than the newest local estimate by more than the bound is discarded', async () => {
    srv.setFallback({ kind: 'answer', answer: DEFAULT_ANSWER, delayMs: 300 });
    const { esc, clock, published } = testEscalator({ provider: provider(), merge: { lateBoundMs: 1000 } });
    const frames = scene(0);
    let i = 0;
    for (; i < frames.length; i++) if (esc.offer(frames[i]!.fused, frames[i]!.context) === 'escalated') break;
    // While the call is in flight the local estimator moves on by 2 s.
    const later = scene(1, frames[i]!.fused.t + 2000);
    for (const f of later.slice(0, 3)) {
      clock.set(f.fused.t);
      esc.offer(f.fused, f.context);
    }
    await esc.idle();
    expect(esc.stats()).toMatchObject({ verdicts: 1, late: 1, merged: 0 });
    expect(published).toHaveLength(0);
  });
});

describe('no key', () => {
  it('geminiFromEnv without GEMINI_API_KEY / GOOGLE_API_KEY gives null; escalation is off and nothing is sent', async () => {
    expect(geminiFromEnv({})).toBeNull();
    expect(geminiFromEnv({ GOOGLE_API_KEY: 'k' })?.model).toBe('gemini-2.5-flash');
    expect(geminiFromEnv({ GEMINI_API_KEY: 'k', GOOGLE_API_KEY: 'g' }, { model: 'gemini-2.5-flash-lite' })?.model).toBe('gemini-2.5-flash-lite');
    const { esc, clock, published } = testEscalator({ provider: geminiFromEnv({}) });
    expect(esc.mode).toBe('off');
    const frames = scene(0);
    expect(await escalateOnce(esc, clock, frames)).toBe(false);
    const local = frames.at(-1)!.fused.estimate;
    expect(esc.current(local)).toBe(local);
    expect(esc.stats()).toMatchObject({ calls: 0, escalations: 0 });
    expect(esc.stats().skipped.off).toBe(frames.length);
    expect(published).toHaveLength(0);
    expect(srv.requests).toHaveLength(0);
  });
});

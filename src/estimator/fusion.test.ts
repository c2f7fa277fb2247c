// Unit tests of the pure temporal + context fuser (no images, no ONNX).
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { Value } from '@sinclair/typebox/value';
import { FormatRegistry } from '@sinclair/typebox';
import { AffectEstimateSchema } from '../contract/affect.ts';
import { createAffectFuser, valenceArousal, furrowedBrow, NEUTRAL_CONTEXT } from './fusion.ts';
import type { FusedEstimate, TaskContext } from './types.ts';

const NEUTRAL = [0.9, 0.02, 0.02, 0.02, 0.01, 0.01, 0.02];
const ANGRY = [0.05, 0.0, 0.05, 0.8, 0.0, 0.1, 0.0];
const HAPPY = [0.05, 0.9, 0.01, 0.01, 0.01, 0.01, 0.01];
const T0 = Date.UTC(2026, 0, 1);
if (!FormatRegistry.Has('date-time')) FormatRegistry.Set('date-time', (v) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/.test(v));

function feed(fuser: ReturnType<typeof createAffectFuser>, p: number[] | null, from: number, ms: number, ctx: TaskContext, dt = 33): FusedEstimate[] {
  const out: FusedEstimate[] = [];
  for (let t = from; t < from + ms; t += dt) out.push(fuser.push({ t: T0 + t, probabilities: p }, ctx));
  return out;
}

describe('valence/arousal mapping', () => {
  it('maps pure classes to their circumplex coordinates', () => {
    expect(valenceArousal([0, 1, 0, 0, 0, 0, 0])).toEqual({ valence: 0.8, arousal: 0.5 });
    expect(valenceArousal([1, 0, 0, 0, 0, 0, 0])).toEqual({ valence: 0, arousal: 0 });
    expect(valenceArousal([0, 0, 0, 1, 0, 0, 0]).valence).toBeLessThan(0);
    expect(furrowedBrow([0, 0, 0, 1, 0, 0, 0])).toBe(1);
  });

  it('an uncertain (uniform) distribution carries no valence, arousal or frown', () => {
    const u = new Array(7).fill(1 / 7);
    expect(valenceArousal(u)).toEqual({ valence: 0, arousal: 0 });
    expect(furrowedBrow(u)).toBe(0);
    const soft = [0.1, 0.1, 0.1, 0.4, 0.1, 0.1, 0.1];
    const { valence, arousal } = valenceArousal(soft);
    expect(valence).toBeLessThan(0);
    expect(valence).toBeGreaterThan(-0.6);
    expect(arousal).toBeGreaterThan(0);
  });
});

describe('temporal fusion', () => {
  it('keeps and flags a 300 ms burst of disgust inside neutral', () => {
    const f = createAffectFuser();
    feed(f, NEUTRAL, 0, 2000, NEUTRAL_CONTEXT);
    const during = feed(f, [0.02, 0.01, 0.02, 0.05, 0.01, 0.88, 0.01], 2000, 300, NEUTRAL_CONTEXT);
    expect(during.some((e) => e.label === 'disgusted')).toBe(true);
    const after = feed(f, NEUTRAL, 2300, 1000, NEUTRAL_CONTEXT);
    const flagged = after.filter((e) => e.burst);
    expect(flagged).toHaveLength(1);
    expect(flagged[0]!.burst!.expression).toBe('disgusted');
    expect(flagged[0]!.burst!.durationMs).toBeGreaterThanOrEqual(250);
    expect(flagged[0]!.burst!.durationMs).toBeLessThanOrEqual(500);
    expect(flagged[0]!.estimate.cues?.burst?.expression).toBe('disgusted');
    expect(f.stats.bursts).toBe(1);
  });

  it('damps a single-frame glitch and flags no burst', () => {
    const f = createAffectFuser();
    feed(f, NEUTRAL, 0, 1000, NEUTRAL_CONTEXT);
    const glitch = f.push({ t: T0 + 1000, probabilities: ANGRY }, NEUTRAL_CONTEXT);
    expect(glitch.label).toBe('neutral');
    const after = feed(f, NEUTRAL, 1033, 1000, NEUTRAL_CONTEXT);
    expect(after.some((e) => e.burst)).toBe(false);
  });

  it('does not call a sustained change a burst', () => {
    const f = createAffectFuser();
    feed(f, NEUTRAL, 0, 1000, NEUTRAL_CONTEXT);
    const all = feed(f, HAPPY, 1000, 3000, NEUTRAL_CONTEXT);
    expect(all.at(-1)!.label).toBe('happy');
    expect(all.some((e) => e.burst)).toBe(false);
  });
});

describe('context fusion', () => {
  it('a frown while working is concentration, not frustration', () => {
    const f = createAffectFuser();
    const ctx: TaskContext = { consecutiveFailures: 0, retries: 0, waitingMs: 500, workingOnTask: true };
    const last = feed(f, ANGRY, 0, 4000, ctx).at(-1)!;
    expect(last.concentration).toBe(true);
    expect(last.estimate.expression).toBe('focused');
    expect(last.frustration).toBeLessThan(0.25);
    expect(last.estimate.cues?.workingOnTask).toBe(true);
  });

  it('a frown after two failed handovers and a wait is frustration', () => {
    const f = createAffectFuser();
    const ctx: TaskContext = { lastHandover: 'drop', lastHandoverAt: T0, consecutiveFailures: 2, retries: 1, waitingMs: 6000, workingOnTask: true };
    const last = feed(f, ANGRY, 0, 4000, ctx).at(-1)!;
    expect(last.concentration).toBe(false);
    expect(last.estimate.expression).toBe('frustrated');
    expect(last.frustration).toBeGreaterThan(0.6);
  });

  it('frustration needs persistence: a short frown barely raises it, and it decays', () => {
    const f = createAffectFuser();
    const short = feed(f, ANGRY, 0, 300, NEUTRAL_CONTEXT).at(-1)!;
    expect(short.frustration).toBeLessThan(0.2);
    const long = feed(f, ANGRY, 300, 5000, NEUTRAL_CONTEXT).at(-1)!;
    expect(long.frustration).toBeGreaterThan(0.4);
    const later = feed(f, HAPPY, 5300, 10000, NEUTRAL_CONTEXT).at(-1)!;
    expect(later.frustration).toBeLessThan(long.frustration / 2);
  });

  it('no face for over a second gives unknown with zero confidence', () => {
    const f = createAffectFuser();
    feed(f, HAPPY, 0, 500, NEUTRAL_CONTEXT);
    const last = feed(f, null, 500, 1600, NEUTRAL_CONTEXT).at(-1)!;
    expect(last.estimate.expression).toBe('unknown');
    expect(last.estimate.confidence).toBe(0);
  });
});

describe('bad input', () => {
  it('counts bad frames with a clear reason and keeps the last good state', () => {
    const f = createAffectFuser();
    feed(f, HAPPY, 0, 500, NEUTRAL_CONTEXT);
    const bad = f.push({ t: T0 + 500, probabilities: [1, 2, 3], frameId: 'cam/17.jpg' }, NEUTRAL_CONTEXT);
    expect(f.stats.rejected).toBe(1);
    expect(f.stats.lastError).toMatch(/cam\/17\.jpg: probabilities must have 7 entries.*got 3/);
    expect(bad.label).toBe('happy');
    f.push({ t: T0 + 100, probabilities: HAPPY }, NEUTRAL_CONTEXT);
    expect(f.stats.lastError).toMatch(/before the previous frame/);
  });

  it('always emits a schema-valid estimate, whatever the input', () => {
    const prob = fc.oneof(
      fc.constant(null),
      fc.array(fc.oneof(fc.double({ min: 0, max: 1, noNaN: true }), fc.constant(Number.NaN), fc.constant(-1)), { minLength: 0, maxLength: 9 }),
    );
    const ctx = fc.record({
      consecutiveFailures: fc.integer({ min: 0, max: 5 }),
      retries: fc.integer({ min: 0, max: 5 }),
      waitingMs: fc.integer({ min: 0, max: 60_000 }),
      workingOnTask: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 200 }), prob, ctx), { minLength: 1, maxLength: 40 }), (frames) => {
        const f = createAffectFuser();
        let t = T0;
        for (const [dt, p, c] of frames) {
          t += dt;
          const out = f.push({ t, probabilities: p }, c);
          expect(Value.Check(AffectEstimateSchema, out.estimate)).toBe(true);
          expect(Math.abs(out.probabilities.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-5);
        }
      }),
      { numRuns: 200 },
    );
  });
});

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { VirtualClock } from '../core/clock.ts';
import type { AffectEstimate } from '../contract/affect.ts';
import { Escalator } from './escalator.ts';
import type { VlmAnswer } from './schema.ts';
import { syntheticSession, type SyntheticFrame } from './synthetic.ts';
import { VlmError, type VlmProvider, type VlmRequest, type VlmVerdict } from './types.ts';

const T0 = Date.UTC(2026, 0, 1);
const FOCUSED: VlmAnswer = { label: 'focused', valence: 0.1, arousal: 0.2, frustration: 0.1, confidence: 0.9 };

/** An in-process provider that answers from a script (the escalator is what is under test). */
class ScriptedProvider implements VlmProvider {
  readonly name = 'scripted';
  readonly model = 'scripted-1';
  readonly requests: VlmRequest[] = [];
  constructor(private readonly answer: (n: number) => VlmAnswer | VlmError | 'hang' = () => FOCUSED) {}
  analyse(request: VlmRequest, signal: AbortSignal): Promise<VlmVerdict> {
    this.requests.push(request);
    const a = this.answer(this.requests.length);
    if (a === 'hang') {
      return new Promise((_, reject) => signal.addEventListener('abort', () => reject(new VlmError('aborted', 'aborted'))));
    }
    if (a instanceof VlmError) return Promise.reject(a);
    return Promise.resolve({ answer: a, usage: { inputTokens: 1000, outputTokens: 100 }, latencyMs: 1, model: this.model });
  }
}

/** Frames where every frame triggers (low confidence), starting at `at`. */
function lowConf(at: number, ms = 2001, seed = 1): SyntheticFrame[] {
  return syntheticSession({ seed, durationMs: ms, startMs: at }).map((f) => ({
    fused: { ...f.fused, confidence: 0.1, estimate: { ...f.fused.estimate, confidence: 0.1 } },
    context: { ...f.context, lastHandover: undefined, consecutiveFailures: 0 },
  }));
}

async function feed(esc: Escalator, clock: VirtualClock, frames: SyntheticFrame[]): Promise<void> {
  for (const f of frames) {
    if (f.fused.t > clock.now()) clock.set(f.fused.t);
    if (esc.offer(f.fused, f.context) === 'escalated') await esc.idle();
  }
}

describe('Escalator', () => {
  it('holds a trigger for minTriggerMs, then escalates once per cooldown', async () => {
    const clock = new VirtualClock(T0);
    const p = new ScriptedProvider();
    const esc = new Escalator({ clock, provider: p, minTriggerMs: 300, cooldownMs: 5000 });
    const frames = lowConf(T0, 8001);
    const decisions = [];
    for (const f of frames) {
      clock.set(f.fused.t);
      const d = esc.offer(f.fused, f.context);
      decisions.push(d);
      if (d === 'escalated') await esc.idle();
    }
    const first = decisions.indexOf('escalated');
    expect(frames[first]!.fused.t - T0).toBeGreaterThanOrEqual(300);
    expect(decisions.slice(0, first).every((d) => d === 'pending')).toBe(true);
    expect(decisions.filter((d) => d === 'escalated')).toHaveLength(2); // at ~0.3 s and ~5.3 s
    expect(p.requests).toHaveLength(2);
  });

  it('the VLM overlay is published, then yields to a confident, different local estimate, and expires after maxAgeMs', async () => {
    const clock = new VirtualClock(T0);
    const published: AffectEstimate[] = [];
    const esc = new Escalator({ clock, provider: new ScriptedProvider(), minTriggerMs: 0, onEstimate: (e) => published.push(e) });
    const frames = lowConf(T0);
    await feed(esc, clock, frames.slice(0, 1));
    expect(published).toHaveLength(1);
    const local = frames[1]!.fused.estimate;
    expect(esc.current(local)).toBe(published[0]);
    const confidentHappy: AffectEstimate = { ...local, expression: 'happy', confidence: 0.9 };
    expect(esc.current(confidentHappy)).toBe(confidentHappy);
    expect(esc.current(local)).toBe(local); // the overlay is gone for good
    // expiry
    const esc2 = new Escalator({ clock, provider: new ScriptedProvider(), minTriggerMs: 0 });
    const later = lowConf(T0 + 60_000);
    await feed(esc2, clock, later.slice(0, 1));
    expect(esc2.current(local).source).toBe('vlm');
    clock.set(later[0]!.fused.t + 8001);
    expect(esc2.current(local)).toBe(local);
  });

  it('an "uncertain" answer publishes nothing; a throwing onEstimate is counted, not fatal', async () => {
    const clock = new VirtualClock(T0);
    const esc = new Escalator({ clock, provider: new ScriptedProvider(() => ({ ...FOCUSED, label: 'uncertain' })), minTriggerMs: 0 });
    await feed(esc, clock, lowConf(T0).slice(0, 1));
    expect(esc.stats()).toMatchObject({ verdicts: 1, uncertain: 1, merged: 0 });
    const esc2 = new Escalator({
      clock,
      provider: new ScriptedProvider(),
      minTriggerMs: 0,
      onEstimate: () => {
        throw new Error('publisher down');
      },
    });
    await feed(esc2, clock, lowConf(T0 + 10_000).slice(0, 1));
    expect(esc2.stats()).toMatchObject({ merged: 1, errors: { compose: 1 } });
  });

  it('close() aborts a hanging call without counting a breaker failure', async () => {
    const clock = new VirtualClock(T0);
    const esc = new Escalator({ clock, provider: new ScriptedProvider(() => 'hang'), minTriggerMs: 0, breakerFailures: 1 });
    const f = lowConf(T0)[0]!;
    expect(esc.offer(f.fused, f.context)).toBe('escalated');
    await new Promise((r) => setTimeout(r, 20));
    await esc.close();
    expect(esc.stats()).toMatchObject({ errors: { aborted: 1 }, breaker: 'closed' });
    expect(esc.offer(f.fused, f.context)).toBe('off');
  });

  it('rejects invalid options with the option name and value', () => {
    expect(() => new Escalator({ clock: new VirtualClock(0), callsPerMinute: -1 })).toThrow('Escalator: option callsPerMinute must be a finite number ≥ 0, got -1');
  });

  it('never exceeds callsPerMinute in any 60 s window, whatever the trigger pattern (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ gapMs: fc.integer({ min: 1, max: 20_000 }), lenMs: fc.integer({ min: 100, max: 3000 }) }), { minLength: 1, maxLength: 12 }),
        fc.integer({ min: 1, max: 4 }),
        async (bursts, perMinute) => {
          const clock = new VirtualClock(T0);
          const p = new ScriptedProvider();
          const esc = new Escalator({ clock, provider: p, minTriggerMs: 0, cooldownMs: 0, callsPerMinute: perMinute, cacheSize: 0, budgetUsdPerHour: 100 });
          let at = T0;
          const callTimes: number[] = [];
          for (const [i, b] of bursts.entries()) {
            at += b.gapMs;
            for (const f of lowConf(at, b.lenMs, i + 1)) {
              clock.set(Math.max(clock.now(), f.fused.t));
              if (esc.offer(f.fused, f.context) === 'escalated') {
                callTimes.push(clock.now());
                await esc.idle();
              }
            }
            at += b.lenMs;
          }
          for (const t of callTimes) {
            const inWindow = callTimes.filter((u) => u > t - 60_000 && u <= t).length;
            if (inWindow > perMinute) return false;
          }
          return p.requests.length === callTimes.length;
        },
      ),
      { numRuns: 40 },
    );
  });
});

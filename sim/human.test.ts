import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { Value } from '@sinclair/typebox/value';
import { HumanModel, type HumanTraits } from './human.ts';
import { HumanParamsSchema, type HumanParams } from './params.ts';
import { Rng } from './rng.ts';
import type { ApologyJudgement } from './judge.ts';

const DEFAULTS = Value.Default(HumanParamsSchema, {}) as HumanParams;
const TRAITS: HumanTraits = { patience: 0.5, expressiveness: 0.7, catchSkill: 0.8, habitualFrown: 0 };
const FRAME = 100;

type Step = { delayed: boolean; movingSpeed: number; event: 'none' | 'success' | 'drop' | 'timeout' | 'human_not_ready' | 'wrong_target' | 'task' | ApologyJudgement };
const stepArb = fc.record({
  delayed: fc.boolean(),
  movingSpeed: fc.constantFrom(0, 0.3, 0.6, 1),
  event: fc.constantFrom<Step['event']>('none', 'none', 'none', 'none', 'success', 'drop', 'timeout', 'human_not_ready', 'wrong_target', 'task', 'congruent', 'mistoned', 'incongruent', 'repeat'),
});

function apply(h: HumanModel, s: Step, t: number): void {
  h.advance(t, { delayed: s.delayed, movingSpeed: s.movingSpeed });
  if (s.event === 'task') h.onTaskFailed();
  else if (s.event === 'congruent' || s.event === 'mistoned' || s.event === 'incongruent' || s.event === 'repeat') h.onApology(s.event, s.event === 'mistoned' ? 0.5 : 1);
  else if (s.event !== 'none') h.onHandover(s.event);
  h.frame();
}

describe('HumanModel', () => {
  it('property: concentration frowns never raise felt frustration (same person, same events, with vs without side tasks)', () => {
    const busy: HumanParams = { ...DEFAULTS, sideTask: { ...DEFAULTS.sideTask, ratePerMin: 20, meanDurationS: 20 } };
    fc.assert(
      fc.property(fc.array(stepArb, { minLength: 1, maxLength: 300 }), fc.string({ maxLength: 6 }), (steps, seed) => {
        const a = new HumanModel(busy, new Rng(seed), 0, TRAITS);
        const b = new HumanModel(DEFAULTS, new Rng(seed), 0, TRAITS);
        let t = 0;
        for (const s of steps) {
          t += FRAME;
          apply(a, s, t);
          apply(b, s, t);
          if (a.frustration > b.frustration + 1e-12) return false;
        }
        return true;
      }),
      { numRuns: 150 },
    );
  });

  it('a concentrating person who is not frustrated still reads as angry to the classifier; so does a habitual frowner', () => {
    const busy: HumanParams = { ...DEFAULTS, sideTask: { ...DEFAULTS.sideTask, ratePerMin: 60, meanDurationS: 600 } };
    const h = new HumanModel(busy, new Rng('frown'), 0, TRAITS);
    const habitual = new HumanModel(DEFAULTS, new Rng('frown'), 0, { ...TRAITS, habitualFrown: 0.8 });
    const calm = new HumanModel(DEFAULTS, new Rng('frown'), 0, TRAITS);
    let angry = 0;
    let angryHabit = 0;
    let angryCalm = 0;
    let n = 0;
    for (let t = FRAME; t < 60_000; t += FRAME) {
      h.advance(t, { delayed: false, movingSpeed: 0 });
      habitual.advance(t, { delayed: false, movingSpeed: 0 });
      calm.advance(t, { delayed: false, movingSpeed: 0 });
      const c = h.frame();
      angryHabit += habitual.frame().probabilities[3]!;
      angryCalm += calm.frame().probabilities[3]!;
      if (h.concentrating) {
        angry += c.probabilities[3]!;
        n++;
        expect(h.frustration).toBe(0);
      }
    }
    expect(n).toBeGreaterThan(100);
    expect(angry / n).toBeGreaterThan(0.3);
    expect(habitual.frustration).toBe(0);
    expect(angryHabit).toBeGreaterThan(3 * angryCalm);
  });

  it('property: felt frustration stays in [0, 1] and valence/arousal in [-1, 1]', () => {
    fc.assert(
      fc.property(fc.array(stepArb, { maxLength: 300 }), (steps) => {
        const h = new HumanModel(DEFAULTS, new Rng('b'), 0, TRAITS);
        let t = 0;
        for (const s of steps) {
          t += FRAME;
          apply(h, s, t);
          if (!(h.frustration >= 0 && h.frustration <= 1 && Math.abs(h.valence) <= 1 && Math.abs(h.arousal) <= 1)) return false;
        }
        return true;
      }),
    );
  });

  it('property: failures raise frustration (a drop most), successes and fitting apologies lower it, a mistoned one less', () => {
    fc.assert(
      fc.property(fc.double({ min: 0.2, max: 0.6, noNaN: true }), (f0) => {
        const mk = () => {
          const h = new HumanModel(DEFAULTS, new Rng('k'), 0, TRAITS);
          h.frustration = f0;
          return h;
        };
        const after = (f: (h: HumanModel) => void) => {
          const h = mk();
          f(h);
          return h.frustration;
        };
        const drop = after((h) => h.onHandover('drop'));
        const nr = after((h) => h.onHandover('human_not_ready'));
        const wrong = after((h) => h.onHandover('wrong_target'));
        const ok = after((h) => h.onHandover('success'));
        const congruent = after((h) => h.onApology('congruent', 1));
        const mistoned = after((h) => h.onApology('mistoned', 0.5));
        const spam = after((h) => h.onApology('repeat', 0));
        return drop > nr && nr > f0 && wrong > f0 && after((h) => h.onTaskFailed()) > f0 && ok < f0 && congruent < mistoned && mistoned < f0 && spam > f0;
      }),
    );
  });

  it('pacing is a trade-off for everyone: delay raises frustration in proportion to its length, more for the impatient, and never without delay', () => {
    const run = (patience: number, delayedFrames: number) => {
      const h = new HumanModel(DEFAULTS, new Rng('d'), 0, { ...TRAITS, patience });
      for (let i = 1; i <= delayedFrames; i++) h.advance(i * FRAME, { delayed: true, movingSpeed: 0.3 });
      return h.frustration;
    };
    // no threshold: even a short delay costs something, and twice the delay costs more
    expect(run(0.9, 10)).toBeGreaterThan(0);
    expect(run(0.5, 40)).toBeGreaterThan(run(0.5, 20));
    expect(run(0.2, 40)).toBeGreaterThan(run(0.8, 40));
    const still = new HumanModel(DEFAULTS, new Rng('d'), 0, TRAITS);
    for (let i = 1; i <= 600; i++) still.advance(i * FRAME, { delayed: false, movingSpeed: 0.3 });
    expect(still.frustration).toBe(0);
  });

  it('shows brief (0.25–0.5 s) expressions when frustrated, never when calm', () => {
    const h = new HumanModel({ ...DEFAULTS, shortExpressions: { ...DEFAULTS.shortExpressions, ratePerMin: 60 } }, new Rng('brief'), 0, TRAITS);
    h.frustration = 1;
    const lengths: number[] = [];
    let run = 0;
    for (let t = FRAME; t <= 120_000; t += FRAME) {
      h.frustration = 1;
      h.frame();
      if (h.briefExpression) run++;
      else if (run > 0) (lengths.push(run * FRAME), (run = 0));
      h.advance(t, { delayed: false, movingSpeed: 0 });
    }
    expect(lengths.length).toBeGreaterThan(20);
    for (const l of lengths) expect(l >= 200 && l <= 600).toBe(true);
    const calm = new HumanModel({ ...DEFAULTS, shortExpressions: { ...DEFAULTS.shortExpressions, ratePerMin: 60 } }, new Rng('brief'), 0, TRAITS);
    for (let t = FRAME; t <= 60_000; t += FRAME) {
      calm.advance(t, { delayed: false, movingSpeed: 0 });
      calm.frame();
      expect(calm.briefExpression).toBe(false);
    }
  });

  it('correlated classifier noise: neighbouring frames are wrong together (lag-1 correlation of the noise ≈ e^(−frame/τ))', () => {
    const corr = (tau: number) => {
      const h = new HumanModel({ ...DEFAULTS, classifier: { ...DEFAULTS.classifier, noiseCorrelationS: tau, logitNoise: 1 } }, new Rng('ar'), 0, TRAITS);
      const xs: number[] = [];
      for (let t = FRAME; t <= 200_000; t += FRAME) {
        h.advance(t, { delayed: false, movingSpeed: 0 });
        const p = h.frame().probabilities;
        xs.push(Math.log(p[3]! / p[0]!));
      }
      const m = xs.reduce((s, x) => s + x, 0) / xs.length;
      let num = 0;
      let den = 0;
      for (let i = 0; i < xs.length; i++) {
        den += (xs[i]! - m) ** 2;
        if (i > 0) num += (xs[i]! - m) * (xs[i - 1]! - m);
      }
      return num / den;
    };
    expect(Math.abs(corr(0))).toBeLessThan(0.05);
    expect(corr(1)).toBeCloseTo(Math.exp(-0.1), 1);
  });
});

import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { Value } from '@sinclair/typebox/value';
import { HumanModel, judgeApology, drawTraits } from './human.ts';
import { HumanParamsSchema, type HumanParams } from './params.ts';
import { Rng } from './rng.ts';

const DEFAULTS = Value.Default(HumanParamsSchema, {}) as HumanParams;
const TRAITS = { patience: 0.5, expressiveness: 0.7, slownessTolerance: 0.5, catchSkill: 0.8 };
const FRAME = 100;

type Step = { waiting: boolean; movingSpeed: number; event: 'none' | 'success' | 'drop' | 'timeout' | 'human_not_ready' | 'congruent' | 'incongruent' | 'repeat' };
const stepArb = fc.record({
  waiting: fc.boolean(),
  movingSpeed: fc.constantFrom(0, 0.3, 0.6, 1),
  event: fc.constantFrom<Step['event']>('none', 'none', 'none', 'none', 'success', 'drop', 'timeout', 'human_not_ready', 'congruent', 'incongruent', 'repeat'),
});

function apply(h: HumanModel, s: Step, t: number): void {
  h.advance(t, { waiting: s.waiting, movingSpeed: s.movingSpeed });
  if (s.event === 'success' || s.event === 'drop' || s.event === 'timeout' || s.event === 'human_not_ready') h.onHandover(s.event);
  else if (s.event !== 'none') h.onApology(s.event);
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

  it('a concentrating person who is not frustrated still reads as angry to the classifier', () => {
    const busy: HumanParams = { ...DEFAULTS, sideTask: { ...DEFAULTS.sideTask, ratePerMin: 60, meanDurationS: 600 } };
    const h = new HumanModel(busy, new Rng('frown'), 0, TRAITS);
    let angry = 0;
    let n = 0;
    for (let t = FRAME; t < 60_000; t += FRAME) {
      h.advance(t, { waiting: false, movingSpeed: 0 });
      const c = h.frame();
      if (h.concentrating) {
        angry += c.probabilities[3]!;
        n++;
        expect(h.frustration).toBe(0);
      }
    }
    expect(n).toBeGreaterThan(100);
    expect(angry / n).toBeGreaterThan(0.3);
  });

  it('property: felt frustration stays in [0, 1] and valence/arousal in [-1, 1]', () => {
    fc.assert(
      fc.property(fc.array(stepArb, { maxLength: 300 }), (steps) => {
        const h = new HumanModel(DEFAULTS, new Rng('b'), 0);
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

  it('property: failures raise frustration (a drop most), successes and congruent apologies lower it', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 0.6, noNaN: true }), (f0) => {
        const mk = () => {
          const h = new HumanModel(DEFAULTS, new Rng('k'), 0, TRAITS);
          h.frustration = f0;
          return h;
        };
        const drop = mk();
        drop.onHandover('drop');
        const nr = mk();
        nr.onHandover('human_not_ready');
        const ok = mk();
        ok.onHandover('success');
        const ap = mk();
        ap.onApology('congruent');
        return drop.frustration > nr.frustration && nr.frustration > f0 && ok.frustration <= f0 && ap.frustration <= f0;
      }),
    );
  });

  it('property: a less patient person gets at least as frustrated by the same wait', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 1, max: 600 }), (p1, p2, frames) => {
        const [lo, hi] = p1 < p2 ? [p1, p2] : [p2, p1];
        const impatient = new HumanModel(DEFAULTS, new Rng('w'), 0, { ...TRAITS, patience: lo });
        const patient = new HumanModel(DEFAULTS, new Rng('w'), 0, { ...TRAITS, patience: hi });
        for (let i = 1; i <= frames; i++) {
          impatient.advance(i * FRAME, { waiting: true, movingSpeed: 0 });
          patient.advance(i * FRAME, { waiting: true, movingSpeed: 0 });
        }
        return impatient.frustration >= patient.frustration;
      }),
    );
  });

  it('waiting within the grace time does not frustrate; waiting beyond it does', () => {
    const h = new HumanModel(DEFAULTS, new Rng('g'), 0, TRAITS);
    for (let t = FRAME; t <= DEFAULTS.waitGraceS * 1000; t += FRAME) h.advance(t, { waiting: true, movingSpeed: 0 });
    expect(h.frustration).toBe(0);
    for (let t = DEFAULTS.waitGraceS * 1000 + FRAME; t <= 30_000; t += FRAME) h.advance(t, { waiting: true, movingSpeed: 0 });
    expect(h.frustration).toBeGreaterThan(0.05);
  });

  it('draws traits inside [0, 1] from the scenario distributions', () => {
    const t = drawTraits(DEFAULTS, new Rng('traits'));
    for (const v of Object.values(t)) expect(v >= 0 && v <= 1).toBe(true);
  });
});

describe('judgeApology', () => {
  const a = DEFAULTS.apology;
  const base = { now: 10_000, lastFailureAt: 8000, lastFailureApologised: false, lastApologyAt: -Infinity, frustrated: true };
  it('is congruent for a recent unapologised failure with a fitting tone', () => {
    expect(judgeApology({ ...base, tone: 'empathic' }, a)).toBe('congruent');
    expect(judgeApology({ ...base, tone: 'neutral', frustrated: false }, a)).toBe('congruent');
  });
  it('is incongruent with the wrong tone or without a recent failure', () => {
    expect(judgeApology({ ...base, tone: 'neutral' }, a)).toBe('incongruent');
    expect(judgeApology({ ...base, lastFailureAt: -1e9, tone: 'empathic' }, a)).toBe('incongruent');
  });
  it('is a repeat when nothing new failed since an apology within the window', () => {
    expect(judgeApology({ ...base, lastFailureApologised: true, lastApologyAt: 9000, tone: 'empathic' }, a)).toBe('repeat');
  });
});

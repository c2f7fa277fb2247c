import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { Value } from '@sinclair/typebox/value';
import { TrustModel } from './trust.ts';
import { TrustParamsSchema, type TrustParams } from './params.ts';
import type { TrustTraits } from './person.ts';

const P = Value.Default(TrustParamsSchema, {}) as TrustParams;
const PERSON: TrustTraits = { initial: 0.75, successWeight: 1, failureWeight: 2.5, inertiaMs: 8000 };
const SALIENCE = 10_000;

/** A model after a history of successes and failures (evidence only, inertia settled). */
function after(history: ('s' | 'f')[], person: TrustTraits = PERSON): TrustModel {
  const t = new TrustModel(P, person, SALIENCE, 0);
  for (const h of history) if (h === 's') t.success();
  else t.failure();
  return t;
}

describe('TrustModel (Beta evidence per person, inertia)', () => {
  it('starts at the person\u2019s initial trust', () => {
    expect(new TrustModel(P, PERSON, SALIENCE, 0).value).toBeCloseTo(0.75, 12);
  });

  it('property: whenever the evidence says ≥ 0.5, a failure lowers it more than a success raises it', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom<'s' | 'f'>('s', 'f'), { maxLength: 40 }), fc.double({ min: 0.1, max: 3, noNaN: true }), fc.double({ min: 1.01, max: 4, noNaN: true }), (history, ws, ratio) => {
        const person = { ...PERSON, successWeight: ws, failureWeight: ws * ratio };
        const t = after(history, person);
        fc.pre(t.evidenceMean >= 0.5);
        const before = t.evidenceMean;
        const up = after([...history, 's'], person).evidenceMean - before;
        const down = before - after([...history, 'f'], person).evidenceMean;
        return up > 0 && down > up;
      }),
      { numRuns: 300 },
    );
  });

  it('has inertia: felt trust moves toward the evidence with the person\u2019s time constant', () => {
    const t = new TrustModel(P, PERSON, SALIENCE, 0);
    t.failure();
    const target = t.evidenceMean;
    expect(t.value).toBeCloseTo(0.75, 12); // not yet felt
    t.advance(8000);
    expect(t.value - target).toBeCloseTo((0.75 - target) * Math.exp(-1), 9);
    t.advance(200_000);
    expect(t.value).toBeCloseTo(target, 9);
  });

  it('the order of events matters: an early failure costs more trust over the episode than a late one', () => {
    const area = (failAt: number) => {
      const t = new TrustModel(P, PERSON, SALIENCE, 0);
      let sum = 0;
      for (let ms = 100; ms <= 60_000; ms += 100) {
        if (ms === failAt) t.failure();
        if (ms % 6000 === 0) t.success();
        t.advance(ms);
        sum += t.value;
      }
      return sum;
    };
    expect(area(6000)).toBeLessThan(area(54_000));
  });

  it('trust falls after a failure whatever the apology; a repair helps most at a prompt trust decision and fades with the gap', () => {
    const repaired = (gapMs: number, effect = 1) => {
      const t = new TrustModel(P, PERSON, SALIENCE, 0);
      t.failure();
      t.apology('congruent', effect, 1000);
      t.decision(1000 + gapMs);
      return t.evidenceMean;
    };
    const none = after(['f']).evidenceMean;
    expect(repaired(2000)).toBeGreaterThan(none);
    expect(repaired(2000)).toBeLessThan(0.75);
    expect(repaired(30_000)).toBeLessThan(repaired(2000));
    expect(repaired(2000, 0.5)).toBeLessThan(repaired(2000, 1));
    // no decision, no repair
    const t = new TrustModel(P, PERSON, SALIENCE, 0);
    t.failure();
    t.apology('congruent', 1, 1000);
    expect(t.evidenceMean).toBe(none);
  });

  it('a repair never forgives more than the failures (β stays ≥ its prior); spam and apologies about nothing cost trust', () => {
    const t = new TrustModel(P, { ...PERSON }, SALIENCE, 0);
    for (let i = 0; i < 10; i++) t.apology('congruent', 1, 0);
    t.decision(0);
    expect(t.evidenceMean).toBeCloseTo(0.75, 12);
    const spam = new TrustModel(P, PERSON, SALIENCE, 0);
    spam.apology('repeat', 0, 0);
    const nothing = new TrustModel(P, PERSON, SALIENCE, 0);
    nothing.apology('incongruent', 0, 0);
    expect(spam.evidenceMean).toBeLessThan(0.75);
    expect(nothing.evidenceMean).toBeLessThan(0.75);
  });

  it('delay and undelivered tasks cost trust, in proportion to the delay and the impatience', () => {
    const d = (s: number, imp: number) => {
      const t = new TrustModel(P, PERSON, SALIENCE, 0);
      t.delay(s, imp);
      return t.evidenceMean;
    };
    expect(d(10, 1)).toBeLessThan(0.75);
    expect(d(20, 1)).toBeLessThan(d(10, 1));
    expect(d(10, 1.6)).toBeLessThan(d(10, 0.4));
    const t = new TrustModel(P, PERSON, SALIENCE, 0);
    t.taskFailure();
    expect(t.evidenceMean).toBeLessThan(0.75);
  });

  it('property: trust stays in [0, 1] under any sequence of events', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('s', 'f', 'task', 'delay', 'congruent', 'mistoned', 'incongruent', 'repeat', 'decide'), { maxLength: 100 }), (events) => {
        const t = new TrustModel(P, PERSON, SALIENCE, 0);
        let ms = 0;
        for (const e of events) {
          ms += 500;
          t.advance(ms);
          if (e === 's') t.success();
          else if (e === 'f') t.failure();
          else if (e === 'task') t.taskFailure();
          else if (e === 'delay') t.delay(5, 2);
          else if (e === 'decide') t.decision(ms);
          else t.apology(e as 'congruent', 1, ms);
          if (!(t.value >= 0 && t.value <= 1 && t.evidenceMean >= 0 && t.evidenceMean <= 1)) return false;
        }
        return true;
      }),
    );
  });
});

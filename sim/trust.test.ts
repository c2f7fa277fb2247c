import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { Value } from '@sinclair/typebox/value';
import { TrustModel } from './trust.ts';
import { TrustParamsSchema, type TrustParams } from './params.ts';

const DEFAULTS = Value.Default(TrustParamsSchema, {}) as TrustParams;

/** A trust model after a given history. */
function after(history: ('s' | 'f')[], p: TrustParams = DEFAULTS): TrustModel {
  const t = new TrustModel(p);
  for (const h of history) if (h === 's') t.success();
  else t.failure();
  return t;
}

describe('TrustModel (Beta-style, reliability-dominated)', () => {
  it('starts at the prior mean α/(α+β)', () => {
    expect(new TrustModel(DEFAULTS).value).toBeCloseTo(DEFAULTS.priorSuccess / (DEFAULTS.priorSuccess + DEFAULTS.priorFailure), 12);
  });

  it('property: whenever trust ≥ 0.5, a failure lowers trust more than a success raises it', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom<'s' | 'f'>('s', 'f'), { maxLength: 40 }), (history) => {
        const t = after(history);
        fc.pre(t.value >= 0.5);
        const before = t.value;
        const up = after([...history, 's']).value - before;
        const down = before - after([...history, 'f']).value;
        return up > 0 && down > up;
      }),
      { numRuns: 300 },
    );
  });

  it('property: the same holds for any weights with failureWeight > successWeight', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.1, max: 5, noNaN: true }),
        fc.double({ min: 1.01, max: 4, noNaN: true }),
        fc.double({ min: 0.5, max: 20, noNaN: true }),
        fc.double({ min: 0.1, max: 1, noNaN: true }),
        (ws, ratio, a, bFrac) => {
          const p = { ...DEFAULTS, successWeight: ws, failureWeight: ws * ratio, priorSuccess: a, priorFailure: a * bFrac };
          const t0 = new TrustModel(p).value;
          const up = after(['s'], p).value - t0;
          const down = t0 - after(['f'], p).value;
          return down > up;
        },
      ),
    );
  });

  it('property: trust stays in [0, 1] under any sequence of events', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('s', 'f', 'congruent', 'incongruent', 'repeat'), { maxLength: 100 }), (events) => {
        const t = new TrustModel(DEFAULTS);
        for (const e of events) {
          if (e === 's') t.success();
          else if (e === 'f') t.failure();
          else t.apology(e as 'congruent' | 'incongruent' | 'repeat');
          if (!(t.value >= 0 && t.value <= 1)) return false;
        }
        return true;
      }),
    );
  });

  it('apologies only nudge: a congruent one helps less than a success, a repeated one hurts less than a failure', () => {
    const base = new TrustModel(DEFAULTS).value;
    const c = new TrustModel(DEFAULTS);
    c.apology('congruent');
    const r = new TrustModel(DEFAULTS);
    r.apology('repeat');
    const i = new TrustModel(DEFAULTS);
    i.apology('incongruent');
    expect(c.value).toBeGreaterThan(base);
    expect(c.value - base).toBeLessThan(after(['s']).value - base);
    expect(r.value).toBeLessThan(base);
    expect(i.value).toBeLessThan(base);
    expect(base - r.value).toBeLessThan(base - after(['f']).value);
  });

  it('a failure followed by a congruent apology still leaves trust below where it was (reliability dominates)', () => {
    const t = new TrustModel(DEFAULTS);
    const before = t.value;
    t.failure();
    t.apology('congruent');
    expect(t.value).toBeLessThan(before);
  });
});

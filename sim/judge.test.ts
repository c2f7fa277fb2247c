import { describe, it, expect } from 'vitest';
import { Value } from '@sinclair/typebox/value';
import { ApologyJudgeState } from './judge.ts';
import { drawPerson, resolveFactRef } from './person.ts';
import { ScenarioSchema, type Scenario } from './params.ts';
import { Rng } from './rng.ts';

const JUDGE = { prefersAdaptive: true, toneThreshold: 0.35, congruentWindowMs: 30_000, repeatWindowMs: 60_000, salienceMs: 10_000 };

describe('ApologyJudgeState (the person\u2019s judge)', () => {
  it('is congruent for a recent unapologised failure with the tone this person wants', () => {
    const j = new ApologyJudgeState(JUDGE);
    j.failure(1000);
    expect(j.apology(2000, 'empathic', 0.5).judgement).toBe('congruent');
    const k = new ApologyJudgeState(JUDGE);
    k.failure(1000);
    expect(k.apology(2000, 'neutral', 0.1).judgement).toBe('congruent');
  });

  it('a neutral apology to a frustrated person who wants adaptive apologies is mistoned; to the others it fits', () => {
    const j = new ApologyJudgeState(JUDGE);
    j.failure(1000);
    expect(j.apology(2000, 'neutral', 0.6).judgement).toBe('mistoned');
    const easy = new ApologyJudgeState({ ...JUDGE, prefersAdaptive: false });
    easy.failure(1000);
    expect(easy.apology(2000, 'neutral', 0.6).judgement).toBe('congruent');
  });

  it('is incongruent too late or about nothing; a repeat without a new failure is spam; counts unwarranted apologies', () => {
    const j = new ApologyJudgeState(JUDGE);
    const v0 = j.apology(500, 'neutral', 0);
    expect(v0).toMatchObject({ judgement: 'incongruent', unwarranted: true, failuresSoFar: 0 });
    j.failure(1000);
    expect(j.apology(40_000, 'neutral', 0)).toMatchObject({ judgement: 'incongruent', unwarranted: false, failuresSoFar: 1 });
    expect(j.apology(45_000, 'neutral', 0)).toMatchObject({ judgement: 'repeat', unwarranted: true });
    j.failure(50_000);
    j.failure(51_000);
    expect(j.apology(52_000, 'neutral', 0)).toMatchObject({ judgement: 'congruent', failuresSoFar: 3 });
    expect(j.apology(52_500, 'neutral', 0).judgement).toBe('repeat');
  });
});

describe('drawPerson', () => {
  const sc = Value.Default(ScenarioSchema, { name: 'x' }) as Scenario;

  it('draws traits in [0, 1], positive windows, and the same person for the same stream', () => {
    const a = drawPerson(sc, new Rng('p'));
    expect(drawPerson(sc, new Rng('p'))).toEqual(a);
    for (const v of [a.traits.patience, a.traits.expressiveness, a.traits.catchSkill, a.judge.toneThreshold, a.trust.initial]) expect(v >= 0 && v <= 1).toBe(true);
    expect(a.judge.congruentWindowMs).toBeGreaterThan(0);
    expect(a.target).toBe('right_hand');
  });

  it('shares of people follow the scenario: ~77.5% prefer adaptive apologies, ~10% frown by habit', () => {
    let adaptive = 0;
    let frowners = 0;
    const n = 4000;
    for (let i = 0; i < n; i++) {
      const p = drawPerson(sc, new Rng(`share/${i}`));
      if (p.judge.prefersAdaptive) adaptive++;
      if (p.traits.habitualFrown > 0) frowners++;
    }
    expect(adaptive / n).toBeCloseTo(0.775, 1);
    expect(frowners / n).toBeCloseTo(0.1, 1);
  });

  it('draws facts per person and resolves the expected target from them', () => {
    const withFacts = Value.Default(ScenarioSchema, {
      name: 'hands',
      task: { target: '{person/hand}' },
      facts: { 'person/hand': { values: ['right_hand', 'left_hand'], weights: [3, 1] }, 'cell/station': 4 },
    }) as Scenario;
    let left = 0;
    for (let i = 0; i < 2000; i++) {
      const p = drawPerson(withFacts, new Rng(`h/${i}`));
      expect(p.facts['cell/station']).toBe(4);
      expect(p.target).toBe(p.facts['person/hand']);
      if (p.target === 'left_hand') left++;
    }
    expect(left / 2000).toBeCloseTo(0.25, 1);
    expect(resolveFactRef('plain', {})).toBe('plain');
  });
});

/**
 * One simulated person, drawn once per episode from the scenario: affect traits
 * (patience, expressiveness, catch skill, a habitual frown), the person's own judge of
 * apologies (tone preference and threshold, time windows) and trust dynamics (initial
 * trust, evidence gains, inertia), and the blackboard facts about them.
 *
 * The judge is scenario data drawn per person — never the tree's parameters — so a
 * tree cannot win by copying its timings from the judge (the shipped trees do not, a
 * test checks it, and another moves every judge window ±50%).
 *
 * Everything is drawn from the `traits` stream in a fixed order, one draw per value,
 * so two trees compared on one seed meet the same person.
 */
import type { Scenario } from './params.ts';
import type { Rng } from './rng.ts';

/** A person's affect traits. */
export interface HumanTraits {
  patience: number;
  expressiveness: number;
  catchSkill: number;
  /** Strength of a habitual (resting) frown; 0 for most people. */
  habitualFrown: number;
}

/** How this person judges apologies. */
export interface ApologyJudge {
  /** Wants the tone to match their state (else any tone fits). */
  prefersAdaptive: boolean;
  /** Felt frustration from which an empathic apology fits. */
  toneThreshold: number;
  congruentWindowMs: number;
  repeatWindowMs: number;
  salienceMs: number;
}

/** This person's trust dynamics. */
export interface TrustTraits {
  initial: number;
  successWeight: number;
  failureWeight: number;
  inertiaMs: number;
}

/** Everything drawn for one person. */
export interface Person {
  traits: HumanTraits;
  judge: ApologyJudge;
  trust: TrustTraits;
  /** Blackboard facts (key → value) written before the first task. */
  facts: Record<string, string | number | boolean>;
  /** Where this person expects the part (scenario `task.target`, facts resolved). */
  target: string;
}

/**
 * Resolves `'{key}'` against the facts; other strings are literal.
 *
 * @example
 * ```ts
 * resolveFactRef('{person/hand}', { 'person/hand': 'left_hand' }); // 'left_hand'
 * ```
 */
export function resolveFactRef(text: string, facts: Readonly<Record<string, string | number | boolean>>): string {
  const m = /^\{([^{}]+)\}$/.exec(text);
  if (!m) return text;
  const v = facts[m[1]!];
  return v === undefined ? text : String(v);
}

/**
 * Draws one person from the scenario (one draw per value, fixed order).
 *
 * @example
 * ```ts
 * const person = drawPerson(scenario, new Rng('1/impatient_novice/0').derive('human').derive('traits'));
 * person.judge.congruentWindowMs; // e.g. 27_400
 * ```
 */
export function drawPerson(sc: Scenario, rng: Rng): Person {
  const h = sc.human;
  const a = h.apology;
  const t = sc.trust;
  const trait = (d: { mean: number; sd: number }) => rng.truncNormal(d.mean, d.sd, 0, 1);
  const spread = (d: { median: number; sdLog: number }) => rng.logNormal(d.median, d.sdLog);
  const traits: HumanTraits = {
    patience: trait(h.patience),
    expressiveness: trait(h.expressiveness),
    catchSkill: trait(h.catchSkill),
    habitualFrown: rng.next() < h.habitualFrown.share ? h.habitualFrown.strength : 0,
  };
  const judge: ApologyJudge = {
    prefersAdaptive: rng.next() < a.prefersAdaptiveShare,
    toneThreshold: trait(a.toneThreshold),
    congruentWindowMs: spread(a.congruentWindowS) * 1000,
    repeatWindowMs: spread(a.repeatWindowS) * 1000,
    salienceMs: spread(a.salienceS) * 1000,
  };
  const trust: TrustTraits = {
    initial: trait(t.initial),
    successWeight: spread(t.successWeight),
    failureWeight: spread(t.failureWeight),
    inertiaMs: spread(t.inertiaS) * 1000,
  };
  const facts: Record<string, string | number | boolean> = {};
  for (const key of Object.keys(sc.facts).sort()) {
    const f = sc.facts[key]!;
    const u = rng.next();
    if (typeof f !== 'object') {
      facts[key] = f;
      continue;
    }
    const w = f.weights ?? f.values.map(() => 1);
    const total = w.reduce((s, x) => s + x, 0);
    let acc = 0;
    let pick = f.values[f.values.length - 1]!;
    for (let i = 0; i < f.values.length; i++) {
      acc += w[i]! / total;
      if (u < acc) {
        pick = f.values[i]!;
        break;
      }
    }
    facts[key] = pick;
  }
  return { traits, judge, trust, facts, target: resolveFactRef(sc.task.target, facts) };
}

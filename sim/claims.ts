/**
 * The claims a comparison tests, declared before anything runs, each with one primary
 * metric, its direction and its test — so a verdict cannot be chosen after looking at
 * the table:
 *
 * | claim | candidate vs | primary metric | test |
 * |---|---|---|---|
 * | task first | baseline | task success | non-inferiority, margin `--margin` (default 0.01) |
 * | sensing adds value | blind | mean frustration (lower) | superiority |
 * | adaptive pacing beats always-slow | always_slow | mean frustration (lower) | superiority |
 * | its apology adds value | no_apology | mean trust (higher) | superiority |
 * | it beats a scripted apology | scripted | mean trust (higher) | superiority |
 *
 * Why these metrics: the person's felt frustration and trust averaged over the episode
 * (areas under their curves, Desai et al. 2013's measure for trust) count every cost
 * in proportion — also frustration that never crosses a threshold, such as the
 * irritation of a slowed handover — where time above a threshold (frustration
 * exposure, still in the table) hides it; trust is what apology research measures.
 *
 * Superiority claims of one candidate share the family-wise error: each uses a
 * Bonferroni-adjusted interval (level 1 − 0.05/k for k such claims), the table's
 * intervals stay at 95%. Task first uses the 95% interval's lower end against the
 * margin (one-sided 2.5%). Every verdict carries a power line: the episodes the claim
 * needs for 80% power at the observed paired SD and effect.
 */
import type { ControlKind } from './controls.ts';
import type { MetricKey } from './compare.ts';
import { episodesForPower, nonInferiority, superiority, type Summary } from './stats.ts';

/** A declared claim. */
export interface ClaimSpec {
  id: 'task-first' | 'sensing' | 'pacing' | 'apology' | 'scripted';
  title: string;
  /** What the candidate is compared with: the baseline tree or one of its controls. */
  against: 'baseline' | ControlKind;
  metric: MetricKey;
  better: 'higher' | 'lower';
  test: 'non-inferiority' | 'superiority';
  /** Verdict words: [better / non-inferior, worse / inferior, neither]. */
  words: readonly [string, string, string];
}

/**
 * The claims, in report order.
 *
 * @example
 * ```ts
 * CLAIMS.find((c) => c.id === 'sensing')?.metric; // 'meanFrustration'
 * ```
 */
export const CLAIMS: readonly ClaimSpec[] = [
  { id: 'task-first', title: 'task first', against: 'baseline', metric: 'successRate', better: 'higher', test: 'non-inferiority', words: ['NON-INFERIOR', 'INFERIOR', 'INCONCLUSIVE'] },
  { id: 'sensing', title: 'sensing adds value', against: 'blind', metric: 'meanFrustration', better: 'lower', test: 'superiority', words: ['ADDS VALUE', 'HARMS', 'NO ADDED VALUE'] },
  { id: 'pacing', title: 'adaptive pacing beats always-slow', against: 'always_slow', metric: 'meanFrustration', better: 'lower', test: 'superiority', words: ['YES', 'NO: ALWAYS-SLOW IS BETTER', 'NOT SHOWN'] },
  { id: 'apology', title: 'its apology adds value', against: 'no_apology', metric: 'meanTrust', better: 'higher', test: 'superiority', words: ['ADDS VALUE', 'HARMS', 'NO ADDED VALUE'] },
  { id: 'scripted', title: 'it beats a scripted apology without sensing', against: 'scripted', metric: 'meanTrust', better: 'higher', test: 'superiority', words: ['YES', 'NO: THE SCRIPT IS BETTER', 'NOT SHOWN'] },
];

/** The result of one claim for one candidate tree. */
export interface ClaimResult {
  id: ClaimSpec['id'];
  title: string;
  candidate: string;
  /** Name of the tree it was compared with. */
  reference: string;
  metric: MetricKey;
  better: 'higher' | 'lower';
  test: ClaimSpec['test'];
  /** Confidence level of the verdict's interval. */
  level: number;
  /** Paired difference candidate − reference on the primary metric, at `level`. */
  diff: Summary;
  /** Non-inferiority margin (task first only). */
  margin?: number;
  verdict: string;
  /** True for the favourable verdict (non-inferior / better). */
  holds: boolean;
  /** Episodes for 80% power at the observed SD and effect (Infinity: no effect to detect). */
  episodesNeeded: number;
  episodes: number;
}

/**
 * Judges one claim from the paired difference of its primary metric.
 *
 * @example
 * ```ts
 * const r = judgeClaim(CLAIMS[1]!, { candidate: 'handover_affect', reference: 'blind', diff, level: 0.9875, margin: 0.01, episodes: 200 });
 * r.verdict; // 'ADDS VALUE' | 'HARMS' | 'NO ADDED VALUE'
 * ```
 */
export function judgeClaim(spec: ClaimSpec, o: { candidate: string; reference: string; diff: Summary; level: number; margin: number; episodes: number }): ClaimResult {
  const d = o.diff;
  const alpha = 1 - o.level;
  let verdict: string;
  let holds: boolean;
  let needed: number;
  if (spec.test === 'non-inferiority') {
    const v = nonInferiority(d, o.margin);
    verdict = v === 'non-inferior' ? spec.words[0] : v === 'inferior' ? spec.words[1] : spec.words[2];
    holds = v === 'non-inferior';
    needed = episodesForPower({ sd: d.sd, effect: d.mean + o.margin, alpha });
  } else {
    const v = superiority(d, spec.better);
    verdict = v === 'better' ? spec.words[0] : v === 'worse' ? spec.words[1] : spec.words[2];
    holds = v === 'better';
    needed = episodesForPower({ sd: d.sd, effect: Math.abs(d.mean), alpha });
  }
  const r: ClaimResult = {
    id: spec.id,
    title: spec.title,
    candidate: o.candidate,
    reference: o.reference,
    metric: spec.metric,
    better: spec.better,
    test: spec.test,
    level: o.level,
    diff: d,
    verdict,
    holds,
    episodesNeeded: needed,
    episodes: o.episodes,
  };
  if (spec.test === 'non-inferiority') r.margin = o.margin;
  return r;
}

// The verdicts on impatient_novice do not come from the judge's windows: moving every window
// of the simulated person's apology judge (congruence, repeat, salience) by ±50% keeps
// every claim's verdict. 80 episodes keeps the test near 15 s; a fixed seed makes it
// deterministic. The test checks stability, not a particular verdict: at 80 episodes
// the sensing verdict here is 'no added value', at 200 (docs/simulator.md) 'harms' —
// the small harm needs more episodes to show, as its power line says.
import { describe, it } from 'vitest';
import { expectVerdictsSurviveJudgeWindows } from './support/judge.ts';

describe('judge windows ±50% on impatient_novice', () => {
  it('keeps every verdict', () => expectVerdictsSurviveJudgeWindows('impatient_novice', 80), 120_000);
});

// The verdicts on high_drop_robot do not come from the judge's windows: moving every window
// of the simulated person's apology judge (congruence, repeat, salience) by ±50% keeps
// every claim's verdict. 80 episodes keeps the test near 15 s; a fixed seed makes it
// deterministic, and on this scenario the verdicts at 80 episodes already equal the
// 200-episode verdicts in docs/simulator.md (the scripted-apology claim is the closest
// to its interval's edge at every size: it is the weakest result there).
import { describe, it } from 'vitest';
import { expectVerdictsSurviveJudgeWindows } from './support/judge.ts';

describe('judge windows ±50% on high_drop_robot', () => {
  it('keeps every verdict', () => expectVerdictsSurviveJudgeWindows('high_drop_robot', 80), 120_000);
});

import { describe, it, expect } from 'vitest';
import { listScenarios, loadScenario, loadScenarios, parseScenario, ScenarioError } from './scenario.ts';

describe('scenarios', () => {
  it('ships the required scenarios and they all load', () => {
    const names = listScenarios();
    for (const n of ['calm_expert', 'impatient_novice', 'side_task_concentration', 'high_drop_robot']) expect(names).toContain(n);
    for (const s of loadScenarios('all')) expect(s.handovers).toBeGreaterThan(0);
  });

  it('fills defaults for what a file leaves out', () => {
    const s = parseScenario('name: quick\nhandovers: 3\n', 'quick.yaml');
    expect(s.handovers).toBe(3);
    expect(s.robot.fetchS).toBe(2);
    expect(s.trust.failureWeight.median).toBeGreaterThan(s.trust.successWeight.median);
  });

  it('reports every problem as file:line:col with a hint', () => {
    const text = 'name: bad\nhuman:\n  patience: { mean: 2 }\n  shoeSize: 44\n';
    let err: unknown;
    try {
      parseScenario(text, 'bad.yaml');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ScenarioError);
    const msg = (err as Error).message;
    expect(msg).toMatch(/bad\.yaml:3:\d+: human\.patience\.mean: Expected number to be less or equal to 1 \(got 2\)/);
    expect(msg).toMatch(/bad\.yaml:4:\d+: human\.shoeSize: Unexpected property — unknown parameter 'human\.shoeSize'/);
  });

  it('points at the written parameter, or at its nearest written parent for a default', async () => {
    const { scenarioPosition } = await import('./scenario.ts');
    const s = parseScenario('name: pos\nestimator:\n  heartbeatMs: 2000\n', 'pos.yaml');
    expect(scenarioPosition(s, ['estimator', 'heartbeatMs'])).toBe('pos.yaml:3:16');
    expect(scenarioPosition(s, ['estimator', 'maxAgeMs'])).toBe('pos.yaml:3:3');
    expect(scenarioPosition(s, ['robot', 'dropBase'])).toBe('pos.yaml:1:1');
  });

  it('reports YAML syntax errors with a position and unknown names with the shipped list', () => {
    expect(() => parseScenario('name: [oops\n', 'x.yaml')).toThrow(/x\.yaml:\d+:\d+: .*fix the YAML syntax/);
    expect(() => loadScenario('no_such_scenario')).toThrow(/no such scenario \(shipped: .*impatient_novice/);
    expect(() => parseScenario('', 'empty.yaml')).toThrow(/empty\.yaml:1:1: a scenario must be a YAML mapping/);
  });
});

// The simulator's MQTT mode end to end (short, real time): the affect tree runs
// against the reference controller simulator and a scripted affect publisher over the
// embedded broker, and the affect reaches the tree (handovers get slowed).
import { describe, it, expect } from 'vitest';
import { runMqttEpisode } from '../sim/mqtt.ts';
import { loadScenario } from '../sim/scenario.ts';

describe('sim --mqtt', () => {
  it('runs handovers over a broker and paces them from published affect', async () => {
    const r = await runMqttEpisode({ url: 'embedded', treePath: 'trees/handover_affect.yaml', scenario: loadScenario('calm_expert'), seed: '1', tasks: 4, frustratedForMs: 60_000, timeoutMs: 20_000 });
    expect(r.tasksSucceeded).toBeGreaterThanOrEqual(1);
    expect(r.bridgeAccepted).toBeGreaterThan(0);
    expect(r.controllerExecuted).toBeGreaterThanOrEqual(r.handoverAttempts);
    expect(Math.min(...r.handoverSpeeds, ...r.speedCommands)).toBeLessThan(1);
  });
});

/**
 * `affect-bt sim --record DIR`: one MCAP file per selected episode × tree × scenario,
 * holding what a monitor would have seen on a real cell (valid contract messages on the
 * virtual clock), and recording changes nothing about the episode.
 */
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.ts';
import { readRecording } from '../src/monitor/mcap.ts';
import { recordEpisode } from '../src/monitor/sim-record.ts';
import { CellModel } from '../src/monitor/model.ts';
import { loadTreeFile } from '../src/tree/loader.ts';
import { loadScenario } from '../sim/scenario.ts';
import { runEpisode, EPISODE_START_MS } from '../sim/episode.ts';
import { loadSimTree } from '../sim/trees.ts';
import { episodeSeed } from '../sim/rng.ts';

describe('sim --record', () => {
  it('writes one file per selected episode, tree and scenario', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'affect-bt-simrec-'));
    const out: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: string) => (out.push(String(chunk)), true)) as typeof process.stdout.write;
    let code: number;
    try {
      code = await main(['sim', '--scenario', 'impatient_novice', '--episodes', '3', '--quiet', '--record', dir, '--record-episodes', '0,2']);
    } finally {
      process.stdout.write = write;
    }
    expect(code).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(['impatient_novice-handover_affect-e0.mcap', 'impatient_novice-handover_affect-e2.mcap', 'impatient_novice-handover_baseline-e0.mcap', 'impatient_novice-handover_baseline-e2.mcap']);
    expect(out.join('')).toMatch(/recorded .*impatient_novice-handover_affect-e2\.mcap \(\d+ messages, \d+ s simulated\)/);
  }, 60_000);

  it('rejects an episode outside the run', async () => {
    const err: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string) => (err.push(String(chunk)), true)) as typeof process.stderr.write;
    try {
      expect(await main(['sim', '--episodes', '3', '--quiet', '--record', tmpdir(), '--record-episodes', '0,5'])).toBe(2);
    } finally {
      process.stderr.write = write;
    }
    expect(err.join('')).toContain("affect-bt sim: --record-episodes '5' is not within the 3 episodes run (0-2)");
  });

  it('records valid contract messages a monitor can replay, and the same episode as an unrecorded run', async () => {
    const scenario = loadScenario('impatient_novice');
    const file = join(mkdtempSync(join(tmpdir(), 'affect-bt-simrec-')), 'ep.mcap');
    const seed = episodeSeed(1, scenario.name, 0);
    const doc = await loadTreeFile('trees/handover_affect.yaml');
    const recorded = await recordEpisode({ file, scenario, doc, seed });
    const plain = runEpisode({ scenario, seed, tree: (await loadSimTree('trees/handover_affect.yaml')).factory });
    expect(recorded.metrics).toEqual(plain.metrics);

    const r = await readRecording(file);
    expect(r.invalid).toEqual({});
    expect(r.messages.length).toBe(recorded.messages);
    expect(r.start).toBe(EPISODE_START_MS);
    expect(r.meta).toMatchObject({ source: 'affect-bt sim', scenario: 'impatient_novice', seed });
    const topics = new Set(r.messages.map((m) => m.topic));
    for (const t of ['tree', 'trace', 'affect', 'state', 'instantActions', 'connection/planner', 'connection/controller']) expect(topics.has(t as never)).toBe(true);

    const model = new CellModel();
    for (const m of r.messages) model.apply(m);
    const kinds = model.events.map((e) => e.kind);
    expect(kinds.filter((k) => k === 'handover').length).toBe(plain.metrics.handoverAttempts);
    const failures = plain.metrics.failures.drop + plain.metrics.failures.timeout + plain.metrics.failures.human_not_ready + plain.metrics.failures.other;
    expect(kinds.filter((k) => k === 'handover-failed').length).toBe(failures);
    expect(kinds.filter((k) => k === 'apology').length).toBe(plain.metrics.apologies);
    expect(model.affect.get(scenario.humanId)!.t.length).toBeGreaterThan(10);
    expect([...model.nodes.values()].filter((n) => n.visits > 0).length).toBeGreaterThan(5);
  }, 60_000);
});

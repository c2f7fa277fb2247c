// The example trees end to end against the in-memory controller: they validate; a
// frustration rise while Handover is RUNNING re-paces it on the next tick; affect never
// changes the task outcome; a broken affect branch never fails the task; a lost
// controller halts (cancels) the running handover.
import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { AffectCues } from '../src/contract/affect.ts';
import { treeHarness, validateTreeFiles, type TreeHarness } from '../src/tree/index.ts';
import type { ScriptedOutcome, HandoverOutcome } from '../src/core/in-memory-controller.ts';

const AFFECT = readFileSync('trees/handover_affect.yaml', 'utf8');
const BASELINE = readFileSync('trees/handover_baseline.yaml', 'utf8');

function run(h: TreeHarness, frustration: (t: number) => number, maxTicks = 400, cues: AffectCues = { fingerDrumming: true }): string {
  let s = 'RUNNING';
  for (let i = 0; i < maxTicks && s === 'RUNNING'; i++) {
    h.affect(frustration(i * 100), { maxAgeMs: 1000, cues });
    h.ready(true);
    s = h.step(100);
  }
  return s;
}

describe('example trees', () => {
  it('every file in trees/ validates', async () => {
    const files = readdirSync('trees').filter((f) => f.endsWith('.yaml')).map((f) => `trees/${f}`);
    expect(files).toEqual(expect.arrayContaining(['trees/handover_affect.yaml', 'trees/handover_baseline.yaml']));
    expect(await validateTreeFiles(files)).toEqual([]);
  });

  it('frustration rising while Handover is RUNNING re-paces the same handover on the next tick', () => {
    const h = treeHarness(AFFECT);
    h.ready(true);
    h.affect(0.1);
    expect(h.runner.tick()).toBe('RUNNING');
    const id = h.controller.runningHandover()!;
    expect(h.controller.handovers[0]!.params.speedScale).toBe(1);
    h.affect(0.9, { cues: { fingerDrumming: true } });
    h.step(100); // above threshold, minDurationMs (500) not yet reached
    expect(h.controller.speedCommands).toEqual([]);
    h.clock.advance(500);
    h.affect(0.9, { cues: { fingerDrumming: true } });
    expect(h.runner.tick()).toBe('RUNNING');
    expect(h.controller.speedCommands.map((c) => c.applied)).toEqual([0.6]);
    expect(h.controller.runningHandover()).toBe(id);
    expect(h.runner.find('root/task/handover_task/Retry/give_part')!.feedback()).toBe('re-paced');
    // recovery restores normal pacing
    h.clock.advance(100);
    h.affect(0.2);
    h.runner.tick();
    expect(h.controller.speedCommands.map((c) => c.applied)).toEqual([0.6, 1]);
  });

  it('a frown while working (concentration) does not slow the robot down', () => {
    const h = treeHarness(AFFECT);
    h.ready(true);
    for (let i = 0; i < 20; i++) {
      h.affect(0.9, { cues: { workingOnTask: true, furrowedBrow: 0.9 } });
      h.step(100);
    }
    expect(h.controller.speedCommands).toEqual([]);
    expect(h.controller.handovers[0]!.params.speedScale).toBe(1);
  });

  it('after a drop the affect tree apologises empathically and the retry goes slower', () => {
    const h = treeHarness(AFFECT, { script: [{ afterMs: 1500, outcome: 'drop' }, { afterMs: 1500, outcome: 'success' }] });
    expect(run(h, (t) => (t < 300 ? 0.2 : 0.9))).toBe('SUCCESS');
    expect(h.controller.utterances.map((u) => [u.params.failureKind, u.params.tone])).toEqual([['drop', 'empathic']]);
    expect(h.controller.handovers.map((x) => x.params.speedScale)).toEqual([1, 0.6]);
    expect(h.controller.handovers[1]!.params.approachWaitMs).toBe(1500);
  });

  it('task first (property): with the same controller outcomes and any affect stream, affect and baseline trees end the same way', () => {
    const outcome = fc.constantFrom<HandoverOutcome>('success', 'drop', 'timeout', 'human_not_ready');
    fc.assert(
      fc.property(
        fc.array(fc.record({ afterMs: fc.integer({ min: 100, max: 3000 }), outcome }), { minLength: 1, maxLength: 3 }),
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 12 }),
        fc.boolean(),
        (script: ScriptedOutcome[], levels, working) => {
          const a = treeHarness(AFFECT, { script: [...script] });
          const b = treeHarness(BASELINE, { script: [...script] });
          const f = (t: number) => levels[Math.floor(t / 500) % levels.length]!;
          const cues = { workingOnTask: working, fingerDrumming: !working };
          const ra = run(a, f, 300, cues);
          const rb = run(b, f, 300, cues);
          expect(ra).toBe(rb);
          expect(a.controller.handovers.map((x) => [x.params.objectId, x.params.target])).toEqual(b.controller.handovers.map((x) => [x.params.objectId, x.params.target]));
          expect(a.controller.handovers.every((x) => x.params.speedScale >= 0.3 && x.params.speedScale <= 1)).toBe(true);
        },
      ),
      { numRuns: 25 },
    );
  });

  it('a broken affect branch (it throws) never fails the task', () => {
    const h = treeHarness(AFFECT, { script: [{ afterMs: 500, outcome: 'drop' }, { afterMs: 500, outcome: 'success' }] });
    // The speech channel is broken: Apologise's say() throws after the drop.
    h.controller.say = () => {
      throw new Error('speech channel down');
    };
    expect(run(h, () => 0.9)).toBe('SUCCESS');
    expect(h.runner.counters.affectErrors).toBeGreaterThan(0);
    expect(h.runner.counters.errors).toBe(0);
    expect(h.controller.handovers).toHaveLength(2);
  });

  it('one blackboard key used with two types is a load error naming both ports', () => {
    const yaml = "trees:\n  M:\n    AffectBranch:\n      child:\n        Sequence:\n          children:\n            - PerceiveAffect: { output: '{x}' }\n            - SlowHandover: { frustrated: '{x}' }\n";
    expect(() => treeHarness(yaml)).toThrow(
      "inline.yaml:8:43: port 'frustrated' of AffectBranch/Sequence/SlowHandover uses blackboard key 'x' as boolean, but port 'output' of AffectBranch/Sequence/PerceiveAffect uses it as object (hint: remap one of them to another key)",
    );
  });

  it('a lost controller halts the running handover on the next tick (safe state)', () => {
    const h = treeHarness(BASELINE);
    h.ready(true);
    h.runner.tick();
    const id = h.controller.runningHandover()!;
    h.controller.available = false;
    expect(h.step(100)).toBe('FAILURE');
    expect(h.controller.cancelled).toEqual([id]);
  });
});

// Say: queues an utterance; with wait, runs until the controller reports it finished,
// fails on a failed utterance, a timeout (cancelling it) or an unavailable controller,
// and cancels a waiting utterance when halted.
import { describe, expect, it } from 'vitest';
import { Blackboard } from '../src/core/blackboard.ts';
import { VirtualClock } from '../src/core/clock.ts';
import { InMemoryController } from '../src/core/in-memory-controller.ts';
import { buildTree, loadTreeText, treeHarness, HARNESS_START } from '../src/tree/index.ts';

function withSpeech(node: string, sayDurationMs: number) {
  const clock = new VirtualClock(HARNESS_START);
  const controller = new InMemoryController({ clock, sayDurationMs });
  const runner = buildTree(loadTreeText(`trees:\n  M:\n    ${node}\n`, 'say.yaml'), { blackboard: new Blackboard({ clock }), controller, clock });
  return { clock, controller, runner };
}

describe('Say', () => {
  it('queues the utterance as info with its tone and succeeds at once without wait', () => {
    const h = treeHarness("trees:\n  M:\n    Say: { text: 'Please take the part', tone: empathic }\n");
    expect(h.runner.tick()).toBe('SUCCESS');
    expect(h.controller.utterances.map((u) => u.params)).toEqual([{ text: 'Please take the part', kind: 'info', tone: 'empathic' }]);
  });

  it('with wait: RUNNING until the controller finishes the utterance', () => {
    const w = withSpeech("Say: { text: 'Hello', wait: true }", 800);
    expect(w.runner.tick()).toBe('RUNNING');
    expect(w.runner.nextDeadline()).toBe(HARNESS_START + 10_000);
    w.clock.advance(799);
    expect(w.runner.tick()).toBe('RUNNING');
    w.clock.advance(1);
    expect(w.runner.tick()).toBe('SUCCESS');
    expect(w.controller.utterances).toHaveLength(1);
  });

  it('with wait: fails and cancels the utterance after timeoutMs; a halt cancels it too', () => {
    const w = withSpeech("Say: { text: 'Hello', wait: true, timeoutMs: 500 }", 5000);
    w.runner.tick();
    w.clock.advance(500);
    expect(w.runner.tick()).toBe('FAILURE');
    expect(w.controller.cancelled).toHaveLength(1);
    expect(w.runner.renderText()).toContain('speech not finished after 500 ms');
    w.runner.tick();
    w.runner.halt();
    expect(w.controller.cancelled).toHaveLength(2);
  });

  it('fails without speaking when the controller is unavailable', () => {
    const h = treeHarness("trees:\n  M:\n    Say: { text: 'Hello' }\n");
    h.controller.available = false;
    expect(h.runner.tick()).toBe('FAILURE');
    expect(h.controller.utterances).toEqual([]);
  });

  it('is a task node: the loader keeps it out of AffectBranch', () => {
    expect(() => treeHarness("trees:\n  M:\n    AffectBranch:\n      child:\n        Say: { text: 'Hi' }\n")).toThrow(/task node Say cannot be inside an AffectBranch/);
  });
});

/**
 * Test and demo harness: a tree built from YAML text against a VirtualClock, a fresh
 * Blackboard and an InMemoryController, with helpers to feed affect estimates and
 * readiness the way the MQTT bridge / simulator would. Used by affect-bt's own tests
 * and handy for anyone writing node or tree tests.
 */
import { Blackboard } from '../core/blackboard.ts';
import { VirtualClock } from '../core/clock.ts';
import { InMemoryController, type ScriptedOutcome } from '../core/in-memory-controller.ts';
import { affectKey, type AffectCues, type AffectEstimate } from '../contract/affect.ts';
import { buildTree } from './build.ts';
import { loadTreeText, type LoadOptions } from './loader.ts';
import type { TreeRunner } from './runner.ts';

/** A built tree and its world. */
export interface TreeHarness {
  clock: VirtualClock;
  blackboard: Blackboard;
  controller: InMemoryController;
  runner: TreeRunner;
  /** Writes a fresh affect estimate for `humanId` (default h1) at the clock's now. */
  affect(frustration: number, opts?: { cues?: AffectCues; humanId?: string; maxAgeMs?: number; confidence?: number }): void;
  /** Sets `human/ready`. */
  ready(on: boolean): void;
  /** Advances the clock by `ms` and ticks once. */
  step(ms: number): ReturnType<TreeRunner['tick']>;
}

/**
 * Epoch ms at which harness clocks start (2026-01-01T09:00:00Z).
 *
 * @example
 * ```ts
 * treeHarness(yaml).clock.now() === HARNESS_START; // true
 * ```
 */
export const HARNESS_START = Date.UTC(2026, 0, 1, 9, 0, 0);

/**
 * Builds a harness from YAML text.
 *
 * @example
 * ```ts
 * const h = treeHarness('trees:\n  M:\n    ControllerAvailable: {}\n');
 * h.runner.tick(); // 'SUCCESS'
 * ```
 */
export function treeHarness(
  yaml: string,
  opts: { script?: ScriptedOutcome[]; trace?: boolean; load?: LoadOptions; file?: string; speedRange?: readonly [number, number] } = {},
): TreeHarness {
  const clock = new VirtualClock(HARNESS_START);
  const blackboard = new Blackboard({ clock });
  const controller = new InMemoryController({ clock, script: opts.script, speedRange: opts.speedRange });
  const runner = buildTree(loadTreeText(yaml, opts.file ?? 'inline.yaml', opts.load), { blackboard, controller, clock, trace: opts.trace });
  return {
    clock,
    blackboard,
    controller,
    runner,
    affect(frustration, o = {}) {
      const est: AffectEstimate = {
        humanId: o.humanId ?? 'h1',
        expression: frustration > 0.5 ? 'angry' : 'neutral',
        valence: -frustration,
        arousal: frustration / 2,
        confidence: o.confidence ?? 0.8,
        frustration,
        source: 'local',
        maxAgeMs: o.maxAgeMs ?? 1000,
        observedAt: new Date(clock.now()).toISOString(),
        ...(o.cues ? { cues: o.cues } : {}),
      };
      blackboard.set(affectKey(est.humanId), est, { source: 'test', timestamp: Date.parse(est.observedAt), maxAgeMs: est.maxAgeMs });
    },
    ready(on) {
      blackboard.set('human/ready', on, { source: 'test' });
    },
    step(ms) {
      clock.advance(ms);
      return runner.tick();
    },
  };
}

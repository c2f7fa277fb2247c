/**
 * Shared fixtures for the VLM tests: an ambiguous synthetic window (low local
 * confidence, furrowed brow while working, a recent failed handover) and helpers
 * to run an Escalator over it against a provider.
 */
import { VirtualClock } from '../../src/core/clock.ts';
import type { AffectEstimate } from '../../src/contract/affect.ts';
import { Escalator, type EscalatorOptions } from '../../src/vlm/escalator.ts';
import { syntheticFrameSource, syntheticSession, type SyntheticFrame } from '../../src/vlm/synthetic.ts';

/**
 * 2 s of 15 fps frames whose every frame triggers escalation (low confidence +
 * conflict + recent failure). Same arguments → same scene (same cache key);
 * `failures` changes the task context, hence the scene.
 */
export function ambiguousFrames(seed = 7, startMs = Date.UTC(2026, 0, 1), failures = 1): SyntheticFrame[] {
  return syntheticSession({ seed, durationMs: 2000, startMs }).map(({ fused, context }) => {
    const estimate: AffectEstimate = { ...fused.estimate, expression: 'angry', confidence: 0.2, cues: { furrowedBrow: 0.7, workingOnTask: true } };
    return {
      fused: { ...fused, label: 'angry', confidence: 0.2, concentration: true, estimate },
      context: { ...context, workingOnTask: true, lastHandover: 'drop', lastHandoverAt: fused.t - 500, consecutiveFailures: failures, retries: 1 },
    };
  });
}

/** An Escalator on a VirtualClock with test-friendly defaults (no trigger delay). */
export function testEscalator(opts: Partial<EscalatorOptions> & { clock?: VirtualClock } = {}): { esc: Escalator; clock: VirtualClock; published: AffectEstimate[] } {
  const clock = opts.clock ?? new VirtualClock(Date.UTC(2026, 0, 1));
  const published: AffectEstimate[] = [];
  const esc = new Escalator({ frames: syntheticFrameSource(), minTriggerMs: 0, timeoutMs: 5000, onEstimate: (e) => published.push(e), ...opts, clock });
  return { esc, clock, published };
}

/** Offers frames (advancing the clock to each frame time) until one escalates; waits for the background work. */
export async function escalateOnce(esc: Escalator, clock: VirtualClock, frames: SyntheticFrame[]): Promise<boolean> {
  for (const f of frames) {
    if (f.fused.t > clock.now()) clock.set(f.fused.t);
    if (esc.offer(f.fused, f.context) === 'escalated') {
      await esc.idle();
      return true;
    }
  }
  return false;
}

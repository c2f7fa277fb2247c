/**
 * A small hand-written policy with the {@link TreeRunnerLike} shape: hand over, retry
 * up to `maxAttempts`, apologise (neutral tone) after each failure. It exists so the
 * simulator's own mechanics (skip-ahead vs fixed-rate, determinism) can be tested
 * without a tree file, and as a reference point in docs. Real comparisons use YAML
 * trees through the real runner (`sim/trees.ts`).
 */
import type { Controller } from '../src/core/controller.ts';
import type { TreeFactory, TreeRunnerLike } from './episode.ts';

/**
 * Factory of the scripted policy.
 *
 * @example
 * ```ts
 * runEpisode({ scenario, tree: scriptedPolicy({ maxAttempts: 3 }), seed: '1' });
 * ```
 */
export function scriptedPolicy(opts: { maxAttempts?: number; apologise?: boolean; speedScale?: number } = {}): TreeFactory {
  const maxAttempts = opts.maxAttempts ?? 3;
  return ({ controller }) => new ScriptedRunner(controller, maxAttempts, opts.apologise ?? true, opts.speedScale ?? 1);
}

class ScriptedRunner implements TreeRunnerLike {
  private action: string | undefined;
  private say: string | undefined;
  private attempts = 0;
  constructor(
    private readonly c: Controller,
    private readonly maxAttempts: number,
    private readonly apologise: boolean,
    private readonly speed: number,
  ) {}

  tick(): string {
    if (this.say !== undefined) {
      const s = this.c.actionState(this.say);
      if (s && (s.status === 'RUNNING' || s.status === 'WAITING')) return 'RUNNING';
      this.say = undefined;
    }
    if (this.action === undefined) {
      this.attempts++;
      this.action = this.c.startHandover({ objectId: 'part', target: 'h1', speedScale: this.speed, approachWaitMs: 0, timeoutMs: 30_000 });
      return 'RUNNING';
    }
    const s = this.c.actionState(this.action);
    if (!s || s.status === 'RUNNING' || s.status === 'WAITING' || s.status === 'INITIALIZING') return 'RUNNING';
    this.action = undefined;
    if (s.status === 'FINISHED') {
      this.attempts = 0;
      return 'SUCCESS';
    }
    if (this.apologise) this.say = this.c.say({ text: 'Sorry, let me try that again.', kind: 'apology', failureKind: s.failureKind, tone: 'neutral' });
    if (this.attempts >= this.maxAttempts) {
      this.attempts = 0;
      return 'FAILURE';
    }
    return 'RUNNING';
  }

  halt(): void {
    if (this.action) this.c.cancel(this.action);
    this.action = undefined;
    this.attempts = 0;
  }

  nextDeadline(): number | undefined {
    return undefined;
  }
}

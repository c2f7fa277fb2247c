/**
 * `Say` (action, task): robot speech through the controller (`controller.say`, kind
 * `info`) — "Please take the part", "Step back, please". With `wait: false` (default) it
 * succeeds as soon as the utterance is queued; with `wait: true` it is RUNNING until the
 * controller reports the utterance FINISHED (SUCCESS) or FAILED, or `timeoutMs` passes
 * (FAILURE, the utterance is cancelled). Halting a waiting Say cancels it. FAILURE when
 * the controller is unavailable. Apologies are `Apologise`'s job (affect side).
 */
import type { Clock } from '../src/core/clock.ts';
import type { Controller } from '../src/core/controller.ts';
import { defineNode, type PortValues } from '../src/tree/define.ts';
import { Behaviour, type LeafContext, type Status } from '../src/tree/node.ts';

const PORTS = {
  text: { type: 'string', required: true, description: 'what the robot says' },
  tone: { type: 'enum', values: ['neutral', 'empathic'], default: 'neutral', description: 'voice tone the controller should use' },
  wait: { type: 'boolean', default: false, description: 'RUNNING until the controller reports the utterance finished' },
  timeoutMs: { type: 'integer', default: 10_000, min: 100, max: 600_000, description: 'with wait: fail (and cancel) after this long' },
} as const;

/**
 * Behaviour of `Say`.
 *
 * YAML:
 * ```yaml
 * - Say: { text: Please take the part, wait: true }
 * ```
 *
 * @example
 * ```ts
 * const node = SAY.create!(ctx); node.initialise(); node.update(); // 'SUCCESS' once queued
 * ```
 */
export class Say extends Behaviour {
  private readonly controller: Controller;
  private readonly clock: Clock;
  private readonly ports: PortValues<typeof PORTS>;
  private actionId: string | undefined;
  private startedAt = NaN;

  constructor(ctx: LeafContext<PortValues<typeof PORTS>>) {
    super();
    this.controller = ctx.controller;
    this.clock = ctx.clock;
    this.ports = ctx.ports;
  }

  override initialise(): void {
    this.actionId = undefined;
    if (!this.controller.available) return;
    this.startedAt = this.clock.now();
    this.actionId = this.controller.say({ text: this.ports.text, kind: 'info', tone: this.ports.tone });
  }

  update(): Status {
    if (this.actionId === undefined) {
      this.feedback = 'controller unavailable';
      return 'FAILURE';
    }
    if (!this.ports.wait) {
      this.feedback = `said "${this.ports.text}"`;
      return 'SUCCESS';
    }
    const st = this.controller.actionState(this.actionId);
    if (st?.status === 'FINISHED') {
      this.feedback = `said "${this.ports.text}"`;
      return 'SUCCESS';
    }
    if (st?.status === 'FAILED') {
      this.feedback = `speech failed: ${st.failureKind ?? 'error'}`;
      return 'FAILURE';
    }
    if (this.clock.now() - this.startedAt >= this.ports.timeoutMs) {
      this.controller.cancel(this.actionId);
      this.feedback = `speech not finished after ${this.ports.timeoutMs} ms`;
      return 'FAILURE';
    }
    this.feedback = 'speaking';
    return 'RUNNING';
  }

  override terminate(how: 'SUCCESS' | 'FAILURE' | 'HALTED'): void {
    if (how === 'HALTED' && this.actionId !== undefined && this.ports.wait) this.controller.cancel(this.actionId);
    this.actionId = undefined;
    this.startedAt = NaN;
  }

  override deadline(): number | undefined {
    return this.ports.wait && this.actionId !== undefined ? this.startedAt + this.ports.timeoutMs : undefined;
  }
}

/**
 * Declaration of `Say`.
 *
 * @example
 * ```ts
 * SAY.ports.map((p) => p.name); // ['text', 'tone', 'wait', 'timeoutMs']
 * ```
 */
export const SAY = defineNode({
  kind: 'Say',
  category: 'action',
  role: 'task',
  description: 'Robot speech through the controller. SUCCESS once queued, or with wait: true once the controller reports it finished; FAILURE when the controller is unavailable, the utterance fails or timeoutMs passes.',
  ports: PORTS,
  example: 'Say: { text: Please take the part, wait: true }',
  create: (ctx) => new Say(ctx),
});

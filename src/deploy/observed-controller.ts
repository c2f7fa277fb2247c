/**
 * A {@link Controller} decorator that counts actions by type and outcome for the
 * `affectbt_actions_total` metric without touching the MQTT controller client: it
 * records every action the tree sends and, once per tick ({@link ObservedController.poll}),
 * checks the pending ones for a final status.
 *
 * Design notes: the pending set is a Map reused across ticks; `poll` is a no-op when
 * nothing is pending, so the steady state costs nothing.
 */
import type { ActionState, Controller, HandoverParams, SayParams } from '../core/controller.ts';
import type { ActionOutcome } from './metrics.ts';

/** Where outcomes go. */
export type ActionSink = (type: string, outcome: ActionOutcome) => void;

/**
 * Counting wrapper around a controller.
 *
 * @example
 * ```ts
 * const ctl = new ObservedController(link.controller, (type, outcome) => metrics.action(type, outcome));
 * const tree = buildTree(doc, { blackboard, controller: ctl, clock });
 * // after every tick:
 * ctl.poll();
 * ```
 */
export class ObservedController implements Controller {
  private readonly pending = new Map<string, string>();

  constructor(
    readonly inner: Controller,
    private readonly sink: ActionSink,
  ) {}

  get available(): boolean {
    return this.inner.available;
  }
  get speedRange(): readonly [number, number] {
    return this.inner.speedRange;
  }
  get speedScale(): number {
    return this.inner.speedScale;
  }

  startHandover(params: HandoverParams): string {
    return this.track('handover', this.inner.startHandover(params));
  }

  setSpeedScale(scale: number): number {
    this.sink('setSpeedScale', 'sent');
    return this.inner.setSpeedScale(scale);
  }

  say(params: SayParams): string {
    return this.track(params.kind === 'apology' ? 'apology' : 'say', this.inner.say(params));
  }

  cancel(actionId: string): void {
    this.inner.cancel(actionId);
  }

  actionState(actionId: string): Readonly<ActionState> | undefined {
    return this.inner.actionState(actionId);
  }

  /** Actions sent whose outcome is not known yet. */
  get pendingCount(): number {
    return this.pending.size;
  }

  /** Counts the outcomes of actions that ended since the last poll. */
  poll(): void {
    if (this.pending.size === 0) return;
    for (const [id, type] of this.pending) {
      const s = this.inner.actionState(id);
      if (s === undefined) {
        this.pending.delete(id);
      } else if (s.status === 'FINISHED') {
        this.sink(type, 'finished');
        this.pending.delete(id);
      } else if (s.status === 'FAILED') {
        this.sink(type, s.failureKind === 'cancelled' ? 'cancelled' : 'failed');
        this.pending.delete(id);
      }
    }
  }

  private track(type: string, id: string): string {
    this.sink(type, 'sent');
    this.pending.set(id, type);
    return id;
  }
}

/**
 * `Handover` (action, task): hands an object to the person through the controller.
 * Async in the tick sense: `initialise` queues the handover (`startHandover`), each
 * `update` polls `actionState` (never waits), and the node finishes when the
 * controller reports FINISHED or FAILED. A failure is reported with its kind in
 * `task/lastFailure` (drop, timeout, human_not_ready, …); a success increments
 * `task/handoversDone`. Halting it cancels the controller action.
 *
 * Pacing comes from the `pacing` key (written by SlowHandover): read at start and
 * re-checked every tick while RUNNING, so a change re-paces the running handover
 * (`controller.setSpeedScale`). Affect can change only speed and approach wait —
 * `objectId` and `target` are fixed ports of this task node (task first); an order may
 * name another object or target: its `objectId`/`target` parameters, which the planner
 * writes to `order/objectId`/`order/target` (ports `objectIdKey`/`targetKey`), replace
 * the ports' values for that order. Without an order (simulator, `tick`, `--loop`) the
 * ports' values are used.
 * A controller that goes silent is caught by a local guard: no result within
 * `timeoutMs + graceMs` → cancel and fail with `timeout`.
 */
import { Behaviour, type LeafContext, type NodeDef, type Status } from '../src/tree/node.ts';
import type { BlackboardAccess } from '../src/core/blackboard.ts';
import type { Controller, FailureKind } from '../src/core/controller.ts';
import { KEYS, type FailureRecord, type Pacing } from './keys.ts';

/**
 * Behaviour of `Handover`.
 *
 * YAML:
 * ```yaml
 * - Handover: { objectId: part-7, target: right_hand, timeoutMs: 8000 }
 * ```
 *
 * @example
 * ```ts
 * const node = HANDOVER.create!(ctx); node.initialise(); node.update(); // 'RUNNING'
 * ```
 */
export class Handover extends Behaviour {
  private readonly io: BlackboardAccess;
  private readonly controller: Controller;
  private readonly objectId: string;
  private readonly target: string;
  private readonly objectIdKey: string;
  private readonly targetKey: string;
  private readonly timeoutMs: number;
  private readonly graceMs: number;
  private readonly baseSpeed: number;
  private readonly pacingKey: string;
  private actionId: string | undefined;
  private startedAt = 0;
  private commanded = 1;
  private startError: FailureKind | undefined;
  /** Number of times the running handover was re-paced. */
  repaced = 0;

  constructor(ctx: LeafContext) {
    super();
    this.controller = ctx.controller;
    this.objectId = String(ctx.ports.objectId);
    this.target = String(ctx.ports.target);
    this.timeoutMs = Number(ctx.ports.timeoutMs);
    this.graceMs = Number(ctx.ports.graceMs);
    this.baseSpeed = Number(ctx.ports.speedScale);
    this.pacingKey = String(ctx.ports.pacing);
    this.objectIdKey = String(ctx.ports.objectIdKey);
    this.targetKey = String(ctx.ports.targetKey);
    this.io = ctx.access({ reads: [this.pacingKey, this.objectIdKey, this.targetKey], writes: [KEYS.lastFailure, KEYS.handoversDone] });
  }

  private speed(p: Pacing | undefined): number {
    return p === undefined ? this.baseSpeed : Math.min(this.baseSpeed, p.speedScale);
  }

  override initialise(): void {
    this.actionId = undefined;
    this.startError = undefined;
    this.startedAt = this.io.now();
    if (!this.controller.available) {
      this.startError = 'controller_lost';
      return;
    }
    const p = this.io.get<Pacing>(this.pacingKey);
    this.commanded = this.speed(p);
    try {
      this.actionId = this.controller.startHandover({
        objectId: this.fromOrder(this.objectIdKey) ?? this.objectId,
        target: this.fromOrder(this.targetKey) ?? this.target,
        speedScale: this.commanded,
        approachWaitMs: p === undefined ? 0 : p.approachWaitMs,
        timeoutMs: this.timeoutMs,
      });
    } catch {
      this.startError = 'error';
    }
  }

  /** An order's value for a port (a non-empty string on the blackboard), if any. */
  private fromOrder(key: string): string | undefined {
    const v = this.io.get<unknown>(key);
    return typeof v === 'string' && v.length > 0 ? v : undefined;
  }

  private fail(kind: FailureKind): Status {
    const rec: FailureRecord = { kind, at: this.io.now(), actionId: this.actionId };
    this.io.set(KEYS.lastFailure, rec);
    this.feedback = `handover failed: ${kind}`;
    return 'FAILURE';
  }

  update(): Status {
    if (this.startError !== undefined) return this.fail(this.startError);
    const id = this.actionId!;
    const st = this.controller.actionState(id);
    if (st !== undefined && st.status === 'FINISHED') {
      this.io.set(KEYS.handoversDone, (this.io.get<number>(KEYS.handoversDone) ?? 0) + 1);
      this.feedback = 'handover done';
      this.actionId = undefined;
      return 'SUCCESS';
    }
    if (st !== undefined && st.status === 'FAILED') {
      const r = this.fail(st.failureKind ?? 'error');
      this.actionId = undefined;
      return r;
    }
    if (!this.controller.available) {
      this.controller.cancel(id);
      return this.fail('controller_lost');
    }
    if (this.io.now() - this.startedAt > this.timeoutMs + this.graceMs) {
      this.controller.cancel(id);
      return this.fail('timeout');
    }
    const s = this.speed(this.io.get<Pacing>(this.pacingKey));
    if (s !== this.commanded) {
      this.controller.setSpeedScale(s);
      this.commanded = s;
      this.repaced++;
      this.feedback = 're-paced';
    } else this.feedback = 'handover running';
    return 'RUNNING';
  }

  override terminate(how: 'SUCCESS' | 'FAILURE' | 'HALTED'): void {
    if (how === 'HALTED' && this.actionId !== undefined) {
      this.controller.cancel(this.actionId);
      this.actionId = undefined;
    }
  }

  override deadline(): number | undefined {
    return this.actionId !== undefined ? this.startedAt + this.timeoutMs + this.graceMs + 1 : undefined;
  }
}

/**
 * Declaration of `Handover` (ports, role, factory) for `nodeRegistry`.
 *
 * @example
 * ```ts
 * HANDOVER.ports.map((p) => p.name);
 * ```
 */
export const HANDOVER: NodeDef = {
  kind: 'Handover',
  category: 'action',
  role: 'task',
  description: 'Starts a handover on the controller, RUNNING until it reports a result; FAILURE records the failure kind in task/lastFailure; halting cancels it.',
  ports: [
    { name: 'objectId', type: 'string', required: true, description: 'object to hand over (never changed by affect)' },
    { name: 'target', type: 'string', required: true, description: 'where to hand it (e.g. right_hand; never changed by affect)' },
    { name: 'timeoutMs', type: 'integer', default: 10_000, min: 100, max: 600_000, description: 'controller fails the handover after this long' },
    { name: 'graceMs', type: 'integer', default: 2_000, min: 0, max: 60_000, description: 'extra wait for a silent controller before failing locally' },
    { name: 'speedScale', type: 'number', default: 1, min: 0.05, max: 1, description: 'nominal speed scale (pacing can only lower it)' },
    { name: 'pacing', type: 'key', default: '{pacing}', valueType: 'object', affectInput: true, description: 'pacing record from SlowHandover (the one affect input of the task: it can only lower the speed)' },
    { name: 'objectIdKey', type: 'key', default: '{@order/objectId}', valueType: 'string', description: "when this key holds text (an order's objectId parameter), it replaces objectId for that order" },
    { name: 'targetKey', type: 'key', default: '{@order/target}', valueType: 'string', description: "when this key holds text (an order's target parameter), it replaces target for that order" },
  ],
  children: { min: 0, max: 0 },
  example: 'Handover: { objectId: part-7, target: right_hand, timeoutMs: 8000 }',
  create: (ctx) => new Handover(ctx),
};

/**
 * An in-memory {@link Controller} for tests, demos and the `tick` command. Actions stay
 * RUNNING until a test resolves them (`resolve`) or a scripted outcome's clock time
 * is reached (`script`); `available` can be toggled to simulate a lost controller;
 * speed scales are clamped to `speedRange` like a real controller does. Everything
 * it was asked to do is recorded (`handovers`, `utterances`, `speedCommands`,
 * `cancelled`) so tests can assert on it.
 *
 * It reads time from the injected {@link Clock}, so it is deterministic on a
 * VirtualClock; scripted outcomes are applied lazily when `actionState` is polled.
 */
import type { Clock } from './clock.ts';
import {
  clampSpeedScale,
  type ActionState,
  type ActionType,
  type Controller,
  type FailureKind,
  type HandoverParams,
  type SayParams,
} from './controller.ts';

/** How a handover ends: `success` or a failure kind. */
export type HandoverOutcome = 'success' | FailureKind;

/** A scripted outcome for the next handover: ends `afterMs` after it starts. */
export interface ScriptedOutcome {
  afterMs: number;
  outcome: HandoverOutcome;
}

/** Options of {@link InMemoryController}. */
export interface InMemoryControllerOptions {
  clock: Clock;
  speedRange?: readonly [number, number];
  /** Outcomes for the next handovers, in order (others stay RUNNING until resolved). */
  script?: ScriptedOutcome[];
  /** Duration of `say` actions, ms (default 0: FINISHED at once). */
  sayDurationMs?: number;
}

interface Action {
  state: ActionState;
  startedAt: number;
  due?: { at: number; outcome: HandoverOutcome };
}

/**
 * In-memory controller.
 *
 * @example
 * ```ts
 * const ctl = new InMemoryController({ clock, script: [{ afterMs: 2000, outcome: 'drop' }] });
 * const id = ctl.startHandover({ objectId: 'cup', target: 'right_hand', speedScale: 1, approachWaitMs: 0, timeoutMs: 8000 });
 * ctl.actionState(id)?.status; // 'RUNNING'; after 2 s of clock time: 'FAILED' with failureKind 'drop'
 * ctl.resolve(id, 'success');  // or end it by hand
 * ```
 */
export class InMemoryController implements Controller {
  available = true;
  readonly speedRange: readonly [number, number];
  speedScale = 1;
  readonly handovers: { actionId: string; params: HandoverParams; at: number }[] = [];
  readonly utterances: { actionId: string; params: SayParams; at: number }[] = [];
  readonly speedCommands: { requested: number; applied: number; at: number }[] = [];
  readonly cancelled: string[] = [];
  private readonly clock: Clock;
  private readonly script: ScriptedOutcome[];
  private readonly sayDurationMs: number;
  private readonly actions = new Map<string, Action>();
  private seq = 0;

  constructor(opts: InMemoryControllerOptions) {
    this.clock = opts.clock;
    this.speedRange = opts.speedRange ?? [0.3, 1];
    if (!(this.speedRange[0] > 0 && this.speedRange[0] <= this.speedRange[1] && this.speedRange[1] <= 1)) {
      throw new RangeError(`InMemoryController: speedRange must satisfy 0 < min ≤ max ≤ 1, got [${this.speedRange.join(', ')}]`);
    }
    this.script = [...(opts.script ?? [])];
    this.sayDurationMs = opts.sayDurationMs ?? 0;
  }

  /** Adds scripted outcomes for later handovers. */
  scriptNext(...outcomes: ScriptedOutcome[]): void {
    this.script.push(...outcomes);
  }

  private add(type: ActionType, prefix: string): Action {
    const now = this.clock.now();
    const actionId = `${prefix}-${++this.seq}`;
    const a: Action = { state: { actionId, actionType: type, status: 'RUNNING', updatedAt: now }, startedAt: now };
    this.actions.set(actionId, a);
    return a;
  }

  startHandover(params: HandoverParams): string {
    if (!this.available) throw new Error('InMemoryController: unavailable (controller lost); check `available` before starting a handover');
    const speed = clampSpeedScale(params.speedScale, this.speedRange);
    this.speedScale = speed;
    const a = this.add('handover', 'ho');
    const s = this.script.shift();
    if (s) a.due = { at: a.startedAt + s.afterMs, outcome: s.outcome };
    this.handovers.push({ actionId: a.state.actionId, params: { ...params, speedScale: speed }, at: a.startedAt });
    return a.state.actionId;
  }

  setSpeedScale(scale: number): number {
    const applied = clampSpeedScale(scale, this.speedRange);
    this.speedScale = applied;
    this.speedCommands.push({ requested: scale, applied, at: this.clock.now() });
    return applied;
  }

  say(params: SayParams): string {
    const a = this.add('say', 'say');
    if (this.sayDurationMs <= 0) {
      a.state.status = 'FINISHED';
    } else a.due = { at: a.startedAt + this.sayDurationMs, outcome: 'success' };
    this.utterances.push({ actionId: a.state.actionId, params, at: a.startedAt });
    return a.state.actionId;
  }

  cancel(actionId: string): void {
    const a = this.actions.get(actionId);
    if (a === undefined || a.state.status === 'FINISHED' || a.state.status === 'FAILED') return;
    this.cancelled.push(actionId);
    this.finish(a, 'cancelled');
  }

  private finish(a: Action, outcome: HandoverOutcome): void {
    a.due = undefined;
    a.state.updatedAt = this.clock.now();
    if (outcome === 'success') a.state.status = 'FINISHED';
    else {
      a.state.status = 'FAILED';
      a.state.failureKind = outcome;
    }
  }

  /** Ends a running action now. Throws for unknown ids or finished actions. */
  resolve(actionId: string, outcome: HandoverOutcome): void {
    const a = this.actions.get(actionId);
    if (a === undefined) throw new Error(`InMemoryController.resolve: unknown action '${actionId}' (known: ${[...this.actions.keys()].join(', ') || 'none'})`);
    if (a.state.status !== 'RUNNING') throw new Error(`InMemoryController.resolve: action '${actionId}' already ended (${a.state.status})`);
    this.finish(a, outcome);
  }

  /** The id of the handover that is still RUNNING, if any. */
  runningHandover(): string | undefined {
    for (const h of this.handovers) if (this.actionState(h.actionId)?.status === 'RUNNING') return h.actionId;
    return undefined;
  }

  actionState(actionId: string): Readonly<ActionState> | undefined {
    const a = this.actions.get(actionId);
    if (a === undefined) return undefined;
    if (a.due !== undefined && this.clock.now() >= a.due.at) this.finish(a, a.due.outcome);
    return a.state;
  }
}

/**
 * The simulated cobot: implements the tree's {@link Controller} interface, so the real
 * tree and nodes drive it exactly as they would drive the MQTT controller.
 *
 * The object is fetched between tasks (`fetchS`, not part of the action, as in the
 * MQTT controller simulator). A handover action runs approach (+ the commanded
 * approach wait) → wait for the person to be ready → transfer. Phase durations scale with 1/speed (the effective
 * speed is the lower of the handover's own `speedScale` and the controller's current
 * scale, both clamped to the safe range; a speed change rescales the remaining part of
 * the current phase). Outcomes: `human_not_ready` when the person is not ready within
 * `readyTimeoutS` of arrival; `timeout` when the action's `timeoutMs` elapses or the
 * controller faults (`timeoutProb`); `drop` with a probability that grows with speed,
 * with the receiver's missing catch skill and with their frustration (rushed grabs)
 * [Strabala et al. 2013; Koene et al. 2014]. After a transfer the arm retracts before
 * the next fetch. `say` actions finish after a duration proportional to their length.
 *
 * Event-driven: {@link SimRobot.nextEventAt} tells the episode runner when something
 * changes next; {@link SimRobot.advanceTo} processes everything up to a time. Each
 * handover attempt consumes exactly three draws of the robot stream, so compared trees
 * get the same luck per attempt.
 */
import { clampSpeedScale, type ActionState, type Controller, type FailureKind, type HandoverParams, type SayParams } from '../src/core/controller.ts';
import type { Clock } from '../src/core/clock.ts';
import type { RobotParams } from './params.ts';
import type { Rng } from './rng.ts';

/** What the arm is doing. */
export type RobotPhase = 'idle' | 'retract' | 'fetch' | 'hold' | 'approach' | 'at_pose' | 'transfer';

/** What the person model tells the robot. */
export interface ReceiverView {
  /** Time the person becomes ready for a robot arriving at `arrivalMs` (≥ arrival). */
  readyAt(arrivalMs: number): number;
  readonly frustration: number;
  readonly traits: { readonly catchSkill: number };
}

/** Something that happened on the robot, for the runner's metrics and the person. */
export type RobotEvent =
  | { type: 'handover-start'; t: number; actionId: string; speed: number; approachWaitMs: number }
  | { type: 'arrive'; t: number; actionId: string }
  | { type: 'handover-end'; t: number; actionId: string; result: 'success' | FailureKind; speed: number; target: string }
  | { type: 'say'; t: number; actionId: string; params: SayParams }
  | { type: 'speed'; t: number; scale: number };

interface Handover {
  state: ActionState;
  params: HandoverParams;
  phase: RobotPhase;
  phaseEndsAt: number;
  deadlineAt: number;
  readyAt: number;
  uDrop: number;
  uFault: number;
}

/**
 * A simulated controller.
 *
 * @example
 * ```ts
 * const robot = new SimRobot(scenario.robot, clock, rng.derive('robot'), human, (ev) => log.push(ev));
 * const id = robot.startHandover({ objectId: 'o1', target: 'h1', speedScale: 1, approachWaitMs: 0, timeoutMs: 30000 });
 * robot.advanceTo(robot.nextEventAt());
 * robot.actionState(id)?.status; // 'RUNNING'
 * ```
 */
export class SimRobot implements Controller {
  readonly available = true;
  readonly speedRange: readonly [number, number];
  speedScale = 1;
  phase: RobotPhase = 'idle';
  /** Number of controller commands received (a cheap change detector for the runner). */
  commands = 0;
  /** Number of action state changes (a cheap change detector for the runner). */
  changes = 0;
  private readonly actions = new Map<string, ActionState>();
  private current: Handover | undefined;
  private says: { id: string; endsAt: number }[] = [];
  private retractEndsAt = 0;
  /** When the current handover's hold (or approach) began: the arm is still before that (retracting). */
  private holdFrom = 0;
  private seq = 0;

  constructor(
    private readonly p: RobotParams,
    private readonly clock: Clock,
    private readonly rng: Rng,
    private readonly receiver: ReceiverView,
    private readonly onEvent: (ev: RobotEvent) => void = () => {},
  ) {
    this.speedRange = [p.minSpeedScale, 1];
  }

  /** Effective speed scale of the current handover, else of the last one (for plots). */
  get handoverSpeed(): number {
    if (this.current) this.lastHandoverSpeed = this.effectiveSpeed();
    return this.lastHandoverSpeed;
  }
  private lastHandoverSpeed = 1;

  /** Speed the arm is moving at now (0 when still). */
  get movingSpeed(): number {
    const ph = this.current?.phase ?? this.phase;
    return ph === 'fetch' || ph === 'approach' || ph === 'transfer' || ph === 'retract' ? this.effectiveSpeed() : 0;
  }

  /** True while the arm holds still in a commanded approach wait (not while it still retracts before it). */
  get holding(): boolean {
    return this.current?.phase === 'hold' && this.clock.now() >= this.holdFrom;
  }

  /**
   * The arm's speed: the controller's speed scale, which a handover sets when it starts
   * (its `speedScale`) and `setSpeedScale` changes while it runs — as the in-memory
   * controller and the MQTT controller simulator do. A mid-handover slow-down therefore
   * lasts until the next handover starts, never longer.
   */
  private effectiveSpeed(): number {
    return this.speedScale;
  }

  private newId(kind: string): string {
    return `${kind}-${++this.seq}`;
  }

  private setStatus(s: ActionState, status: ActionState['status'], failureKind?: FailureKind, why?: string): void {
    s.status = status;
    s.updatedAt = this.clock.now();
    if (failureKind) s.failureKind = failureKind;
    if (why) s.resultDescription = why;
    this.changes++;
  }

  startHandover(params: HandoverParams): string {
    this.commands++;
    const now = this.clock.now();
    const id = this.newId('handover');
    const state: ActionState = { actionId: id, actionType: 'handover', status: 'WAITING', updatedAt: now };
    this.actions.set(id, state);
    if (this.current) {
      this.setStatus(state, 'FAILED', 'error', `controller busy with ${this.current.state.actionId}; cancel it first`);
      return id;
    }
    const h: Handover = {
      state,
      params,
      phase: 'approach',
      phaseEndsAt: 0,
      deadlineAt: now + (Number.isFinite(params.timeoutMs) && params.timeoutMs > 0 ? params.timeoutMs : Infinity),
      readyAt: Infinity,
      uDrop: this.rng.next(),
      uFault: this.rng.next(),
    };
    this.rng.next(); // spare draw: keep three per attempt
    this.current = h;
    this.speedScale = clampSpeedScale(params.speedScale, this.speedRange);
    this.setStatus(state, 'RUNNING');
    const start = this.retractEndsAt > now ? this.retractEndsAt : now;
    // the commanded wait comes first ("pause before the final approach"), then the motion
    const hold = Math.max(0, params.approachWaitMs || 0);
    if (hold > 0) {
      h.phase = this.phase = 'hold';
      h.phaseEndsAt = start + hold;
    } else {
      h.phase = this.phase = 'approach';
      h.phaseEndsAt = start + (this.p.approachS * 1000) / this.effectiveSpeed();
    }
    this.holdFrom = start;
    this.onEvent({ type: 'handover-start', t: now, actionId: id, speed: this.effectiveSpeed(), approachWaitMs: hold });
    return id;
  }

  setSpeedScale(scale: number): number {
    this.commands++;
    const now = this.clock.now();
    const before = this.effectiveSpeed();
    this.speedScale = clampSpeedScale(scale, this.speedRange);
    const after = this.effectiveSpeed();
    const h = this.current;
    if (h && after !== before && (h.phase === 'fetch' || h.phase === 'approach' || h.phase === 'transfer') && h.phaseEndsAt > now) {
      h.phaseEndsAt = now + ((h.phaseEndsAt - now) * before) / after;
    }
    this.onEvent({ type: 'speed', t: now, scale: this.speedScale });
    return this.speedScale;
  }

  say(params: SayParams): string {
    this.commands++;
    const now = this.clock.now();
    const id = this.newId('say');
    const state: ActionState = { actionId: id, actionType: 'say', status: 'RUNNING', updatedAt: now };
    this.actions.set(id, state);
    this.changes++;
    this.says.push({ id, endsAt: now + Math.max(1, params.text.length * this.p.sayCharMs) });
    this.onEvent({ type: 'say', t: now, actionId: id, params });
    return id;
  }

  cancel(actionId: string): void {
    this.commands++;
    const s = this.actions.get(actionId);
    if (!s || s.status === 'FINISHED' || s.status === 'FAILED') return;
    if (this.current && this.current.state.actionId === actionId) this.endHandover('cancelled', 'cancelled by the planner');
    else {
      this.says = this.says.filter((x) => x.id !== actionId);
      this.setStatus(s, 'FAILED', 'cancelled', 'cancelled by the planner');
    }
  }

  actionState(actionId: string): Readonly<ActionState> | undefined {
    return this.actions.get(actionId);
  }

  /** Earliest time something changes on the robot (Infinity when nothing is pending). */
  nextEventAt(): number {
    let t = Infinity;
    const h = this.current;
    if (h) t = h.phase === 'at_pose' ? Math.min(h.readyAt, h.phaseEndsAt) : h.phaseEndsAt;
    if (h && h.deadlineAt < t) t = h.deadlineAt;
    for (const s of this.says) if (s.endsAt < t) t = s.endsAt;
    if (!h && this.phase === 'retract' && this.retractEndsAt < t) t = this.retractEndsAt;
    return t;
  }

  /** Processes every robot event with time ≤ `t` (the clock must already read `t`). */
  advanceTo(t: number): void {
    for (;;) {
      const next = this.nextEventAt();
      if (next > t) return;
      this.step(next);
    }
  }

  private step(t: number): void {
    for (let i = 0; i < this.says.length; i++) {
      const s = this.says[i]!;
      if (s.endsAt <= t) {
        this.says.splice(i, 1);
        this.setStatus(this.actions.get(s.id)!, 'FINISHED');
        return;
      }
    }
    const h = this.current;
    if (!h) {
      if (this.phase === 'retract' && this.retractEndsAt <= t) this.phase = 'idle';
      return;
    }
    if (h.deadlineAt <= t && h.deadlineAt <= h.phaseEndsAt) {
      this.endHandover('timeout', `no transfer within timeoutMs=${h.params.timeoutMs}`);
      return;
    }
    const speed = this.effectiveSpeed();
    switch (h.phase) {
      case 'hold':
        h.phase = this.phase = 'approach';
        h.phaseEndsAt = t + (this.p.approachS * 1000) / speed;
        return;
      case 'approach': {
        h.phase = this.phase = 'at_pose';
        const ready = this.receiver.readyAt(t);
        const giveUp = t + this.p.readyTimeoutS * 1000;
        h.readyAt = ready;
        h.phaseEndsAt = giveUp;
        if (ready > giveUp) h.readyAt = Infinity;
        this.onEvent({ type: 'arrive', t, actionId: h.state.actionId });
        return;
      }
      case 'at_pose':
        if (h.readyAt <= t) {
          h.phase = this.phase = 'transfer';
          h.phaseEndsAt = t + (this.p.transferS * 1000) / speed;
        } else {
          this.endHandover('human_not_ready', `person not ready within readyTimeoutS=${this.p.readyTimeoutS}`);
        }
        return;
      case 'transfer': {
        const pDrop = this.dropProbability(speed);
        if (h.uFault < this.p.timeoutProb) this.endHandover('timeout', 'controller fault during transfer');
        else if (h.uDrop < pDrop) this.endHandover('drop', `object dropped (p=${pDrop.toFixed(3)})`);
        else this.endHandover('success');
        return;
      }
      default:
        return;
    }
  }

  /** Drop probability of a transfer at `speed` to the current receiver. */
  dropProbability(speed: number): number {
    const p = this.p;
    const skillGap = 1 - this.receiver.traits.catchSkill;
    const v = p.dropBase * Math.pow(speed, p.dropSpeedExponent) * (1 + p.dropNoviceGain * skillGap) * (1 + p.dropFrustrationGain * this.receiver.frustration);
    return v > 1 ? 1 : v;
  }

  private endHandover(result: 'success' | FailureKind, why?: string): void {
    const h = this.current!;
    const now = this.clock.now();
    const speed = this.effectiveSpeed();
    const wasTransfer = h.phase === 'transfer' || h.phase === 'at_pose';
    this.current = undefined;
    if (result === 'success') this.setStatus(h.state, 'FINISHED', undefined, 'handed over');
    else this.setStatus(h.state, 'FAILED', result, why);
    this.retractEndsAt = now + (wasTransfer ? (this.p.retractS * 1000) / speed : 0);
    this.phase = this.retractEndsAt > now ? 'retract' : 'idle';
    this.onEvent({ type: 'handover-end', t: now, actionId: h.state.actionId, result, speed, target: h.params.target });
  }
}

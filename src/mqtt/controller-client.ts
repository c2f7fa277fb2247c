/**
 * `MqttController`: the tree's {@link Controller} over MQTT. Every call returns at
 * once (principle 2): commands are published on `instantActions` (QoS 1, one
 * `actionId` each) and results arrive later through `state`, which the
 * {@link MqttBridge} validates and hands over. The tree polls
 * {@link MqttController.actionState} on later ticks.
 *
 * Robustness:
 * - speed scales are clamped to `speedRange` before anything is published;
 * - an action not yet seen in `state` is re-sent every `resendIntervalMs` while the
 *   broker link is up (the controller ignores duplicate `actionId`s → exactly once);
 * - nothing is carried across a broker outage: when the link drops, the planner is in
 *   its safe state at once (`broker connection lost`), every open action fails with
 *   `controller_lost`, commands still in flight are taken back out of the MQTT client's
 *   store (an old handover delivered after the outage could run after the tree gave up
 *   on it and retried), and nothing is published until the link is back — the
 *   controller holds its own safe stop while it has no broker, so no cancel is needed;
 * - an action without a final status by its deadline fails locally with `timeout`
 *   (and a cancel is sent);
 * - safe state ({@link SafeStateMonitor}): while the controller's connection is
 *   `CONNECTION_BROKEN`/`OFFLINE` or its state is silent past `stateTimeoutMs`,
 *   `available` is false, running actions are failed with `controller_lost` and
 *   cancelled, new handovers and utterances fail at once (`controller_lost`), a
 *   speed change is kept and sent when the controller is back, and {@link MqttController.safeReason} says
 *   why; it resumes when the controller is back (ONLINE and a fresh state);
 * - sessions: every command carries this planner's `sessionId`; the controller is
 *   available only while its `state` reports `plannerSessionId` = this session. A
 *   `plannerSessionRefused` error naming this session (another planner holds the cell)
 *   is sticky: {@link MqttController.refusedBecause};
 * - reported action states are checked: a state for an `actionId` this planner never
 *   sent, of another action type, or going backwards (e.g. RUNNING after FINISHED,
 *   WAITING after RUNNING) is ignored and counted — final statuses are final.
 *
 * Design note: the internal check timer only compares numbers; no allocation unless
 * something changes. All times come from the injected clock.
 */
import type { MqttClient } from 'mqtt';
import { SystemClock, type Clock } from '../core/clock.ts';
import { clampSpeedScale, type ActionState, type ActionType, type Controller, type FailureKind, type HandoverParams, type SayParams } from '../core/controller.ts';
import { HeaderFactory, newSession, type RobotId } from '../contract/header.ts';
import type { InstantAction, InstantActionsMessage } from '../contract/instant-actions.ts';
import type { StateMessage } from '../contract/state.ts';
import { validateMessage } from '../contract/schemas.ts';
import type { ConnectionMessage } from '../contract/connection.ts';
import type { MqttBridge } from './bridge.ts';
import { publishOptions } from './connection.ts';
import { SafeStateMonitor } from './safe-state.ts';
import { topicFor } from './topics.ts';

/**
 * Options of {@link MqttController}.
 *
 * @example
 * ```ts
 * new MqttController({ client, robot, bridge, speedRange: [0.3, 1], stateTimeoutMs: 3000 });
 * ```
 */
export interface MqttControllerOptions {
  client: MqttClient;
  robot: RobotId;
  /** Source of state and connection messages (already validated). */
  bridge: MqttBridge;
  clock?: Clock;
  /** Safe speed range `[min, max]` (default `[0.3, 1]`). */
  speedRange?: readonly [number, number];
  /** State silence that triggers the safe state (default 3000 ms). */
  stateTimeoutMs?: number;
  /** Re-send period of unacknowledged actions (default 1000 ms). */
  resendIntervalMs?: number;
  /** Extra time over an action's own timeout before it fails locally (default 2000 ms). */
  actionTimeoutMarginMs?: number;
  /** Deadline of `say`/`setSpeedScale`/`cancel` actions (default 30 s). */
  shortActionTimeoutMs?: number;
  /** Period of the internal check timer (default 50 ms; 0 disables it — call {@link MqttController.update}). */
  checkIntervalMs?: number;
  /** Finished actions are forgotten after this (default 60 s). */
  retainFinishedMs?: number;
  /** This planner's session id, stamped on every command (default: a new session). */
  sessionId?: string;
}

/**
 * Counters of a controller client.
 *
 * @example
 * ```ts
 * controller.counters.timeouts; controller.counters.resends;
 * ```
 */
export interface ControllerCounters {
  actionsSent: number;
  /** Actions not sent because they violated the contract (failed with `error`). */
  rejectedActions: number;
  resends: number;
  timeouts: number;
  safeStateEntered: number;
  /** Reported states that went backwards or changed the action type (ignored). */
  illegalTransitions: number;
}

interface Tracked {
  state: ActionState;
  action: InstantAction;
  /** Published (false: failed locally before sending). */
  sent: boolean;
  /** Last status the controller reported. */
  reported: ActionState['status'] | undefined;
  acked: boolean;
  sentAt: number;
  deadline: number;
}

const FINAL = (s: ActionState['status']) => s === 'FINISHED' || s === 'FAILED';
/** Order of action statuses: a reported status may only move forward. */
const RANK: Readonly<Record<ActionState['status'], number>> = { WAITING: 0, INITIALIZING: 1, RUNNING: 2, FINISHED: 3, FAILED: 3 };

/**
 * The cobot controller as the tree sees it, over MQTT.
 *
 * @example
 * ```ts
 * const ctl = new MqttController({ client, robot, bridge, speedRange: [0.3, 1] });
 * if (ctl.available) {
 *   const id = ctl.startHandover({ objectId: 'cup', target: 'h1', speedScale: 0.6, approachWaitMs: 0, timeoutMs: 8000 });
 *   // later ticks:
 *   ctl.actionState(id)?.status; // 'RUNNING' … 'FINISHED'
 * } else {
 *   console.log('safe state:', ctl.safeReason);
 * }
 * ```
 */
export class MqttController implements Controller {
  readonly speedRange: readonly [number, number];
  readonly counters: ControllerCounters = { actionsSent: 0, rejectedActions: 0, resends: 0, timeouts: 0, safeStateEntered: 0, illegalTransitions: 0 };
  /** The session stamped on every command. */
  readonly sessionId: string;
  /** Last state message from the controller. */
  lastState: StateMessage | undefined;
  private readonly client: MqttClient;
  private readonly clock: Clock;
  private readonly headers: HeaderFactory;
  private readonly topic: string;
  private readonly monitor: SafeStateMonitor;
  private readonly tracked = new Map<string, Tracked>();
  private readonly resendMs: number;
  private readonly marginMs: number;
  private readonly shortMs: number;
  private readonly retainMs: number;
  private readonly idPrefix: string;
  private readonly listeners: Array<(available: boolean, reason: string | undefined) => void> = [];
  private readonly unsubscribe: Array<() => void> = [];
  private timer: NodeJS.Timeout | undefined;
  private nextId = 0;
  private _speed: number;
  private _safe = true;
  private _reason: string | undefined;
  private lastResendAt = 0;
  private speedPending = false;
  private lastScanAt = -Infinity;
  /** MQTT packet ids of `instantActions` publishes not yet acknowledged by the broker. */
  private readonly inFlight = new Set<number>();

  constructor(options: MqttControllerOptions) {
    this.client = options.client;
    this.clock = options.clock ?? new SystemClock();
    const [lo, hi] = options.speedRange ?? [0.3, 1];
    if (!(lo > 0 && lo <= hi && hi <= 1)) throw new RangeError(`speedRange must satisfy 0 < min ≤ max ≤ 1, got [${lo}, ${hi}]`);
    this.speedRange = [lo, hi];
    this._speed = lo;
    this.sessionId = options.sessionId ?? newSession(this.clock.now()).sessionId;
    this.headers = new HeaderFactory(options.robot, this.sessionId);
    this.topic = topicFor(options.robot, 'instantActions');
    this.monitor = new SafeStateMonitor({ clock: this.clock, stateTimeoutMs: options.stateTimeoutMs ?? 3000, ownSession: this.sessionId });
    this.resendMs = options.resendIntervalMs ?? 1000;
    this.marginMs = options.actionTimeoutMarginMs ?? 2000;
    this.shortMs = options.shortActionTimeoutMs ?? 30_000;
    this.retainMs = options.retainFinishedMs ?? 60_000;
    this.idPrefix = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
    this._reason = this.monitor.reason();
    this.unsubscribe.push(options.bridge.onState((m) => this.onState(m)));
    this.unsubscribe.push(options.bridge.onConnection((m) => this.onConnection(m)));
    const onConnect = () => {
      this.monitor.brokerLink(true);
      this.update();
    };
    const onClose = () => {
      this.monitor.brokerLink(false);
      this.update();
      this.takeBackInFlight();
    };
    this.client.on('connect', onConnect);
    this.client.on('close', onClose);
    this.unsubscribe.push(() => void this.client.off('connect', onConnect), () => void this.client.off('close', onClose));
    const every = options.checkIntervalMs ?? 50;
    if (every > 0) {
      this.timer = setInterval(() => this.update(), every);
      this.timer.unref();
    }
  }

  /** False while in the safe state. */
  get available(): boolean {
    this.update();
    return !this._safe;
  }

  /** Why the planner is in its safe state (`undefined` when available). */
  get safeReason(): string | undefined {
    this.update();
    return this._reason;
  }

  /** Last commanded speed scale (clamped). */
  get speedScale(): number {
    return this._speed;
  }

  /** Last connection state the controller announced. */
  get controllerConnection(): string | undefined {
    return this.monitor.connectionState;
  }

  /** True while the controller reports that it obeys this planner's session. */
  get holdsCell(): boolean {
    return this.monitor.holdsCell;
  }

  /** Why the controller refused this planner (another planner holds the cell), if it did. */
  get refusedBecause(): string | undefined {
    return this.monitor.refusedBecause;
  }

  /** Calls `listener(available, reason)` on every safe-state transition. */
  onAvailabilityChange(listener: (available: boolean, reason: string | undefined) => void): () => void {
    this.listeners.push(listener);
    return () => void this.listeners.splice(this.listeners.indexOf(listener) >>> 0, 1);
  }

  startHandover(params: HandoverParams): string {
    const speedScale = clampSpeedScale(params.speedScale, this.speedRange);
    const approachWaitMs = Math.max(0, Math.min(60_000, Math.round(Number.isFinite(params.approachWaitMs) ? params.approachWaitMs : 0)));
    const timeoutMs = Math.max(1, Math.min(600_000, Math.round(Number.isFinite(params.timeoutMs) ? params.timeoutMs : 10_000)));
    const id = this.newId();
    const action: InstantAction = { actionId: id, actionType: 'handover', actionParameters: { objectId: params.objectId, target: params.target, speedScale, approachWaitMs, timeoutMs } };
    if (!this.available) {
      this.track(action, approachWaitMs + timeoutMs);
      this.finish(id, 'FAILED', 'controller_lost', `not sent: planner in safe state (${this._reason})`);
      return id;
    }
    this._speed = speedScale;
    this.send(action, approachWaitMs + timeoutMs + this.marginMs);
    return id;
  }

  setSpeedScale(scale: number): number {
    const s = clampSpeedScale(scale, this.speedRange);
    this._speed = s;
    if (!this.available) {
      this.speedPending = true; // sent when the controller is back
      return s;
    }
    this.speedPending = false;
    this.send({ actionId: this.newId(), actionType: 'setSpeedScale', actionParameters: { speedScale: s } }, this.shortMs);
    return s;
  }

  say(params: SayParams): string {
    const id = this.newId();
    const p: Extract<InstantAction, { actionType: 'say' }>['actionParameters'] = { text: String(params.text).slice(0, 500) || '…', kind: params.kind };
    if (params.failureKind) p.failureKind = params.failureKind;
    if (params.tone) p.tone = params.tone;
    const action: InstantAction = { actionId: id, actionType: 'say', actionParameters: p };
    if (!this.available) {
      this.track(action, this.shortMs);
      this.finish(id, 'FAILED', 'controller_lost', `not sent: planner in safe state (${this._reason})`);
      return id;
    }
    this.send(action, this.shortMs);
    return id;
  }

  cancel(actionId: string): void {
    const t = this.tracked.get(actionId);
    if (!t || FINAL(t.state.status)) return;
    this.finish(actionId, 'FAILED', 'cancelled', 'cancelled by the planner');
    this.send({ actionId: this.newId(), actionType: 'cancel', actionParameters: { targetActionId: actionId } }, this.shortMs);
  }

  actionState(actionId: string): Readonly<ActionState> | undefined {
    this.update();
    return this.tracked.get(actionId)?.state;
  }

  /** Actions sent but not yet acknowledged by a `state` message. */
  get unacknowledged(): number {
    let n = 0;
    for (const t of this.tracked.values()) if (!t.acked && !FINAL(t.state.status)) n++;
    return n;
  }

  /**
   * Re-evaluates the safe state, deadlines and re-sends. Runs on the internal timer;
   * call it yourself with `checkIntervalMs: 0` (e.g. on a virtual clock).
   */
  update(): void {
    const now = this.clock.now();
    const reason = this.monitor.reason();
    if ((reason !== undefined) !== this._safe || reason !== this._reason) {
      const wasSafe = this._safe;
      this._safe = reason !== undefined;
      this._reason = reason;
      if (this._safe && !wasSafe) this.enterSafeState(reason!);
      if (!this._safe && wasSafe && this.speedPending) {
        this.speedPending = false;
        this.send({ actionId: this.newId(), actionType: 'setSpeedScale', actionParameters: { speedScale: this._speed } }, this.shortMs);
      }
      if (this._safe !== wasSafe) for (const l of this.listeners) l(!this._safe, reason);
    }
    // deadlines and retention: at most every 10 ms (the tree may poll many times per tick)
    if (now - this.lastScanAt < 10 && now >= this.lastScanAt) return;
    this.lastScanAt = now;
    for (const [id, t] of this.tracked) {
      if (FINAL(t.state.status)) {
        if (now - t.state.updatedAt > this.retainMs) this.tracked.delete(id);
      } else if (now > t.deadline) {
        this.counters.timeouts++;
        this.finish(id, 'FAILED', 'timeout', `no result from the controller within ${t.deadline - t.sentAt} ms`);
        if (t.action.actionType !== 'cancel') this.send({ actionId: this.newId(), actionType: 'cancel', actionParameters: { targetActionId: id } }, this.shortMs);
      }
    }
    if (now - this.lastResendAt >= this.resendMs) this.resendUnacked();
  }

  /** Stops the timer and detaches from the bridge and client (does not end the client). */
  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    for (const u of this.unsubscribe.splice(0)) u();
  }

  private enterSafeState(reason: string): void {
    this.counters.safeStateEntered++;
    const reachable = this.client.connected;
    for (const [id, t] of this.tracked) {
      if (FINAL(t.state.status) || t.action.actionType === 'cancel') continue;
      this.finish(id, 'FAILED', 'controller_lost', `safe state: ${reason}`);
      // without a broker the controller is in its own safe stop (it lost its planner): nothing to cancel, nothing to queue
      if (reachable && t.sent && (t.action.actionType === 'handover' || t.action.actionType === 'say')) {
        this.send({ actionId: this.newId(), actionType: 'cancel', actionParameters: { targetActionId: id } }, this.shortMs);
      }
    }
    // cancels are best effort: a lost controller does not need them acknowledged
    for (const t of this.tracked.values()) if (t.action.actionType === 'cancel') t.acked = true;
  }

  private onState(m: StateMessage): void {
    this.lastState = m;
    this.monitor.stateSeen(m.plannerSessionId);
    const errors = m.errors;
    for (let i = 0; i < errors.length; i++) {
      const e = errors[i]!;
      if (e.errorType === 'plannerSessionRefused' && e.errorReferences?.some((r) => r.referenceKey === 'sessionId' && r.referenceValue === this.sessionId)) this.monitor.refused(e.errorDescription);
    }
    const now = this.clock.now();
    const list = m.actionStates;
    for (let i = 0; i < list.length; i++) {
      const w = list[i]!;
      const t = this.tracked.get(w.actionId);
      // not sent by this planner (or long forgotten: the controller lists recent actions of every session): ignored
      if (!t || !t.sent) continue;
      const was = t.reported;
      if (t.action.actionType !== w.actionType || (was !== undefined && (RANK[w.actionStatus] < RANK[was] || (FINAL(was) && w.actionStatus !== was)))) {
        this.counters.illegalTransitions++;
        continue;
      }
      t.reported = w.actionStatus;
      t.acked = true;
      if (FINAL(t.state.status) || t.state.status === w.actionStatus) continue;
      t.state.status = w.actionStatus;
      t.state.updatedAt = now;
      if (w.failureKind !== undefined) t.state.failureKind = w.failureKind;
      if (w.resultDescription !== undefined) t.state.resultDescription = w.resultDescription;
    }
    this.update();
  }

  private onConnection(m: ConnectionMessage): void {
    this.monitor.connection(m.connectionState);
    this.update();
  }

  private newId(): string {
    return `${this.idPrefix}-${this.nextId++}`;
  }

  private track(action: InstantAction, budgetMs: number): Tracked {
    const now = this.clock.now();
    const t: Tracked = {
      state: { actionId: action.actionId, actionType: action.actionType as ActionType, status: 'WAITING', updatedAt: now },
      action,
      sent: false,
      reported: undefined,
      acked: false,
      sentAt: now,
      deadline: now + budgetMs,
    };
    this.tracked.set(action.actionId, t);
    return t;
  }

  private send(action: InstantAction, budgetMs: number): void {
    const t = this.track(action, budgetMs);
    // Outgoing commands are checked against the contract too: a bad parameter (empty
    // objectId, over-long text …) fails the action here with the reason, instead of
    // being rejected by the controller and re-sent until it times out.
    const check = validateMessage('instantActions', { ...this.headers.peek(this.clock.now()), sessionId: this.sessionId, actions: [action] });
    if (!check.ok) {
      this.counters.rejectedActions++;
      this.finish(action.actionId, 'FAILED', 'error', `not sent: ${action.actionType} violates the contract: ${check.message.replace('/actions/0', '')}`);
      return;
    }
    if (!this.client.connected) {
      // never queued in the MQTT client: it would arrive after the outage, stale, when the tree has moved on
      this.finish(action.actionId, 'FAILED', 'controller_lost', 'not sent: broker connection lost');
      return;
    }
    this.counters.actionsSent++;
    t.sent = true;
    this.publish([action]);
  }

  private publish(actions: InstantAction[]): void {
    const msg: InstantActionsMessage = { ...this.headers.next('instantActions', this.clock.now()), sessionId: this.sessionId, actions };
    let id = -1;
    const done = () => void this.inFlight.delete(id);
    this.client.publish(this.topic, JSON.stringify(msg), publishOptions(this.client, 1, false), done);
    // the packet id mqtt.js just gave this publish (it assigns it synchronously unless it is
    // still re-sending its store after a reconnect — then the entry is not ours and is skipped)
    const last = this.client.getLastMessageId();
    if (this.client.outgoing[last]?.cb === done) this.inFlight.add((id = last));
  }

  /** Removes this planner's unacknowledged commands from the MQTT client's store (broker link lost). */
  private takeBackInFlight(): void {
    for (const id of this.inFlight) this.client.removeOutgoingMessage(id);
    this.inFlight.clear();
  }

  private resendUnacked(): void {
    if (!this.client.connected) return;
    this.lastResendAt = this.clock.now();
    const now = this.lastResendAt;
    let batch: InstantAction[] | undefined;
    for (const t of this.tracked.values()) {
      if (t.acked || FINAL(t.state.status)) continue;
      if (now - t.sentAt < this.resendMs) continue;
      (batch ??= []).push(t.action);
      if (batch.length === 32) {
        this.counters.resends += batch.length;
        this.publish(batch);
        batch = undefined;
      }
    }
    if (batch) {
      this.counters.resends += batch.length;
      this.publish(batch);
    }
  }

  private finish(id: string, status: 'FINISHED' | 'FAILED', failureKind: FailureKind | undefined, description: string): void {
    const t = this.tracked.get(id);
    if (!t) return;
    t.state.status = status;
    t.state.updatedAt = this.clock.now();
    if (failureKind) t.state.failureKind = failureKind;
    t.state.resultDescription = description;
  }
}

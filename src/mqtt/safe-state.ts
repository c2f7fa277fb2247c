/**
 * When may the planner command the cobot? Pure, clock-driven logic, kept apart from
 * MQTT so it is easy to test: the controller is *available* only while its last
 * connection message is not `OFFLINE`/`CONNECTION_BROKEN` and its `state` heartbeat
 * is younger than `stateTimeoutMs` — and, when the planner has a session, while that
 * state says the controller obeys *this* planner session (`plannerSessionId`).
 * Otherwise the planner is in its safe state and {@link SafeStateMonitor.reason} says
 * why, in words the runner can print. A refusal by the controller (a second planner)
 * is sticky: {@link SafeStateMonitor.refused}. The planner's own broker link comes
 * first: while it is down nothing can reach the controller, and after it is back a
 * `state` from before the outage does not count (the controller went to its own safe
 * stop when it lost the broker; only a state received since says it obeys again).
 */
import type { Clock } from '../core/clock.ts';
import type { ConnectionState } from '../contract/connection.ts';

/**
 * Tracks controller liveness.
 *
 * @example
 * ```ts
 * const m = new SafeStateMonitor({ clock, stateTimeoutMs: 3000 });
 * m.reason(); // 'no controller state received yet'
 * m.stateSeen(); m.reason(); // undefined → available
 * m.connection('CONNECTION_BROKEN'); m.reason(); // 'controller connection is CONNECTION_BROKEN'
 * m.brokerLink(false); m.reason(); // 'broker connection lost'
 * ```
 */
export class SafeStateMonitor {
  private lastStateAt = -Infinity;
  private conn: ConnectionState | undefined;
  private holder: string | undefined;
  private refusal: string | undefined;
  private linkUp = true;
  private readonly clock: Clock;
  readonly stateTimeoutMs: number;
  /** This planner's session (when set, the controller must report it as `plannerSessionId`). */
  readonly ownSession: string | undefined;

  constructor(options: { clock: Clock; stateTimeoutMs: number; ownSession?: string }) {
    if (!(options.stateTimeoutMs > 0)) throw new RangeError(`stateTimeoutMs must be > 0, got ${options.stateTimeoutMs}`);
    this.clock = options.clock;
    this.stateTimeoutMs = options.stateTimeoutMs;
    this.ownSession = options.ownSession;
  }

  /**
   * The planner's broker link went down (`false`) or came back (`true`). Down: safe,
   * reason `broker connection lost`; either way every state seen before no longer
   * counts, so after the outage only a state received on the new link makes the
   * controller available again.
   */
  brokerLink(up: boolean): void {
    this.lastStateAt = -Infinity;
    this.linkUp = up;
  }

  /** A `state` message arrived now, naming the planner session the controller obeys. */
  stateSeen(plannerSessionId?: string): void {
    this.lastStateAt = this.clock.now();
    this.holder = plannerSessionId;
  }

  /** The controller refused this planner's session (sticky: a refused session never drives the cell). */
  refused(detail: string): void {
    this.refusal ??= detail;
  }

  /** The refusal, when the controller refused this planner. */
  get refusedBecause(): string | undefined {
    return this.refusal;
  }

  /** True while the last state says the controller obeys this planner's session. */
  get holdsCell(): boolean {
    return this.ownSession !== undefined && this.holder === this.ownSession && this.lastStateAt !== -Infinity;
  }

  /** A controller `connection` message arrived. */
  connection(state: ConnectionState): void {
    this.conn = state;
    if (state !== 'ONLINE') this.lastStateAt = -Infinity; // a state from before the loss must not revive it
  }

  /** Last controller connection state seen. */
  get connectionState(): ConnectionState | undefined {
    return this.conn;
  }

  /** Why the planner must be safe now, or `undefined` when the controller is available. */
  reason(): string | undefined {
    if (!this.linkUp) return 'broker connection lost';
    if (this.conn === 'CONNECTION_BROKEN' || this.conn === 'OFFLINE') return `controller connection is ${this.conn}`;
    if (this.lastStateAt === -Infinity) return 'no controller state received yet';
    const age = this.clock.now() - this.lastStateAt;
    if (age > this.stateTimeoutMs) return `controller state silent for ${age} ms (stateTimeoutMs ${this.stateTimeoutMs})`;
    if (this.refusal !== undefined) return `refused by the controller: ${this.refusal}`;
    if (this.ownSession !== undefined && this.holder !== this.ownSession) {
      return `controller has not accepted planner session ${this.ownSession}${this.holder ? ` (it obeys planner session ${this.holder})` : ' yet'}`;
    }
    return undefined;
  }
}

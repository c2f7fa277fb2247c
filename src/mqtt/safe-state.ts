/**
 * When may the planner command the cobot? Pure, clock-driven logic, kept apart from
 * MQTT so it is easy to test: the controller is *available* only while its last
 * connection message is not `OFFLINE`/`CONNECTION_BROKEN` and its `state` heartbeat
 * is younger than `stateTimeoutMs`. Otherwise the planner is in its safe state and
 * {@link SafeStateMonitor.reason} says why, in words the runner can print.
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
 * ```
 */
export class SafeStateMonitor {
  private lastStateAt = -Infinity;
  private conn: ConnectionState | undefined;
  private readonly clock: Clock;
  readonly stateTimeoutMs: number;

  constructor(options: { clock: Clock; stateTimeoutMs: number }) {
    if (!(options.stateTimeoutMs > 0)) throw new RangeError(`stateTimeoutMs must be > 0, got ${options.stateTimeoutMs}`);
    this.clock = options.clock;
    this.stateTimeoutMs = options.stateTimeoutMs;
  }

  /** A `state` message arrived now. */
  stateSeen(): void {
    this.lastStateAt = this.clock.now();
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
    if (this.conn === 'CONNECTION_BROKEN' || this.conn === 'OFFLINE') return `controller connection is ${this.conn}`;
    if (this.lastStateAt === -Infinity) return 'no controller state received yet';
    const age = this.clock.now() - this.lastStateAt;
    if (age > this.stateTimeoutMs) return `controller state silent for ${age} ms (stateTimeoutMs ${this.stateTimeoutMs})`;
    return undefined;
  }
}

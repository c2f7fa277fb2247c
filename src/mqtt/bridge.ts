/**
 * The MQTT → blackboard bridge: the planner's only inbound path. Every payload on the
 * robot's `affect`, `state`, `connection/controller`, `connection/planner`, `order` and
 * `orderActions` topics
 * goes through the shared receive-side checks ({@link InboundGuard}: size, JSON,
 * schema, version, robot, retained copies, header clock skew/age, session, ordering
 * per sender session — see src/mqtt/inbound.ts); what is valid is written into the
 * {@link Blackboard}; the tick later reads a snapshot (MQTT callbacks never run tree
 * logic — principle 2).
 *
 * Then per estimate: `stale` (older than its `maxAgeMs` on arrival), `clock_skew`
 * (observed in the future beyond `maxClockSkewMs`), `out_of_order` (older than what the
 * blackboard already holds for that person). A rejected payload never touches the
 * blackboard.
 *
 * Controller sessions: a `connection/controller` ONLINE names the controller session
 * the planner listens to from then on (a newer session replaces an older one, never
 * the reverse); `state` of any other session is rejected as `session`, and a loss
 * message (OFFLINE/CONNECTION_BROKEN) of an old session — a late last will of a
 * controller that has already restarted — is ignored.
 *
 * Writes: `affect/<humanId>` ← the estimate (timestamp = `observedAt`, `maxAgeMs` from
 * the estimate, source `mqtt:<local|vlm>`); `controller/state` ← the state message;
 * `controller/connection` ← the controller's connection state. State and connection
 * messages are also handed to listeners (the {@link MqttController}, the planner link);
 * `order` and `orderActions` only to listeners (the planner's order book).
 *
 * Design note: {@link MqttBridge.handle} is synchronous and transport-free, so it is
 * tested and fuzzed directly as well as over a real broker.
 */
import type { Blackboard } from '../core/blackboard.ts';
import { SystemClock, type Clock } from '../core/clock.ts';
import { affectKey, type AffectEstimate } from '../contract/affect.ts';
import type { RobotId } from '../contract/header.ts';
import type { ConnectionMessage } from '../contract/connection.ts';
import type { StateMessage } from '../contract/state.ts';
import type { AffectMessage } from '../contract/schemas.ts';
import type { OrderActionsMessage, OrderMessage } from '../contract/orders.ts';
import type { RobotTopics } from './topics.ts';
import { InboundGuard } from './inbound.ts';
import type { MqttLogger, RejectionCounts } from './rejections.ts';

/**
 * Blackboard key of the controller's last `state` message.
 *
 * @example
 * ```ts
 * bb.get<StateMessage>(CONTROLLER_STATE_KEY)?.speedScale;
 * ```
 */
export const CONTROLLER_STATE_KEY = 'controller/state';
/**
 * Blackboard key of the controller's connection state (`ONLINE`|`OFFLINE`|`CONNECTION_BROKEN`).
 *
 * @example
 * ```ts
 * bb.get(CONTROLLER_CONNECTION_KEY); // 'ONLINE'
 * ```
 */
export const CONTROLLER_CONNECTION_KEY = 'controller/connection';

/**
 * Options of {@link MqttBridge}.
 *
 * @example
 * ```ts
 * new MqttBridge({ robot, blackboard: bb, maxPayloadBytes: 16_384, logIntervalMs: 5000 });
 * ```
 */
export interface BridgeOptions {
  robot: RobotId;
  blackboard: Blackboard;
  /** Default: the blackboard's clock. */
  clock?: Clock;
  /** Default: JSON lines on stderr. */
  logger?: MqttLogger;
  /** Larger payloads are rejected as `too_large` before parsing (default 64 KiB). */
  maxPayloadBytes?: number;
  /** One log line per reason per this interval (default 10 s). */
  logIntervalMs?: number;
  /** Headers and estimates further in the future than this are `clock_skew`; header ages get this allowance too (default 5 s). */
  maxClockSkewMs?: number;
  /** Budget of `affect` messages per second; the excess is dropped unread as `rate_limited` (default 2000). */
  maxAffectPerSecond?: number;
  /** `maxAgeMs` of the `controller/state` blackboard entry (default 3 s). */
  stateMaxAgeMs?: number;
  /** Budget of `order` and of `orderActions` messages per second each; the excess is `rate_limited` (default 20). */
  maxOrdersPerSecond?: number;
}

/**
 * Counters of a bridge (plain numbers, read them for metrics).
 *
 * @example
 * ```ts
 * bridge.counters.rejected.schema; bridge.counters.accepted.affect;
 * ```
 */
export interface BridgeCounters {
  /** Messages handed to {@link MqttBridge.handle}. */
  received: number;
  /** Accepted messages per topic. */
  accepted: { affect: number; state: number; connection: number; order: number; orderActions: number };
  /** Affect estimates written to the blackboard. */
  estimatesWritten: number;
  /** Rejections per reason (messages, plus single estimates for `stale`/`clock_skew`/`out_of_order`). */
  rejected: RejectionCounts;
}

/**
 * Validating MQTT → blackboard bridge for one robot.
 *
 * @example
 * ```ts
 * const bridge = new MqttBridge({ robot: { manufacturer: 'acme', serialNumber: 'c1' }, blackboard: bb });
 * client.subscribe(bridge.subscriptions);
 * client.on('message', (topic, payload) => bridge.handle(topic, payload));
 * bb.get('affect/h1'); // the newest fresh estimate for h1
 * bridge.counters.rejected.bad_json; // how many garbage payloads were dropped
 * ```
 */
export class MqttBridge {
  readonly topics: RobotTopics;
  /** Topics to subscribe to (affect, state, connection/controller, connection/planner, order, orderActions). */
  readonly subscriptions: readonly string[];
  /** The shared receive-side checks (counts, sessions). */
  readonly guard: InboundGuard;
  private readonly bb: Blackboard;
  private readonly clock: Clock;
  private readonly maxSkew: number;
  private readonly stateMaxAge: number;
  private readonly stateListeners: Array<(m: StateMessage) => void> = [];
  private readonly connectionListeners: Array<(m: ConnectionMessage) => void> = [];
  private readonly plannerConnectionListeners: Array<(m: ConnectionMessage) => void> = [];
  private readonly orderListeners: Array<(m: OrderMessage) => void> = [];
  private readonly orderActionListeners: Array<(m: OrderActionsMessage) => void> = [];
  /** Start time (epoch ms) of the controller session listened to. */
  private controllerSessionStart = -Infinity;
  /** humanId → blackboard key, so the hot path does not build strings. */
  private readonly keys = new Map<string, string>();
  /** Reused write options (the blackboard copies the fields). */
  private readonly scratch: { source: string; timestamp: number; maxAgeMs: number } = { source: '', timestamp: 0, maxAgeMs: 0 };
  private readonly _counters: Omit<BridgeCounters, 'rejected'> = { received: 0, accepted: { affect: 0, state: 0, connection: 0, order: 0, orderActions: 0 }, estimatesWritten: 0 };

  constructor(options: BridgeOptions) {
    this.bb = options.blackboard;
    this.clock = options.clock ?? options.blackboard.clock ?? new SystemClock();
    this.guard = new InboundGuard({
      robot: options.robot,
      clock: this.clock,
      inbound: ['affect', 'state', 'connection/controller', 'connection/planner', 'order', 'orderActions'],
      logger: options.logger,
      logIntervalMs: options.logIntervalMs,
      maxPayloadBytes: options.maxPayloadBytes,
      maxClockSkewMs: options.maxClockSkewMs,
      maxPerSecond: { affect: options.maxAffectPerSecond ?? 2000, order: options.maxOrdersPerSecond ?? 20, orderActions: options.maxOrdersPerSecond ?? 20 },
    });
    this.topics = this.guard.topics;
    this.subscriptions = [this.topics.affect, this.topics.state, this.topics['connection/controller'], this.topics['connection/planner'], this.topics.order, this.topics.orderActions];
    this.maxSkew = this.guard.maxClockSkewMs;
    this.stateMaxAge = options.stateMaxAgeMs ?? 3_000;
  }

  /** Live counters (rejected counts included). */
  get counters(): BridgeCounters {
    return { ...this._counters, rejected: this.guard.rejections.counts };
  }

  /** Total rejections (all reasons). */
  get rejectedTotal(): number {
    return this.guard.rejections.total;
  }

  /** The controller session listened to (from its last accepted ONLINE). */
  get controllerSession(): string | undefined {
    return this.guard.session('connection/controller');
  }

  /** Calls `listener` with every accepted `state` message. Returns an unsubscribe function. */
  onState(listener: (m: StateMessage) => void): () => void {
    this.stateListeners.push(listener);
    return () => void this.stateListeners.splice(this.stateListeners.indexOf(listener) >>> 0, 1);
  }

  /** Calls `listener` with every accepted controller `connection` message. */
  onConnection(listener: (m: ConnectionMessage) => void): () => void {
    this.connectionListeners.push(listener);
    return () => void this.connectionListeners.splice(this.connectionListeners.indexOf(listener) >>> 0, 1);
  }

  /** Calls `listener` with every accepted `connection/planner` message (this planner's own included). */
  onPlannerConnection(listener: (m: ConnectionMessage) => void): () => void {
    this.plannerConnectionListeners.push(listener);
    return () => void this.plannerConnectionListeners.splice(this.plannerConnectionListeners.indexOf(listener) >>> 0, 1);
  }

  /**
   * Calls `listener` with every accepted `order` message (checked like every inbound
   * message: schema, retained, age, ordering). Nothing runs in the callback: the planner
   * queues it and acts on its next tick.
   */
  onOrder(listener: (m: OrderMessage) => void): () => void {
    this.orderListeners.push(listener);
    return () => void this.orderListeners.splice(this.orderListeners.indexOf(listener) >>> 0, 1);
  }

  /** Calls `listener` with every accepted `orderActions` message. */
  onOrderActions(listener: (m: OrderActionsMessage) => void): () => void {
    this.orderActionListeners.push(listener);
    return () => void this.orderActionListeners.splice(this.orderActionListeners.indexOf(listener) >>> 0, 1);
  }

  /**
   * Handles one inbound message. Never throws; returns true when accepted.
   * (Call it from the MQTT client's `message` event; `retained` is the packet's retain flag.)
   */
  handle(topic: string, payload: Uint8Array | string, retained = false): boolean {
    this._counters.received++;
    try {
      return this.process(topic, payload, retained);
    } catch (err) {
      // A listener or the blackboard threw: count it, never crash the process.
      this.guard.reject(topic, 'schema', `rejected while applying: ${(err as Error).message}`);
      return false;
    }
  }

  private process(topic: string, payload: Uint8Array | string, retained: boolean): boolean {
    const r = this.guard.check<AffectMessage | StateMessage | ConnectionMessage | OrderMessage | OrderActionsMessage>(topic, payload, retained);
    if (!r.ok) return false;
    if (r.name === 'affect') return this.applyAffect(topic, r.msg as AffectMessage);
    if (r.name === 'order') {
      this._counters.accepted.order++;
      for (const l of this.orderListeners) l(r.msg as OrderMessage);
      return true;
    }
    if (r.name === 'orderActions') {
      this._counters.accepted.orderActions++;
      for (const l of this.orderActionListeners) l(r.msg as OrderActionsMessage);
      return true;
    }
    if (r.name === 'state') {
      const m = r.msg as StateMessage;
      this.bb.set(CONTROLLER_STATE_KEY, m, { source: 'mqtt:state', timestamp: this.clock.now(), maxAgeMs: this.stateMaxAge });
      this._counters.accepted.state++;
      for (const l of this.stateListeners) l(m);
      return true;
    }
    const c = r.msg as ConnectionMessage;
    if (r.name === 'connection/planner') {
      this._counters.accepted.connection++;
      for (const l of this.plannerConnectionListeners) l(c);
      return true;
    }
    if (!this.followControllerSession(topic, c)) return false;
    this.bb.set(CONTROLLER_CONNECTION_KEY, c.connectionState, { source: 'mqtt:connection', timestamp: this.clock.now(), maxAgeMs: Infinity });
    this._counters.accepted.connection++;
    for (const l of this.connectionListeners) l(c);
    return true;
  }

  /** Which controller session to listen to; false (counted as `session`) for messages of an old one. */
  private followControllerSession(topic: string, c: ConnectionMessage): boolean {
    const current = this.guard.session('connection/controller');
    if (c.sessionId === current) return true;
    const started = Date.parse(c.sessionStartedAt);
    if (c.connectionState === 'ONLINE' && (current === undefined || started >= this.controllerSessionStart)) {
      this.guard.setSession('connection/controller', c.sessionId);
      this.controllerSessionStart = started;
      return true;
    }
    if (current === undefined) return true; // a loss message before any ONLINE: safe either way
    this.guard.reject(topic, 'session', `${c.connectionState} of controller session ${c.sessionId} ignored: listening to session ${current}${c.connectionState === 'ONLINE' ? ' (started later)' : ''}`);
    return false;
  }

  private applyAffect(topic: string, msg: AffectMessage): boolean {
    const now = this.clock.now();
    let written = 0;
    const list = msg.estimates;
    for (let i = 0; i < list.length; i++) {
      const e: AffectEstimate = list[i]!;
      const observed = Date.parse(e.observedAt);
      if (observed - now > this.maxSkew) {
        this.guard.reject(topic, 'clock_skew', `estimate for ${e.humanId} observed ${observed - now} ms in the future (max ${this.maxSkew}); check the estimator's clock (NTP)`);
        continue;
      }
      if (now - observed > e.maxAgeMs) {
        this.guard.reject(topic, 'stale', `estimate for ${e.humanId} is ${now - observed} ms old, older than its maxAgeMs ${e.maxAgeMs}`);
        continue;
      }
      let key = this.keys.get(e.humanId);
      if (key === undefined) {
        if (this.keys.size >= 1024) this.keys.clear();
        key = affectKey(e.humanId);
        this.keys.set(e.humanId, key);
      }
      const prev = this.bb.entry(key);
      if (prev !== undefined && prev.timestamp > observed) {
        this.guard.reject(topic, 'out_of_order', `estimate for ${e.humanId} observed at ${e.observedAt} is older than the one held`);
        continue;
      }
      const w = this.scratch;
      w.source = e.source === 'vlm' ? 'mqtt:vlm' : 'mqtt:local';
      w.timestamp = observed;
      w.maxAgeMs = e.maxAgeMs;
      this.bb.set(key, e, w);
      written++;
    }
    this._counters.estimatesWritten += written;
    if (written > 0) this._counters.accepted.affect++;
    return written > 0;
  }
}

/**
 * The MQTT → blackboard bridge: the planner's only inbound path. It validates every
 * payload on the robot's `affect`, `state` and `connection/controller` topics and
 * writes what is valid into the {@link Blackboard}; the tick later reads a snapshot
 * (MQTT callbacks never run tree logic — principle 2).
 *
 * Pipeline (first failure wins, each counted under its reason and logged at most once
 * per reason per interval, see {@link RejectionLog}): `wrong_topic` (not one of ours,
 * or header robot ≠ topic robot) → `too_large` (before parsing) → `bad_json` →
 * `schema` / `out_of_range` (Ajv) → `version` (other major) → ordering per topic:
 * `duplicate` (same headerId and timestamp) / `out_of_order` (older headerId and not
 * newer timestamp; a restarted sender whose headerId went back to 0 is accepted
 * because its timestamp is newer; a `CONNECTION_BROKEN` last will, whose header dates
 * from when the sender connected, is always accepted). Then per estimate: `stale` (older than its
 * `maxAgeMs` on arrival), `clock_skew` (observed in the future beyond
 * `maxClockSkewMs`), `out_of_order` (older than what the blackboard already holds for
 * that person). A rejected payload never touches the blackboard.
 *
 * Writes: `affect/<humanId>` ← the estimate (timestamp = `observedAt`, `maxAgeMs` from
 * the estimate, source `mqtt:<local|vlm>`); `controller/state` ← the state message;
 * `controller/connection` ← the controller's connection state. State and connection
 * messages are also handed to listeners (the {@link MqttController}).
 *
 * Design note: {@link MqttBridge.handle} is synchronous and transport-free, so it is
 * tested and fuzzed directly as well as over a real broker.
 */
import type { Blackboard } from '../core/blackboard.ts';
import { SystemClock, type Clock } from '../core/clock.ts';
import { affectKey, type AffectEstimate } from '../contract/affect.ts';
import { isCompatibleVersion, type RobotId } from '../contract/header.ts';
import type { ConnectionMessage } from '../contract/connection.ts';
import type { StateMessage } from '../contract/state.ts';
import { validateMessage, type AffectMessage, type TopicName } from '../contract/schemas.ts';
import { robotTopics, topicName, type RobotTopics } from './topics.ts';
import { RejectionLog, stderrLogger, type MqttLogger, type RejectionCounts } from './rejections.ts';

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
  /** Estimates observed further in the future than this are `clock_skew` (default 5 s). */
  maxClockSkewMs?: number;
  /** `maxAgeMs` of the `controller/state` blackboard entry (default 3 s). */
  stateMaxAgeMs?: number;
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
  accepted: { affect: number; state: number; connection: number };
  /** Affect estimates written to the blackboard. */
  estimatesWritten: number;
  /** Rejections per reason (messages, plus single estimates for `stale`/`clock_skew`/`out_of_order`). */
  rejected: RejectionCounts;
}

interface Last {
  headerId: number;
  ts: number;
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
  /** Topics to subscribe to (affect, state, connection/controller). */
  readonly subscriptions: readonly string[];
  private readonly bb: Blackboard;
  private readonly clock: Clock;
  private readonly rejections: RejectionLog;
  private readonly maxBytes: number;
  private readonly maxSkew: number;
  private readonly stateMaxAge: number;
  private readonly last = new Map<TopicName, Last>();
  private readonly stateListeners: Array<(m: StateMessage) => void> = [];
  private readonly connectionListeners: Array<(m: ConnectionMessage) => void> = [];
  private readonly robot: RobotId;
  /** humanId → blackboard key, so the hot path does not build strings. */
  private readonly keys = new Map<string, string>();
  /** Reused write options (the blackboard copies the fields). */
  private readonly scratch: { source: string; timestamp: number; maxAgeMs: number } = { source: '', timestamp: 0, maxAgeMs: 0 };
  private readonly _counters: Omit<BridgeCounters, 'rejected'> = { received: 0, accepted: { affect: 0, state: 0, connection: 0 }, estimatesWritten: 0 };

  constructor(options: BridgeOptions) {
    this.robot = options.robot;
    this.topics = robotTopics(options.robot);
    this.subscriptions = [this.topics.affect, this.topics.state, this.topics['connection/controller']];
    this.bb = options.blackboard;
    this.clock = options.clock ?? options.blackboard.clock ?? new SystemClock();
    this.rejections = new RejectionLog({ clock: this.clock, logger: options.logger ?? stderrLogger, intervalMs: options.logIntervalMs });
    this.maxBytes = options.maxPayloadBytes ?? 65_536;
    this.maxSkew = options.maxClockSkewMs ?? 5_000;
    this.stateMaxAge = options.stateMaxAgeMs ?? 3_000;
  }

  /** Live counters (rejected counts included). */
  get counters(): BridgeCounters {
    return { ...this._counters, rejected: this.rejections.counts };
  }

  /** Total rejections (all reasons). */
  get rejectedTotal(): number {
    return this.rejections.total;
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

  /**
   * Handles one inbound message. Never throws; returns true when accepted.
   * (Call it from the MQTT client's `message` event.)
   */
  handle(topic: string, payload: Uint8Array | string): boolean {
    this._counters.received++;
    try {
      return this.process(topic, payload);
    } catch (err) {
      // A listener or the blackboard threw: count it, never crash the process.
      this.rejections.reject(topic, 'schema', `rejected while applying: ${(err as Error).message}`);
      return false;
    }
  }

  private process(topic: string, payload: Uint8Array | string): boolean {
    const name = topicName(this.topics, topic);
    if (name !== 'affect' && name !== 'state' && name !== 'connection/controller') {
      this.rejections.reject(topic, 'wrong_topic', `not an inbound topic of ${this.robot.manufacturer}/${this.robot.serialNumber} (expected one of ${this.subscriptions.join(', ')})`);
      return false;
    }
    const size = typeof payload === 'string' ? Buffer.byteLength(payload) : payload.byteLength;
    if (size > this.maxBytes) {
      this.rejections.reject(topic, 'too_large', `payload of ${size} bytes exceeds maxPayloadBytes ${this.maxBytes}`);
      return false;
    }
    let value: unknown;
    try {
      const text = typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? payload.toString('utf8') : Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength).toString('utf8');
      value = JSON.parse(text);
    } catch (err) {
      this.rejections.reject(topic, 'bad_json', (err as Error).message);
      return false;
    }
    const result = validateMessage<AffectMessage | StateMessage | ConnectionMessage>(name, value);
    if (!result.ok) {
      this.rejections.reject(topic, result.reason, result.message);
      return false;
    }
    const msg = result.value;
    if (!isCompatibleVersion(msg.version)) {
      this.rejections.reject(topic, 'version', `contract version ${msg.version} is not compatible with 1.x; upgrade the sender or the planner`);
      return false;
    }
    if (msg.manufacturer !== this.robot.manufacturer || msg.serialNumber !== this.robot.serialNumber) {
      this.rejections.reject(topic, 'wrong_topic', `header names ${msg.manufacturer}/${msg.serialNumber} but the topic belongs to ${this.robot.manufacturer}/${this.robot.serialNumber}`);
      return false;
    }
    const ts = Date.parse(msg.timestamp);
    const last = this.last.get(name);
    if (last) {
      if (msg.headerId === last.headerId && ts === last.ts) {
        this.rejections.reject(topic, 'duplicate', `headerId ${msg.headerId} at ${msg.timestamp} was already received`);
        return false;
      }
      // A last will is composed when the sender connected, so its header is older than
      // what followed; CONNECTION_BROKEN is accepted regardless (it only makes us safer).
      const isWill = name === 'connection/controller' && (msg as ConnectionMessage).connectionState === 'CONNECTION_BROKEN';
      if (!isWill && msg.headerId <= last.headerId && ts <= last.ts) {
        this.rejections.reject(topic, 'out_of_order', `headerId ${msg.headerId} at ${msg.timestamp} is older than the last accepted headerId ${last.headerId}`);
        return false;
      }
      if (!isWill) {
        last.headerId = msg.headerId;
        last.ts = ts;
      }
    } else {
      this.last.set(name, { headerId: msg.headerId, ts });
    }
    if (name === 'affect') return this.applyAffect(topic, msg as AffectMessage);
    if (name === 'state') {
      const m = msg as StateMessage;
      this.bb.set(CONTROLLER_STATE_KEY, m, { source: 'mqtt:state', timestamp: this.clock.now(), maxAgeMs: this.stateMaxAge });
      this._counters.accepted.state++;
      for (const l of this.stateListeners) l(m);
      return true;
    }
    const c = msg as ConnectionMessage;
    this.bb.set(CONTROLLER_CONNECTION_KEY, c.connectionState, { source: 'mqtt:connection', timestamp: this.clock.now(), maxAgeMs: Infinity });
    this._counters.accepted.connection++;
    for (const l of this.connectionListeners) l(c);
    return true;
  }

  private applyAffect(topic: string, msg: AffectMessage): boolean {
    const now = this.clock.now();
    let written = 0;
    const list = msg.estimates;
    for (let i = 0; i < list.length; i++) {
      const e: AffectEstimate = list[i]!;
      const observed = Date.parse(e.observedAt);
      if (observed - now > this.maxSkew) {
        this.rejections.reject(topic, 'clock_skew', `estimate for ${e.humanId} observed ${observed - now} ms in the future (max ${this.maxSkew}); check the estimator's clock (NTP)`);
        continue;
      }
      if (now - observed > e.maxAgeMs) {
        this.rejections.reject(topic, 'stale', `estimate for ${e.humanId} is ${now - observed} ms old, older than its maxAgeMs ${e.maxAgeMs}`);
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
        this.rejections.reject(topic, 'out_of_order', `estimate for ${e.humanId} observed at ${e.observedAt} is older than the one held`);
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

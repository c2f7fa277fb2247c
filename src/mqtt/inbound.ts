/**
 * The receive side of the contract, once for every receiver and every topic: the
 * planner's bridge, the reference controller and any later topic (e.g. `order`) run
 * each inbound message through one {@link InboundGuard}, which applies, in order
 * (first failure wins, counted and rate-limit logged under its reason):
 *
 * 1. `wrong_topic` — not one of the receiver's inbound topics of this robot;
 *    `rate_limited` — more messages this second on the topic than the receiver's budget
 *    (`maxPerSecond`), dropped before any parsing so a flood cannot starve the tick;
 * 2. `too_large` (before parsing) → `bad_json` → `schema`/`out_of_range` (Ajv) →
 *    `version` (other major) → `wrong_topic` (header robot ≠ topic robot);
 * 3. `retained` — a retained copy of a topic the contract never retains (a retained
 *    command must not run again at every controller start);
 * 4. clock: `clock_skew` when the header `timestamp` is further in the future than
 *    `maxClockSkewMs`, `stale` when it is older than the topic's `maxAgeMs` plus the
 *    skew — so one message dated year 9999 or 1970 cannot poison ordering or be obeyed;
 * 5. `session` — on topics with a `sessionFrom`, the header's `sessionId` must be the
 *    session the receiver currently obeys ({@link InboundGuard.setSession});
 * 6. ordering **per sender session**: `duplicate` (same headerId and timestamp — except
 *    the broker's retained copy of the last accepted message, which a new subscription
 *    delivers again after a reconnect), `out_of_order` (older headerId and not newer
 *    timestamp). A restarted sender has a
 *    new session, so it starts afresh; a forged header in another session cannot block
 *    the genuine one. A `CONNECTION_BROKEN` last will, composed when the sender
 *    connected, is exempt (it only makes the receiver safer).
 *
 * The per-topic policy (retain, `maxAgeMs`, `sessionFrom`) comes from the contract
 * table, so a new topic gets all of this by being listed in `TOPIC_SPECS`.
 *
 * Design notes: synchronous and transport-free (tests feed it strings); memory is
 * bounded (at most {@link MAX_SESSIONS_PER_TOPIC} ordering slots per topic, least
 * recently used evicted) so a flood of invented session ids cannot grow it.
 */
import type { Clock } from '../core/clock.ts';
import { isCompatibleVersion, type Header, type RobotId } from '../contract/header.ts';
import { TOPIC_SPECS, validateMessage, type RejectReason, type TopicName } from '../contract/schemas.ts';
import { RejectionLog, stderrLogger, type MqttLogger } from './rejections.ts';
import { robotTopics, topicName, type RobotTopics } from './topics.ts';

/**
 * Ordering slots kept per topic (one per sender session).
 *
 * @example
 * ```ts
 * MAX_SESSIONS_PER_TOPIC; // 32
 * ```
 */
export const MAX_SESSIONS_PER_TOPIC = 32;

/**
 * Options of an {@link InboundGuard}.
 *
 * @example
 * ```ts
 * new InboundGuard({ robot, clock, inbound: ['instantActions', 'connection/planner'], maxClockSkewMs: 2000 });
 * ```
 */
export interface InboundGuardOptions {
  robot: RobotId;
  clock: Clock;
  /** The topics this receiver accepts (anything else is `wrong_topic`). */
  inbound: readonly TopicName[];
  /** Default: JSON lines on stderr. */
  logger?: MqttLogger;
  /** One log line per reason per this interval (default 10 s). */
  logIntervalMs?: number;
  /** Larger payloads are `too_large` before parsing (default 64 KiB). */
  maxPayloadBytes?: number;
  /** Allowed difference between the sender's and the receiver's clock (default 5 s). */
  maxClockSkewMs?: number;
  /** Per-topic budget of messages per second (default: none); the excess is `rate_limited`. */
  maxPerSecond?: Partial<Record<TopicName, number>>;
}

/**
 * Result of {@link InboundGuard.check}: the validated message, or why it was refused
 * (already counted and logged). `value` is the parsed payload when it got that far.
 *
 * @example
 * ```ts
 * const r: Inbound<StateMessage> = guard.check(topic, payload);
 * if (r.ok) use(r.msg); else console.log(r.reason, r.detail);
 * ```
 */
export type Inbound<T> = { ok: true; name: TopicName; msg: T } | { ok: false; name: TopicName | undefined; reason: RejectReason; detail: string; value?: unknown };

interface Last {
  headerId: number;
  ts: number;
}

interface Budget {
  max: number;
  second: number;
  used: number;
}

/**
 * One receiver's inbound checks for one robot.
 *
 * @example
 * ```ts
 * const guard = new InboundGuard({ robot, clock: new SystemClock(), inbound: ['state', 'connection/controller'] });
 * const r = guard.check('affectbt/v1/acme/c1/state', payload);
 * if (r.ok) handleState(r.msg as StateMessage);
 * guard.rejections.counts.clock_skew; // how many future-dated headers were refused
 * ```
 */
export class InboundGuard {
  readonly topics: RobotTopics;
  readonly rejections: RejectionLog;
  readonly maxClockSkewMs: number;
  private readonly robot: RobotId;
  private readonly clock: Clock;
  private readonly inbound: ReadonlySet<TopicName>;
  private readonly maxBytes: number;
  private readonly order = new Map<TopicName, Map<string, Last>>();
  private readonly sessions = new Map<TopicName, string>();
  private readonly budgets = new Map<TopicName, Budget>();

  constructor(options: InboundGuardOptions) {
    this.robot = options.robot;
    this.clock = options.clock;
    this.topics = robotTopics(options.robot);
    this.inbound = new Set(options.inbound);
    this.maxBytes = options.maxPayloadBytes ?? 65_536;
    this.maxClockSkewMs = options.maxClockSkewMs ?? 5_000;
    if (!(this.maxClockSkewMs >= 0)) throw new RangeError(`maxClockSkewMs must be ≥ 0, got ${this.maxClockSkewMs}`);
    this.rejections = new RejectionLog({ clock: this.clock, logger: options.logger ?? stderrLogger, intervalMs: options.logIntervalMs });
    for (const [name, max] of Object.entries(options.maxPerSecond ?? {}) as Array<[TopicName, number]>) {
      if (!(max >= 1)) throw new RangeError(`maxPerSecond.${name} must be ≥ 1, got ${max}`);
      this.budgets.set(name, { max, second: -1, used: 0 });
    }
  }

  /**
   * Declares the session the receiver obeys for messages whose topic spec names
   * `connectionTopic` in `sessionFrom` (`undefined`: none — all such messages are
   * refused as `session`).
   */
  setSession(connectionTopic: TopicName, sessionId: string | undefined): void {
    if (sessionId === undefined) this.sessions.delete(connectionTopic);
    else this.sessions.set(connectionTopic, sessionId);
  }

  /** The session currently obeyed for `connectionTopic`. */
  session(connectionTopic: TopicName): string | undefined {
    return this.sessions.get(connectionTopic);
  }

  /** Counts and logs a rejection found by the caller's own checks. */
  reject(topic: string, reason: RejectReason, detail: string): void {
    this.rejections.reject(topic, reason, detail);
  }

  /**
   * Runs every check on one inbound message. Never throws. `retained` is the MQTT
   * retain flag of the delivery (true only for copies the broker kept).
   */
  check<T extends Header = Header>(topic: string, payload: Uint8Array | string, retained = false): Inbound<T> {
    const name = topicName(this.topics, topic);
    if (name === undefined || !this.inbound.has(name)) {
      return this.fail(topic, name, 'wrong_topic', `not an inbound topic of ${this.robot.manufacturer}/${this.robot.serialNumber} here (expected one of ${[...this.inbound].join(', ')})`);
    }
    const budget = this.budgets.get(name);
    if (budget !== undefined) {
      const second = Math.floor(this.clock.now() / 1000);
      if (second !== budget.second) {
        budget.second = second;
        budget.used = 0;
      }
      if (++budget.used > budget.max) return this.fail(topic, name, 'rate_limited', `more than ${budget.max} ${name} messages in one second; dropped unread (a flood, or raise the receiver's budget)`);
    }
    const size = typeof payload === 'string' ? Buffer.byteLength(payload) : payload.byteLength;
    if (size > this.maxBytes) return this.fail(topic, name, 'too_large', `payload of ${size} bytes exceeds maxPayloadBytes ${this.maxBytes}`);
    let value: unknown;
    try {
      const text = typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? payload.toString('utf8') : Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength).toString('utf8');
      value = JSON.parse(text);
    } catch (err) {
      return this.fail(topic, name, 'bad_json', (err as Error).message);
    }
    const result = validateMessage<T>(name, value);
    if (!result.ok) return this.fail(topic, name, result.reason, result.message, value);
    const msg = result.value;
    if (!isCompatibleVersion(msg.version)) return this.fail(topic, name, 'version', `contract version ${msg.version} is not compatible with this receiver's; upgrade the sender or the receiver`, value);
    if (msg.manufacturer !== this.robot.manufacturer || msg.serialNumber !== this.robot.serialNumber) {
      return this.fail(topic, name, 'wrong_topic', `header names ${msg.manufacturer}/${msg.serialNumber} but the topic belongs to ${this.robot.manufacturer}/${this.robot.serialNumber}`, value);
    }
    const spec = TOPIC_SPECS[name];
    if (retained && !spec.retain) return this.fail(topic, name, 'retained', `a retained ${name} message is never obeyed (the contract does not retain ${name}; clear it with an empty retained publish)`, value);
    const now = this.clock.now();
    const ts = Date.parse(msg.timestamp);
    if (ts - now > this.maxClockSkewMs) {
      return this.fail(topic, name, 'clock_skew', `header timestamp ${msg.timestamp} is ${ts - now} ms in the future (max skew ${this.maxClockSkewMs} ms); check the sender's clock (NTP)`, value);
    }
    if (now - ts > spec.maxAgeMs + this.maxClockSkewMs) {
      return this.fail(topic, name, 'stale', `header timestamp ${msg.timestamp} is ${now - ts} ms old (max ${spec.maxAgeMs} ms + ${this.maxClockSkewMs} ms skew for ${name})`, value);
    }
    const session = msg.sessionId ?? '';
    if (spec.sessionFrom !== undefined) {
      const current = this.sessions.get(spec.sessionFrom);
      if (current === undefined || current !== session) {
        return this.fail(topic, name, 'session', current === undefined ? `session ${session || '(none)'} is not obeyed: no session announced ONLINE on ${spec.sessionFrom}` : `session ${session || '(none)'} is not the session obeyed (${current}, from ${spec.sessionFrom})`, value);
      }
    }
    let slots = this.order.get(name);
    if (slots === undefined) this.order.set(name, (slots = new Map()));
    const last = slots.get(session);
    const isWill = (name === 'connection/controller' || name === 'connection/planner') && (msg as unknown as { connectionState: string }).connectionState === 'CONNECTION_BROKEN';
    if (last !== undefined) {
      if (msg.headerId === last.headerId && ts === last.ts) {
        // the broker's retained copy of what was last accepted, delivered again by a new
        // subscription (the receiver reconnected): the current value, not a replay
        if (retained && spec.retain) return { ok: true, name, msg };
        return this.fail(topic, name, 'duplicate', `headerId ${msg.headerId} at ${msg.timestamp} was already received`, value);
      }
      if (!isWill && msg.headerId <= last.headerId && ts <= last.ts) {
        return this.fail(topic, name, 'out_of_order', `headerId ${msg.headerId} at ${msg.timestamp} is older than the last accepted headerId ${last.headerId} of session ${session || '(none)'}`, value);
      }
      if (!isWill) {
        last.headerId = msg.headerId;
        last.ts = ts;
      }
      slots.delete(session);
      slots.set(session, last); // least recently used first
    } else {
      if (slots.size >= MAX_SESSIONS_PER_TOPIC) slots.delete(slots.keys().next().value!);
      slots.set(session, { headerId: isWill ? -1 : msg.headerId, ts: isWill ? -Infinity : ts });
    }
    return { ok: true, name, msg };
  }

  private fail(topic: string, name: TopicName | undefined, reason: RejectReason, detail: string, value?: unknown): Inbound<never> {
    this.rejections.reject(topic, reason, detail);
    return { ok: false, name, reason, detail, value };
  }
}

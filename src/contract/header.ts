/**
 * The VDA 5050-style header carried by every affect-bt MQTT message. It exists so a
 * receiver can order messages (`headerId` grows by one per topic and sender), judge
 * their age (`timestamp`, ISO 8601 UTC with milliseconds) and check who sent them
 * (`manufacturer`/`serialNumber` must match the topic) and in which contract
 * `version` — all from the payload, so it works on MQTT 3.1.1 brokers too.
 *
 * Design note: the header fields are spread into every message schema (flat, as in
 * VDA 5050) rather than nested, so payloads stay familiar to AGV/cobot integrators.
 */
import { Type, type Static } from '@sinclair/typebox';

/**
 * Contract version written into every header (semver; receivers accept the same major).
 * History: 1.0.0 first contract; 1.1.0 sessions (`sessionId`, `plannerSessionId`,
 * `errors` references); 1.2.0 orders (`order`, `orderActions`, `plannerState` topics and
 * the `orderer` role) — additive, a 1.1 receiver never subscribes to them; 1.3.0 `result`
 * records in `trace` (nodes that finished since the previous trace) — additive, records
 * are free-form and a 1.2 monitor applying them in order still ends with the latest status;
 * 1.4.0 the broker link is part of the safe state (a controller treats losing its broker
 * as losing its planner; a planner never carries commands across an outage; the broker's
 * retained copy of the last accepted message is accepted again after a reconnect) —
 * behaviour only, no payload changes.
 *
 * @example
 * ```ts
 * isCompatibleVersion(CONTRACT_VERSION); // true
 * ```
 */
export const CONTRACT_VERSION = '1.4.0';

/**
 * Pattern of a topic level / identifier (no MQTT wildcards, no slashes).
 *
 * @example
 * ```ts
 * new RegExp(ID_PATTERN).test('cell-1'); // true
 * ```
 */
export const ID_PATTERN = '^[A-Za-z0-9_.:-]+$';

/**
 * Header fields, as a TypeBox property map (spread into message schemas).
 *
 * @example
 * ```ts
 * Type.Object({ ...HeaderProperties, extra: Type.String() });
 * ```
 */
export const HeaderProperties = {
  headerId: Type.Integer({ minimum: 0, maximum: 2 ** 53 - 1, description: 'per topic and sender, +1 each message (restarts at 0 when the sender restarts)' }),
  timestamp: Type.String({ format: 'date-time', maxLength: 40, description: 'ISO 8601 UTC time the message was sent, with milliseconds' }),
  version: Type.String({ pattern: '^[0-9]+\\.[0-9]+\\.[0-9]+$', maxLength: 32, description: `contract version (semver), currently ${CONTRACT_VERSION}` }),
  manufacturer: Type.String({ minLength: 1, maxLength: 64, pattern: ID_PATTERN, description: 'robot manufacturer, as in the topic' }),
  serialNumber: Type.String({ minLength: 1, maxLength: 64, pattern: ID_PATTERN, description: 'robot serial number, as in the topic' }),
  sessionId: Type.Optional(Type.String({ minLength: 1, maxLength: 64, pattern: ID_PATTERN, description: "the sender's session (announced in its `connection` message; new at every process start). Receivers order messages per sender session" })),
};

/**
 * Header fields with a required `sessionId`: the topics whose receiver obeys only the
 * sender's current session (`connection/*`, `instantActions`).
 *
 * @example
 * ```ts
 * Type.Object({ ...SessionHeaderProperties, connectionState: Type.String() });
 * ```
 */
export const SessionHeaderProperties = {
  ...HeaderProperties,
  sessionId: Type.String({ minLength: 1, maxLength: 64, pattern: ID_PATTERN, description: "the sender's session (announced in its `connection` message; new at every process start); required on this topic" }),
};

/**
 * The header alone (for docs and generic checks).
 *
 * @example
 * ```ts
 * Value.Check(HeaderSchema, headers.next('state', Date.now())); // true
 * ```
 */
export const HeaderSchema = Type.Object(HeaderProperties, { additionalProperties: false });
/**
 * The message header.
 *
 * @example
 * ```ts
 * const h: Header = new HeaderFactory(robot).next('affect', Date.now());
 * ```
 */
export type Header = Static<typeof HeaderSchema>;

/**
 * Identity of one robot cell: the `{manufacturer}/{serialNumber}` part of every topic.
 *
 * @example
 * ```ts
 * const robot: RobotId = { manufacturer: 'acme', serialNumber: 'cell-1' };
 * ```
 */
export interface RobotId {
  manufacturer: string;
  serialNumber: string;
}

/**
 * One sender session: a fresh id at every process start and the time it started. The
 * id goes into every header the sender writes; the pair is announced in its
 * `connection` message (`sessionId`, `sessionStartedAt`).
 *
 * @example
 * ```ts
 * const s: Session = newSession(Date.now()); // { sessionId: 'mfz1k2-3fa9c01b2d4e', startedAt: 1763… }
 * ```
 */
export interface Session {
  sessionId: string;
  /** Epoch ms. */
  startedAt: number;
}

/**
 * A new session starting at `nowMs`: the id is the start time (base 36) plus 48 random
 * bits, so ids never repeat across restarts and sort roughly by start.
 *
 * @example
 * ```ts
 * newSession(Date.now()).sessionId; // 'mfz1k2-3fa9c01b2d4e'
 * ```
 */
export function newSession(nowMs: number): Session {
  // Web Crypto (Node ≥ 19 and browsers alike): the contract stays platform-neutral
  const random = Array.from(globalThis.crypto.getRandomValues(new Uint8Array(6)), (b) => b.toString(16).padStart(2, '0')).join('');
  return { sessionId: `${Math.max(0, Math.floor(nowMs)).toString(36)}-${random}`, startedAt: nowMs };
}

/**
 * Produces headers with a per-topic `headerId` counter (+1 per message), stamped with
 * the sender's session when it has one.
 *
 * @example
 * ```ts
 * const headers = new HeaderFactory({ manufacturer: 'acme', serialNumber: 'cell1' }, 'mfz1k2-3fa9c01b2d4e');
 * headers.next('affect', Date.now()); // { headerId: 0, timestamp: '2026-…Z', version: '1.4.0', …, sessionId: 'mfz1k2-3fa9c01b2d4e' }
 * headers.next('affect', Date.now()).headerId; // 1
 * ```
 */
export class HeaderFactory {
  private readonly counters = new Map<string, number>();
  constructor(
    readonly robot: RobotId,
    readonly sessionId?: string,
  ) {}

  /** A header like {@link next} would give, without advancing the counter (for checks). */
  peek(nowMs: number, topic = '-'): Header {
    return this.make(this.counters.get(topic) ?? 0, nowMs);
  }

  /** The next header for `topic` at time `nowMs` (epoch ms). */
  next(topic: string, nowMs: number): Header {
    const id = this.counters.get(topic) ?? 0;
    this.counters.set(topic, id + 1);
    return this.make(id, nowMs);
  }

  private make(headerId: number, nowMs: number): Header {
    const h: Header = {
      headerId,
      timestamp: new Date(nowMs).toISOString(),
      version: CONTRACT_VERSION,
      manufacturer: this.robot.manufacturer,
      serialNumber: this.robot.serialNumber,
    };
    if (this.sessionId !== undefined) h.sessionId = this.sessionId;
    return h;
  }
}

/**
 * True when a received `version` has the same major as {@link CONTRACT_VERSION}.
 *
 * @example
 * ```ts
 * isCompatibleVersion('1.4.0'); // true
 * isCompatibleVersion('2.0.0'); // false
 * ```
 */
export function isCompatibleVersion(version: string): boolean {
  return version.split('.')[0] === CONTRACT_VERSION.split('.')[0];
}

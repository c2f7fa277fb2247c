/**
 * `connection` (both sides, QoS 1, retained): `ONLINE` when a side connects,
 * `OFFLINE` on a graceful exit, `CONNECTION_BROKEN` as its MQTT last will. Each side
 * has its own retained slot — `…/connection/controller` and `…/connection/planner` —
 * so a late subscriber learns both at once. A planner that sees its controller
 * `OFFLINE`/`CONNECTION_BROKEN` (or a controller that sees its planner so) goes safe.
 *
 * Sessions (contract 1.1): every connection message announces the sender's session
 * (`sessionId` in the header, `sessionStartedAt`). The controller obeys one planner
 * session at a time — the one that announced `ONLINE` first and is still online — and
 * refuses a second one; a loss message of another session does not disturb it.
 */
import { Type, type Static } from '@sinclair/typebox';
import { SessionHeaderProperties } from './header.ts';

/**
 * Connection states, as in VDA 5050.
 *
 * @example
 * ```ts
 * CONNECTION_STATES.includes('ONLINE'); // true
 * ```
 */
export const CONNECTION_STATES = ['ONLINE', 'OFFLINE', 'CONNECTION_BROKEN'] as const;
/**
 * A connection state.
 *
 * @example
 * ```ts
 * const s: ConnectionState = 'CONNECTION_BROKEN';
 * ```
 */
export type ConnectionState = (typeof CONNECTION_STATES)[number];

/**
 * The `connection` message.
 *
 * @example
 * ```ts
 * validateMessage('connection/controller', msg); // compiled from this schema
 * ```
 */
export const ConnectionMessageSchema = Type.Object(
  {
    ...SessionHeaderProperties,
    connectionState: Type.Union(CONNECTION_STATES.map((s) => Type.Literal(s))),
    sessionStartedAt: Type.String({ format: 'date-time', maxLength: 40, description: 'ISO 8601 UTC time the session `sessionId` started (a newer session may replace an older one that went offline, never the reverse)' }),
  },
  { additionalProperties: false },
);
/**
 * The `connection` message.
 *
 * @example
 * ```ts
 * const m: ConnectionMessage = { ...headers.next('connection/planner', Date.now()), sessionId: s.sessionId, sessionStartedAt: new Date(s.startedAt).toISOString(), connectionState: 'ONLINE' };
 * ```
 */
export type ConnectionMessage = Static<typeof ConnectionMessageSchema>;

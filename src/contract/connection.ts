/**
 * `connection` (both sides, QoS 1, retained): `ONLINE` when a side connects,
 * `OFFLINE` on a graceful exit, `CONNECTION_BROKEN` as its MQTT last will. Each side
 * has its own retained slot — `…/connection/controller` and `…/connection/planner` —
 * so a late subscriber learns both at once. A planner that sees its controller
 * `OFFLINE`/`CONNECTION_BROKEN` (or a controller that sees its planner so) goes safe.
 */
import { Type, type Static } from '@sinclair/typebox';
import { HeaderProperties } from './header.ts';

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
    ...HeaderProperties,
    connectionState: Type.Union(CONNECTION_STATES.map((s) => Type.Literal(s))),
  },
  { additionalProperties: false },
);
/**
 * The `connection` message.
 *
 * @example
 * ```ts
 * const m: ConnectionMessage = { ...headers.next('connection/planner', Date.now()), connectionState: 'ONLINE' };
 * ```
 */
export type ConnectionMessage = Static<typeof ConnectionMessageSchema>;

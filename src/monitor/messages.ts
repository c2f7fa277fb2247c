/**
 * The unit everything in the monitor passes around: one cell message with the time it
 * was seen (`t`, epoch ms — the monitor's receive time live, the MCAP log time in a
 * replay) and the contract topic it came on. The browser page, the SSE stream, the MCAP
 * recorder and the replay all speak this, so live and replay share one code path.
 *
 * Besides the contract's topics there is one of the monitor's own, `monitor`: the
 * monitor's (or recorder's) broker link going down and up, so an outage shows on the
 * page and in a recording.
 *
 * Browser-safe: type imports only.
 */
import type { TopicName } from '../contract/schemas.ts';

/**
 * A topic the monitor handles: the contract's, plus its own `monitor` status.
 *
 * @example
 * ```ts
 * const t: CellTopic = 'monitor';
 * ```
 */
export type CellTopic = TopicName | 'monitor';

/**
 * One message as seen by the monitor.
 *
 * @example
 * ```ts
 * const m: CellMessage = { t: Date.now(), topic: 'state', payload: JSON.parse(text) };
 * ```
 */
export interface CellMessage {
  /** When it was seen, epoch ms. */
  t: number;
  topic: CellTopic;
  /** The parsed, validated payload. */
  payload: any;
}

/**
 * Payload of the monitor's own `monitor` topic.
 *
 * @example
 * ```ts
 * const s: MonitorStatus = { broker: 'disconnected', url: 'mqtt://127.0.0.1:1883', reason: 'connection lost' };
 * ```
 */
export interface MonitorStatus {
  broker: 'connected' | 'disconnected';
  /** Broker URL without credentials. */
  url: string;
  reason?: string;
}

/**
 * JSON Schema of {@link MonitorStatus} (for the MCAP channel of the `monitor` topic).
 *
 * @example
 * ```ts
 * writer.registerSchema({ name: 'affectbt.monitor', encoding: 'jsonschema', data: encode(JSON.stringify(MONITOR_STATUS_SCHEMA)) });
 * ```
 */
export const MONITOR_STATUS_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: {
    broker: { type: 'string', enum: ['connected', 'disconnected'], description: "the monitor's (or recorder's) broker link" },
    url: { type: 'string', maxLength: 512 },
    reason: { type: 'string', maxLength: 500 },
  },
  required: ['broker', 'url'],
} as const;

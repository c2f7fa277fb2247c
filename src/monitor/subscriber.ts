/**
 * The monitor's (and recorder's) view of a cell: one MQTT client subscribed to
 * `affectbt/v1/{m}/{s}/#` that validates every payload against the contract and hands
 * on {@link CellMessage}s, plus `monitor` messages when its own broker link goes down
 * and comes back. It only subscribes — it never publishes, so it fits a read-only
 * monitor role on a broker with ACLs.
 *
 * Design notes: it starts even when the broker is unreachable (and says so), and keeps
 * reconnecting; invalid payloads are counted per topic and reason and dropped (the page
 * shows the counts). The handler does O(1) work per message (parse, validate, call), so
 * a busy cell cannot make the monitor fall behind its socket.
 */
import mqtt, { type MqttClient } from 'mqtt';
import type { RobotId } from '../contract/header.ts';
import { validateMessage } from '../contract/schemas.ts';
import { robotTopics, topicName } from '../mqtt/topics.ts';
import type { CellMessage, MonitorStatus } from './messages.ts';
import { redactUrl } from '../mqtt/credentials.ts';

/** Payloads larger than this are rejected unparsed. */
const MAX_PAYLOAD = 512 * 1024;

/** Options of {@link subscribeCell}. */
export interface CellSubscriberOptions {
  url: string;
  robot: RobotId;
  /** Called for every valid message and every broker link change. `raw` is the payload as received (absent for `monitor`). */
  onMessage(m: CellMessage, raw?: Buffer): void;
  clientId?: string;
  username?: string;
  password?: string;
  /** TLS material for mqtts:// brokers. */
  tls?: { ca?: Buffer; cert?: Buffer; key?: Buffer; rejectUnauthorized?: boolean };
  /** Pause between reconnect attempts (default 1000 ms). */
  reconnectPeriodMs?: number;
  /** Clock (default Date.now). */
  now?: () => number;
}

/**
 * A running cell subscription.
 *
 * @example
 * ```ts
 * const sub = subscribeCell({ url, robot, onMessage: (m) => model.apply(m) });
 * sub.counters.rejected; // { state: { schema: 1 } }
 * await sub.close();
 * ```
 */
export interface CellSubscriber {
  readonly client: MqttClient;
  readonly counters: { received: number; accepted: number; rejected: Record<string, Record<string, number>> };
  /** Whether the broker link is up. */
  readonly connected: boolean;
  close(): Promise<void>;
}

/** The URL without credentials (for the page and logs): the one redaction of src/mqtt/credentials.ts. */
export { redactUrl };

/**
 * Subscribes to one cell. Returns at once; the link comes up (and goes down) in the
 * background, reported through `monitor` messages.
 *
 * @example
 * ```ts
 * const sub = subscribeCell({ url: 'mqtt://127.0.0.1:1883', robot: { manufacturer: 'acme', serialNumber: 'cell-01' }, onMessage: (m) => hub.publish(m) });
 * ```
 */
export function subscribeCell(o: CellSubscriberOptions): CellSubscriber {
  const now = o.now ?? Date.now;
  const topics = robotTopics(o.robot);
  const prefix = topics.state.slice(0, -'state'.length);
  const url = redactUrl(o.url);
  const counters = { received: 0, accepted: 0, rejected: {} as Record<string, Record<string, number>> };
  const reject = (topic: string, reason: string) => {
    const r = (counters.rejected[topic] ??= {});
    r[reason] = (r[reason] ?? 0) + 1;
  };
  let linkUp: boolean | undefined;
  let closing = false;
  const status = (broker: MonitorStatus['broker'], reason?: string) => {
    const up = broker === 'connected';
    if (linkUp === up || closing) return; // our own close is not an outage
    linkUp = up;
    const payload: MonitorStatus = reason ? { broker, url, reason } : { broker, url };
    o.onMessage({ t: now(), topic: 'monitor', payload });
  };
  const client = mqtt.connect(o.url, {
    clientId: o.clientId ?? `monitor-${o.robot.serialNumber}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`,
    protocolVersion: 4,
    clean: true,
    keepalive: 5,
    reconnectPeriod: o.reconnectPeriodMs ?? 1000,
    connectTimeout: 5000,
    username: o.username,
    password: o.password,
    ...(o.tls ?? {}),
  });
  let lastError: string | undefined;
  client.on('error', (e) => {
    lastError = e.message;
    if (linkUp === undefined) status('disconnected', e.message);
  });
  client.on('connect', () => {
    lastError = undefined;
    client.subscribe(`${prefix}#`, { qos: 1 }, (err) => {
      if (err) reject('subscribe', err.message);
    });
    status('connected');
  });
  client.on('offline', () => status('disconnected', lastError ?? 'connection lost'));
  client.on('close', () => {
    if (linkUp) status('disconnected', lastError ?? 'connection lost');
  });
  // report an unreachable broker instead of staying silent until the first timeout
  const firstTry = setTimeout(() => {
    if (linkUp === undefined) status('disconnected', lastError ?? 'no answer from the broker yet');
  }, 3000);
  firstTry.unref();
  client.on('message', (topic, payload) => {
    counters.received++;
    const name = topicName(topics, topic);
    if (name === undefined) return reject(topic.startsWith(prefix) ? topic.slice(prefix.length) : topic, 'unknown_topic');
    if (payload.length > MAX_PAYLOAD) return reject(name, 'too_large');
    let json: unknown;
    try {
      json = JSON.parse(payload.toString('utf8'));
    } catch {
      return reject(name, 'bad_json');
    }
    const v = validateMessage(name, json);
    if (!v.ok) return reject(name, v.reason);
    counters.accepted++;
    o.onMessage({ t: now(), topic: name, payload: json }, payload);
  });
  return {
    client,
    counters,
    get connected() {
      return client.connected;
    },
    close: () =>
      new Promise<void>((resolve) => {
        closing = true;
        clearTimeout(firstTry);
        client.end(true, {}, () => resolve());
      }),
  };
}

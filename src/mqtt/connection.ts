/**
 * Connecting to a broker: one place that turns a URL plus options (TLS, username,
 * password, last will) into a connected mqtt.js client, and detects the protocol.
 * With `protocol: 'auto'` (default) it first offers MQTT 5; a broker that refuses
 * it ("unacceptable protocol version", e.g. aedes) is retried with MQTT 3.1.1. The
 * caller learns the result from {@link isMqtt5} and uses {@link publishOptions} so
 * MQTT 5 properties (message expiry, content type) are only sent where understood.
 *
 * Reconnects are automatic (`reconnectPeriodMs`). QoS 0 messages published while
 * disconnected are dropped, not queued (`queueQoSZero: false`): every contract message
 * is timestamped, so a heartbeat or an estimate delivered after an outage would only be
 * stale. QoS 1 messages are kept by mqtt.js and sent on reconnect; the planner takes its
 * commands back out of that store when the link drops (`MqttController`).
 */
import mqtt, { type IClientOptions, type IClientPublishOptions, type MqttClient } from 'mqtt';
import { redactUrl } from './credentials.ts';

/**
 * A last-will message.
 *
 * @example
 * ```ts
 * connectMqtt({ url, will: { topic, payload: '{…CONNECTION_BROKEN…}', qos: 1, retain: true } });
 * ```
 */
export interface WillMessage {
  topic: string;
  payload: string;
  qos: 0 | 1;
  retain: boolean;
}

/**
 * Options of {@link connectMqtt}.
 *
 * @example
 * ```ts
 * connectMqtt({ url: 'mqtts://broker:8883', ca: readFileSync('ca.pem'), username: 'cell', password: 'pw' });
 * ```
 */
export interface MqttConnectOptions {
  /** `mqtt://host:port`, `mqtts://…`, `ws://…`. Default: `MQTT_URL` env, else error. */
  url?: string;
  clientId?: string;
  username?: string;
  password?: string;
  /** TLS: CA certificate(s), client certificate and key (PEM). */
  ca?: string | Buffer;
  cert?: string | Buffer;
  key?: string | Buffer;
  /** TLS: verify the server certificate (default true). */
  rejectUnauthorized?: boolean;
  /** `auto` (default: MQTT 5, falling back to 3.1.1), `5` or `4` (= 3.1.1). */
  protocol?: 'auto' | 5 | 4;
  will?: WillMessage;
  /** Keepalive in seconds (default 5: a dead peer's will fires within ~7.5 s). */
  keepaliveS?: number;
  /** Pause between reconnect attempts (default 500 ms). */
  reconnectPeriodMs?: number;
  /** Give up the first connection after this (default 5000 ms). */
  connectTimeoutMs?: number;
  /** Clean session (default true). */
  clean?: boolean;
}

/**
 * True when the client talks MQTT 5 to its broker.
 *
 * @example
 * ```ts
 * if (isMqtt5(client)) console.log('message expiry available');
 * ```
 */
export function isMqtt5(client: MqttClient): boolean {
  return client.options.protocolVersion === 5;
}

/**
 * Publish options for a contract message: QoS, retain and — on MQTT 5 only — content
 * type `application/json` and a message expiry.
 *
 * @example
 * ```ts
 * client.publish(topic, json, publishOptions(client, 0, false, 2));
 * ```
 */
export function publishOptions(client: MqttClient, qos: 0 | 1, retain: boolean, expirySeconds?: number): IClientPublishOptions {
  if (!isMqtt5(client)) return { qos, retain };
  const properties: NonNullable<IClientPublishOptions['properties']> = { contentType: 'application/json', payloadFormatIndicator: true };
  if (expirySeconds !== undefined && expirySeconds > 0) properties.messageExpiryInterval = Math.ceil(expirySeconds);
  return { qos, retain, properties };
}

function attempt(url: string, version: 4 | 5, o: MqttConnectOptions): Promise<MqttClient> {
  const timeoutMs = o.connectTimeoutMs ?? 5000;
  const opts: IClientOptions = {
    protocolVersion: version,
    clientId: o.clientId ?? `affectbt_${Math.random().toString(16).slice(2, 10)}`,
    username: o.username,
    password: o.password,
    ca: o.ca,
    cert: o.cert,
    key: o.key,
    rejectUnauthorized: o.rejectUnauthorized ?? true,
    keepalive: o.keepaliveS ?? 5,
    reconnectPeriod: o.reconnectPeriodMs ?? 500,
    connectTimeout: timeoutMs,
    clean: o.clean ?? true,
    resubscribe: true,
    queueQoSZero: false,
    will: o.will ? { topic: o.will.topic, payload: Buffer.from(o.will.payload), qos: o.will.qos, retain: o.will.retain } : undefined,
  };
  if (version === 5) opts.properties = { sessionExpiryInterval: o.clean === false ? 3600 : 0 };
  return new Promise((resolve, reject) => {
    const client = mqtt.connect(url, opts);
    const timer = setTimeout(() => {
      cleanup();
      client.end(true);
      reject(new Error(`MQTT: no connection to ${redactUrl(url)} within ${timeoutMs} ms; is the broker running? (start one with 'affect-bt broker' or set --mqtt/MQTT_URL)`));
    }, timeoutMs);
    const onConnect = () => {
      cleanup();
      resolve(client);
    };
    const onError = (err: Error & { code?: number | string }) => {
      if (typeof err.code === 'string' && /CERT|TLS|SSL/.test(err.code)) {
        cleanup();
        client.end(true);
        reject(new Error(`MQTT: TLS to ${redactUrl(url)} failed: ${err.message} (${err.code}); give the broker's CA certificate (ca option) or check its name`));
        return;
      }
      const refusedVersion = err.code === 1 || err.code === 132 || /protocol version/i.test(err.message);
      if (!refusedVersion && !/Not authorized|Bad User Name|Connection refused/i.test(err.message)) return; // transient: keep retrying until the timeout
      cleanup();
      client.end(true);
      reject(Object.assign(new Error(`MQTT: ${redactUrl(url)} refused the connection: ${err.message}`), { refusedVersion }));
    };
    const cleanup = () => {
      clearTimeout(timer);
      client.off('connect', onConnect);
      client.off('error', onError);
    };
    client.on('connect', onConnect);
    client.on('error', onError);
  });
}

/**
 * Connects and resolves once the first CONNACK arrived (MQTT 5 when the broker
 * speaks it, else 3.1.1). Rejects with a readable error when the broker is
 * unreachable within `connectTimeoutMs` or refuses the credentials.
 *
 * @example
 * ```ts
 * const client = await connectMqtt({ url: 'mqtt://127.0.0.1:1883', will: { topic, payload, qos: 1, retain: true } });
 * isMqtt5(client); // true on Mosquitto, false on the embedded aedes broker
 * ```
 */
export async function connectMqtt(options: MqttConnectOptions = {}): Promise<MqttClient> {
  const url = options.url ?? process.env['MQTT_URL'];
  if (!url) throw new Error('MQTT: no broker URL; pass --mqtt mqtt://host:port or set MQTT_URL');
  const protocol = options.protocol ?? 'auto';
  if (protocol === 4) return attempt(url, 4, options);
  try {
    return await attempt(url, 5, options);
  } catch (err) {
    if (protocol === 'auto' && (err as { refusedVersion?: boolean }).refusedVersion) return attempt(url, 4, options);
    throw err;
  }
}

/**
 * Ends a client: gracefully (flushing in-flight QoS 1) when connected, within
 * `timeoutMs`; forcibly when disconnected or when the flush takes too long, so a
 * shutdown never hangs on a dead broker.
 *
 * @example
 * ```ts
 * await endClient(client); // after publishing OFFLINE
 * ```
 */
export async function endClient(client: MqttClient, timeoutMs = 2000): Promise<void> {
  if (!client.connected) {
    await new Promise<void>((resolve) => client.end(true, {}, () => resolve()));
    return;
  }
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => client.end(true, {}, () => resolve()), timeoutMs);
    client.end(false, {}, () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

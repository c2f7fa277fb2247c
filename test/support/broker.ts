/**
 * Test helper: a broker for integration tests. {@link startTestBroker} returns the
 * external broker from `MQTT_URL` when it is set and reachable (CI runs Mosquitto on
 * 127.0.0.1:1883), else starts the embedded aedes broker on a free port.
 * {@link testBrokers} lists every broker a suite should cover (embedded always,
 * `MQTT_URL` when reachable) for `describe.each`.
 *
 * Tests sharing an external broker must use unique robot ids ({@link uniqueRobot}):
 * retained messages there outlive the test, so each id's topics are cleared after the
 * test file (see retained.ts).
 */
import net from 'node:net';
import { startEmbeddedBroker } from '../../src/mqtt/broker.ts';
import type { RobotId } from '../../src/contract/header.ts';
import { trackRetained } from './retained.ts';

/**
 * A broker for a test.
 *
 * @example
 * ```ts
 * const b: TestBroker = await startTestBroker(); await b.stop();
 * ```
 */
export interface TestBroker {
  url: string;
  /** `embedded` or `external`. */
  kind: 'embedded' | 'external';
  stop(): Promise<void>;
  /** Embedded only: stop then start again on the same port. */
  restart?(): Promise<void>;
  /** Embedded only: stop without restarting (restart later with `start`). */
  pause?(): Promise<void>;
  start?(): Promise<void>;
}

/**
 * True when a TCP connection to the URL's host:port opens within `timeoutMs`.
 *
 * @example
 * ```ts
 * await isReachable('mqtt://127.0.0.1:1883'); // true when Mosquitto runs
 * ```
 */
export function isReachable(url: string, timeoutMs = 500): Promise<boolean> {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return Promise.resolve(false);
  }
  const port = Number(u.port || (u.protocol === 'mqtts:' ? 8883 : 1883));
  return new Promise((resolve) => {
    const sock = net.connect({ host: u.hostname, port });
    const done = (ok: boolean) => {
      sock.destroy();
      resolve(ok);
    };
    sock.setTimeout(timeoutMs, () => done(false));
    sock.once('connect', () => done(true));
    sock.once('error', () => done(false));
  });
}

/**
 * Always an embedded broker (needed for stop/restart tests).
 *
 * @example
 * ```ts
 * const b = await startEmbeddedTestBroker(); await b.restart!(); await b.stop();
 * ```
 */
export async function startEmbeddedTestBroker(): Promise<TestBroker & { restart(): Promise<void>; pause(): Promise<void>; start(): Promise<void> }> {
  const b = await startEmbeddedBroker();
  return {
    url: b.url,
    kind: 'embedded',
    stop: () => b.stop(),
    async restart() {
      await b.stop();
      await b.restart();
    },
    pause: () => b.stop(),
    start: () => b.restart(),
  };
}

/**
 * `MQTT_URL` when set and reachable, else the embedded broker.
 *
 * @example
 * ```ts
 * const broker = await startTestBroker();
 * const client = await connectMqtt({ url: broker.url });
 * afterAll(() => broker.stop());
 * ```
 */
export async function startTestBroker(): Promise<TestBroker> {
  const ext = process.env['MQTT_URL'];
  if (ext && (await isReachable(ext))) return { url: ext, kind: 'external', stop: async () => {} };
  return startEmbeddedTestBroker();
}

/**
 * A broker factory per kind to cover, for `describe.each`.
 *
 * @example
 * ```ts
 * describe.each(await testBrokers())('over $name', ({ start }) => { … });
 * ```
 */
export interface BrokerCase {
  name: string;
  start(): Promise<TestBroker>;
}

/**
 * The brokers a suite should cover: embedded always, plus `MQTT_URL` when reachable.
 *
 * @example
 * ```ts
 * describe.each(await testBrokers())('over $name', ({ start }) => { … });
 * ```
 */
export async function testBrokers(): Promise<BrokerCase[]> {
  const out: BrokerCase[] = [{ name: 'embedded aedes', start: startEmbeddedTestBroker }];
  const ext = process.env['MQTT_URL'];
  if (ext && (await isReachable(ext))) out.push({ name: `MQTT_URL ${ext}`, start: async () => ({ url: ext, kind: 'external', stop: async () => {} }) });
  return out;
}

let seq = 0;
/**
 * A robot id no other test (or earlier run on a persistent broker) uses.
 *
 * @example
 * ```ts
 * const robot = uniqueRobot(); // { manufacturer: 'test', serialNumber: 'r-lq3…-1' }
 * ```
 */
export function uniqueRobot(prefix = 'r'): RobotId {
  const robot = { manufacturer: 'test', serialNumber: `${prefix}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}-${seq++}` };
  trackRetained(`affectbt/v1/${robot.manufacturer}/${robot.serialNumber}/`);
  return robot;
}

/**
 * Polls `cond` every `everyMs` until it is truthy; rejects with `what` after `timeoutMs`.
 *
 * @example
 * ```ts
 * await waitFor(() => bb.get('affect/h1') !== undefined, 2000, 'estimate on the blackboard');
 * ```
 */
export async function waitFor<T>(cond: () => T, timeoutMs: number, what: string, everyMs = 5): Promise<NonNullable<T>> {
  const start = Date.now();
  for (;;) {
    const v = cond();
    if (v) return v as NonNullable<T>;
    if (Date.now() - start > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

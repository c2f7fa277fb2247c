/**
 * Broker reconnection with exponential backoff and jitter for an mqtt.js client.
 * mqtt.js only knows a fixed `reconnectPeriod` (an interval armed once per outage), so
 * the planner connects with that period set out of reach and drives reconnects itself:
 * on every `close` it waits {@link Backoff.next} and calls the public
 * `client.reconnect({ incomingStore, outgoingStore })` — handing the stores back so QoS 1
 * messages queued during the outage are still delivered (`reconnect()` without them
 * would drop them).
 *
 * Design notes: one pending timer at most; `stop()` before a graceful `end()` so a
 * shutdown is never undone by a late reconnect.
 */
import type { MqttClient } from 'mqtt';
import { Backoff } from './backoff.ts';

/**
 * mqtt.js's own reconnect interval, set so it never fires before ours (≈ 24 days, the timer maximum).
 *
 * @example
 * ```ts
 * client.options.reconnectPeriod === MQTTJS_RECONNECT_DISABLED_MS; // after new ReconnectDriver(client, …)
 * ```
 */
export const MQTTJS_RECONNECT_DISABLED_MS = 2_147_483_647;

/** Options of {@link ReconnectDriver}. */
export interface ReconnectOptions {
  minMs: number;
  maxMs: number;
  random?: () => number;
  /** Called before each attempt with its number (1-based) and the delay waited. */
  onAttempt?: (attempt: number, delayMs: number) => void;
}

/**
 * Drives reconnects of one client with backoff; resets after a successful connect.
 *
 * @example
 * ```ts
 * const driver = new ReconnectDriver(client, { minMs: 250, maxMs: 10_000 });
 * // … on shutdown:
 * driver.stop();
 * client.end();
 * ```
 */
export class ReconnectDriver {
  private readonly backoff: Backoff;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly onClose = () => this.schedule();
  private readonly onConnect = () => {
    this.backoff.reset();
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  };

  constructor(
    private readonly client: MqttClient,
    private readonly options: ReconnectOptions,
  ) {
    this.backoff = new Backoff({ minMs: options.minMs, maxMs: options.maxMs, random: options.random });
    client.options.reconnectPeriod = MQTTJS_RECONNECT_DISABLED_MS;
    client.on('close', this.onClose);
    client.on('connect', this.onConnect);
    if (!client.connected) this.schedule();
  }

  /** Attempts since the last successful connection. */
  get attempts(): number {
    return this.backoff.attempts;
  }

  /** Stops reconnecting (call before a graceful disconnect). */
  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.client.off('close', this.onClose);
    this.client.off('connect', this.onConnect);
  }

  private schedule(): void {
    if (this.stopped || this.timer || this.client.connected) return;
    const delay = this.backoff.next();
    const attempt = this.backoff.attempts;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.stopped || this.client.connected) return;
      this.options.onAttempt?.(attempt, delay);
      this.client.reconnect({ incomingStore: this.client.incomingStore, outgoingStore: this.client.outgoingStore });
    }, delay);
  }
}

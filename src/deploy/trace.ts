/**
 * Live tick traces for monitors: after a tick, the planner offers its trace (node
 * paths, statuses, durations) to a {@link TracePublisher}, which publishes at most
 * `maxHz` messages per second on the `trace` topic (QoS 0, not retained) and drops the
 * rest. A monitor can draw the running tree from the latest message.
 *
 * Design notes: the payload is only built (serialised) when a message will actually go
 * out, so at 50 Hz ticks and 2 Hz traces 96% of ticks pay one comparison. Publishing is
 * fire-and-forget through a function, so this module has no MQTT dependency and a
 * broker outage simply drops traces (counted).
 */

/** Options of a {@link TracePublisher}. */
export interface TracePublisherOptions {
  /** Maximum messages per second (> 0). */
  maxHz: number;
  /** Sends one serialised payload; return false when it could not be sent (offline). */
  publish: (payload: string) => boolean;
}

/**
 * Rate limiter + serialiser for trace messages.
 *
 * @example
 * ```ts
 * const tp = new TracePublisher({ maxHz: 2, publish: (p) => { client.publish(topic, p); return true; } });
 * // after every tick:
 * tp.offer(Date.now(), () => ({ ...headers.next('trace', Date.now()), records: runner.lastTrace }));
 * ```
 */
export class TracePublisher {
  private readonly minIntervalMs: number;
  private last = -Infinity;
  published = 0;
  dropped = 0;
  failed = 0;

  constructor(private readonly options: TracePublisherOptions) {
    if (!(options.maxHz > 0) || !Number.isFinite(options.maxHz)) throw new RangeError(`TracePublisher: maxHz must be a finite number > 0, got ${options.maxHz}`);
    this.minIntervalMs = 1000 / options.maxHz;
  }

  /**
   * Publishes `build()` if at least 1/maxHz has passed since the last message; returns
   * true when a message went out.
   */
  offer(nowMs: number, build: () => unknown): boolean {
    if (nowMs - this.last < this.minIntervalMs) {
      this.dropped++;
      return false;
    }
    this.last = nowMs;
    let payload: string;
    try {
      payload = JSON.stringify(build());
    } catch (e) {
      this.failed++;
      return false;
    }
    if (this.options.publish(payload)) {
      this.published++;
      return true;
    }
    this.failed++;
    return false;
  }
}

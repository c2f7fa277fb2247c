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
import type { Blackboard } from '../core/blackboard.ts';
import type { BlackboardSnapshotEntry } from '../contract/tree.ts';

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

/** Values whose JSON is longer than this are sent as a truncated string. */
const MAX_VALUE_CHARS = 2000;
/** At most this many blackboard entries per trace (the contract's bound). */
const MAX_ENTRIES = 256;

/**
 * A snapshot of a blackboard for the trace's `blackboard` field: every key with its
 * value, source, age at `now`, staleness bound and whether it is stale. Built only when
 * a trace goes out (at most `trace.maxHz` times a second), never per tick.
 *
 * @example
 * ```ts
 * blackboardSnapshot(planner.blackboard, Date.now()); // [{ key: 'human/ready', value: true, source: 'planner:assume', ageMs: 12, maxAgeMs: null, stale: false }]
 * ```
 */
export function blackboardSnapshot(bb: Blackboard, now: number): BlackboardSnapshotEntry[] {
  const out: BlackboardSnapshotEntry[] = [];
  for (const key of bb.keys()) {
    if (out.length >= MAX_ENTRIES) break;
    const e = bb.entry(key);
    if (e === undefined) continue;
    const ageMs = now - e.timestamp;
    const finite = Number.isFinite(e.maxAgeMs);
    out.push({ key, value: preview(e.value), source: e.source, ageMs, maxAgeMs: finite ? e.maxAgeMs : null, stale: finite && ageMs > e.maxAgeMs });
  }
  return out;
}

function preview(v: unknown): unknown {
  if (v === null || typeof v !== 'object') return typeof v === 'number' && !Number.isFinite(v) ? String(v) : v;
  let text: string;
  try {
    text = JSON.stringify(v);
  } catch {
    return '(unserialisable)';
  }
  return text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS)}… (${text.length} chars)` : v;
}

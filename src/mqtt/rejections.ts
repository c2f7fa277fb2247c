/**
 * Counting and rate-limited logging of rejected inbound payloads (principle 4: bad
 * input is counted and reported, never crashes, never corrupts). Every rejection is
 * counted under its reason; the log gets at most one line per reason per interval,
 * with the topic, the reason, a detail and how many were suppressed since — so a
 * flood of garbage cannot flood the log.
 *
 * The logger is injectable and pino-compatible (`warn(obj, msg)`).
 */
import type { Clock } from '../core/clock.ts';
import { REJECT_REASONS, type RejectReason } from '../contract/schemas.ts';

/**
 * The logging surface affect-bt needs (pino's `Logger` fits).
 *
 * @example
 * ```ts
 * const logger: MqttLogger = pino(); // or { warn: (obj, msg) => console.warn(msg, obj) }
 * ```
 */
export interface MqttLogger {
  warn(obj: object, msg: string): void;
  info?(obj: object, msg: string): void;
}

/**
 * A logger that writes one JSON line per call to stderr.
 *
 * @example
 * ```ts
 * stderrLogger.warn({ topic: 't', reason: 'bad_json' }, 'mqtt payload rejected');
 * ```
 */
export const stderrLogger: MqttLogger = {
  warn(obj, msg) {
    process.stderr.write(JSON.stringify({ level: 'warn', time: new Date().toISOString(), msg, ...obj }) + '\n');
  },
  info(obj, msg) {
    process.stderr.write(JSON.stringify({ level: 'info', time: new Date().toISOString(), msg, ...obj }) + '\n');
  },
};

/**
 * A logger that drops everything.
 *
 * @example
 * ```ts
 * new MqttBridge({ robot, blackboard: bb, logger: silentLogger });
 * ```
 */
export const silentLogger: MqttLogger = { warn() {}, info() {} };

/**
 * Rejections per reason.
 *
 * @example
 * ```ts
 * const c: RejectionCounts = emptyRejectionCounts(); c.bad_json++;
 * ```
 */
export type RejectionCounts = Record<RejectReason, number>;

/**
 * A zeroed counter record.
 *
 * @example
 * ```ts
 * emptyRejectionCounts().too_large; // 0
 * ```
 */
export function emptyRejectionCounts(): RejectionCounts {
  const out = {} as RejectionCounts;
  for (const r of REJECT_REASONS) out[r] = 0;
  return out;
}

/**
 * Counts rejections per reason and logs once per reason per interval.
 *
 * @example
 * ```ts
 * const rej = new RejectionLog({ clock: new SystemClock(), logger: stderrLogger, intervalMs: 10_000 });
 * rej.reject('affectbt/v1/acme/c1/affect', 'bad_json', 'Unexpected token } in JSON');
 * rej.counts.bad_json; // 1
 * ```
 */
export class RejectionLog {
  readonly counts: RejectionCounts = emptyRejectionCounts();
  private readonly lastLogAt = new Map<RejectReason, number>();
  private readonly suppressed = emptyRejectionCounts();
  private readonly clock: Clock;
  private readonly logger: MqttLogger;
  private readonly intervalMs: number;

  constructor(options: { clock: Clock; logger: MqttLogger; intervalMs?: number }) {
    this.clock = options.clock;
    this.logger = options.logger;
    this.intervalMs = options.intervalMs ?? 10_000;
  }

  /** Total rejections. */
  get total(): number {
    let n = 0;
    for (const r of REJECT_REASONS) n += this.counts[r];
    return n;
  }

  /** Counts one rejection and logs it unless this reason was logged within the interval. */
  reject(topic: string, reason: RejectReason, detail: string): void {
    this.counts[reason]++;
    const now = this.clock.now();
    const last = this.lastLogAt.get(reason);
    if (last !== undefined && now - last < this.intervalMs) {
      this.suppressed[reason]++;
      return;
    }
    this.lastLogAt.set(reason, now);
    const suppressed = this.suppressed[reason];
    this.suppressed[reason] = 0;
    try {
      this.logger.warn({ topic: topic.length > 200 ? topic.slice(0, 200) + '…' : topic, reason, detail: detail.length > 300 ? detail.slice(0, 300) + '…' : detail, suppressed }, 'mqtt payload rejected');
    } catch {
      // a broken logger must not break the bridge
    }
  }
}

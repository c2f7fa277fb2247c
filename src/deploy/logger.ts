/**
 * Structured JSON logs for the planner process (pino): one JSON object per line on
 * stdout, with `service`, `robot` and a `msg`, so journald/Loki/ELK can index them and
 * the process tests can wait for lines by their `msg`.
 *
 * Design notes: logging must never sit on the tick path in steady state; the planner
 * logs transitions (connected, safe state entered/left, overruns summarised), never
 * once per tick. pino writes synchronously to fd 1 by default here (`sync: true`) so a
 * log line written just before `process.exit` is not lost.
 */
import { pino, type Logger, type LevelWithSilent } from 'pino';

export type { Logger };

/** Options of {@link createLogger}. */
export interface LoggerOptions {
  level: LevelWithSilent;
  /** Static fields on every line (robot id…). */
  base?: Record<string, unknown>;
  /** Destination stream (default stdout). */
  destination?: NodeJS.WritableStream;
}

/**
 * Creates the process logger.
 *
 * @example
 * ```ts
 * const log = createLogger({ level: 'info', base: { robot: 'acme/cell-01' } });
 * log.info({ url: 'mqtt://127.0.0.1:1883' }, 'broker connected');
 * ```
 */
export function createLogger(options: LoggerOptions): Logger {
  const dest = options.destination ?? pino.destination({ fd: 1, sync: true });
  return pino(
    {
      level: options.level,
      base: { service: 'affect-bt-planner', pid: process.pid, ...options.base },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    dest,
  );
}

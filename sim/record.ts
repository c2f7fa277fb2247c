/**
 * The per-episode record: every number the comparison needs from one episode, in one
 * flat `Float64Array` with a fixed layout. It is what in-process runs keep, what
 * worker threads send back (transferable, structured clone keeps NaN) and what shard
 * files hold (NaN written as `null`), so a table is always reduced from the same
 * numbers however the episodes were run — the reason `--workers` and `sim merge` give
 * byte-identical results.
 */
import { ALIGNED_TRUST_OFFSETS_S, type EpisodeMetrics, type EpisodeResult } from './episode.ts';

/**
 * Scalar metrics kept per episode, in record order.
 *
 * @example
 * ```ts
 * RECORD_METRICS.indexOf('successRate'); // its column
 * ```
 */
export const RECORD_METRICS = [
  'tasks',
  'tasksSucceeded',
  'successRate',
  'undeliveredSuccesses',
  'handoverTimeS',
  'waitTimeS',
  'delayS',
  'frustrationExposureS',
  'meanFrustration',
  'meanTrust',
  'finalTrust',
  'apologies',
  'congruentApologies',
  'mistonedApologies',
  'incongruentApologies',
  'repeatApologies',
  'unwarrantedApologies',
  'congruentShare',
  'detections',
  'falseDetections',
  'falseDetectionsConcentration',
  'detectedFrustratedS',
  'detectedCalmS',
  'missedFrustratedS',
  'detectionPrecision',
  'detectionRecall',
  'slowdowns',
  'needlessSlowdowns',
  'needlessSlowS',
  'concentrationS',
  'handoverAttempts',
  'meanSpeed',
  'ticks',
  'frames',
  'published',
  'simTimeS',
] as const satisfies readonly (keyof EpisodeMetrics)[];

/** A scalar metric of the record. */
export type RecordMetric = (typeof RECORD_METRICS)[number];

/**
 * Failure kinds counted per episode, in record order.
 *
 * @example
 * ```ts
 * RECORD_FAILURES; // ['drop', 'timeout', 'human_not_ready', 'wrong_target', 'other', 'not_delivered']
 * ```
 */
export const RECORD_FAILURES = ['drop', 'timeout', 'human_not_ready', 'wrong_target', 'other', 'not_delivered'] as const;

const N_METRICS = RECORD_METRICS.length;
const N_FAIL = RECORD_FAILURES.length;

/**
 * Length of one record: scalar metrics, failure counts, the aligned trust trajectory.
 *
 * @example
 * ```ts
 * new Float64Array(RECORD_LENGTH);
 * ```
 */
export const RECORD_LENGTH = N_METRICS + N_FAIL + ALIGNED_TRUST_OFFSETS_S.length;

/**
 * Column of a scalar metric in a record.
 *
 * @example
 * ```ts
 * record[metricColumn('successRate')];
 * ```
 */
export function metricColumn(key: RecordMetric): number {
  return (RECORD_METRICS as readonly string[]).indexOf(key);
}

/**
 * Column of a failure count in a record.
 *
 * @example
 * ```ts
 * record[failureColumn('drop')];
 * ```
 */
export function failureColumn(kind: (typeof RECORD_FAILURES)[number]): number {
  return N_METRICS + RECORD_FAILURES.indexOf(kind);
}

/**
 * First column of the aligned trust trajectory.
 *
 * @example
 * ```ts
 * record.subarray(ALIGNED_COLUMN, ALIGNED_COLUMN + ALIGNED_TRUST_OFFSETS_S.length);
 * ```
 */
export const ALIGNED_COLUMN = N_METRICS + N_FAIL;

/**
 * Packs an episode result into a record.
 *
 * @example
 * ```ts
 * const rec = toRecord(runEpisode({ scenario, tree, seed }));
 * ```
 */
export function toRecord(r: EpisodeResult): Float64Array {
  const out = new Float64Array(RECORD_LENGTH);
  const m = r.metrics;
  for (let i = 0; i < N_METRICS; i++) out[i] = m[RECORD_METRICS[i]!];
  for (let i = 0; i < N_FAIL; i++) out[N_METRICS + i] = m.failures[RECORD_FAILURES[i]!];
  out.set(r.trustAfterFailure, ALIGNED_COLUMN);
  return out;
}

/**
 * A record as JSON-safe numbers (NaN → null).
 *
 * @example
 * ```ts
 * JSON.stringify(recordToJson(rec));
 * ```
 */
export function recordToJson(rec: Float64Array): (number | null)[] {
  return Array.from(rec, (x) => (Number.isNaN(x) ? null : x));
}

/**
 * The inverse of {@link recordToJson}; throws on a wrong length or a non-number.
 *
 * @example
 * ```ts
 * recordFromJson(JSON.parse(text));
 * ```
 */
export function recordFromJson(a: unknown): Float64Array {
  if (!Array.isArray(a) || a.length !== RECORD_LENGTH) throw new Error(`an episode record must be an array of ${RECORD_LENGTH} numbers, got ${Array.isArray(a) ? `${a.length} entries` : typeof a}`);
  const out = new Float64Array(RECORD_LENGTH);
  for (let i = 0; i < RECORD_LENGTH; i++) {
    const v = a[i];
    if (v === null) out[i] = NaN;
    else if (typeof v === 'number') out[i] = v;
    else throw new Error(`episode record entry ${i} must be a number or null, got ${JSON.stringify(v)}`);
  }
  return out;
}

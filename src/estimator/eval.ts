/**
 * Measuring the expression pipeline on a labelled face set (`DIR/labels.csv` with
 * `file,label,source`, images under DIR): runs the real per-frame pipeline on every
 * image, keeps the raw logits, and reports metrics for the raw model and for a
 * calibration, on the whole set and on the stated person-disjoint fit/holdout split.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FACE_EXPRESSIONS, type FaceExpression } from '../contract/affect.ts';
import { applyCalibration, evaluate, IDENTITY_CALIBRATION, splitOf, type Calibration, type EvalMetrics } from './calibration.ts';
import type { FramePipeline } from './pipeline.ts';

/** One labelled image. */
export interface LabelledImage {
  file: string;
  label: FaceExpression;
  split: 'fit' | 'holdout';
}

/**
 * Reads `DIR/labels.csv` (`file,label,source`); rejects unknown labels with line numbers.
 *
 * @example
 * ```ts
 * const items = readLabels('../shared/data/faces/labelled');
 * ```
 */
export function readLabels(dir: string): LabelledImage[] {
  const path = join(dir, 'labels.csv');
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(`${path}: cannot read labels (${(err as Error).message}); expected a CSV with header file,label,source`);
  }
  const lines = text.split(/\r?\n/);
  const header = (lines[0] ?? '').split(',').map((h) => h.trim());
  const fi = header.indexOf('file');
  const li = header.indexOf('label');
  if (fi < 0 || li < 0) throw new Error(`${path}:1: header must contain 'file' and 'label' columns, got '${lines[0]}'`);
  const out: LabelledImage[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (!line) continue;
    const cols = line.split(',');
    const file = cols[fi]?.trim() ?? '';
    const label = cols[li]?.trim() ?? '';
    if (!(FACE_EXPRESSIONS as readonly string[]).includes(label)) {
      throw new Error(`${path}:${i + 1}: unknown label '${label}' (expected one of ${FACE_EXPRESSIONS.join(', ')})`);
    }
    out.push({ file, label: label as FaceExpression, split: splitOf(file) });
  }
  if (out.length === 0) throw new Error(`${path}: no labelled rows`);
  return out;
}

/** Raw logits of every image (null when the image failed or had no face). */
export interface CollectedLogits {
  items: LabelledImage[];
  logits: (Float32Array | null)[];
  errors: string[];
  via: Record<string, number>;
}

/**
 * Runs the pipeline on every labelled image.
 *
 * @example
 * ```ts
 * const c = await collectLogits(dir, readLabels(dir), await createFramePipeline({ calibration: null }));
 * ```
 */
export async function collectLogits(dir: string, items: LabelledImage[], pipeline: FramePipeline): Promise<CollectedLogits> {
  const logits: (Float32Array | null)[] = [];
  const errors: string[] = [];
  const via: Record<string, number> = {};
  let index = 0;
  for (const it of items) {
    pipeline.tracker.reset(); // independent photos, not a stream
    try {
      const r = await pipeline.processEncoded(join(dir, it.file), { t: 0, index: index++, frameId: join(dir, it.file) });
      via[r.via] = (via[r.via] ?? 0) + 1;
      logits.push(r.logits);
    } catch (err) {
      errors.push((err as Error).message);
      logits.push(null);
    }
  }
  return { items, logits, errors, via };
}

/**
 * Metrics of `collected` under `cal` on a split (`all`, `fit`, `holdout`). Images
 * without a face count as wrong (uniform probabilities).
 *
 * @example
 * ```ts
 * const m = metricsFor(collected, cal, 'holdout');
 * ```
 */
export function metricsFor(collected: CollectedLogits, cal: Calibration = IDENTITY_CALIBRATION, split: 'all' | 'fit' | 'holdout' = 'all'): EvalMetrics {
  const probs: Float32Array[] = [];
  const labels: number[] = [];
  collected.items.forEach((it, i) => {
    if (split !== 'all' && it.split !== split) return;
    const p = new Float32Array(7);
    const l = collected.logits[i];
    if (l) applyCalibration(l, cal, p);
    else p.fill(1 / 7);
    probs.push(p);
    labels.push(FACE_EXPRESSIONS.indexOf(it.label));
  });
  return evaluate(probs, labels);
}

/**
 * Formats metrics as a readable block (accuracy, balanced accuracy, recall, confusion).
 *
 * @example
 * ```ts
 * console.log(formatMetrics('holdout, calibrated', m));
 * ```
 */
export function formatMetrics(title: string, m: EvalMetrics): string {
  const pct = (x: number) => (Number.isNaN(x) ? '  n/a' : `${(100 * x).toFixed(1)}%`.padStart(6));
  const short = FACE_EXPRESSIONS.map((e) => e.slice(0, 7).padStart(8));
  const lines = [
    `${title}: n=${m.n}  accuracy ${pct(m.accuracy)}  balanced accuracy ${pct(m.balancedAccuracy)}  ECE ${m.ece.toFixed(3)}  NLL ${m.nll.toFixed(3)}`,
    `  recall    ${FACE_EXPRESSIONS.map((e, i) => `${e} ${pct(m.recall[i]!).trim()}`).join('  ')}`,
    `  confusion (rows true, columns predicted)`,
    `  ${''.padEnd(10)}${short.join('')}`,
    ...m.confusion.map((row, i) => `  ${FACE_EXPRESSIONS[i]!.padEnd(10)}${row.map((c) => String(c).padStart(8)).join('')}`),
  ];
  return lines.join('\n');
}

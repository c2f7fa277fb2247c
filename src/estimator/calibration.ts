/**
 * Confidence calibration of the expression model and the measures that check it.
 *
 * Calibrated probabilities are `softmax(logits / T + b)`: `T` is temperature scaling
 * (Guo et al. 2017) and `b` a per-class log-prior correction (long-tail re-weighting:
 * the source model over-predicts common classes such as neutral/happy and almost never
 * says disgusted). Both are fitted by minimising the class-balanced negative
 * log-likelihood (each sample weighted by 1/count of its class) on the FIT split of
 * `../shared/data/faces/labelled`, and checked on the disjoint HOLDOUT split; the
 * split is by person (no identity in both). Parameters ship in `models/calibration.json`.
 */
import { readFileSync } from 'node:fs';
import { packagePath } from '../core/package-files.ts';
import { FACE_EXPRESSIONS } from '../contract/affect.ts';

const K = FACE_EXPRESSIONS.length;

/** Calibration parameters (as in `models/calibration.json`). */
export interface Calibration {
  /** Temperature T > 0 (logits are divided by it). */
  temperature: number;
  /** Per-class additive log-prior correction, FACE_EXPRESSIONS order. */
  bias: number[];
  /** Free-text provenance (data set, split, fit date). */
  note?: string;
}

/** No calibration (T = 1, b = 0). */
export const IDENTITY_CALIBRATION: Readonly<Calibration> = Object.freeze({ temperature: 1, bias: [0, 0, 0, 0, 0, 0, 0] });

/** Path of the shipped calibration file. */
export const CALIBRATION_PATH = packagePath('models', 'calibration.json');

/**
 * Loads and validates a calibration file.
 *
 * @example
 * ```ts
 * const cal = loadCalibration(); // models/calibration.json
 * ```
 */
export function loadCalibration(path = CALIBRATION_PATH): Calibration {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`${path}: cannot read calibration: ${(err as Error).message}. Re-create it with 'affect-bt eval-faces DIR --fit-calibration ${path}' on a labelled face set (DIR/labels.csv).`);
  }
  const c = raw as Partial<Calibration>;
  if (typeof c.temperature !== 'number' || !(c.temperature > 0) || !Number.isFinite(c.temperature)) {
    throw new Error(`${path}: temperature must be a finite number > 0, got ${JSON.stringify(c.temperature)}`);
  }
  if (!Array.isArray(c.bias) || c.bias.length !== K || !c.bias.every((b) => typeof b === 'number' && Number.isFinite(b))) {
    throw new Error(`${path}: bias must be an array of ${K} finite numbers (${FACE_EXPRESSIONS.join(',')}), got ${JSON.stringify(c.bias)}`);
  }
  return { temperature: c.temperature, bias: c.bias, ...(typeof c.note === 'string' ? { note: c.note } : {}) };
}

/**
 * Writes calibrated probabilities `softmax(logits/T + b)` into `out` (no allocation).
 *
 * @example
 * ```ts
 * const p = new Float32Array(7);
 * applyCalibration(logits, cal, p);
 * ```
 */
export function applyCalibration(logits: ArrayLike<number>, cal: Calibration, out: Float32Array | Float64Array | number[]): void {
  let max = -Infinity;
  for (let i = 0; i < K; i++) {
    const z = logits[i]! / cal.temperature + cal.bias[i]!;
    out[i] = z;
    if (z > max) max = z;
  }
  let sum = 0;
  for (let i = 0; i < K; i++) {
    const e = Math.exp(out[i]! - max);
    out[i] = e;
    sum += e;
  }
  for (let i = 0; i < K; i++) out[i] = out[i]! / sum;
}

/**
 * Fits temperature and per-class bias by minimising the class-balanced NLL (L2 on
 * the bias) with full-batch gradient descent (deterministic), then re-fits the
 * temperature alone by plain NLL so confidence matches accuracy. `fitBias: false`
 * fits T only.
 *
 * @example
 * ```ts
 * const cal = fitCalibration(logitRows, labelIdx);
 * ```
 */
export function fitCalibration(
  logits: ArrayLike<number>[],
  labels: number[],
  opts: { fitBias?: boolean; iterations?: number; l2?: number; refitTemperature?: boolean } = {},
): Calibration {
  const first = fitStage(logits, labels, opts.fitBias ?? true, true, opts.iterations ?? 3000, opts.l2 ?? 0.1, 1, null);
  if (!(opts.refitTemperature ?? true)) return first;
  // stage 2: temperature alone by plain (unweighted) NLL, bias fixed → calibrated confidence
  return fitStage(logits, labels, false, false, opts.iterations ?? 3000, 0, 1 / first.temperature, first.bias);
}

function fitStage(
  logits: ArrayLike<number>[],
  labels: number[],
  fitBias: boolean,
  balanced: boolean,
  iters: number,
  l2: number,
  invT0: number,
  bias0: number[] | null,
): Calibration {
  const n = logits.length;
  if (n === 0 || labels.length !== n) throw new Error(`fitCalibration: need matching non-empty logits and labels, got ${n} and ${labels.length}`);
  const counts = new Array<number>(K).fill(0);
  for (const y of labels) counts[y]!++;
  const present = counts.filter((c) => c > 0).length;
  const w = labels.map((y) => (balanced ? 1 / (counts[y]! * present) : 1 / n));
  let invT = invT0;
  const b = bias0 ? [...bias0] : new Array<number>(K).fill(0);
  const p = new Float64Array(K);
  const lr = 0.05;
  for (let it = 0; it < iters; it++) {
    let gInvT = 0;
    const gb = new Array<number>(K).fill(0);
    for (let s = 0; s < n; s++) {
      const z = logits[s]!;
      let max = -Infinity;
      for (let i = 0; i < K; i++) {
        p[i] = z[i]! * invT + b[i]!;
        if (p[i]! > max) max = p[i]!;
      }
      let sum = 0;
      for (let i = 0; i < K; i++) {
        p[i] = Math.exp(p[i]! - max);
        sum += p[i]!;
      }
      const y = labels[s]!;
      let ez = 0;
      for (let i = 0; i < K; i++) {
        p[i] = p[i]! / sum;
        ez += p[i]! * z[i]!;
        gb[i]! += w[s]! * (p[i]! - (i === y ? 1 : 0));
      }
      gInvT += w[s]! * (ez - z[y]!);
    }
    invT -= lr * gInvT;
    if (invT < 0.05) invT = 0.05;
    if (fitBias) for (let i = 0; i < K; i++) b[i]! -= lr * 20 * (gb[i]! + l2 * b[i]!);
  }
  const mean = b.reduce((a, x) => a + x, 0) / K;
  return { temperature: Math.round(1e6 / invT) / 1e6, bias: b.map((x) => Math.round((x - mean) * 1e6) / 1e6) };
}

/** Classification and calibration measures of a labelled set. */
export interface EvalMetrics {
  n: number;
  accuracy: number;
  balancedAccuracy: number;
  /** Per-class recall (NaN for a class with no samples). */
  recall: number[];
  /** confusion[true][pred] counts. */
  confusion: number[][];
  /** Expected calibration error of the top-class confidence, 10 equal-width bins. */
  ece: number;
  /** Mean negative log-likelihood of the true class. */
  nll: number;
}

/**
 * Computes accuracy, balanced accuracy, recall, confusion and ECE.
 *
 * @example
 * ```ts
 * const m = evaluate(probRows, labelIdx);
 * m.balancedAccuracy;
 * ```
 */
export function evaluate(probs: ArrayLike<number>[], labels: number[], bins = 10): EvalMetrics {
  const n = probs.length;
  const confusion = Array.from({ length: K }, () => new Array<number>(K).fill(0));
  const binConf = new Array<number>(bins).fill(0);
  const binAcc = new Array<number>(bins).fill(0);
  const binN = new Array<number>(bins).fill(0);
  let correct = 0;
  let nll = 0;
  for (let s = 0; s < n; s++) {
    const p = probs[s]!;
    let best = 0;
    for (let i = 1; i < K; i++) if (p[i]! > p[best]!) best = i;
    const y = labels[s]!;
    confusion[y]![best]!++;
    const ok = best === y ? 1 : 0;
    correct += ok;
    nll -= Math.log(Math.max(1e-12, p[y]!));
    const bin = Math.min(bins - 1, Math.floor(p[best]! * bins));
    binConf[bin]! += p[best]!;
    binAcc[bin]! += ok;
    binN[bin]!++;
  }
  const recall = confusion.map((row, i) => {
    const total = row.reduce((a, x) => a + x, 0);
    return total > 0 ? row[i]! / total : Number.NaN;
  });
  const valid = recall.filter((r) => !Number.isNaN(r));
  let ece = 0;
  for (let b = 0; b < bins; b++) if (binN[b]! > 0) ece += (binN[b]! / n) * Math.abs(binAcc[b]! / binN[b]! - binConf[b]! / binN[b]!);
  return {
    n,
    accuracy: n > 0 ? correct / n : 0,
    balancedAccuracy: valid.length > 0 ? valid.reduce((a, x) => a + x, 0) / valid.length : 0,
    recall,
    confusion,
    ece,
    nll: n > 0 ? nll / n : 0,
  };
}

/**
 * The stated split of the labelled set: by person (file name without its trailing
 * `_NNNN` number), FNV-1a hash of the person name, even → `fit`, odd → `holdout`.
 *
 * @example
 * ```ts
 * splitOf('images/George_W_Bush_0354.jpg'); // 'fit' or 'holdout', stable
 * ```
 */
export function splitOf(file: string): 'fit' | 'holdout' {
  const person = personOf(file);
  let h = 0x811c9dc5;
  for (let i = 0; i < person.length; i++) {
    h ^= person.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h % 2 === 0 ? 'fit' : 'holdout';
}

/**
 * The person a labelled file shows: its base name without the trailing `_NNNN` number,
 * lower-cased (the unit of the split and of the bootstrap).
 *
 * @example
 * ```ts
 * personOf('images/George_W_Bush_0354.jpg'); // 'george_w_bush'
 * ```
 */
export function personOf(file: string): string {
  const base = file.replace(/^.*\//, '').replace(/\.[^.]+$/, '');
  return base.replace(/_?\d+$/, '').toLowerCase();
}

/**
 * `affect-bt eval-faces DIR`: measures the real estimator pipeline (detector →
 * crop → expression net → calibration) on a labelled face set and prints accuracy,
 * balanced accuracy, per-class recall, confusion matrix and ECE, raw and calibrated,
 * on the whole set and on the person-disjoint fit/holdout split; the last line is
 * `{"eval":"faces","n":…,"accuracy":…,"balanced_accuracy":…,"ece":…}` (calibrated,
 * on `--split`, default all) with the holdout figures added.
 * `--fit-calibration FILE` fits temperature + class bias on the fit split and writes it.
 */
import { parseCommandArgs } from '../args.ts';
import { writeFileSync } from 'node:fs';
import { createFramePipeline } from '../../estimator/pipeline.ts';
import { fitCalibration, loadCalibration, CALIBRATION_PATH, IDENTITY_CALIBRATION, type Calibration } from '../../estimator/calibration.ts';
import { collectLogits, formatMetrics, metricsFor, readLabels } from '../../estimator/eval.ts';
import { FACE_EXPRESSIONS } from '../../contract/affect.ts';

const HELP = `usage: affect-bt eval-faces DIR [options]

Runs the estimator on DIR/labels.csv (file,label,source; files relative to DIR) and
prints accuracy, balanced accuracy, per-class recall, confusion matrix and ECE for the
raw and the calibrated model. Split: by person (file name without trailing number),
FNV-1a hash even → fit, odd → holdout.

options:
  --detector NAME        yunet (default) | tiny
  --detector-size N      detector input size, multiple of 32 (default 320 for yunet, 224 for tiny)
  --no-flip              do not average the expression net over the mirrored face
  --crop MODE            auto | detect | whole (default auto)
  --calibration FILE     calibration JSON (default models/calibration.json)
  --split S              all | fit | holdout for the final JSON line (default all)
  --fit-calibration FILE fit temperature + class bias on the fit split, write FILE
  --json                 only the final JSON line
Exit codes: 0 ok, 1 evaluation failed, 2 usage error.`;

/**
 * Runs the command.
 *
 * @example
 * ```ts
 * const code = await run(['../shared/data/faces/labelled']);
 * ```
 */
export async function run(argv: string[]): Promise<number> {
  const parsed = parseCommandArgs(
    'eval-faces',
    HELP,
    argv,
    {
      detector: { type: 'string', default: 'yunet' },
      'detector-size': { type: 'string' },
      'no-flip': { type: 'boolean', default: false },
      crop: { type: 'string', default: 'auto' },
      calibration: { type: 'string' },
      split: { type: 'string', default: 'all' },
      'fit-calibration': { type: 'string' },
      json: { type: 'boolean', default: false },
    },
    { positionals: true, outputs: { 'fit-calibration': 'file' } },
  );
  if (typeof parsed === 'number') return parsed;
  const v = parsed.values;
  const usage = parsed.usage;
  if (parsed.positionals.length !== 1) return usage('give exactly one DIR containing labels.csv');
  const dir = parsed.positionals[0]!;
  const detector = v.detector as 'yunet' | 'tiny';
  if (detector !== 'yunet' && detector !== 'tiny') return usage(`--detector must be yunet or tiny, got '${v.detector}'`);
  const size = v['detector-size'] === undefined ? (detector === 'yunet' ? 320 : 224) : Number(v['detector-size']);
  if (!Number.isInteger(size) || size % 32 !== 0 || size < 64) return usage(`--detector-size must be a multiple of 32 such as 224 or 320, got '${v['detector-size']}'`);
  const flip = !v['no-flip'];
  const crop = v.crop as 'auto' | 'detect' | 'whole';
  if (!['auto', 'detect', 'whole'].includes(crop)) return usage(`--crop must be auto, detect or whole, got '${v.crop}'`);
  const split = v.split as 'all' | 'fit' | 'holdout';
  if (!['all', 'fit', 'holdout'].includes(split)) return usage(`--split must be all, fit or holdout, got '${v.split}'`);
  const out = v.json ? () => {} : (s: string) => process.stdout.write(s + '\n');

  try {
    const items = readLabels(dir);
    const pipeline = await createFramePipeline({ detector, detectorSize: size, crop, flip, calibration: null });
    const collected = await collectLogits(dir, items, pipeline);
    for (const e of collected.errors) process.stderr.write(`error: ${e}\n`);
    let cal: Calibration;
    if (v['fit-calibration']) {
      const idx = items.map((it, i) => (it.split === 'fit' && collected.logits[i] ? i : -1)).filter((i) => i >= 0);
      const fitted = fitCalibration(
        idx.map((i) => collected.logits[i]!),
        idx.map((i) => FACE_EXPRESSIONS.indexOf(items[i]!.label)),
      );
      cal = {
        ...fitted,
        note: `fitted by 'affect-bt eval-faces ${dir} --fit-calibration' on the fit split (${idx.length} images; person-hash split), detector ${detector} ${size}, crop ${crop}, flip ${flip ? 'on' : 'off'}`,
      };
      writeFileSync(v['fit-calibration'], JSON.stringify(cal, null, 2) + '\n');
      out(`wrote ${v['fit-calibration']}: temperature ${cal.temperature.toFixed(3)}, bias [${cal.bias.map((b) => b.toFixed(3)).join(', ')}]`);
    } else {
      cal = loadCalibration(v.calibration ?? CALIBRATION_PATH);
    }
    const nFit = items.filter((i) => i.split === 'fit').length;
    out(`${dir}: ${items.length} images (fit split ${nFit}, holdout ${items.length - nFit}); face found via ${JSON.stringify(collected.via)}; ${collected.errors.length} unreadable`);
    out(`detector ${detector} ${size}, crop ${crop}, flip ${flip ? 'on' : 'off'}; calibration T=${cal.temperature.toFixed(3)} bias [${cal.bias.map((b) => b.toFixed(2)).join(', ')}]\n`);
    const mAllRaw = metricsFor(collected, IDENTITY_CALIBRATION, 'all');
    const mAllCal = metricsFor(collected, cal, 'all');
    const mHoRaw = metricsFor(collected, IDENTITY_CALIBRATION, 'holdout');
    const mHoCal = metricsFor(collected, cal, 'holdout');
    out(formatMetrics('all, uncalibrated', mAllRaw) + '\n');
    out(formatMetrics('all, calibrated', mAllCal) + '\n');
    out(formatMetrics('holdout, uncalibrated', mHoRaw) + '\n');
    out(formatMetrics('holdout, calibrated', mHoCal) + '\n');
    const final = metricsFor(collected, cal, split);
    const r4 = (x: number) => Math.round(x * 1e4) / 1e4;
    process.stdout.write(
      JSON.stringify({
        eval: 'faces',
        n: final.n,
        accuracy: r4(final.accuracy),
        balanced_accuracy: r4(final.balancedAccuracy),
        ece: r4(final.ece),
        split,
        ece_uncalibrated: r4(metricsFor(collected, IDENTITY_CALIBRATION, split).ece),
        holdout_n: mHoCal.n,
        holdout_balanced_accuracy: r4(mHoCal.balancedAccuracy),
        holdout_balanced_accuracy_uncalibrated: r4(mHoRaw.balancedAccuracy),
        holdout_ece: r4(mHoCal.ece),
        holdout_ece_uncalibrated: r4(mHoRaw.ece),
      }) + '\n',
    );
    return collected.errors.length === items.length ? 1 : 0;
  } catch (err) {
    process.stderr.write(`affect-bt eval-faces: ${(err as Error).message}\n`);
    return 1;
  }
}

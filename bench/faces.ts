/**
 * Face-pipeline comparison on the person-disjoint HOLDOUT of a labelled face set
 * (default `../shared/data/faces/labelled`, split as `splitOf`): which detector, which
 * crop/alignment, which expression net, flip averaging, and the two nets averaged
 * (every frame, or only when the fast net is unsure). Every option gets its own
 * calibration (temperature + class bias) fitted on the FIT split only.
 *
 * Prints, per option: holdout accuracy, balanced accuracy (95% person-bootstrap
 * interval), its paired difference to the shipped baseline (95% interval), ECE (95%
 * interval), per-class recall (Wilson 95% intervals) and the expression time per face;
 * then detector facts (faces found on the tight crops and on the scene photos, ms per
 * 640×480 frame). Final line: {"bench":"faces",…}.
 *
 * `npm run bench -- faces [--dir DIR] [--zoo DIR] [--replicates 2000] [--gate 0.5]` (`--zoo`: where the
 * OpenCV zoo's MobileFaceNet file is; it is measured, not shipped)
 */
import { parseArgs } from 'node:util';
import { join } from 'node:path';
import sharp from 'sharp';
import { FACE_EXPRESSIONS } from '../src/contract/affect.ts';
import { decodeImage, mirrorInPlace, type RgbImage } from '../src/estimator/image.ts';
import { loadExpressionModel, loadFaceDetector, type FaceDetector } from '../src/estimator/models.ts';
import { loadYuNet } from '../src/estimator/yunet.ts';
import { loadMobileFaceNet, MOBILEFACENET_FILE } from '../src/estimator/mobilefacenet.ts';
import { faceApiSquare, landmarksFromBox, rollAligned, YUNET_FACE_API_FRAMING, type CropFraming } from '../src/estimator/face-crop.ts';
import { createFramePipeline } from '../src/estimator/pipeline.ts';
import { readLabels } from '../src/estimator/eval.ts';
import { applyCalibration, evaluate, fitCalibration, personOf, type Calibration } from '../src/estimator/calibration.ts';
import { FACE_TEMPLATE_112, similarityTransform, warpAffineInto } from '../src/estimator/align.ts';
import { clusterBootstrap, wilsonInterval, type Interval } from '../src/estimator/intervals.ts';
import type { FaceBox } from '../src/estimator/types.ts';

const K = 7;
type Logits = Float32Array;

/** One measured option: its logits per image (null = no face) and the expression ms per face. */
interface Option {
  id: string;
  what: string;
  logits: (Logits | null)[];
  ms: number[];
}

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]! : NaN;
}
const mean = (xs: number[]) => xs.reduce((a, x) => a + x, 0) / Math.max(1, xs.length);

/**
 * Runs the comparison.
 *
 * @example
 * ```ts
 * await main(['--replicates', '500']);
 * ```
 */
export async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: { dir: { type: 'string', default: '../shared/data/faces/labelled' }, zoo: { type: 'string', default: '../shared/models/opencv-zoo' }, replicates: { type: 'string', default: '2000' }, gate: { type: 'string', default: '0.5' } },
  });
  const dir = values.dir!;
  const B = Number(values.replicates);
  const gate = Number(values.gate);
  const items = readLabels(dir);
  const labels = items.map((it) => FACE_EXPRESSIONS.indexOf(it.label));

  const fa = await loadExpressionModel();
  const tinyDet = await loadFaceDetector(224);
  const yunet = await loadYuNet(320);
  const mfn = await loadMobileFaceNet(join(values.zoo!, MOBILEFACENET_FILE));
  // the real per-frame pipelines (uncalibrated), sharing the loaded models
  const pipe = (detector: FaceDetector, flip: boolean) => createFramePipeline({ calibration: null, flip }, { expression: fa, detector });
  const pipes = { A: await pipe(tinyDet, false), 'A+flip': await pipe(tinyDet, true), B: await pipe(yunet, false), 'B+flip': await pipe(yunet, true) };

  const opt = (id: string, what: string): Option => ({ id, what, logits: [], ms: [] });
  const A = opt('A', 'tiny detector 224 (+zoom-out, whole image) → face-api net, square crop [shipped before]');
  const Af = opt('A+flip', 'as A, + mirrored crop averaged');
  const Bo = opt('B', 'YuNet 320 (+zoom-out, whole image) → face-api net, square in face-api framing');
  const Bf = opt('B+flip', 'as B, + mirrored crop averaged [shipped now]');
  const C = opt('C', 'as B, rotated so the eyes are level (5-point roll alignment)');
  const Cf = opt('C+flip', 'as C, + mirrored crop averaged');
  const D = opt('D', 'YuNet 320 → face-api net, 5-point similarity alignment to the 112×112 template');
  const M = opt('M', 'YuNet 320 → MobileFaceNet int8, 5-point alignment');
  const Mf = opt('M+flip', 'as M, + mirrored aligned face averaged');
  const via: Record<string, Record<string, number>> = { A: {}, B: {} };

  const run = async (o: Option, f: () => Promise<Float32Array>) => {
    const t0 = performance.now();
    const z = Float32Array.from(await f());
    o.ms.push(performance.now() - t0);
    o.logits.push(z);
  };
  const avg = (a: Float32Array, b: Float32Array) => a.map((x, i) => (x + b[i]!) / 2);

  const tinyBoxes: (FaceBox | null)[] = [];
  const yBoxes: FaceBox[] = [];
  for (let i = 0; i < items.length; i++) {
    const img = await decodeImage(join(dir, items[i]!.file));
    const meta = { t: 0, index: i, frameId: items[i]!.file };
    for (const [id, o] of [['A', A], ['A+flip', Af], ['B', Bo], ['B+flip', Bf]] as const) {
      const p = pipes[id];
      p.tracker.reset(); // independent photos
      const r = await p.process(img, meta);
      o.ms.push(r.timings.classifyMs);
      o.logits.push(r.logits);
      if (id === 'A' || id === 'B') via[id]![r.via] = (via[id]![r.via] ?? 0) + 1;
      if (id === 'A') tinyBoxes.push(r.via === 'detector' || r.via === 'zoom-out' ? r.face : null);
    }
    // YuNet's face as the pipeline finds it (unclipped), or the whole image with an average landmark layout
    const found = await detectYuNet(yunet, img);
    const box = found ?? { x: 0, y: 0, width: img.width, height: img.height, score: 0.3, landmarks: landmarksFromBox({ x: 0, y: 0, width: img.width, height: img.height }) };
    yBoxes.push(box);
    const square = faceApiSquare(box, YUNET_FACE_API_FRAMING);
    const roll = rollAligned(square, box.landmarks);
    await run(C, async () => {
      warpAffineInto(img, roll, fa.input, { size: 112, layout: 'nhwc-rgb' });
      return (await fa.run()).logits;
    });
    await run(Cf, async () => {
      warpAffineInto(img, roll, fa.input, { size: 112, layout: 'nhwc-rgb' });
      const a = Float32Array.from((await fa.run()).logits);
      mirrorInPlace(fa.input, 112, 'nhwc-rgb');
      return avg(a, (await fa.run()).logits);
    });
    await run(D, async () => {
      warpAffineInto(img, similarityTransform(box.landmarks!, FACE_TEMPLATE_112), fa.input, { size: 112, layout: 'nhwc-rgb' });
      return (await fa.run()).logits;
    });
    await run(M, async () => mfn.classify(img, box));
    await run(Mf, async () => {
      const a = Float32Array.from(await mfn.classify(img, box));
      return avg(a, await mfn.classify(img, box, true));
    });
  }

  // where YUNET_FACE_API_FRAMING comes from: YuNet's box vs the tiny detector's on the same FIT faces
  const framing = fitFraming(items.map((it, i) => (it.split === 'fit' ? i : -1)).filter((i) => i >= 0 && tinyBoxes[i] && yBoxes[i]!.score > 0.3), tinyBoxes, yBoxes);

  const fitIdx = items.map((it, i) => (it.split === 'fit' ? i : -1)).filter((i) => i >= 0);
  const hoIdx = items.map((it, i) => (it.split === 'holdout' ? i : -1)).filter((i) => i >= 0);
  const calibrate = (o: Option): { cal: Calibration; probs: Float32Array[] } => {
    const idx = fitIdx.filter((i) => o.logits[i]);
    const cal = fitCalibration(
      idx.map((i) => o.logits[i]!),
      idx.map((i) => labels[i]!),
    );
    const probs = o.logits.map((z) => {
      const p = new Float32Array(K);
      if (z) applyCalibration(z, cal, p);
      else p.fill(1 / K);
      return p;
    });
    return { cal, probs };
  };

  const single = [A, Af, Bo, Bf, C, Cf, D, M, Mf];
  const probsOf = new Map<string, Float32Array[]>();
  for (const o of single) probsOf.set(o.id, calibrate(o).probs);
  // ensembles: mean of the calibrated probabilities of the two nets, re-calibrated on FIT
  const bestFa = pickBest([A, Af, Bo, Bf, C, Cf, D], probsOf, fitIdx, labels);
  const bestM = pickBest([M, Mf], probsOf, fitIdx, labels);
  const E: Option = {
    id: 'E',
    what: `${bestFa.id} and ${bestM.id} averaged (calibrated probabilities), every frame`,
    logits: items.map((_, i) => probsOf.get(bestFa.id)![i]!.map((p, k) => Math.log(Math.max(1e-9, (p + probsOf.get(bestM.id)![i]![k]!) / 2)))),
    ms: bestFa.ms.map((m, i) => m + bestM.ms[i]!),
  };
  probsOf.set('E', calibrate(E).probs);
  // gated: the fast net alone unless its calibrated confidence < gate, then the ensemble
  const fast = probsOf.get(bestFa.id)!;
  const gatedUse = fast.map((p) => Math.max(...p) < gate);
  const G: Option = { id: `G${gate}`, what: `${bestFa.id}; ${bestM.id} added only when ${bestFa.id}'s confidence < ${gate} (local tier before the cloud)`, logits: [], ms: bestFa.ms.map((m, i) => m + (gatedUse[i] ? bestM.ms[i]! : 0)) };
  probsOf.set(G.id, fast.map((p, i) => (gatedUse[i] ? probsOf.get('E')![i]! : p)));
  const options = [...single, E, G];

  // ---- holdout metrics with intervals ----
  const persons = hoIdx.map((i) => personOf(items[i]!.file));
  const baseProbs = probsOf.get('A')!;
  const ba = (probs: Float32Array[], idx: number[]) => evaluate(idx.map((i) => probs[i]!), idx.map((i) => labels[i]!)).balancedAccuracy;
  const rows: { id: string; what: string; acc: number; ba: Interval; dBa: Interval; ece: Interval; recall: Interval[]; ms: number; share?: number }[] = [];
  for (const o of options) {
    const probs = probsOf.get(o.id)!;
    const m = evaluate(hoIdx.map((i) => probs[i]!), hoIdx.map((i) => labels[i]!));
    const [baI, dI, eceI] = clusterBootstrap(
      persons,
      (sel) => {
        const idx = sel.map((j) => hoIdx[j]!);
        const e = evaluate(idx.map((i) => probs[i]!), idx.map((i) => labels[i]!));
        return [e.balancedAccuracy, e.balancedAccuracy - ba(baseProbs, idx), e.ece];
      },
      { replicates: B, seed: 12, strata: hoIdx.map((i) => items[i]!.label) },
    );
    const recall = m.confusion.map((row, k) => wilsonInterval(row[k]!, row.reduce((a, x) => a + x, 0)));
    const hoMs = hoIdx.map((i) => o.ms[i]!);
    rows.push({ id: o.id, what: o.what, acc: m.accuracy, ba: baI!, dBa: dI!, ece: eceI!, recall, ms: mean(hoMs), ...(o.id === G.id ? { share: hoIdx.filter((i) => gatedUse[i]).length / hoIdx.length } : {}) });
  }

  const p1 = (x: number) => (100 * x).toFixed(1);
  const iv = (x: Interval) => `${p1(x.value)} [${p1(x.lo)}, ${p1(x.hi)}]`;
  const out = (s: string) => process.stdout.write(s + '\n');
  out(`faces: ${items.length} labelled images (${dir}); fit ${fitIdx.length}, holdout ${hoIdx.length} (${new Set(persons).size} persons); calibration per option fitted on fit only`);
  out(`faces found — tiny 224 chain: ${JSON.stringify(via.A)}; YuNet 320 chain: ${JSON.stringify(via.B)}`);
  out(`YuNet box → face-api square, fitted on FIT: scale ${framing.scale.toFixed(3)}, dy ${framing.dy.toFixed(3)} (shipped: ${YUNET_FACE_API_FRAMING.scale}, ${YUNET_FACE_API_FRAMING.dy})`);
  out(`best face-api option on FIT: ${bestFa.id}; best MobileFaceNet option on FIT: ${bestM.id}\n`);
  out('| option | accuracy | balanced acc. [95%] | Δ vs A [95%] | ECE [95%] | ms/face | what |');
  out('|---|---|---|---|---|---|---|');
  for (const r of rows) out(`| ${r.id} | ${p1(r.acc)} | ${iv(r.ba)} | ${(r.dBa.value >= 0 ? '+' : '') + p1(r.dBa.value)} [${p1(r.dBa.lo)}, ${p1(r.dBa.hi)}] | ${r.ece.value.toFixed(3)} [${r.ece.lo.toFixed(3)}, ${r.ece.hi.toFixed(3)}] | ${r.ms.toFixed(2)}${r.share !== undefined ? ` (2nd net on ${p1(r.share)}%)` : ''} | ${r.what} |`);
  out('\nper-class recall on the holdout, % [Wilson 95%]');
  out(`| option | ${FACE_EXPRESSIONS.map((e, k) => `${e} (n=${hoIdx.filter((i) => labels[i] === k).length})`).join(' | ')} |`);
  out(`|---|${FACE_EXPRESSIONS.map(() => '---').join('|')}|`);
  for (const r of rows) out(`| ${r.id} | ${r.recall.map((x) => `${p1(x.value)} [${p1(x.lo)}, ${p1(x.hi)}]`).join(' | ')} |`);

  // ---- detectors on 640×480 frames: faces found and time ----
  const tiny224 = await loadFaceDetector(224);
  const y640 = await loadYuNet(640);
  const scenes = ['angry', 'disgusted', 'fearful', 'happy', 'neutral', 'sad', 'surprised', 'angry_cropped', 'surprised_cropped', 'face_rectangular', 'faces', 'white'];
  const found: Record<string, Record<string, number>> = { 'tiny 224': {}, 'YuNet 320': {}, 'YuNet 640': {} };
  const frames: RgbImage[] = [];
  for (const s of scenes) {
    const file = `../shared/data/faces/scenes/${s}${s === 'face_rectangular' || s === 'white' ? '.png' : '.jpg'}`;
    const img = await decodeImage(await sharp(file).resize(640, 480, { fit: 'contain', background: '#000' }).jpeg().toBuffer(), s);
    frames.push(img);
    found['tiny 224']![s] = (await tiny224.detect(img)).length;
    found['YuNet 320']![s] = (await yunet.detect(img)).length;
    found['YuNet 640']![s] = (await y640.detect(img)).length;
  }
  const timing: Record<string, number> = {};
  for (const [name, d] of [['tiny 224', tiny224], ['YuNet 320', yunet], ['YuNet 640', y640]] as const) {
    const ts: number[] = [];
    for (let r = 0; r < 60; r++) {
      const img = frames[r % frames.length]!;
      const t0 = performance.now();
      await d.detect(img);
      if (r >= 10) ts.push(performance.now() - t0);
    }
    timing[name] = pct(ts, 50);
  }
  out('\ndetectors on the scene photos letterboxed into 640×480 frames (faces found; faces.jpg has 6 people, white.png none) and ms per frame (p50, incl. resize)');
  for (const name of Object.keys(found)) out(`  ${name.padEnd(10)} ${Object.entries(found[name]!).map(([s, n]) => `${s} ${n}`).join(', ')}  — ${timing[name]!.toFixed(2)} ms`);

  const r4 = (x: number) => Math.round(x * 1e4) / 1e4;
  out(
    JSON.stringify({
      bench: 'faces',
      holdout_n: hoIdx.length,
      options: Object.fromEntries(rows.map((r) => [r.id, { balanced_accuracy: r4(r.ba.value), ba_lo: r4(r.ba.lo), ba_hi: r4(r.ba.hi), delta_vs_A: r4(r.dBa.value), delta_lo: r4(r.dBa.lo), delta_hi: r4(r.dBa.hi), ece: r4(r.ece.value), ms_per_face: Math.round(r.ms * 100) / 100 }])),
      detector_ms_p50: Object.fromEntries(Object.entries(timing).map(([k, v]) => [k, Math.round(v * 100) / 100])),
    }),
  );
}

/** YuNet's chain in the pipeline: the frame, then the frame zoomed out (tight crops); null when neither finds a face. */
async function detectYuNet(det: FaceDetector, img: RgbImage): Promise<FaceBox | null> {
  const direct = await det.detect(img, { scoreThreshold: 0.6 });
  if (direct[0]) return direct[0];
  const side = 2 * Math.max(img.width, img.height);
  const zoomed = await det.detect(img, { scoreThreshold: 0.5 }, { x: (img.width - side) / 2, y: (img.height - side) / 2, width: side, height: side });
  return zoomed[0] ?? null;
}

/** Median side ratio and vertical offset between the tiny detector's boxes and YuNet's on the same faces. */
function fitFraming(idx: number[], tiny: (FaceBox | null)[], yn: FaceBox[]): CropFraming {
  const med = (xs: number[]) => xs.sort((a, b) => a - b)[xs.length >> 1]!;
  const scale: number[] = [];
  const dy: number[] = [];
  for (const i of idx) {
    const t = tiny[i]!;
    const y = yn[i]!;
    const big = Math.max(y.width, y.height);
    scale.push(Math.max(t.width, t.height) / big);
    dy.push((t.y + t.height / 2 - (y.y + y.height / 2)) / big);
  }
  return { scale: med(scale), dy: med(dy) };
}

/** The option with the best balanced accuracy on the FIT split (so the holdout stays untouched by the choice). */
function pickBest(options: Option[], probsOf: Map<string, Float32Array[]>, fitIdx: number[], labels: number[]): Option {
  let best = options[0]!;
  let bestBa = -1;
  for (const o of options) {
    const p = probsOf.get(o.id)!;
    const b = evaluate(fitIdx.map((i) => p[i]!), fitIdx.map((i) => labels[i]!)).balancedAccuracy;
    if (b > bestBa) {
      bestBa = b;
      best = o;
    }
  }
  return best;
}

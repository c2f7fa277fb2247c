/**
 * The per-frame image pipeline: decoded frame → face detection (with a fallback for
 * tight crops) → tracking of the person at the handover → crop → expression net (and
 * its mirror image) → calibration → `FrameObservation`. Temporal/context fusion is
 * separate (`fusion.ts`) so it also runs without images.
 *
 * What ships was chosen by measurement (`npm run bench -- faces`, table in
 * `models/face_expression.md`):
 * - Detector: YuNet at 320 by default — it finds every face in the group photo and
 *   309 of the 310 tight crops, where the tiny detector at 224 finds 2 of 6 and needs
 *   the zoom-out and whole-image fallbacks for most crops, at a similar cost per frame;
 *   and no whole-image "face" is invented when nobody is there. `detector: 'tiny'`
 *   keeps the face-api.js detector.
 * - Expression: the face-api.js net on the square the net was built for (YuNet's box
 *   re-framed, {@link YUNET_FACE_API_FRAMING}), averaged with its mirror image (flip
 *   test-time augmentation: the best measured option, ≈ 2 ms more per face).
 *   5-point alignment and the MobileFaceNet model did not pay on the holdout.
 *
 * Detection chain (`crop: 'auto'`): detector at size S; none found → "zoom out" (the
 * frame centred in a square twice its size, so a face filling the frame looks like a
 * scene face); still none and the frame has contrast → the whole frame as a tight
 * face crop with face score 0.3 and `fallbackCrop: true` (lower confidence
 * downstream); otherwise no face. `crop: 'detect'` stops after the zoom-out (live
 * video: an empty frame is "no face"), `crop: 'whole'` always uses the whole frame.
 */
import type { FaceBox, FrameObservation } from './types.ts';
import { decodeImage, imageContrast, mirrorInPlace, type Region, type RgbImage } from './image.ts';
import { loadExpressionModel, loadFaceDetector, type ExpressionClassifier, type FaceDetector } from './models.ts';
import { loadYuNet } from './yunet.ts';
import { faceApiSquare, squareAround, YUNET_FACE_API_FRAMING } from './face-crop.ts';
import { applyCalibration, IDENTITY_CALIBRATION, loadCalibration, type Calibration } from './calibration.ts';
import { MainPersonTracker } from './tracker.ts';

/** Options of {@link createFramePipeline} (the `estimator:` keys of a cell config, see docs/estimator.md). */
export interface PipelineOptions {
  /** Face detector: `yunet` (default; 5 landmarks, small faces) or `tiny` (face-api.js). */
  detector?: 'yunet' | 'tiny';
  /** Detector input size (multiple of 32). Default 320 for YuNet, 224 for tiny (320 finds smaller faces). */
  detectorSize?: number;
  /** Calibration (default: `models/calibration.json`; `null` = raw model). */
  calibration?: Calibration | null;
  /** How to find the face: `auto` (detector, zoom-out, whole-image fallback), `detect` (detector and zoom-out only), `whole` (whole image as the face). Default `auto`. */
  crop?: 'auto' | 'detect' | 'whole';
  /** Detector score threshold (default 0.6 for YuNet, 0.5 for tiny). */
  scoreThreshold?: number;
  /** Minimum grey std-dev for the whole-image fallback (default 8). */
  minContrast?: number;
  /** Average the expression net over the face and its mirror image (default true). */
  flip?: boolean;
  /** Region of interest in source-image pixels: only a face centred inside can be the person at the handover (default: whole frame). */
  roi?: Region | null;
  /** A face unseen this long ends its track; whoever appears afterwards is a new person (default 1000 ms). */
  trackTimeoutMs?: number;
}

/** Per-stage latency of one frame, ms. */
export interface FrameTimings {
  decodeMs: number;
  detectMs: number;
  classifyMs: number;
}

/** One processed frame. */
export interface FrameResult extends FrameObservation {
  /** All faces found (working-frame pixels), best first. */
  faces: FaceBox[];
  /** How the main face was found. */
  via: 'detector' | 'zoom-out' | 'whole-image' | 'none';
  /** Track id of the person at the handover (null before anyone was seen, or after they left). */
  trackId: number | null;
  /** The person at the handover changed with this frame (their affect starts afresh). */
  newPerson: boolean;
  /** Raw model logits of the main face (flip-averaged when `flip`; null without a face). */
  logits: Float32Array | null;
  /** Uncalibrated model probabilities (null without a face). */
  rawProbabilities: Float32Array | null;
  timings: FrameTimings;
}

/** Frame metadata. */
export interface FrameMeta {
  t: number;
  index: number;
  frameId: string;
  /** Working-frame pixels per source-image pixel (a scaled video frame; default 1). */
  sourceScale?: number;
}

/** The resolved options of a pipeline. */
export type ResolvedPipelineOptions = Readonly<Required<Omit<PipelineOptions, 'calibration' | 'roi'>>> & { calibration: Calibration; roi: Region | null };

/** A per-frame pipeline with its models loaded once. */
export interface FramePipeline {
  readonly options: ResolvedPipelineOptions;
  /** Processes a decoded frame. */
  process(img: RgbImage, meta: FrameMeta, decodeMs?: number): Promise<FrameResult>;
  /** Decodes (sharp) and processes an encoded frame; throws FrameDecodeError naming the frame. */
  processEncoded(input: string | Uint8Array, meta: FrameMeta): Promise<FrameResult>;
  /** Tracking of the person at the handover (switch count, live tracks). */
  readonly tracker: MainPersonTracker;
}

/**
 * Loads the models and returns the per-frame pipeline.
 *
 * @example
 * ```ts
 * const pipe = await createFramePipeline({ roi: { x: 160, y: 0, width: 320, height: 480 } });
 * const r = await pipe.processEncoded('../shared/data/faces/scenes/happy.jpg', { t: Date.now(), index: 0, frameId: 'happy.jpg' });
 * r.probabilities; // calibrated, FACE_EXPRESSIONS order
 * ```
 */
export async function createFramePipeline(opts: PipelineOptions = {}, models?: { expression?: ExpressionClassifier; detector?: FaceDetector }): Promise<FramePipeline> {
  const detectorKind = opts.detector ?? models?.detector?.kind ?? 'yunet';
  if (detectorKind !== 'yunet' && detectorKind !== 'tiny') throw new RangeError(`detector must be yunet or tiny, got ${String(detectorKind)}`);
  const yunet = detectorKind === 'yunet';
  const detectorSize = opts.detectorSize ?? models?.detector?.size ?? (yunet ? 320 : 224);
  const calibration = opts.calibration === null ? IDENTITY_CALIBRATION : (opts.calibration ?? loadCalibration());
  const crop = opts.crop ?? 'auto';
  if (crop !== 'auto' && crop !== 'detect' && crop !== 'whole') throw new RangeError(`crop must be auto, detect or whole, got ${String(crop)}`);
  const scoreThreshold = opts.scoreThreshold ?? (yunet ? 0.6 : 0.5);
  const minContrast = opts.minContrast ?? 8;
  const flip = opts.flip ?? true;
  const roi = opts.roi ?? null;
  const trackTimeoutMs = opts.trackTimeoutMs ?? 1000;
  const zoomOutThreshold = yunet ? Math.min(scoreThreshold, 0.5) : Math.min(scoreThreshold, 0.3);
  const expression = models?.expression ?? (await loadExpressionModel());
  const detector = models?.detector ?? (yunet ? await loadYuNet(detectorSize) : await loadFaceDetector(detectorSize));
  const tracker = new MainPersonTracker({ roi, maxMissedMs: trackTimeoutMs });
  const options: ResolvedPipelineOptions = { detector: detectorKind, detectorSize, calibration, crop, scoreThreshold, minContrast, flip, roi, trackTimeoutMs };
  let roiScale = 1;

  async function process(img: RgbImage, meta: FrameMeta, decodeMs = 0): Promise<FrameResult> {
    const t0 = performance.now();
    const scale = meta.sourceScale ?? 1;
    if (roi && scale !== roiScale) {
      tracker.setRoi({ x: roi.x * scale, y: roi.y * scale, width: roi.width * scale, height: roi.height * scale });
      roiScale = scale;
    }
    let faces: FaceBox[] = [];
    let via: FrameResult['via'] = 'none';
    if (crop !== 'whole') {
      faces = await detector.detect(img, { scoreThreshold });
      if (faces.length > 0) via = 'detector';
      else {
        const side = 2 * Math.max(img.width, img.height);
        const region: Region = { x: (img.width - side) / 2, y: (img.height - side) / 2, width: side, height: side };
        faces = (await detector.detect(img, { scoreThreshold: zoomOutThreshold }, region)).map((f) => ({ ...f, score: f.score * 0.8 }));
        faces = faces.filter((f) => f.width >= 8 && f.height >= 8);
        if (faces.length > 0) via = 'zoom-out';
      }
    }
    const track = tracker.update(faces, meta.t);
    let main = track.face;
    if (!main && faces.length === 0 && crop !== 'detect' && (crop === 'whole' || imageContrast(img) >= minContrast)) {
      main = { x: 0, y: 0, width: img.width, height: img.height, score: crop === 'whole' ? 1 : 0.3 };
      via = 'whole-image';
    } else if (!main) via = 'none';
    const t1 = performance.now();
    let logits: Float32Array | null = null;
    let raw: Float32Array | null = null;
    let probabilities: Float32Array | null = null;
    if (main) {
      // the square around the face the net was built for (more context than zero padding)
      const region = via === 'whole-image' ? main : detector.kind === 'yunet' ? faceApiSquare(main, YUNET_FACE_API_FRAMING) : squareAround(main);
      const out = await expression.classify(img, region);
      logits = Float32Array.from(out.logits);
      if (flip) {
        mirrorInPlace(expression.input, 112, 'nhwc-rgb');
        const mirrored = await expression.run();
        for (let i = 0; i < 7; i++) logits[i] = (logits[i]! + mirrored.logits[i]!) / 2;
      }
      raw = new Float32Array(7);
      applyCalibration(logits, IDENTITY_CALIBRATION, raw);
      probabilities = new Float32Array(7);
      applyCalibration(logits, calibration, probabilities);
    }
    const t2 = performance.now();
    return {
      t: meta.t,
      index: meta.index,
      frameId: meta.frameId,
      face: main && via !== 'whole-image' ? clipBox(main, img) : main,
      fallbackCrop: via === 'whole-image' && crop !== 'whole',
      probabilities,
      faces,
      via,
      trackId: via === 'whole-image' ? null : track.trackId,
      newPerson: track.newPerson,
      logits,
      rawProbabilities: raw,
      timings: { decodeMs, detectMs: t1 - t0, classifyMs: t2 - t1 },
    };
  }

  return {
    options,
    tracker,
    process,
    async processEncoded(input, meta) {
      const t0 = performance.now();
      const img = await decodeImage(input, meta.frameId);
      return process(img, meta, performance.now() - t0);
    },
  };
}

function clipBox(b: FaceBox, img: RgbImage): FaceBox {
  const x0 = Math.max(0, b.x);
  const y0 = Math.max(0, b.y);
  const x1 = Math.min(img.width, b.x + b.width);
  const y1 = Math.min(img.height, b.y + b.height);
  return { ...b, x: x0, y: y0, width: Math.max(0, x1 - x0), height: Math.max(0, y1 - y0) };
}

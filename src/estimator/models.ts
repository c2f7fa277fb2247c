/**
 * The two ONNX models behind small interfaces, run by onnxruntime-node on CPU.
 * Sessions are created once (1 intra-op thread: faster than 2 on the robot's small
 * CPUs, measured) and reused; input tensors wrap Float32Arrays allocated once and
 * refilled per frame; expression outputs are pre-allocated too.
 *
 * The detector decoder follows face-api.js TinyFaceDetector: sigmoid(x,y,score),
 * exp(w,h)·anchor, score threshold, greedy NMS at IoU 0.4.
 */
import { sep } from 'node:path';
import type * as Ort from 'onnxruntime-node';
import { packagePath } from '../core/package-files.ts';
import { loadOnnxRuntime } from './peers.ts';
import type { FaceBox } from './types.ts';
import { resizePaddedSquare, type Region, type RgbImage } from './image.ts';

/**
 * Default location of the shipped models (the package's `models/`, wherever it is installed).
 *
 * @example
 * ```ts
 * await loadExpressionModel(MODELS_DIR + 'face_expression.onnx');
 * ```
 */
export const MODELS_DIR = packagePath('models') + sep;

/** Anchors of the tiny face detector (face-api.js `tinyFaceDetector/const`). */
export const DETECTOR_ANCHORS: ReadonlyArray<readonly [number, number]> = [
  [1.603231, 2.094468],
  [6.041143, 7.080126],
  [2.882459, 3.518061],
  [4.266906, 5.178857],
  [9.041765, 10.66308],
];

/**
 * onnxruntime session options of every estimator model: one thread, sequential, all graph optimisations.
 *
 * @example
 * ```ts
 * const session = await ort.InferenceSession.create(path, SESSION_OPTIONS);
 * ```
 */
export const SESSION_OPTIONS: Ort.InferenceSession.SessionOptions = {
  intraOpNumThreads: 1,
  interOpNumThreads: 1,
  executionMode: 'sequential',
  graphOptimizationLevel: 'all',
};

/** Output of the expression classifier (views into reused buffers: copy to keep). */
export interface ExpressionOutput {
  logits: Float32Array;
  probabilities: Float32Array;
}

/** Something that classifies a 112×112 face into the 7 FACE_EXPRESSIONS classes. */
export interface ExpressionClassifier {
  /** The reused NHWC input buffer (112·112·3, RGB 0..255) to fill before {@link run}. */
  readonly input: Float32Array;
  /** Runs on {@link input}. The returned arrays are reused by the next call. */
  run(): Promise<ExpressionOutput>;
  /** Pads `region` of `img` (centred), resizes into {@link input} and runs. */
  classify(img: RgbImage, region: Region): Promise<ExpressionOutput>;
}

/**
 * Loads the ONNX expression net (FaceExpressionNet).
 *
 * @example
 * ```ts
 * const net = await loadExpressionModel();
 * const { probabilities } = await net.classify(img, { x: 0, y: 0, width: img.width, height: img.height });
 * ```
 */
export async function loadExpressionModel(path = MODELS_DIR + 'face_expression.onnx'): Promise<ExpressionClassifier> {
  const ort = await loadOnnxRuntime();
  const session = await ort.InferenceSession.create(path, SESSION_OPTIONS);
  const input = new Float32Array(112 * 112 * 3);
  const feeds = { image: new ort.Tensor('float32', input, [1, 112, 112, 3]) };
  const logits = new Float32Array(7);
  const probabilities = new Float32Array(7);
  const fetches = { logits: new ort.Tensor('float32', logits, [1, 7]), probabilities: new ort.Tensor('float32', probabilities, [1, 7]) };
  const out: ExpressionOutput = { logits, probabilities };
  async function run(): Promise<ExpressionOutput> {
    const r = await session.run(feeds, fetches);
    // onnxruntime writes into the pre-allocated fetches; copy defensively if it did not
    if (r.logits!.data !== logits) logits.set(r.logits!.data as Float32Array);
    if (r.probabilities!.data !== probabilities) probabilities.set(r.probabilities!.data as Float32Array);
    return out;
  }
  return {
    input,
    run,
    classify(img, region) {
      resizePaddedSquare(img, region, true, 112, input);
      return run();
    },
  };
}

/** Detector options. */
export interface DetectOptions {
  /** Minimum face score (default 0.5). */
  scoreThreshold?: number;
  /** NMS IoU threshold (default 0.4). */
  iouThreshold?: number;
}

/** A face detector working at a fixed input size. */
export interface FaceDetector {
  /** Which network: the face-api.js tiny face detector or YuNet (with landmarks). */
  readonly kind: 'tiny' | 'yunet';
  /** Network input size S (multiple of 32). */
  readonly size: number;
  /** Reused input buffer (S·S·3, the network's layout). */
  readonly input: Float32Array;
  /** Detects faces in `region` of `img` (default whole image); boxes in image pixels. */
  detect(img: RgbImage, opts?: DetectOptions, region?: Region): Promise<FaceBox[]>;
}

/** The tiny face detector, which also exposes its raw output grid (equivalence tests). */
export interface TinyFaceDetector extends FaceDetector {
  readonly kind: 'tiny';
  /** Runs on {@link input}; raw grid NHWC [S/32, S/32, 25]. */
  runGrid(): Promise<Float32Array>;
}

/**
 * Loads the ONNX tiny face detector at input size `size` (224, 320, 416…).
 *
 * @example
 * ```ts
 * const det = await loadFaceDetector(224);
 * const faces = await det.detect(img);
 * ```
 */
export async function loadFaceDetector(size = 224, path = MODELS_DIR + 'tiny_face_detector.onnx'): Promise<TinyFaceDetector> {
  if (!Number.isInteger(size) || size < 64 || size % 32 !== 0 || size > 1024) {
    throw new RangeError(`detector size must be a multiple of 32 between 64 and 1024 (e.g. 224 or 320), got ${size}`);
  }
  const ort = await loadOnnxRuntime();
  const session = await ort.InferenceSession.create(path, SESSION_OPTIONS);
  const input = new Float32Array(size * size * 3);
  const feeds = { image: new ort.Tensor('float32', input, [1, size, size, 3]) };
  async function runGrid(): Promise<Float32Array> {
    const r = await session.run(feeds);
    return r.grid!.data as Float32Array;
  }
  return {
    kind: 'tiny',
    size,
    input,
    runGrid,
    async detect(img, opts = {}, region = { x: 0, y: 0, width: img.width, height: img.height }) {
      resizePaddedSquare(img, region, false, size, input);
      const grid = await runGrid();
      const boxes = decodeDetectorGrid(grid, size / 32, Math.max(region.width, region.height), opts);
      for (const b of boxes) {
        b.x += region.x;
        b.y += region.y;
      }
      return boxes;
    },
  };
}

function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/**
 * Decodes a tiny-face-detector grid (NHWC `[cells,cells,25]`) into boxes in the
 * pixel frame of the padded square of side `squarePx` (origin top-left), with NMS.
 *
 * @example
 * ```ts
 * const faces = decodeDetectorGrid(grid, 7, 500, { scoreThreshold: 0.5 });
 * ```
 */
export function decodeDetectorGrid(grid: ArrayLike<number>, cells: number, squarePx: number, opts: DetectOptions = {}): FaceBox[] {
  const thr = opts.scoreThreshold ?? 0.5;
  const iou = opts.iouThreshold ?? 0.4;
  const found: FaceBox[] = [];
  for (let row = 0; row < cells; row++)
    for (let col = 0; col < cells; col++)
      for (let a = 0; a < 5; a++) {
        const o = (row * cells + col) * 25 + a * 5;
        const score = sigmoid(grid[o + 4]!);
        if (!(score > thr)) continue;
        const cx = ((col + sigmoid(grid[o]!)) / cells) * squarePx;
        const cy = ((row + sigmoid(grid[o + 1]!)) / cells) * squarePx;
        const w = ((Math.exp(grid[o + 2]!) * DETECTOR_ANCHORS[a]![0]) / cells) * squarePx;
        const h = ((Math.exp(grid[o + 3]!) * DETECTOR_ANCHORS[a]![1]) / cells) * squarePx;
        found.push({ x: cx - w / 2, y: cy - h / 2, width: w, height: h, score });
      }
  found.sort((p, q) => q.score - p.score);
  const kept: FaceBox[] = [];
  for (const b of found) if (kept.every((k) => boxIoU(k, b) <= iou)) kept.push(b);
  return kept;
}

/**
 * Intersection over union of two boxes.
 *
 * @example
 * ```ts
 * boxIoU({ x: 0, y: 0, width: 2, height: 2 }, { x: 1, y: 0, width: 2, height: 2 }); // 1/3
 * ```
 */
export function boxIoU(a: Region, b: Region): number {
  const ix = Math.max(0, Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x));
  const iy = Math.max(0, Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y));
  const inter = ix * iy;
  const union = a.width * a.height + b.width * b.height - inter;
  return union > 0 ? inter / union : 0;
}

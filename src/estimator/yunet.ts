/**
 * YuNet (OpenCV model zoo, MIT): a small anchor-free face detector that also gives 5
 * landmarks, which the expression nets use for alignment. Runs with onnxruntime-node
 * on CPU, one thread, input tensor allocated once per size.
 *
 * Input: planar BGR 0..255, `[1, 3, S, S]`; the frame is letterboxed (padded at
 * bottom/right, scaled to S). Outputs per stride 8/16/32 and grid cell: class score,
 * objectness (both after a sigmoid), box `(dx, dy, log w, log h)` in stride units
 * relative to the cell, and 5 landmark offsets. Face score = √(cls·obj); greedy NMS.
 *
 * The zoo file has a fixed 640×640 input; `models/face_detection_yunet_2023mar.onnx`
 * is the same graph with symbolic height/width (see `scripts/convert/yunet.ts`), so
 * it runs at 320 (faster; faces ≥ ~20 px in a 640-wide frame) or 640.
 */
import type * as Ort from 'onnxruntime-node';
import { loadOnnxRuntime } from './peers.ts';
import type { FaceBox } from './types.ts';
import { resizePaddedSquare, type Region, type RgbImage } from './image.ts';
import { boxIoU, MODELS_DIR, SESSION_OPTIONS, type DetectOptions, type FaceDetector } from './models.ts';

/**
 * Shipped YuNet file (symbolic input size).
 *
 * @example
 * ```ts
 * MODELS_DIR + YUNET_FILE; // …/models/face_detection_yunet_2023mar.onnx
 * ```
 */
export const YUNET_FILE = 'face_detection_yunet_2023mar.onnx';

const STRIDES = [8, 16, 32] as const;

/**
 * Loads YuNet at input size `size` (multiple of 32; 320 default, 640 for small faces).
 *
 * @example
 * ```ts
 * const det = await loadYuNet(320);
 * const faces = await det.detect(img); // boxes with landmarks, image pixels
 * ```
 */
export async function loadYuNet(size = 320, path = MODELS_DIR + YUNET_FILE): Promise<FaceDetector> {
  if (!Number.isInteger(size) || size < 64 || size % 32 !== 0 || size > 1280) {
    throw new RangeError(`YuNet input size must be a multiple of 32 between 64 and 1280 (e.g. 320 or 640), got ${size}`);
  }
  const ort = await loadOnnxRuntime();
  const session = await ort.InferenceSession.create(path, SESSION_OPTIONS);
  const input = new Float32Array(3 * size * size);
  const feeds = { input: new ort.Tensor('float32', input, [1, 3, size, size]) };
  // outputs written into buffers allocated once (no per-frame allocation)
  const outputs: Record<string, { data: Float32Array }> = {};
  const fetches: Record<string, Ort.Tensor> = {};
  for (const s of STRIDES) {
    const cells = (size / s) * (size / s);
    for (const [name, k] of [['cls', 1], ['obj', 1], ['bbox', 4], ['kps', 10]] as const) {
      const data = new Float32Array(cells * k);
      outputs[`${name}_${s}`] = { data };
      fetches[`${name}_${s}`] = new ort.Tensor('float32', data, [1, cells, k]);
    }
  }
  return {
    kind: 'yunet',
    size,
    input,
    async detect(img: RgbImage, opts: DetectOptions = {}, region: Region = { x: 0, y: 0, width: img.width, height: img.height }): Promise<FaceBox[]> {
      resizePaddedSquare(img, region, false, size, input, 'nchw-bgr');
      const r = await session.run(feeds, fetches);
      // onnxruntime writes into the pre-allocated fetches; copy defensively if it did not
      for (const name in outputs) if (r[name]!.data !== outputs[name]!.data) outputs[name]!.data.set(r[name]!.data as Float32Array);
      const k = Math.max(region.width, region.height) / size;
      return decodeYuNet(outputs, size, opts, k, region.x, region.y);
    },
  };
}

/**
 * Decodes YuNet's 12 outputs at input size `size` into faces (with landmarks),
 * mapped to image pixels by `x·k + ox`, `y·k + oy`; score threshold (default 0.6) and
 * greedy NMS (IoU default 0.3), best first.
 *
 * @example
 * ```ts
 * const faces = decodeYuNet(outputs, 320, { scoreThreshold: 0.6 }, 2, 0, 0);
 * ```
 */
export function decodeYuNet(out: Record<string, { data: Float32Array }>, size: number, opts: DetectOptions, k: number, ox: number, oy: number): FaceBox[] {
  const thr = opts.scoreThreshold ?? 0.6;
  const iou = opts.iouThreshold ?? 0.3;
  const found: FaceBox[] = [];
  for (const s of STRIDES) {
    const cls = out[`cls_${s}`]!.data;
    const obj = out[`obj_${s}`]!.data;
    const bbox = out[`bbox_${s}`]!.data;
    const kps = out[`kps_${s}`]!.data;
    const cols = Math.floor(size / s);
    const n = cls.length;
    for (let i = 0; i < n; i++) {
      const c = Math.min(1, Math.max(0, cls[i]!));
      const o = Math.min(1, Math.max(0, obj[i]!));
      const score = Math.sqrt(c * o);
      if (!(score >= thr)) continue;
      const col = i % cols;
      const row = (i - col) / cols;
      const cx = (col + bbox[i * 4]!) * s;
      const cy = (row + bbox[i * 4 + 1]!) * s;
      const w = Math.exp(bbox[i * 4 + 2]!) * s;
      const h = Math.exp(bbox[i * 4 + 3]!) * s;
      const landmarks = new Array<number>(10);
      for (let j = 0; j < 5; j++) {
        landmarks[2 * j] = (kps[i * 10 + 2 * j]! + col) * s * k + ox;
        landmarks[2 * j + 1] = (kps[i * 10 + 2 * j + 1]! + row) * s * k + oy;
      }
      found.push({ x: (cx - w / 2) * k + ox, y: (cy - h / 2) * k + oy, width: w * k, height: h * k, score, landmarks });
    }
  }
  found.sort((p, q) => q.score - p.score);
  const kept: FaceBox[] = [];
  for (const b of found) if (kept.every((q) => boxIoU(q, b) <= iou)) kept.push(b);
  return kept;
}

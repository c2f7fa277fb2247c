/**
 * Reads a tfjs weights manifest + `.bin` shard (as shipped in `@vladmandic/face-api`,
 * byte-identical to face-api.js's `*-shard1`) into named float32 tensors. Quantised
 * entries (`quantization: {dtype:'uint8', min, scale}`) are dequantised exactly like
 * tfjs `io.decodeWeights`: `value = q·scale + min`, stored as float32.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** One named tensor (TF layout, row-major). */
export interface TfWeight {
  shape: number[];
  data: Float32Array;
}

interface ManifestEntry {
  name: string;
  shape: number[];
  dtype: string;
  quantization?: { dtype: string; min?: number; scale?: number };
}

/**
 * Loads `<dir>/<model>-weights_manifest.json` and its shard(s).
 *
 * @example
 * ```ts
 * const w = loadTfWeights('node_modules/@vladmandic/face-api/model', 'face_expression_model');
 * w.get('fc/weights')!.shape; // [256, 7]
 * ```
 */
export function loadTfWeights(dir: string, model: string): Map<string, TfWeight> {
  const manifestPath = join(dir, `${model}-weights_manifest.json`);
  const groups = JSON.parse(readFileSync(manifestPath, 'utf8')) as { paths: string[]; weights: ManifestEntry[] }[];
  const out = new Map<string, TfWeight>();
  for (const g of groups) {
    const buf = Buffer.concat(g.paths.map((p) => readFileSync(join(dir, p))));
    let off = 0;
    for (const w of g.weights) {
      const n = w.shape.reduce((a, b) => a * b, 1);
      const data = new Float32Array(n);
      if (w.quantization) {
        const { dtype, min, scale } = w.quantization;
        if (dtype !== 'uint8' || min === undefined || scale === undefined) {
          throw new Error(`${manifestPath}: ${w.name}: unsupported quantisation ${JSON.stringify(w.quantization)} (expected uint8 with min and scale)`);
        }
        for (let i = 0; i < n; i++) data[i] = buf[off + i]! * scale + min;
        off += n;
      } else if (w.dtype === 'float32') {
        for (let i = 0; i < n; i++) data[i] = buf.readFloatLE(off + 4 * i);
        off += 4 * n;
      } else {
        throw new Error(`${manifestPath}: ${w.name}: unsupported dtype ${w.dtype}`);
      }
      out.set(w.name, { shape: w.shape, data });
    }
    if (off !== buf.length) throw new Error(`${manifestPath}: consumed ${off} bytes but the shard has ${buf.length}; manifest and .bin do not match`);
  }
  return out;
}

/**
 * TF conv filter HWIO → ONNX OIHW.
 *
 * @example
 * ```ts
 * const { dims, data } = hwioToOihw(w.get('conv0/filters')!);
 * ```
 */
export function hwioToOihw(w: TfWeight): { dims: number[]; data: Float32Array } {
  const [H, W, I, O] = w.shape as [number, number, number, number];
  const data = new Float32Array(w.data.length);
  for (let h = 0; h < H; h++)
    for (let x = 0; x < W; x++)
      for (let i = 0; i < I; i++)
        for (let o = 0; o < O; o++) data[((o * I + i) * H + h) * W + x] = w.data[((h * W + x) * I + i) * O + o]!;
  return { dims: [O, I, H, W], data };
}

/**
 * TF depthwise filter `[H,W,C,1]` → ONNX grouped conv weight `[C,1,H,W]`.
 *
 * @example
 * ```ts
 * const { dims } = depthwiseToOnnx(w.get('conv1/depthwise_filter')!); // [C,1,3,3]
 * ```
 */
export function depthwiseToOnnx(w: TfWeight): { dims: number[]; data: Float32Array } {
  const [H, W, C, M] = w.shape as [number, number, number, number];
  if (M !== 1) throw new Error(`depthwise multiplier ${M} not supported (expected 1)`);
  const data = new Float32Array(w.data.length);
  for (let h = 0; h < H; h++) for (let x = 0; x < W; x++) for (let c = 0; c < C; c++) data[(c * H + h) * W + x] = w.data[(h * W + x) * C + c]!;
  return { dims: [C, 1, H, W], data };
}

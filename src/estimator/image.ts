/**
 * Image decoding and network input preparation. Decoding is done by `sharp`
 * (libvips: JPEG/PNG/WebP…, never a hand-written decoder); pad-to-square + bilinear
 * resize is done here in one pass straight into a caller-owned, reused Float32Array
 * (NHWC RGB 0..255), with the same arithmetic as tfjs `resizeBilinear`
 * (alignCorners=false) on face-api.js's zero-padded square, so no intermediate
 * images are allocated per frame.
 */
import { statSync } from 'node:fs';
import { loadSharp } from './peers.ts';

/** A decoded 8-bit image, interleaved, 1 (grey) or 3 (RGB) channels. */
export interface RgbImage {
  width: number;
  height: number;
  channels: 1 | 3;
  data: Uint8Array;
}

/** A rectangle in image pixels. */
export interface Region {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Error for one frame that could not be decoded; names the file and says why. */
export class FrameDecodeError extends Error {
  /**
   * @example
   * ```ts
   * throw new FrameDecodeError('a.jpg', 'empty file');
   * ```
   */
  constructor(
    readonly frameId: string,
    reason: string,
  ) {
    super(`${frameId}: cannot decode image: ${reason} (expected a JPEG, PNG or WebP file)`);
    this.name = 'FrameDecodeError';
  }
}

/**
 * Decodes an encoded image (file path or bytes) to 8-bit grey or RGB.
 *
 * @example
 * ```ts
 * const img = await decodeImage('../shared/data/faces/scenes/happy.jpg');
 * img.width; // 500
 * ```
 */
export async function decodeImage(input: string | Uint8Array, frameId = typeof input === 'string' ? input : 'buffer'): Promise<RgbImage> {
  if (typeof input !== 'string' && input.length === 0) throw new FrameDecodeError(frameId, 'empty input (0 bytes)');
  if (typeof input === 'string') {
    let size: number;
    try {
      size = statSync(input).size;
    } catch (err) {
      throw new FrameDecodeError(frameId, `cannot read file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
    if (size === 0) throw new FrameDecodeError(frameId, 'empty file (0 bytes)');
  }
  const sharp = await loadSharp();
  try {
    const { data, info } = await sharp(input, { failOn: 'error' }).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    if ((info.channels === 3 || info.channels === 1) && data.length === info.width * info.height * info.channels) {
      return { width: info.width, height: info.height, channels: info.channels, data: new Uint8Array(data.buffer, data.byteOffset, data.length) };
    }
    // CMYK, 16-bit and other layouts → 8-bit sRGB
    const rgb = await sharp(input).removeAlpha().toColourspace('srgb').raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
    if (rgb.info.channels !== 3 || rgb.data.length !== rgb.info.width * rgb.info.height * 3) {
      throw new FrameDecodeError(frameId, `unsupported pixel layout (${rgb.info.channels} channels, ${rgb.data.length} bytes for ${rgb.info.width}×${rgb.info.height})`);
    }
    return { width: rgb.info.width, height: rgb.info.height, channels: 3, data: new Uint8Array(rgb.data.buffer, rgb.data.byteOffset, rgb.data.length) };
  } catch (err) {
    if (err instanceof FrameDecodeError) throw err;
    const msg = (err as Error).message ?? String(err);
    throw new FrameDecodeError(frameId, msg.includes('ENOENT') || msg.includes('missing') ? `file not found or unreadable (${msg})` : msg);
  }
}

/**
 * Memory layout of a network input: `nhwc-rgb` (interleaved RGB, the face-api.js nets),
 * `nchw-bgr` (planar BGR, YuNet) or `nchw-rgb` (planar RGB, the MobileFaceNet
 * expression net).
 */
export type InputLayout = 'nhwc-rgb' | 'nchw-bgr' | 'nchw-rgb';

/**
 * Writes `region` of `img`, zero-padded to a square (centred, or at bottom/right),
 * bilinearly resized to `size`×`size`, into `out` (RGB or BGR 0..255 in `layout`,
 * length size²·3). Pixels of the region outside the image are 0 (like the padding).
 *
 * @example
 * ```ts
 * const buf = new Float32Array(112 * 112 * 3);
 * resizePaddedSquare(img, { x: 0, y: 0, width: img.width, height: img.height }, true, 112, buf);
 * ```
 */
export function resizePaddedSquare(img: RgbImage, region: Region, centre: boolean, size: number, out: Float32Array, layout: InputLayout = 'nhwc-rgb'): void {
  const rw = Math.max(1, Math.round(region.width));
  const rh = Math.max(1, Math.round(region.height));
  const rx = Math.round(region.x);
  const ry = Math.round(region.y);
  const D = Math.max(rw, rh);
  const diff = Math.abs(rw - rh);
  // face-api.js padToSquare: append round(diff·0.5) (centred) or diff, prepend the rest
  const pre = centre ? diff - Math.round(diff * 0.5) : 0;
  const offX = rw < rh ? pre : 0;
  const offY = rh < rw ? pre : 0;
  const scale = D / size;
  const { width: W, height: H, channels: C, data } = img;
  const t = tables(size);
  // per output column/row: source pixel offsets (-1 = padding) and fractions
  const mapAxis = (i: number, off: number, extent: number, origin: number, limit: number, stride: number, a0: Int32Array, a1: Int32Array, fr: Float64Array): void => {
    const f = i * scale;
    const p0 = Math.floor(f);
    const p1 = Math.min(D - 1, Math.ceil(f));
    fr[i] = f - p0;
    const s0 = p0 - off;
    const s1 = p1 - off;
    const g0 = origin + s0;
    const g1 = origin + s1;
    a0[i] = s0 >= 0 && s0 < extent && g0 >= 0 && g0 < limit ? g0 * stride : -1;
    a1[i] = s1 >= 0 && s1 < extent && g1 >= 0 && g1 < limit ? g1 * stride : -1;
  };
  for (let i = 0; i < size; i++) {
    mapAxis(i, offX, rw, rx, W, C, t.x0, t.x1, t.fx);
    mapAxis(i, offY, rh, ry, H, W * C, t.y0, t.y1, t.fy);
  }
  // output: pixel stride and channel stride; source channel offsets in output order
  const { ps, cs, r, g, b } = layoutStrides(layout, size, C);
  let o = 0;
  for (let y = 0; y < size; y++) {
    const r0 = t.y0[y]!;
    const r1 = t.y1[y]!;
    const dy = t.fy[y]!;
    for (let x = 0; x < size; x++) {
      const c0 = t.x0[x]!;
      const c1 = t.x1[x]!;
      const dx = t.fx[x]!;
      if (r0 >= 0 && r1 >= 0 && c0 >= 0 && c1 >= 0) {
        // fast path: all four taps inside the image (channels unrolled)
        const i00 = r0 + c0;
        const i01 = r0 + c1;
        const i10 = r1 + c0;
        const i11 = r1 + c1;
        let tl = data[i00 + r]!;
        let top = tl + (data[i01 + r]! - tl) * dx;
        let bl = data[i10 + r]!;
        out[o] = top + (bl + (data[i11 + r]! - bl) * dx - top) * dy;
        tl = data[i00 + g]!;
        top = tl + (data[i01 + g]! - tl) * dx;
        bl = data[i10 + g]!;
        out[o + cs] = top + (bl + (data[i11 + g]! - bl) * dx - top) * dy;
        tl = data[i00 + b]!;
        top = tl + (data[i01 + b]! - tl) * dx;
        bl = data[i10 + b]!;
        out[o + 2 * cs] = top + (bl + (data[i11 + b]! - bl) * dx - top) * dy;
        o += ps;
        continue;
      }
      const i00 = r0 >= 0 && c0 >= 0 ? r0 + c0 : -1;
      const i01 = r0 >= 0 && c1 >= 0 ? r0 + c1 : -1;
      const i10 = r1 >= 0 && c0 >= 0 ? r1 + c0 : -1;
      const i11 = r1 >= 0 && c1 >= 0 ? r1 + c1 : -1;
      for (let c = 0; c < 3; c++) {
        const k = c === 0 ? r : c === 1 ? g : b;
        const tl = i00 >= 0 ? data[i00 + k]! : 0;
        const tr = i01 >= 0 ? data[i01 + k]! : 0;
        const bl = i10 >= 0 ? data[i10 + k]! : 0;
        const br = i11 >= 0 ? data[i11 + k]! : 0;
        const top = tl + (tr - tl) * dx;
        const bottom = bl + (br - bl) * dx;
        out[o + c * cs] = top + (bottom - top) * dy;
      }
      o += ps;
    }
  }
}

/**
 * Output pixel stride, channel stride and the source channel offsets written as
 * channel 0, 1, 2 for a layout (grey images replicate their one channel).
 *
 * @example
 * ```ts
 * layoutStrides('nchw-bgr', 320, 3); // { ps: 1, cs: 102400, r: 2, g: 1, b: 0 }
 * ```
 */
export function layoutStrides(layout: InputLayout, size: number, channels: 1 | 3): { ps: number; cs: number; r: number; g: number; b: number } {
  const planar = layout !== 'nhwc-rgb';
  const bgr = layout === 'nchw-bgr';
  const grey = channels === 1;
  return { ps: planar ? 1 : 3, cs: planar ? size * size : 1, r: grey ? 0 : bgr ? 2 : 0, g: grey ? 0 : 1, b: grey ? 0 : bgr ? 0 : 2 };
}

interface AxisTables {
  x0: Int32Array;
  x1: Int32Array;
  fx: Float64Array;
  y0: Int32Array;
  y1: Int32Array;
  fy: Float64Array;
}
const TABLES = new Map<number, AxisTables>();
/** Scratch index tables per output size, allocated once (hot path). */
function tables(size: number): AxisTables {
  let t = TABLES.get(size);
  if (!t) {
    t = { x0: new Int32Array(size), x1: new Int32Array(size), fx: new Float64Array(size), y0: new Int32Array(size), y1: new Int32Array(size), fy: new Float64Array(size) };
    TABLES.set(size, t);
  }
  return t;
}

/**
 * Mean grey-level standard deviation of an image (cheap "is there anything here"
 * test: a blank frame has ~0).
 *
 * @example
 * ```ts
 * imageContrast(img) < 2; // blank
 * ```
 */
export function imageContrast(img: RgbImage): number {
  const { data, channels: C } = img;
  const n = img.width * img.height;
  const step = Math.max(1, Math.floor(n / 4096));
  let s = 0;
  let s2 = 0;
  let k = 0;
  for (let i = 0; i < n; i += step) {
    const v = C === 1 ? data[i]! : (data[i * 3]! + data[i * 3 + 1]! + data[i * 3 + 2]!) / 3;
    s += v;
    s2 += v * v;
    k++;
  }
  const m = s / k;
  return Math.sqrt(Math.max(0, s2 / k - m * m));
}

/**
 * Mirrors a square network input (side `size`, 3 channels, `layout`) left↔right in
 * place: the flipped view for test-time augmentation without a second resize.
 *
 * @example
 * ```ts
 * mirrorInPlace(net.input, 112, 'nhwc-rgb');
 * ```
 */
export function mirrorInPlace(buf: Float32Array, size: number, layout: InputLayout): void {
  const planar = layout !== 'nhwc-rgb';
  const ps = planar ? 1 : 3;
  const planes = planar ? 3 : 1;
  const plane = planar ? size * size : 0;
  const ch = planar ? 1 : 3;
  for (let p = 0; p < planes; p++) {
    for (let y = 0; y < size; y++) {
      const row = p * plane + y * size * ps;
      for (let x = 0, xr = size - 1; x < xr; x++, xr--) {
        for (let c = 0; c < ch; c++) {
          const i = row + x * ps + c;
          const j = row + xr * ps + c;
          const t = buf[i]!;
          buf[i] = buf[j]!;
          buf[j] = t;
        }
      }
    }
  }
}

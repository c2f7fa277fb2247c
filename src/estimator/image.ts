/**
 * Image decoding and network input preparation. Decoding is done by `sharp`
 * (libvips: JPEG/PNG/WebP…, never a hand-written decoder); pad-to-square + bilinear
 * resize is done here in one pass straight into a caller-owned, reused Float32Array
 * (NHWC RGB 0..255), with the same arithmetic as tfjs `resizeBilinear`
 * (alignCorners=false) on face-api.js's zero-padded square, so no intermediate
 * images are allocated per frame.
 */
import { statSync } from 'node:fs';
import sharp from 'sharp';

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
  try {
    const { data, info } = await sharp(input, { failOn: 'error' }).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    if (info.channels === 3 || info.channels === 1) {
      return { width: info.width, height: info.height, channels: info.channels, data: new Uint8Array(data.buffer, data.byteOffset, data.length) };
    }
    // e.g. 2-channel grey+alpha after removeAlpha is 1; CMYK etc. → convert
    const rgb = await sharp(input).removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
    return { width: rgb.info.width, height: rgb.info.height, channels: 3, data: new Uint8Array(rgb.data.buffer, rgb.data.byteOffset, rgb.data.length) };
  } catch (err) {
    if (err instanceof FrameDecodeError) throw err;
    const msg = (err as Error).message ?? String(err);
    throw new FrameDecodeError(frameId, msg.includes('ENOENT') || msg.includes('missing') ? `file not found or unreadable (${msg})` : msg);
  }
}

/**
 * Writes `region` of `img`, zero-padded to a square (centred, or at bottom/right),
 * bilinearly resized to `size`×`size`, into `out` (NHWC RGB 0..255, length size²·3).
 * Pixels of the region outside the image are 0 (like the padding).
 *
 * @example
 * ```ts
 * const buf = new Float32Array(112 * 112 * 3);
 * resizePaddedSquare(img, { x: 0, y: 0, width: img.width, height: img.height }, true, 112, buf);
 * ```
 */
export function resizePaddedSquare(img: RgbImage, region: Region, centre: boolean, size: number, out: Float32Array): void {
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
  const px = (sx: number, sy: number, c: number): number => {
    // (sx, sy) in padded-square coordinates
    const ix = sx - offX;
    const iy = sy - offY;
    if (ix < 0 || iy < 0 || ix >= rw || iy >= rh) return 0;
    const gx = rx + ix;
    const gy = ry + iy;
    if (gx < 0 || gy < 0 || gx >= W || gy >= H) return 0;
    return data[(gy * W + gx) * C + (C === 1 ? 0 : c)]!;
  };
  let o = 0;
  for (let y = 0; y < size; y++) {
    const fy = y * scale;
    const y0 = Math.floor(fy);
    const y1 = Math.min(D - 1, Math.ceil(fy));
    const dy = fy - y0;
    for (let x = 0; x < size; x++) {
      const fx = x * scale;
      const x0 = Math.floor(fx);
      const x1 = Math.min(D - 1, Math.ceil(fx));
      const dx = fx - x0;
      for (let c = 0; c < 3; c++) {
        const tl = px(x0, y0, c);
        const tr = px(x1, y0, c);
        const bl = px(x0, y1, c);
        const br = px(x1, y1, c);
        const top = tl + (tr - tl) * dx;
        const bottom = bl + (br - bl) * dx;
        out[o++] = top + (bottom - top) * dy;
      }
    }
  }
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

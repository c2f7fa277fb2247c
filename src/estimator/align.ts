/**
 * Five-point face alignment: the similarity transform (rotation, uniform scale,
 * translation; no reflection) that maps a detector's 5 landmarks (right eye, left eye,
 * nose tip, right and left mouth corner, as YuNet gives them) onto the standard
 * 112×112 face template by least squares, and an affine warp with bilinear sampling
 * straight into a network's reused input buffer (no intermediate images).
 *
 * The template is the one the MobileFaceNet expression net was trained with (the
 * common ArcFace 112×112 five-point layout).
 */
import { layoutStrides, type InputLayout, type RgbImage } from './image.ts';

/**
 * Standard 112×112 positions of the 5 landmarks, `[x0, y0, x1, y1, …]`.
 *
 * @example
 * ```ts
 * similarityTransform(face.landmarks!, FACE_TEMPLATE_112);
 * ```
 */
export const FACE_TEMPLATE_112: readonly number[] = [38.2946, 51.6963, 73.5318, 51.5014, 56.0252, 71.7366, 41.5493, 92.3655, 70.7299, 92.2041];

/** A 2-D affine map `x' = a·x + b·y + c`, `y' = d·x + e·y + f`. */
export interface Affine {
  a: number;
  b: number;
  c: number;
  d: number;
  e: number;
  f: number;
}

/**
 * Least-squares similarity transform mapping the points `src` onto `dst` (both
 * `[x0, y0, x1, y1, …]`, same length ≥ 4): `dst ≈ [s·cosθ, −s·sinθ; s·sinθ, s·cosθ]·src + t`.
 * Throws when the source points coincide.
 *
 * @example
 * ```ts
 * const m = similarityTransform(face.landmarks!, FACE_TEMPLATE_112);
 * ```
 */
export function similarityTransform(src: ArrayLike<number>, dst: ArrayLike<number>): Affine {
  const n = src.length >> 1;
  if (n < 2 || src.length !== dst.length) throw new RangeError(`similarityTransform: need the same number (≥ 2) of source and target points, got ${src.length / 2} and ${dst.length / 2}`);
  let msx = 0;
  let msy = 0;
  let mdx = 0;
  let mdy = 0;
  for (let i = 0; i < n; i++) {
    msx += src[2 * i]!;
    msy += src[2 * i + 1]!;
    mdx += dst[2 * i]!;
    mdy += dst[2 * i + 1]!;
  }
  msx /= n;
  msy /= n;
  mdx /= n;
  mdy /= n;
  let ss = 0;
  let pa = 0;
  let pb = 0;
  for (let i = 0; i < n; i++) {
    const sx = src[2 * i]! - msx;
    const sy = src[2 * i + 1]! - msy;
    const dx = dst[2 * i]! - mdx;
    const dy = dst[2 * i + 1]! - mdy;
    ss += sx * sx + sy * sy;
    pa += sx * dx + sy * dy;
    pb += sx * dy - sy * dx;
  }
  if (!(ss > 1e-9)) throw new RangeError('similarityTransform: the source points coincide (degenerate landmarks)');
  const a = pa / ss;
  const b = pb / ss;
  return { a, b: -b, c: mdx - (a * msx - b * msy), d: b, e: a, f: mdy - (b * msx + a * msy) };
}

/**
 * Applies an affine map to a point.
 *
 * @example
 * ```ts
 * applyAffine({ a: 1, b: 0, c: 5, d: 0, e: 1, f: 0 }, 1, 2); // [6, 2]
 * ```
 */
export function applyAffine(m: Affine, x: number, y: number): [number, number] {
  return [m.a * x + m.b * y + m.c, m.d * x + m.e * y + m.f];
}

/** How {@link warpAffineInto} writes its output. */
export interface WarpOutput {
  /** Output side in pixels (square). */
  size: number;
  layout: InputLayout;
  /** Written value = pixel·scale + offset (default 1 and 0: 0..255). */
  scale?: number;
  offset?: number;
  /** Mirror the output horizontally (flip test-time augmentation). */
  flip?: boolean;
}

/**
 * Warps `img` by `m` (image → output coordinates) into `out` (size²·3 values),
 * sampling bilinearly; outside the image is 0 before scaling (black).
 *
 * @example
 * ```ts
 * const input = new Float32Array(3 * 112 * 112);
 * warpAffineInto(img, similarityTransform(lm, FACE_TEMPLATE_112), input, { size: 112, layout: 'nchw-rgb', scale: 1 / 127.5, offset: -1 });
 * ```
 */
export function warpAffineInto(img: RgbImage, m: Affine, out: Float32Array, o: WarpOutput): void {
  const { size } = o;
  const scale = o.scale ?? 1;
  const offset = o.offset ?? 0;
  // inverse map: output (x, y) → image (u, v)
  const det = m.a * m.e - m.b * m.d;
  if (!(Math.abs(det) > 1e-12)) throw new RangeError('warpAffineInto: the transform is singular');
  const ia = m.e / det;
  const ib = -m.b / det;
  const id = -m.d / det;
  const ie = m.a / det;
  const ic = -(ia * m.c + ib * m.f);
  const iF = -(id * m.c + ie * m.f);
  const { width: W, height: H, channels: C, data } = img;
  const { ps, cs, r, g, b } = layoutStrides(o.layout, size, C);
  const rowStride = W * C;
  for (let y = 0; y < size; y++) {
    let u = ia * (o.flip ? size - 1 : 0) + ib * y + ic;
    let v = id * (o.flip ? size - 1 : 0) + ie * y + iF;
    const du = o.flip ? -ia : ia;
    const dv = o.flip ? -id : id;
    let p = y * size * ps;
    for (let x = 0; x < size; x++, u += du, v += dv, p += ps) {
      const x0 = Math.floor(u);
      const y0 = Math.floor(v);
      const fx = u - x0;
      const fy = v - y0;
      let v0 = 0;
      let v1 = 0;
      let v2 = 0;
      if (x0 >= 0 && y0 >= 0 && x0 + 1 < W && y0 + 1 < H) {
        const i00 = y0 * rowStride + x0 * C;
        const i01 = i00 + C;
        const i10 = i00 + rowStride;
        const i11 = i10 + C;
        const w00 = (1 - fx) * (1 - fy);
        const w01 = fx * (1 - fy);
        const w10 = (1 - fx) * fy;
        const w11 = fx * fy;
        v0 = data[i00 + r]! * w00 + data[i01 + r]! * w01 + data[i10 + r]! * w10 + data[i11 + r]! * w11;
        v1 = data[i00 + g]! * w00 + data[i01 + g]! * w01 + data[i10 + g]! * w10 + data[i11 + g]! * w11;
        v2 = data[i00 + b]! * w00 + data[i01 + b]! * w01 + data[i10 + b]! * w10 + data[i11 + b]! * w11;
      } else if (x0 >= -1 && y0 >= -1 && x0 < W && y0 < H) {
        // border: taps outside the image are 0
        for (let k = 0; k < 4; k++) {
          const xx = x0 + (k & 1);
          const yy = y0 + (k >> 1);
          if (xx < 0 || yy < 0 || xx >= W || yy >= H) continue;
          const w = ((k & 1) === 1 ? fx : 1 - fx) * ((k >> 1) === 1 ? fy : 1 - fy);
          const i = yy * rowStride + xx * C;
          v0 += data[i + r]! * w;
          v1 += data[i + g]! * w;
          v2 += data[i + b]! * w;
        }
      }
      out[p] = v0 * scale + offset;
      out[p + cs] = v1 * scale + offset;
      out[p + 2 * cs] = v2 * scale + offset;
    }
  }
}

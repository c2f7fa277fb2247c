// Unit and property tests of 5-point alignment and the affine warp.
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { applyAffine, FACE_TEMPLATE_112, similarityTransform, warpAffineInto } from './align.ts';
import type { RgbImage } from './image.ts';

describe('similarityTransform', () => {
  it('recovers any rotation, scale and shift exactly (property)', () => {
    fc.assert(
      fc.property(fc.double({ min: -Math.PI, max: Math.PI, noNaN: true }), fc.double({ min: 0.2, max: 5, noNaN: true }), fc.double({ min: -300, max: 300, noNaN: true }), fc.double({ min: -300, max: 300, noNaN: true }), (th, s, tx, ty) => {
        const dst: number[] = [];
        for (let i = 0; i < 5; i++) {
          const x = FACE_TEMPLATE_112[2 * i]!;
          const y = FACE_TEMPLATE_112[2 * i + 1]!;
          dst.push(s * (Math.cos(th) * x - Math.sin(th) * y) + tx, s * (Math.sin(th) * x + Math.cos(th) * y) + ty);
        }
        const m = similarityTransform(FACE_TEMPLATE_112, dst);
        for (let i = 0; i < 5; i++) {
          const [x, y] = applyAffine(m, FACE_TEMPLATE_112[2 * i]!, FACE_TEMPLATE_112[2 * i + 1]!);
          if (Math.abs(x - dst[2 * i]!) > 1e-6 || Math.abs(y - dst[2 * i + 1]!) > 1e-6) return false;
        }
        return true;
      }),
    );
  });

  it('rejects coincident landmarks', () => {
    expect(() => similarityTransform([1, 1, 1, 1, 1, 1, 1, 1, 1, 1], FACE_TEMPLATE_112)).toThrow(/source points coincide/);
  });
});

describe('warpAffineInto', () => {
  const img: RgbImage = { width: 3, height: 2, channels: 3, data: Uint8Array.from([10, 20, 30, 40, 50, 60, 70, 80, 90, 11, 21, 31, 41, 51, 61, 71, 81, 91]) };

  it('copies pixels at identity, writes planar BGR, mirrors, scales values and leaves outside black', () => {
    const out = new Float32Array(3 * 3 * 3);
    warpAffineInto(img, { a: 1, b: 0, c: 0, d: 0, e: 1, f: 0 }, out, { size: 3, layout: 'nhwc-rgb' });
    expect(Array.from(out.slice(0, 9))).toEqual([10, 20, 30, 40, 50, 60, 70, 80, 90]);
    expect(Array.from(out.slice(18))).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0]); // row 2 is outside
    warpAffineInto(img, { a: 1, b: 0, c: 0, d: 0, e: 1, f: 0 }, out, { size: 3, layout: 'nchw-bgr', flip: true, scale: 2, offset: -1 });
    // plane 0 = blue, row 0 mirrored: pixels 2, 1, 0
    expect(Array.from(out.slice(0, 3))).toEqual([179, 119, 59]);
    expect(out[9 + 9 + 6]).toBe(-1); // red plane, outside
  });
});

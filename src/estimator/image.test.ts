// Unit tests of decoding (sharp) and the pad-to-square bilinear resize.
import { describe, it, expect } from 'vitest';
import sharp from 'sharp';
import { decodeImage, resizePaddedSquare, imageContrast, mirrorInPlace, FrameDecodeError, type RgbImage } from './image.ts';

describe('decodeImage', () => {
  it('turns 16-bit, grey+alpha and CMYK inputs into 8-bit grey or RGB', async () => {
    const base = sharp({ create: { width: 4, height: 3, channels: 3, background: { r: 200, g: 100, b: 50 } } });
    const png16 = await base.clone().toColourspace('rgb16').png().toBuffer();
    const greyA = await base.clone().greyscale().ensureAlpha().png().toBuffer();
    const cmyk = await base.clone().toColourspace('cmyk').jpeg().toBuffer();
    for (const buf of [png16, greyA, cmyk]) {
      const img = await decodeImage(buf, 'mem');
      expect([img.width, img.height]).toEqual([4, 3]);
      expect(img.data.length).toBe(4 * 3 * img.channels);
    }
    const rgb = await decodeImage(png16, 'mem');
    expect(Array.from(rgb.data.slice(0, 3))).toEqual([200, 100, 50]);
  });

  it('names the frame and the reason for empty or garbage input', async () => {
    await expect(decodeImage(new Uint8Array(0), 'cam/3.jpg')).rejects.toThrow(/cam\/3\.jpg: cannot decode image: empty input/);
    await expect(decodeImage(new Uint8Array([1, 2, 3]), 'cam/4.jpg')).rejects.toBeInstanceOf(FrameDecodeError);
    await expect(decodeImage('/nonexistent/x.png')).rejects.toThrow(/x\.png: cannot decode image: cannot read file \(ENOENT\)/);
  });
});

describe('resizePaddedSquare', () => {
  const img: RgbImage = { width: 2, height: 1, channels: 1, data: Uint8Array.from([10, 20]) };

  it('pads centred (face-api.js padToSquare) and keeps pixels at identity scale', () => {
    const out = new Float32Array(2 * 2 * 3);
    resizePaddedSquare(img, { x: 0, y: 0, width: 2, height: 1 }, true, 2, out);
    // diff 1: append round(0.5)=1 row at the bottom, prepend 0
    expect(Array.from(out)).toEqual([10, 10, 10, 20, 20, 20, 0, 0, 0, 0, 0, 0]);
    resizePaddedSquare(img, { x: 0, y: 0, width: 2, height: 1 }, false, 2, out);
    expect(Array.from(out)).toEqual([10, 10, 10, 20, 20, 20, 0, 0, 0, 0, 0, 0]);
  });

  it('interpolates bilinearly like tfjs resizeBilinear (alignCorners=false)', () => {
    const out = new Float32Array(4 * 4 * 3);
    const sq: RgbImage = { width: 2, height: 2, channels: 1, data: Uint8Array.from([0, 100, 100, 200]) };
    resizePaddedSquare(sq, { x: 0, y: 0, width: 2, height: 2 }, true, 4, out);
    const at = (x: number, y: number) => out[(y * 4 + x) * 3]!;
    expect(at(0, 0)).toBe(0);
    expect(at(1, 0)).toBe(50); // src x = 0.5
    expect(at(2, 0)).toBe(100);
    expect(at(3, 0)).toBe(100); // clamped at the edge
    expect(at(1, 1)).toBe(100);
  });

  it('treats a region outside the image as zero padding', () => {
    const out = new Float32Array(2 * 2 * 3);
    resizePaddedSquare(img, { x: -2, y: 0, width: 2, height: 2 }, true, 2, out);
    expect(out.every((v) => v === 0)).toBe(true);
  });

  it('contrast is ~0 for a blank image', () => {
    expect(imageContrast({ width: 3, height: 3, channels: 3, data: new Uint8Array(27).fill(255) })).toBe(0);
  });
});

describe('input layouts', () => {
  const img: RgbImage = { width: 2, height: 2, channels: 3, data: Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]) };

  it('writes the same pixels interleaved RGB or planar BGR, and mirrors either in place', () => {
    const nhwc = new Float32Array(12);
    const nchw = new Float32Array(12);
    const region = { x: 0, y: 0, width: 2, height: 2 };
    resizePaddedSquare(img, region, true, 2, nhwc);
    resizePaddedSquare(img, region, true, 2, nchw, 'nchw-bgr');
    expect(Array.from(nhwc)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(Array.from(nchw)).toEqual([3, 6, 9, 12, 2, 5, 8, 11, 1, 4, 7, 10]);
    mirrorInPlace(nhwc, 2, 'nhwc-rgb');
    mirrorInPlace(nchw, 2, 'nchw-bgr');
    expect(Array.from(nhwc)).toEqual([4, 5, 6, 1, 2, 3, 10, 11, 12, 7, 8, 9]);
    expect(Array.from(nchw)).toEqual([6, 3, 12, 9, 5, 2, 11, 8, 4, 1, 10, 7]);
  });
});

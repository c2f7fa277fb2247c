// Unit tests of where the expression net looks.
import { describe, it, expect } from 'vitest';
import { faceApiSquare, landmarksFromBox, rollAligned, squareAround } from './face-crop.ts';
import { applyAffine } from './align.ts';

describe('face crops', () => {
  it('squares a box about its centre, and re-frames a YuNet box for the face-api.js net', () => {
    expect(squareAround({ x: 10, y: 0, width: 20, height: 40 })).toEqual({ x: 0, y: 0, width: 40, height: 40 });
    expect(faceApiSquare({ x: 0, y: 0, width: 80, height: 100 }, { scale: 0.9, dy: 0.1 })).toEqual({ x: -5, y: 15, width: 90, height: 90 });
  });

  it('roll alignment levels the eyes and maps the square onto the output', () => {
    // eyes at (40,60) and (60,40): a 45° tilt
    const lm = [40, 60, 60, 40, ...landmarksFromBox({ x: 0, y: 0, width: 100, height: 100 }).slice(4)];
    const m = rollAligned({ x: 0, y: 0, width: 100, height: 100 }, lm, 100);
    const [, ly] = applyAffine(m, 40, 60);
    const [, ry] = applyAffine(m, 60, 40);
    expect(ly).toBeCloseTo(ry, 9);
    const [cx, cy] = applyAffine(m, 50, 50); // centre stays
    expect(cx).toBeCloseTo(50, 9);
    expect(cy).toBeCloseTo(50, 9);
    const level = rollAligned({ x: 10, y: 20, width: 50, height: 50 }, undefined, 100);
    expect(applyAffine(level, 10, 20)).toEqual([0, 0]);
    expect(applyAffine(level, 60, 70)).toEqual([100, 100]);
  });
});

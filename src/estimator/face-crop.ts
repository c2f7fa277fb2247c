/**
 * Where the expression net looks: the square crop around a face box, the square the
 * face-api.js net expects around a YuNet box, and — measured by `bench/faces.ts`,
 * not used by the shipped pipeline — the same square rotated so the eyes are level
 * (roll alignment) and an average landmark layout for a face known only by its box.
 */
import type { Region } from './image.ts';
import type { Affine } from './align.ts';

/**
 * Mean position of YuNet's 5 landmarks inside its own box, as fractions of the box
 * width/height (`[x, y] ×` right eye, left eye, nose, right and left mouth corner),
 * measured on the 309 faces YuNet 320 finds in `shared/data/faces/labelled`. Used to
 * align a face found without landmarks (fallback crops).
 *
 * @example
 * ```ts
 * MEAN_LANDMARKS_IN_BOX[0]; // right eye x: 0.274 of the box width
 * ```
 */
export const MEAN_LANDMARKS_IN_BOX: readonly number[] = [0.274, 0.372, 0.714, 0.371, 0.49, 0.589, 0.314, 0.763, 0.679, 0.761];

/**
 * The square of side max(w, h) centred on a face box (keeps more face context than
 * the net's own zero padding).
 *
 * @example
 * ```ts
 * squareAround({ x: 10, y: 0, width: 20, height: 40, score: 1 }); // { x: 0, y: 0, width: 40, height: 40 }
 * ```
 */
export function squareAround(b: Region): Region {
  const side = Math.max(b.width, b.height);
  return { x: b.x + b.width / 2 - side / 2, y: b.y + b.height / 2 - side / 2, width: side, height: side };
}

/**
 * Landmarks of an average face placed in `box` (image pixels).
 *
 * @example
 * ```ts
 * landmarksFromBox({ x: 0, y: 0, width: 100, height: 100, score: 1 }); // [27.4, 37.2, 71.4, …]
 * ```
 */
export function landmarksFromBox(box: Region): number[] {
  return MEAN_LANDMARKS_IN_BOX.map((v, i) => (i % 2 === 0 ? box.x + v * box.width : box.y + v * box.height));
}

/** How a YuNet box maps to the square crop the face-api.js net was trained on. */
export interface CropFraming {
  /** Square side as a multiple of the box's larger side. */
  scale: number;
  /** Downward shift of the square's centre, as a fraction of the box's larger side. */
  dy: number;
}

/**
 * The face-api.js framing of a YuNet box: median side ratio and centre offset between
 * the tiny detector's boxes and YuNet's on the same faces of the FIT split of
 * `shared/data/faces/labelled` (printed by `npm run bench -- faces`).
 *
 * @example
 * ```ts
 * faceApiSquare(yunetFace, YUNET_FACE_API_FRAMING);
 * ```
 */
export const YUNET_FACE_API_FRAMING: Readonly<CropFraming> = Object.freeze({ scale: 0.951, dy: 0.055 });

/**
 * The square the face-api.js net expects around a YuNet box: YuNet's boxes are taller
 * than wide and sit higher on the face than the tiny detector's (which face-api.js was
 * built with), so the square is scaled and moved down by `framing`.
 *
 * @example
 * ```ts
 * faceApiSquare(yunetFace, { scale: 0.95, dy: 0.05 });
 * ```
 */
export function faceApiSquare(face: Region, framing: CropFraming): Region {
  const big = Math.max(face.width, face.height);
  const side = big * framing.scale;
  const cx = face.x + face.width / 2;
  const cy = face.y + face.height / 2 + framing.dy * big;
  return { x: cx - side / 2, y: cy - side / 2, width: side, height: side };
}

/**
 * The map from image pixels to a `size`×`size` view of `square`, rotated about its
 * centre so that the eyes (landmarks 0 and 1) are level; without landmarks, no
 * rotation.
 *
 * @example
 * ```ts
 * warpAffineInto(img, rollAligned(faceApiSquare(face, framing), face.landmarks), net.input, { size: 112, layout: 'nhwc-rgb' });
 * ```
 */
export function rollAligned(square: Region, landmarks: readonly number[] | undefined, size = 112): Affine {
  const cx = square.x + square.width / 2;
  const cy = square.y + square.height / 2;
  const theta = landmarks && landmarks.length >= 4 ? Math.atan2(landmarks[3]! - landmarks[1]!, landmarks[2]! - landmarks[0]!) : 0;
  const k = size / square.width;
  const cos = Math.cos(theta) * k;
  const sin = Math.sin(theta) * k;
  // x' = k(cos·dx + sin·dy) + size/2, y' = k(−sin·dx + cos·dy) + size/2 with d = p − centre
  return { a: cos, b: sin, c: size / 2 - cos * cx - sin * cy, d: -sin, e: cos, f: size / 2 + sin * cx - cos * cy };
}

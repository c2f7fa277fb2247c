/**
 * The OpenCV zoo facial-expression net (MobileFaceNet backbone, "Progressive
 * Teacher", int8-quantised, Apache-2.0; trained on RAF-DB, whose terms allow research
 * use only). Measured against the shipped pipeline by `npm run bench -- faces` and
 * NOT shipped: it was not more accurate on the holdout, alone or averaged with the
 * face-api.js net, and costs 4–8× more per face (see `models/face_expression.md`).
 * The loader takes the zoo file's path.
 *
 * Input: the face aligned by its 5 landmarks onto the 112×112 template, planar RGB,
 * `(x/255 − 0.5)/0.5`. Output: 7 logits in the zoo order `angry, disgust, fearful,
 * happy, neutral, sad, surprised`, returned here in FACE_EXPRESSIONS order so
 * calibration is shared with the face-api.js net.
 */
import { loadOnnxRuntime } from './peers.ts';
import type { FaceBox } from './types.ts';
import type { RgbImage } from './image.ts';
import { FACE_TEMPLATE_112, similarityTransform, warpAffineInto } from './align.ts';
import { SESSION_OPTIONS } from './models.ts';

/**
 * File name of the model in the OpenCV zoo.
 *
 * @example
 * ```ts
 * await loadMobileFaceNet(join(zooDir, MOBILEFACENET_FILE));
 * ```
 */
export const MOBILEFACENET_FILE = 'facial_expression_recognition_mobilefacenet_2022july_int8.onnx';

/**
 * For each FACE_EXPRESSIONS class, its index in the zoo model's output.
 *
 * @example
 * ```ts
 * ZOO_CLASS_INDEX[0]; // 4: 'neutral' is the zoo's fifth output
 * ```
 */
export const ZOO_CLASS_INDEX: readonly number[] = [4, 3, 5, 0, 2, 1, 6];

/** An expression net that needs a face with 5 landmarks. */
export interface AlignedExpressionNet {
  /** Reused planar input (3·112·112), filled by {@link classify}. */
  readonly input: Float32Array;
  /**
   * Aligns `face` (must carry `landmarks`) and returns the 7 logits in
   * FACE_EXPRESSIONS order (a reused array: copy to keep). `flip` mirrors the aligned
   * face (test-time augmentation).
   */
  classify(img: RgbImage, face: FaceBox, flip?: boolean): Promise<Float32Array>;
}

/**
 * Loads the int8 MobileFaceNet expression net from the zoo file at `path`.
 *
 * @example
 * ```ts
 * const mfn = await loadMobileFaceNet('../shared/models/opencv-zoo/' + MOBILEFACENET_FILE);
 * const logits = await mfn.classify(img, yunetFace);
 * ```
 */
export async function loadMobileFaceNet(path: string): Promise<AlignedExpressionNet> {
  const ort = await loadOnnxRuntime();
  const session = await ort.InferenceSession.create(path, SESSION_OPTIONS);
  const input = new Float32Array(3 * 112 * 112);
  const feeds = { data: new ort.Tensor('float32', input, [1, 3, 112, 112]) };
  const logits = new Float32Array(7);
  return {
    input,
    async classify(img, face, flip = false) {
      if (!face.landmarks || face.landmarks.length !== 10) throw new Error('MobileFaceNet needs a face with 5 landmarks (YuNet); this face has none');
      const m = similarityTransform(face.landmarks, FACE_TEMPLATE_112);
      warpAffineInto(img, m, input, { size: 112, layout: 'nchw-rgb', scale: 1 / 127.5, offset: -1, flip });
      const r = await session.run(feeds);
      const z = r.label!.data as Float32Array;
      for (let i = 0; i < 7; i++) logits[i] = z[ZOO_CLASS_INDEX[i]!]!;
      return logits;
    },
  };
}

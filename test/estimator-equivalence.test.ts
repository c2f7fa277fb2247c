// Equivalence of the converted ONNX models with the original networks:
// face-api.js@0.22.2 on its bundled pure-JS tfjs-core (CPU) with the same weights
// and the same input tensors. Slow reference (~0.3 s expression, ~1.5 s detector at
// 224): the expression net on every scene photo, the detector on two.
import { describe, it, expect, beforeAll } from 'vitest';
import { createRequire } from 'node:module';
import { readFileSync, readdirSync } from 'node:fs';
import { decodeImage } from '../src/estimator/image.ts';
import { loadExpressionModel, loadFaceDetector, decodeDetectorGrid, type ExpressionClassifier, type TinyFaceDetector } from '../src/estimator/models.ts';
import { resizePaddedSquare } from '../src/estimator/image.ts';

const require = createRequire(import.meta.url);
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;
const faceapi: Any = require('face-api.js');
const tf: Any = faceapi.tf;
const MODEL_DIR = 'node_modules/@vladmandic/face-api/model/';
const SCENES = '../shared/data/faces/scenes/';

function weightMap(model: string): Any {
  const manifest = JSON.parse(readFileSync(`${MODEL_DIR}${model}-weights_manifest.json`, 'utf8'));
  const buf = readFileSync(`${MODEL_DIR}${model}.bin`);
  const ab = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
  return tf.io.decodeWeights(ab, manifest[0].weights);
}

let refExpr: Any;
let refDet: Any;
let expr: ExpressionClassifier;
let det: TinyFaceDetector;

beforeAll(async () => {
  tf.setBackend('cpu');
  refExpr = new faceapi.FaceExpressionNet();
  refExpr.loadFromWeightMap(weightMap('face_expression_model'));
  refDet = new faceapi.TinyFaceDetector();
  refDet.loadFromWeightMap(weightMap('tiny_face_detector_model'));
  expr = await loadExpressionModel();
  det = await loadFaceDetector(224);
});

describe('converted models match face-api.js@0.22.2 (tfjs-core CPU)', () => {
  it.each(readdirSync(SCENES).filter((f) => /\.(jpg|png)$/.test(f)).sort())('expression probabilities on %s within 1e-4, same label', async (file) => {
    const img = await decodeImage(SCENES + file);
    resizePaddedSquare(img, { x: 0, y: 0, width: img.width, height: img.height }, true, 112, expr.input);
    const t = tf.tensor4d(expr.input, [1, 112, 112, 3]);
    const refProbs: Float32Array = await refExpr.forwardInput(await faceapi.toNetInput(t)).data();
    t.dispose();
    const { probabilities } = await expr.run();
    let maxDiff = 0;
    for (let i = 0; i < 7; i++) maxDiff = Math.max(maxDiff, Math.abs(probabilities[i]! - refProbs[i]!));
    expect(maxDiff).toBeLessThanOrEqual(1e-4);
    const argmax = (a: ArrayLike<number>) => Array.from(a).indexOf(Math.max(...Array.from(a)));
    expect(argmax(probabilities)).toBe(argmax(refProbs));
  });

  it.each(['happy.jpg', 'faces.jpg'])('detector boxes on %s at 224: same boxes and scores', async (file) => {
    const img = await decodeImage(SCENES + file);
    resizePaddedSquare(img, { x: 0, y: 0, width: img.width, height: img.height }, false, 224, det.input);
    const t = tf.tensor4d(det.input, [1, 224, 224, 3]);
    const ref: Any[] = await refDet.detect(t, { inputSize: 224, scoreThreshold: 0.5 });
    t.dispose();
    const grid = await det.runGrid();
    const ours = decodeDetectorGrid(grid, 7, 224, { scoreThreshold: 0.5 });
    expect(ref.length).toBeGreaterThan(0);
    expect(ours).toHaveLength(ref.length);
    const refSorted = [...ref].sort((a, b) => b.score - a.score);
    ours.forEach((b, i) => {
      const r = refSorted[i].box;
      expect(Math.abs(b.score - refSorted[i].score)).toBeLessThan(1e-4);
      expect(Math.abs(b.x - r.x)).toBeLessThan(0.05);
      expect(Math.abs(b.y - r.y)).toBeLessThan(0.05);
      expect(Math.abs(b.width - r.width)).toBeLessThan(0.05);
      expect(Math.abs(b.height - r.height)).toBeLessThan(0.05);
    });
  });
});

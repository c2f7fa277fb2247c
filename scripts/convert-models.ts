/**
 * Converter: face-api.js weights (MIT) shipped in `@vladmandic/face-api` →
 * `models/face_expression.onnx` and `models/tiny_face_detector.onnx`; the OpenCV zoo
 * YuNet (MIT) → `models/face_detection_yunet_2023mar.onnx` with a free input size.
 * Run with `npm run convert-models [-- ZOO_DIR]` (ZOO_DIR holds the zoo files, default
 * `../shared/models/opencv-zoo`; the outputs are committed, so users never need to).
 * Deterministic: the same inputs give byte-identical files; prints sha256.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadTfWeights } from './convert/weights.ts';
import { buildExpressionNet, buildTinyFaceDetector } from './convert/nets.ts';
import { yunetWithFreeInputSize } from './convert/yunet.ts';

const SRC = 'node_modules/@vladmandic/face-api/model';
const ZOO = process.argv[2] ?? '../shared/models/opencv-zoo';
const OUT = 'models';

mkdirSync(OUT, { recursive: true });
const jobs: [string, () => Uint8Array][] = [
  ['face_expression.onnx', () => buildExpressionNet(loadTfWeights(SRC, 'face_expression_model'))],
  ['tiny_face_detector.onnx', () => buildTinyFaceDetector(loadTfWeights(SRC, 'tiny_face_detector_model'))],
  ['face_detection_yunet_2023mar.onnx', () => yunetWithFreeInputSize(readFileSync(join(ZOO, 'face_detection_yunet_2023mar.onnx')))],
];
for (const [file, build] of jobs) {
  const bytes = build();
  writeFileSync(join(OUT, file), bytes);
  process.stdout.write(`${join(OUT, file)}  ${bytes.length} bytes  sha256 ${createHash('sha256').update(bytes).digest('hex')}\n`);
}

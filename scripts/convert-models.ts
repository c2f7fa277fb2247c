/**
 * Converter: face-api.js weights (MIT) shipped in `@vladmandic/face-api` →
 * `models/face_expression.onnx` and `models/tiny_face_detector.onnx`.
 * Run with `npm run convert-models` (the outputs are committed, so users never need
 * to). Deterministic: the same weights give byte-identical files; prints sha256.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadTfWeights } from './convert/weights.ts';
import { buildExpressionNet, buildTinyFaceDetector } from './convert/nets.ts';

const SRC = 'node_modules/@vladmandic/face-api/model';
const OUT = 'models';

mkdirSync(OUT, { recursive: true });
const jobs: [string, () => Uint8Array][] = [
  ['face_expression.onnx', () => buildExpressionNet(loadTfWeights(SRC, 'face_expression_model'))],
  ['tiny_face_detector.onnx', () => buildTinyFaceDetector(loadTfWeights(SRC, 'tiny_face_detector_model'))],
];
for (const [file, build] of jobs) {
  const bytes = build();
  writeFileSync(join(OUT, file), bytes);
  process.stdout.write(`${join(OUT, file)}  ${bytes.length} bytes  sha256 ${createHash('sha256').update(bytes).digest('hex')}\n`);
}

// The converter is deterministic and the committed ONNX files are exactly what it
// produces from the face-api.js weights (no silent drift between script and models/).
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { loadTfWeights, hwioToOihw, depthwiseToOnnx } from '../scripts/convert/weights.ts';
import { buildExpressionNet, buildTinyFaceDetector } from '../scripts/convert/nets.ts';
import { yunetWithFreeInputSize } from '../scripts/convert/yunet.ts';
import { decodeImage } from '../src/estimator/image.ts';
import { loadYuNet } from '../src/estimator/yunet.ts';

const ZOO_YUNET = '../shared/models/opencv-zoo/face_detection_yunet_2023mar.onnx';

const SRC = 'node_modules/@vladmandic/face-api/model';
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

describe('convert-models', () => {
  it('rebuilds byte-identical models/*.onnx from the weights', () => {
    expect(sha(buildExpressionNet(loadTfWeights(SRC, 'face_expression_model')))).toBe(sha(readFileSync('models/face_expression.onnx')));
    expect(sha(buildTinyFaceDetector(loadTfWeights(SRC, 'tiny_face_detector_model')))).toBe(sha(readFileSync('models/tiny_face_detector.onnx')));
  });

  it('dequantises the expected parameter count', () => {
    const w = loadTfWeights(SRC, 'face_expression_model');
    let n = 0;
    for (const t of w.values()) n += t.data.length;
    expect(n).toBe(323_687);
    expect(w.get('fc/weights')!.shape).toEqual([256, 7]);
  });

  it('re-lays out TF filters for ONNX', () => {
    // HWIO [1,2,1,2]: value = 10·w + o  → OIHW [2,1,1,2]
    const hwio = { shape: [1, 2, 1, 2], data: Float32Array.from([0, 1, 10, 11]) };
    expect(Array.from(hwioToOihw(hwio).data)).toEqual([0, 10, 1, 11]);
    const dw = { shape: [1, 2, 2, 1], data: Float32Array.from([0, 1, 10, 11]) }; // [h][w][c]
    expect(depthwiseToOnnx(dw).dims).toEqual([2, 1, 1, 2]);
    expect(Array.from(depthwiseToOnnx(dw).data)).toEqual([0, 10, 1, 11]);
  });

  it('rebuilds models/face_detection_yunet_2023mar.onnx from the OpenCV zoo file, and refuses any other file', () => {
    expect(sha(yunetWithFreeInputSize(readFileSync(ZOO_YUNET)))).toBe(sha(readFileSync('models/face_detection_yunet_2023mar.onnx')));
    expect(() => yunetWithFreeInputSize(new Uint8Array([1, 2, 3]))).toThrow(/not the OpenCV zoo face_detection_yunet_2023mar\.onnx: sha256 039058c6/);
  });

  it('the free-size YuNet gives the zoo model’s faces at 640 and also runs at 320', async () => {
    const img = await decodeImage('../shared/data/faces/scenes/faces.jpg');
    const zoo = await (await loadYuNet(640, ZOO_YUNET)).detect(img);
    const ours640 = await (await loadYuNet(640)).detect(img);
    expect(ours640).toEqual(zoo);
    expect(zoo).toHaveLength(6);
    const ours320 = await (await loadYuNet(320)).detect(img);
    expect(ours320).toHaveLength(6);
    for (const f of ours320) expect(f.landmarks).toHaveLength(10);
    await expect(loadYuNet(320, ZOO_YUNET).then((d) => d.detect(img))).rejects.toThrow(/Got invalid dimensions for input: input/);
  });

  it('names a missing manifest clearly', () => {
    expect(() => loadTfWeights(SRC, 'no_such_model')).toThrow(/no_such_model-weights_manifest\.json/);
  });
});

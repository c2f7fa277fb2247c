/**
 * YuNet with a free input size: the OpenCV zoo file declares a fixed 640×640 input,
 * although its graph (convolutions, ×2 nearest `Resize` by scale, `Reshape` to
 * `[1, -1, k]`) works at any multiple of 32. This rewrites only the declared shapes —
 * input height/width become the symbolic `height`/`width`, the anchor counts of the
 * outputs become symbolic, the stale intermediate shape annotations are dropped — and
 * keeps every node and weight byte for byte. Deterministic.
 */
import { createHash } from 'node:crypto';
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

/**
 * sha256 of `face_detection_yunet_2023mar.onnx` as published in the OpenCV zoo (Git LFS oid).
 *
 * @example
 * ```ts
 * createHash('sha256').update(bytes).digest('hex') === YUNET_ZOO_SHA256;
 * ```
 */
export const YUNET_ZOO_SHA256 = '8f2383e4dd3cfbb4553ea8718107fc0423210dc964f9f4280604804ed2552fa4';

/**
 * Returns the zoo YuNet model with symbolic input height/width; throws when `bytes`
 * are not the published file.
 *
 * @example
 * ```ts
 * const free = yunetWithFreeInputSize(readFileSync('face_detection_yunet_2023mar.onnx'));
 * ```
 */
export function yunetWithFreeInputSize(bytes: Uint8Array): Uint8Array {
  const sha = createHash('sha256').update(bytes).digest('hex');
  if (sha !== YUNET_ZOO_SHA256) throw new Error(`not the OpenCV zoo face_detection_yunet_2023mar.onnx: sha256 ${sha}, expected ${YUNET_ZOO_SHA256}`);
  const model = onnx.ModelProto.decode(bytes);
  const g = model.graph!;
  const dims = g.input![0]!.type!.tensorType!.shape!.dim!;
  dims[2] = onnx.TensorShapeProto.Dimension.create({ dimParam: 'height' });
  dims[3] = onnx.TensorShapeProto.Dimension.create({ dimParam: 'width' });
  for (const out of g.output!) {
    const d = out.type!.tensorType!.shape!.dim!;
    d[1] = onnx.TensorShapeProto.Dimension.create({ dimParam: `anchors_${out.name!.split('_')[1]}` });
  }
  g.valueInfo = [];
  model.docString = 'YuNet face detector (OpenCV zoo, MIT, Copyright (c) 2021 OpenCV), face_detection_yunet_2023mar.onnx with symbolic input height/width (affect-bt scripts/convert/yunet.ts; nodes and weights unchanged). Input BGR 0..255 NCHW.';
  return onnx.ModelProto.encode(model).finish();
}

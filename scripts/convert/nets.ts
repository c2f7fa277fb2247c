/**
 * The two face-api.js networks as ONNX graphs (layouts from the face-api.js source,
 * see ../shared/notes/face-api-models.md). Both graphs take raw RGB pixels NHWC
 * float32 0..255 (already padded to square and resized) and do the mean/scale
 * normalisation themselves, so the runtime only copies bytes into a reused tensor.
 */
import { OnnxGraphBuilder } from './onnx-builder.ts';
import { depthwiseToOnnx, hwioToOihw, type TfWeight } from './weights.ts';

/** Mean RGB of the expression net's pre-processing (÷255 after). */
export const EXPRESSION_MEAN_RGB = [122.782, 117.001, 104.298] as const;
/** Mean RGB of the tiny face detector's pre-processing (÷256 after, as face-api.js@0.22.2). */
export const DETECTOR_MEAN_RGB = [117.001, 114.697, 97.404] as const;

function get(w: Map<string, TfWeight>, name: string): TfWeight {
  const t = w.get(name);
  if (!t) throw new Error(`weight '${name}' missing from the manifest; is @vladmandic/face-api the expected version (1.7.x)?`);
  return t;
}

function normaliseInput(g: OnnxGraphBuilder, input: string, mean: readonly number[], div: number, prefix: string): string {
  const m = g.init(`${prefix}/mean`, [3], [...mean]);
  const d = g.init(`${prefix}/div`, [1], [div]);
  const x = g.node('Div', [g.node('Sub', [input, m]), d]);
  return g.node('Transpose', [x], { perm: [0, 3, 1, 2] });
}

/** 3×3 depthwise (SAME_UPPER or explicit pad) then 1×1 pointwise + bias. */
function separable(g: OnnxGraphBuilder, w: Map<string, TfWeight>, x: string, prefix: string, stride: number, pad: 'same' | 'pad1'): string {
  const dw = depthwiseToOnnx(get(w, `${prefix}/depthwise_filter`));
  const pw = hwioToOihw(get(w, `${prefix}/pointwise_filter`));
  const C = dw.dims[0]!;
  const dwName = g.init(`${prefix}/depthwise`, dw.dims, dw.data);
  const pwName = g.init(`${prefix}/pointwise`, pw.dims, pw.data);
  const b = get(w, `${prefix}/bias`);
  const bName = g.init(`${prefix}/bias`, b.shape, b.data);
  const padAttr: Record<string, string | number[]> = pad === 'same' ? { auto_pad: 'SAME_UPPER' } : { pads: [1, 1, 1, 1] };
  const d = g.node('Conv', [x, dwName], { group: C, kernel_shape: [3, 3], strides: [stride, stride], ...padAttr });
  return g.node('Conv', [d, pwName, bName], { kernel_shape: [1, 1] });
}

/**
 * FaceExpressionNet: 4 dense blocks + avg pool + FC; outputs `logits` and `probabilities` [1,7].
 *
 * @example
 * ```ts
 * const bytes = buildExpressionNet(loadTfWeights(dir, 'face_expression_model'));
 * ```
 */
export function buildExpressionNet(w: Map<string, TfWeight>): Uint8Array {
  const g = new OnnxGraphBuilder('face_expression');
  let x = normaliseInput(g, g.input('image', [1, 112, 112, 3]), EXPRESSION_MEAN_RGB, 255, 'pre');
  for (let blk = 0; blk < 4; blk++) {
    const p = `dense${blk}`;
    let out1: string;
    if (blk === 0) {
      const f = hwioToOihw(get(w, `${p}/conv0/filters`));
      const b = get(w, `${p}/conv0/bias`);
      out1 = g.node('Conv', [x, g.init(`${p}/conv0/filters`, f.dims, f.data), g.init(`${p}/conv0/bias`, b.shape, b.data)], {
        kernel_shape: [3, 3],
        strides: [2, 2],
        auto_pad: 'SAME_UPPER',
      });
    } else {
      out1 = separable(g, w, x, `${p}/conv0`, 2, 'same');
    }
    out1 = g.node('Relu', [out1]);
    const out2 = separable(g, w, out1, `${p}/conv1`, 1, 'same');
    const s12 = g.node('Add', [out1, out2]);
    const out3 = separable(g, w, g.node('Relu', [s12]), `${p}/conv2`, 1, 'same');
    const s123 = g.node('Add', [s12, out3]);
    const out4 = separable(g, w, g.node('Relu', [s123]), `${p}/conv3`, 1, 'same');
    x = g.node('Relu', [g.node('Add', [s123, out4])]);
  }
  const pooled = g.node('Flatten', [g.node('AveragePool', [x], { kernel_shape: [7, 7], strides: [2, 2] })], { axis: 1 });
  const fw = get(w, 'fc/weights');
  const fb = get(w, 'fc/bias');
  g.node('Gemm', [pooled, g.init('fc/weights', fw.shape, fw.data), g.init('fc/bias', fb.shape, fb.data)], {}, 'logits');
  g.node('Softmax', ['logits'], { axis: 1 }, 'probabilities');
  g.output('logits', [1, 7]);
  g.output('probabilities', [1, 7]);
  return g.encode('face-api.js FaceExpressionNet (MIT, Vincent Mühler), converted by affect-bt. Input: RGB NHWC 0..255, 112x112, padded to square (centred). Classes: neutral,happy,sad,angry,fearful,disgusted,surprised.');
}

/**
 * TinyFaceDetector (Tiny-YOLOv2, separable convs). Input `image` [1,S,S,3] (S multiple
 * of 32), output `grid` [1,S/32,S/32,25] = 5 anchors × [x,y,w,h,score] (raw, NHWC).
 *
 * @example
 * ```ts
 * const bytes = buildTinyFaceDetector(loadTfWeights(dir, 'tiny_face_detector_model'));
 * ```
 */
export function buildTinyFaceDetector(w: Map<string, TfWeight>): Uint8Array {
  const g = new OnnxGraphBuilder('tiny_face_detector');
  let x = normaliseInput(g, g.input('image', [1, 'size', 'size', 3]), DETECTOR_MEAN_RGB, 256, 'pre');
  const f0 = hwioToOihw(get(w, 'conv0/filters'));
  const b0 = get(w, 'conv0/bias');
  x = g.node('Conv', [x, g.init('conv0/filters', f0.dims, f0.data), g.init('conv0/bias', b0.shape, b0.data)], { kernel_shape: [3, 3] });
  x = g.node('LeakyRelu', [x], { alpha: 0.1 });
  x = g.node('MaxPool', [x], { kernel_shape: [2, 2], strides: [2, 2], auto_pad: 'SAME_UPPER' });
  for (let i = 1; i <= 5; i++) {
    x = g.node('LeakyRelu', [separable(g, w, x, `conv${i}`, 1, 'pad1')], { alpha: 0.1 });
    const s = i === 5 ? 1 : 2;
    x = g.node('MaxPool', [x], { kernel_shape: [2, 2], strides: [s, s], auto_pad: 'SAME_UPPER' });
  }
  const f8 = hwioToOihw(get(w, 'conv8/filters'));
  const b8 = get(w, 'conv8/bias');
  x = g.node('Conv', [x, g.init('conv8/filters', f8.dims, f8.data), g.init('conv8/bias', b8.shape, b8.data)], { kernel_shape: [1, 1] });
  g.node('Transpose', [x], { perm: [0, 2, 3, 1] }, 'grid');
  g.output('grid', [1, 'cells', 'cells', 25]);
  return g.encode('face-api.js TinyFaceDetector (MIT, Vincent Mühler), converted by affect-bt. Input: RGB NHWC 0..255, SxS (S multiple of 32), padded to square at bottom/right. Output grid NHWC, 5 anchors x [x,y,w,h,score].');
}

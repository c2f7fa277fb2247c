/**
 * Public surface of the on-robot affect estimator. The pure fusion part (no images,
 * no ONNX) is what the simulator uses; the image pipeline, calibration and the frame
 * loop are for the CLI and the deployed estimator.
 *
 * Importing this index loads onnxruntime-node and sharp (native); code that only
 * needs the fusion (the simulator) may import `./fusion.ts` directly to stay light.
 *
 * @example
 * ```ts
 * import { createAffectFuser, NEUTRAL_CONTEXT } from './src/estimator/index.ts';
 * const fuser = createAffectFuser();
 * const out = fuser.push({ t: 0, probabilities: [1, 0, 0, 0, 0, 0, 0] }, NEUTRAL_CONTEXT);
 * ```
 */
export {
  createAffectFuser,
  valenceArousal,
  furrowedBrow,
  VA_COORDINATES,
  CONTEXT_RULES,
  NEUTRAL_CONTEXT,
  type AffectFuser,
  type AffectFuserOptions,
  type FuserObservation,
  type FuserStats,
} from './fusion.ts';
export type { FaceBox, FrameObservation, TaskContext, FusedEstimate } from './types.ts';
export { createFramePipeline, type FramePipeline, type FrameResult, type PipelineOptions, type FrameMeta, type FrameTimings } from './pipeline.ts';
export { runEstimator, listFrames, type FrameInput, type EstimatorEvent, type RunEstimatorOptions, type RunSummary } from './run.ts';
export { decodeImage, resizePaddedSquare, FrameDecodeError, type RgbImage, type Region } from './image.ts';
export { loadExpressionModel, loadFaceDetector, decodeDetectorGrid, boxIoU, MODELS_DIR, type ExpressionClassifier, type FaceDetector } from './models.ts';
export { loadCalibration, applyCalibration, fitCalibration, evaluate, splitOf, IDENTITY_CALIBRATION, type Calibration, type EvalMetrics } from './calibration.ts';
export { MainPersonTracker } from './tracker.ts';
export { readLabels, collectLogits, metricsFor, formatMetrics, type LabelledImage, type CollectedLogits } from './eval.ts';

/**
 * Public surface of the on-robot affect estimator. The pure fusion part (no images,
 * no ONNX) is what the simulator uses; the image pipeline, calibration, the frame
 * loop and the live video sources (ffmpeg, synthetic) are for the CLI and the deployed
 * estimator (docs/estimator.md).
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
export { createFramePipeline, type FramePipeline, type FrameResult, type PipelineOptions, type ResolvedPipelineOptions, type FrameMeta, type FrameTimings } from './pipeline.ts';
export { runEstimator, listFrames, type FrameInput, type EstimatorEvent, type RunEstimatorOptions, type RunSummary } from './run.ts';
export { createSyntheticSource, VideoSourceError, type FrameSource, type FrameSourceStats, type VideoFrame, type SyntheticSourceOptions } from './frame-source.ts';
export { CameraSettingsSchema, EstimatorSettingsSchema, CAMERA_DEFAULTS, ESTIMATOR_DEFAULTS, type CameraSettings, type EstimatorSettings } from './settings.ts';
export { openVideoSource, ffmpegArgs, videoInputKind, VIDEO_DEFAULTS, type VideoSourceOptions, type VideoSourceEvent, type VideoInputKind } from './ffmpeg-source.ts';
export { LoopStats, formatLoopReport, type LoopReport } from './loop-stats.ts';
export { decodeImage, resizePaddedSquare, FrameDecodeError, type RgbImage, type Region, type InputLayout } from './image.ts';
export { loadExpressionModel, loadFaceDetector, decodeDetectorGrid, boxIoU, MODELS_DIR, type ExpressionClassifier, type FaceDetector, type TinyFaceDetector } from './models.ts';
export { loadYuNet, YUNET_FILE } from './yunet.ts';
export { loadCalibration, applyCalibration, fitCalibration, evaluate, splitOf, personOf, IDENTITY_CALIBRATION, type Calibration, type EvalMetrics } from './calibration.ts';
export { wilsonInterval, clusterBootstrap, type Interval } from './intervals.ts';
export { MainPersonTracker, type TrackerOptions, type TrackUpdate, type FaceTrack } from './tracker.ts';
export { readLabels, collectLogits, metricsFor, formatMetrics, type LabelledImage, type CollectedLogits } from './eval.ts';

/**
 * The estimator process's settings as data: the `camera:` and `estimator:` sections of
 * a cell config (src/deploy/config.ts) and the defaults of the matching
 * `affect-bt estimate` flags (`--video`, `--fps`, `--loop`, `--size`,
 * `--stall-timeout-ms`, `--max-restarts`, `--ffmpeg`; `--detector`, `--detector-size`,
 * `--no-flip`, `--crop`, `--roi`, `--stats-interval-s`) come from these schemas, so a cell file
 * and the command line cannot disagree on a default.
 */
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';

/**
 * Schema of the `camera:` section: where frames come from (ffmpeg) and how they are read.
 *
 * @example
 * ```ts
 * CameraSettingsSchema.properties.stallTimeoutMs.default; // 2000
 * ```
 */
export const CameraSettingsSchema = Type.Object(
  {
    source: Type.Optional(Type.String({ minLength: 1, description: 'video FILE, DEVICE (/dev/video0) or URL (rtsp://, http:// MJPEG, udp://) decoded by ffmpeg (--video)' })),
    fps: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 240, description: "process at most this many frames per second (--fps; absent = the stream's rate)" })),
    loop: Type.Boolean({ default: false, description: 'play a file again from the start at its end (--loop); false = end of file ends the run' }),
    width: Type.Integer({ minimum: 32, maximum: 4096, default: 640, description: 'working frame width; the video is scaled to fit (--size WxH)' }),
    height: Type.Integer({ minimum: 32, maximum: 4096, default: 480, description: 'working frame height (--size WxH)' }),
    stallTimeoutMs: Type.Integer({ minimum: 100, maximum: 600_000, default: 2000, description: 'no frame for this long = stalled: report, restart ffmpeg with backoff (--stall-timeout-ms)' }),
    maxRestarts: Type.Optional(Type.Integer({ minimum: 0, description: 'give up after this many consecutive restarts without a frame (--max-restarts; absent = never)' })),
    ffmpegPath: Type.String({ minLength: 1, default: 'ffmpeg', description: 'the ffmpeg executable (--ffmpeg)' }),
    inputArgs: Type.Array(Type.String(), { default: [], description: 'extra ffmpeg input options, e.g. ["-input_format", "mjpeg", "-video_size", "1280x720"] for a camera' }),
  },
  { additionalProperties: false, default: {} },
);

/**
 * Schema of the `estimator:` section: detector and expression-net options, stats.
 *
 * @example
 * ```ts
 * EstimatorSettingsSchema.properties.detector.default; // 'yunet'
 * ```
 */
export const EstimatorSettingsSchema = Type.Object(
  {
    detector: Type.Union([Type.Literal('yunet'), Type.Literal('tiny')], { default: 'yunet', description: 'face detector: yunet (5 landmarks, small faces) or tiny (face-api.js) (--detector)' }),
    detectorSize: Type.Optional(Type.Integer({ minimum: 64, maximum: 1024, multipleOf: 32, description: 'detector input size, a multiple of 32 (--detector-size; absent = 320 yunet, 224 tiny)' })),
    flip: Type.Boolean({ default: true, description: 'average the expression net over the mirrored face (--no-flip = false)' }),
    crop: Type.Optional(Type.Union([Type.Literal('auto'), Type.Literal('detect'), Type.Literal('whole')], { description: 'face crop: detect, auto (zoom-out, whole-image fallback) or whole (--crop; absent = detect for video, auto for images)' })),
    roi: Type.Optional(
      Type.Object(
        {
          x: Type.Number({ description: 'left edge, source-image pixels' }),
          y: Type.Number({ description: 'top edge, source-image pixels' }),
          width: Type.Number({ exclusiveMinimum: 0, description: 'width, source-image pixels' }),
          height: Type.Number({ exclusiveMinimum: 0, description: 'height, source-image pixels' }),
        },
        { additionalProperties: false, description: 'only a face centred in this region of the camera image is the person at the handover (--roi X,Y,W,H; absent = the largest face)' },
      ),
    ),
    scoreThreshold: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 1, description: 'detector score threshold (absent = 0.6 yunet, 0.5 tiny)' })),
    trackTimeoutMs: Type.Optional(Type.Integer({ minimum: 0, maximum: 60_000, description: 'a face unseen this long ends its track (absent = 1000)' })),
    statsIntervalS: Type.Number({ minimum: 0, maximum: 86_400, default: 10, description: 'video: a stats line on stderr every this many seconds, 0 = only at the end (--stats-interval-s)' }),
  },
  { additionalProperties: false, default: {} },
);

/**
 * A validated `camera:` section.
 *
 * @example
 * ```ts
 * const c: CameraSettings = { ...CAMERA_DEFAULTS, source: '/dev/video0' };
 * ```
 */
export type CameraSettings = Static<typeof CameraSettingsSchema>;

/**
 * A validated `estimator:` section.
 *
 * @example
 * ```ts
 * const e: EstimatorSettings = { ...ESTIMATOR_DEFAULTS, detector: 'tiny' };
 * ```
 */
export type EstimatorSettings = Static<typeof EstimatorSettingsSchema>;

/**
 * Defaults of the `camera:` section (and of the video flags).
 *
 * @example
 * ```ts
 * CAMERA_DEFAULTS.width; // 640
 * ```
 */
export const CAMERA_DEFAULTS: Readonly<CameraSettings> = Object.freeze(Value.Default(CameraSettingsSchema, {}) as CameraSettings);

/**
 * Defaults of the `estimator:` section (and of the detector flags).
 *
 * @example
 * ```ts
 * ESTIMATOR_DEFAULTS.statsIntervalS; // 10
 * ```
 */
export const ESTIMATOR_DEFAULTS: Readonly<EstimatorSettings> = Object.freeze(Value.Default(EstimatorSettingsSchema, {}) as EstimatorSettings);

/**
 * The affect estimate: the one data shape shared by the estimator (producer), the
 * VLM escalation (refiner), the MQTT `affect` topic, the blackboard and the affect
 * nodes (consumers). Defined once as a TypeBox schema, from which come the JSON Schema
 * used for validation, the TypeScript type, and the docs (types as data).
 *
 * Field names follow ROS4HRI `hri_msgs/Expression` where they overlap (`expression`,
 * `valence`, `arousal`, `confidence`); affect-bt adds `humanId`, `frustration`,
 * `source`, `maxAgeMs`, `observedAt` and optional `cues`.
 */
import { Type, type Static } from '@sinclair/typebox';

/** The seven classes of the face-api.js expression model, in the model's output order. */
export const FACE_EXPRESSIONS = ['neutral', 'happy', 'sad', 'angry', 'fearful', 'disgusted', 'surprised'] as const;
/** A face-model class. */
export type FaceExpression = (typeof FACE_EXPRESSIONS)[number];

/**
 * Expression labels on the wire: the face classes plus the collaboration states a
 * context-aware estimator or the VLM can name, and `unknown`.
 */
export const EXPRESSION_LABELS = [...FACE_EXPRESSIONS, 'frustrated', 'focused', 'confused', 'bored', 'unknown'] as const;
/** An expression label on the wire. */
export type ExpressionLabel = (typeof EXPRESSION_LABELS)[number];

/** Upper bound of `maxAgeMs` accepted on the wire (10 min). */
export const MAX_AFFECT_AGE_MS = 600_000;

const Unit = (description: string) => Type.Number({ minimum: 0, maximum: 1, description });
const Signed = (description: string) => Type.Number({ minimum: -1, maximum: 1, description });

/** Observable cues behind an estimate (all optional). */
export const AffectCuesSchema = Type.Object(
  {
    probabilities: Type.Optional(
      Type.Array(Type.Number({ minimum: 0, maximum: 1 }), {
        minItems: 7,
        maxItems: 7,
        description: 'face-model class probabilities in FACE_EXPRESSIONS order',
      }),
    ),
    furrowedBrow: Type.Optional(Unit('strength of a frown / furrowed brow (angry+disgusted+sad evidence), 0..1')),
    workingOnTask: Type.Optional(Type.Boolean({ description: 'the person is busy with a task of their own (concentration context)' })),
    fingerDrumming: Type.Optional(Type.Boolean({ description: 'impatience cue' })),
    sighing: Type.Optional(Type.Boolean({ description: 'impatience / exasperation cue' })),
    gazeAway: Type.Optional(Type.Boolean({ description: 'looking away from the robot' })),
    burst: Type.Optional(
      Type.Object(
        {
          expression: Type.Union(FACE_EXPRESSIONS.map((e) => Type.Literal(e))),
          durationMs: Type.Number({ minimum: 0, maximum: 5000 }),
        },
        { additionalProperties: false, description: 'a short (0.25–0.5 s) expression burst seen in the dense frames' },
      ),
    ),
  },
  { additionalProperties: false },
);
/** Observable cues behind an estimate. */
export type AffectCues = Static<typeof AffectCuesSchema>;

/** One person's affect estimate. */
export const AffectEstimateSchema = Type.Object(
  {
    humanId: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_.:-]+$', description: 'stable id of the tracked person' }),
    expression: Type.Union(EXPRESSION_LABELS.map((e) => Type.Literal(e)), { description: 'dominant expression label' }),
    valence: Signed('ROS4HRI valence, -1 (negative) .. 1 (positive)'),
    arousal: Signed('ROS4HRI arousal, -1 (calm) .. 1 (excited)'),
    confidence: Unit('calibrated probability that `expression` is right'),
    frustration: Unit('frustration level from persistence of negative aroused states plus context'),
    source: Type.Union([Type.Literal('local'), Type.Literal('vlm')], { description: 'on-robot estimator or cloud VLM' }),
    maxAgeMs: Type.Integer({ minimum: 0, maximum: MAX_AFFECT_AGE_MS, description: 'older than this it must be treated as unknown' }),
    observedAt: Type.String({ format: 'date-time', description: 'ISO 8601 UTC time of the frame(s) the estimate is about' }),
    cues: Type.Optional(AffectCuesSchema),
  },
  { additionalProperties: false },
);
/** One person's affect estimate. */
export type AffectEstimate = Static<typeof AffectEstimateSchema>;

/**
 * Blackboard key under which the latest estimate for a person is stored
 * (`affect/<humanId>`); the MQTT bridge and the simulator write it, `PerceiveAffect`
 * reads it.
 *
 * @example
 * ```ts
 * affectKey('h1'); // 'affect/h1'
 * ```
 */
export function affectKey(humanId: string): string {
  return `affect/${humanId}`;
}

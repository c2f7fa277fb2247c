/**
 * The VLM's answer as data: one TypeBox schema gives the JSON Schema sent to Gemini
 * (`responseJsonSchema`, so the model is constrained to it), the Ajv validator run on
 * the answer before anything uses it (the model may still violate it), and the
 * TypeScript type. The label set is the wire `EXPRESSION_LABELS` without `unknown`,
 * plus `uncertain`, which the prompt explicitly allows (an honest "can't tell" is
 * better than a forced common label — the long-tail bias this module works against).
 */
import { Type, type Static } from '@sinclair/typebox';
import { Ajv } from 'ajv';
import { EXPRESSION_LABELS, type ExpressionLabel } from '../contract/affect.ts';

/**
 * Labels the VLM may answer with.
 *
 * @example
 * ```ts
 * VLM_LABELS.includes('uncertain'); // true
 * ```
 */
export const VLM_LABELS = [...EXPRESSION_LABELS.filter((l) => l !== 'unknown'), 'uncertain'] as const;
/** A label the VLM may answer with. */
export type VlmLabel = Exclude<ExpressionLabel, 'unknown'> | 'uncertain';

const LabelEnum = (description: string) => Type.Unsafe<VlmLabel>({ type: 'string', enum: [...VLM_LABELS], description });

/**
 * The answer schema (also sent to Gemini as `responseJsonSchema`).
 *
 * @example
 * ```ts
 * const answer: VlmAnswer = { label: 'focused', valence: 0.1, arousal: 0.2, frustration: 0.1, confidence: 0.8 };
 * ```
 */
export const VlmAnswerSchema = Type.Object(
  {
    label: LabelEnum('dominant affective state of the person; "uncertain" if the evidence does not support one'),
    valence: Type.Number({ minimum: -1, maximum: 1, description: 'valence, -1 negative .. 1 positive' }),
    arousal: Type.Number({ minimum: -1, maximum: 1, description: 'arousal, -1 calm .. 1 excited' }),
    frustration: Type.Number({ minimum: 0, maximum: 1, description: 'frustration with the robot/task, 0..1' }),
    confidence: Type.Number({ minimum: 0, maximum: 1, description: 'probability that label is right, 0..1' }),
    alternatives: Type.Optional(
      Type.Array(
        Type.Object(
          { label: LabelEnum('an alternative label'), p: Type.Number({ minimum: 0, maximum: 1, description: 'its probability' }) },
          { additionalProperties: false },
        ),
        { maxItems: 3, description: 'up to three runner-up labels with probabilities' },
      ),
    ),
    rationale: Type.Optional(Type.String({ maxLength: 400, description: 'one short sentence: the evidence used' })),
  },
  { additionalProperties: false },
);
/** A validated VLM answer. */
export type VlmAnswer = Static<typeof VlmAnswerSchema>;

/**
 * The schema as plain JSON (TypeBox's symbol keys dropped), exactly as sent.
 *
 * @example
 * ```ts
 * const cfg = { responseMimeType: 'application/json', responseJsonSchema: vlmAnswerJsonSchema() };
 * ```
 */
export function vlmAnswerJsonSchema(): Record<string, unknown> {
  return JSON.parse(JSON.stringify(VlmAnswerSchema)) as Record<string, unknown>;
}

const ajv = new Ajv({ allErrors: true, strict: false });
const validate = ajv.compile<VlmAnswer>(vlmAnswerJsonSchema());

/** Result of {@link parseVlmAnswer}. */
export type ParsedAnswer = { ok: true; answer: VlmAnswer } | { ok: false; kind: 'invalid_json' | 'schema'; message: string };

/**
 * Parses and validates the model's text. Never throws.
 *
 * @example
 * ```ts
 * parseVlmAnswer('{"label":"focused","valence":0,"arousal":0.2,"frustration":0.1,"confidence":0.8}'); // { ok: true, … }
 * parseVlmAnswer('I think they are happy'); // { ok: false, kind: 'invalid_json', … }
 * ```
 */
export function parseVlmAnswer(text: string): ParsedAnswer {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    return { ok: false, kind: 'invalid_json', message: `VLM answer is not JSON (${(e as Error).message}); got ${preview(text)}` };
  }
  if (!validate(data)) {
    const why = (validate.errors ?? []).map((er) => `${er.instancePath || '/'} ${er.message}`).join('; ');
    return { ok: false, kind: 'schema', message: `VLM answer violates the answer schema: ${why}; got ${preview(text)}` };
  }
  return { ok: true, answer: data };
}

function preview(text: string): string {
  const t = text.length > 120 ? `${text.slice(0, 120)}…` : text;
  return JSON.stringify(t);
}

/**
 * The Gemini wire format of a VLM request, without loading the SDK: the exact
 * `generateContent` parameters (also what `--dry-run` prints) and the REST body the
 * SDK sends for them. Kept apart from the provider so a dry run and the CLI never pay
 * the ~0.6 s it takes to load `@google/genai` (only types are imported here).
 */
import type { GenerateContentParameters, Part } from '@google/genai';
import { vlmAnswerJsonSchema } from './schema.ts';
import type { VlmRequest } from './types.ts';

/**
 * Default model: cheap, fast, multimodal.
 *
 * @example
 * ```ts
 * new GeminiProvider({ apiKey, model: DEFAULT_GEMINI_MODEL });
 * ```
 */
export const DEFAULT_GEMINI_MODEL = 'gemini-2.5-flash';

/** Generation settings that shape the request. */
export interface GenerationOptions {
  /** Sampling temperature (default 0: repeatable answers, cache-friendly). */
  temperature?: number;
  /** Output token cap (default 256; the answer is ~60 tokens). */
  maxOutputTokens?: number;
  /** Thinking budget for 2.5 models (default 0: thinking tokens are billed as output). */
  thinkingBudget?: number;
}

/**
 * Builds the exact `generateContent` parameters for a request (used by the provider
 * and by `--dry-run`, so what is printed is what would be sent).
 *
 * @example
 * ```ts
 * const params = buildGenerateContentParams(request, 'gemini-2.5-flash');
 * params.config.responseMimeType; // 'application/json'
 * ```
 */
export function buildGenerateContentParams(
  request: VlmRequest,
  model: string,
  opts: GenerationOptions = {},
): GenerateContentParameters & { config: NonNullable<GenerateContentParameters['config']> } {
  const parts: Part[] = [{ text: request.instruction }, { text: request.context }, { text: request.summary }];
  // Keyframes are named by position and time only: no local file paths leave the robot.
  const n = request.keyframes.length;
  for (let i = 0; i < n; i++) {
    const k = request.keyframes[i]!;
    parts.push({ text: `Keyframe ${i + 1} of ${n}, at ${fmtOffset(k.offsetMs)} from the ambiguous moment:` });
    parts.push({ inlineData: { mimeType: k.mimeType, data: k.data } });
  }
  const config: NonNullable<GenerateContentParameters['config']> = {
    responseMimeType: 'application/json',
    responseJsonSchema: vlmAnswerJsonSchema(),
    temperature: opts.temperature ?? 0,
    maxOutputTokens: opts.maxOutputTokens ?? 256,
  };
  // 2.5 Flash models can switch thinking off (Pro cannot); thinking tokens bill as output.
  if (/2\.5-flash/.test(model)) config.thinkingConfig = { thinkingBudget: opts.thinkingBudget ?? 0 };
  return { model, contents: [{ role: 'user', parts }], config };
}

/**
 * The REST body the SDK sends for these parameters (Gemini API wire names), for
 * dry-run printing and docs.
 *
 * @example
 * ```ts
 * const body = restBody(buildGenerateContentParams(req, 'gemini-2.5-flash'));
 * // { contents: [...], generationConfig: { responseMimeType: 'application/json', … } }
 * ```
 */
export function restBody(params: ReturnType<typeof buildGenerateContentParams>): Record<string, unknown> {
  const { abortSignal: _a, httpOptions: _h, ...generationConfig } = params.config;
  return { contents: params.contents, generationConfig };
}

function fmtOffset(ms: number): string {
  const s = (ms / 1000).toFixed(2);
  return ms >= 0 ? `+${s} s` : `${s} s`;
}


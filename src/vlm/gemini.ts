/**
 * Gemini provider on the official `@google/genai` SDK. It turns a `VlmRequest` into
 * one `generateContent` call (instruction + context + dense summary as text parts,
 * keyframes as `inlineData` JPEG parts, structured output via `responseMimeType:
 * application/json` + `responseJsonSchema`), validates the answer with Ajv before
 * returning it, and records token usage and latency.
 *
 * Retries are the SDK's own (`httpOptions.retryOptions`: 429/5xx/network, a small
 * bounded number of attempts, short backoff); the escalator's AbortSignal bounds the
 * whole call including retries. Errors come out as a typed `VlmError` so the
 * escalator can count them and drive its circuit breaker.
 *
 * No key → {@link geminiFromEnv} returns `null` and escalation is simply off.
 */
import { GoogleGenAI, type GenerateContentParameters, type Part } from '@google/genai';
import { parseVlmAnswer, vlmAnswerJsonSchema } from './schema.ts';
import { VlmError, type VlmProvider, type VlmRequest, type VlmVerdict } from './types.ts';

/** Default model: cheap, fast, multimodal. */
export const DEFAULT_GEMINI_MODEL = 'gemini-2.5-flash';

/** Gemini provider options. */
export interface GeminiOptions {
  apiKey: string;
  /** Model name (default {@link DEFAULT_GEMINI_MODEL}). */
  model?: string;
  /** Endpoint override (a proxy, or the test server), passed as `httpOptions.baseUrl`. */
  baseUrl?: string;
  /** Total attempts per call including the first (default 2: one retry on 429/5xx/network). */
  attempts?: number;
  /** First retry delay, seconds (default 0.5). */
  initialRetryDelaySec?: number;
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
  opts: Pick<GeminiOptions, 'temperature' | 'maxOutputTokens' | 'thinkingBudget'> = {},
): GenerateContentParameters & { config: NonNullable<GenerateContentParameters['config']> } {
  const parts: Part[] = [{ text: request.instruction }, { text: request.context }, { text: request.summary }];
  for (const k of request.keyframes) {
    parts.push({ text: `Keyframe ${k.frameId} at ${fmtOffset(k.offsetMs)} from the ambiguous moment:` });
    parts.push({ inlineData: { mimeType: k.mimeType, data: k.data } });
  }
  const config: NonNullable<GenerateContentParameters['config']> = {
    responseMimeType: 'application/json',
    responseJsonSchema: vlmAnswerJsonSchema(),
    temperature: opts.temperature ?? 0,
    maxOutputTokens: opts.maxOutputTokens ?? 256,
  };
  if (/2\.5/.test(model)) config.thinkingConfig = { thinkingBudget: opts.thinkingBudget ?? 0 };
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

/**
 * A {@link VlmProvider} backed by Gemini.
 *
 * @example
 * ```ts
 * const gemini = new GeminiProvider({ apiKey: process.env.GEMINI_API_KEY!, model: 'gemini-2.5-flash' });
 * const verdict = await gemini.analyse(request, AbortSignal.timeout(8000));
 * ```
 */
export class GeminiProvider implements VlmProvider {
  readonly name = 'gemini';
  readonly model: string;
  private readonly ai: GoogleGenAI;
  private readonly opts: GeminiOptions;

  constructor(opts: GeminiOptions) {
    if (!opts.apiKey) throw new Error('GeminiProvider: apiKey is empty; set GEMINI_API_KEY (or GOOGLE_API_KEY), or leave escalation off');
    this.opts = opts;
    this.model = opts.model ?? DEFAULT_GEMINI_MODEL;
    const attempts = Math.max(1, Math.floor(opts.attempts ?? 2));
    this.ai = new GoogleGenAI({
      apiKey: opts.apiKey,
      httpOptions: {
        ...(opts.baseUrl ? { baseUrl: opts.baseUrl } : {}),
        retryOptions: { attempts, initialDelay: opts.initialRetryDelaySec ?? 0.5, maxDelay: 4, httpStatusCodes: [408, 429, 500, 502, 503, 504] },
      },
    });
  }

  async analyse(request: VlmRequest, signal: AbortSignal): Promise<VlmVerdict> {
    const params = buildGenerateContentParams(request, this.model, this.opts);
    params.config.abortSignal = signal;
    const t0 = performance.now();
    let text: string | undefined;
    let usage = { inputTokens: 0, outputTokens: 0 };
    try {
      const res = await this.ai.models.generateContent(params);
      const u = res.usageMetadata;
      usage = {
        inputTokens: u?.promptTokenCount ?? 0,
        outputTokens: (u?.candidatesTokenCount ?? 0) + (u?.thoughtsTokenCount ?? 0),
      };
      text = res.text;
    } catch (e) {
      throw classify(e, signal, performance.now() - t0);
    }
    const latencyMs = performance.now() - t0;
    if (text === undefined || text.trim() === '') {
      throw new VlmError('empty', `gemini ${this.model}: answer has no text part (blocked or no candidates)`, undefined, usage, latencyMs);
    }
    const parsed = parseVlmAnswer(text);
    if (!parsed.ok) throw new VlmError(parsed.kind, `gemini ${this.model}: ${parsed.message}`, undefined, usage, latencyMs);
    return { answer: parsed.answer, usage, latencyMs, model: this.model };
  }
}

function classify(e: unknown, signal: AbortSignal, latencyMs: number): VlmError {
  const err = e as { name?: string; status?: number; message?: string; cause?: { code?: string } };
  if (signal.aborted) {
    const reason = signal.reason as { name?: string } | undefined;
    const timeout = reason?.name === 'TimeoutError';
    return new VlmError(timeout ? 'timeout' : 'aborted', `gemini: call ${timeout ? 'timed out' : 'aborted'} after ${Math.round(latencyMs)} ms`, undefined, undefined, latencyMs);
  }
  if (typeof err?.status === 'number') {
    const s = err.status;
    const kind = s === 429 ? 'rate_limited' : s >= 500 ? 'server' : 'http';
    const hint = s === 400 || s === 403 ? ' (check the API key and model name)' : s === 429 ? ' (quota; lower vlm calls/min)' : '';
    return new VlmError(kind, `gemini: HTTP ${s}${hint}: ${String(err.message).slice(0, 200)}`, s, undefined, latencyMs);
  }
  const code = err?.cause?.code ? ` (${err.cause.code})` : '';
  return new VlmError('network', `gemini: network error${code}: ${err?.message ?? String(e)}; check --vlm-base-url / connectivity`, undefined, undefined, latencyMs);
}

function fmtOffset(ms: number): string {
  const s = (ms / 1000).toFixed(2);
  return ms >= 0 ? `+${s} s` : `${s} s`;
}

/**
 * Creates the Gemini provider from the environment: `GEMINI_API_KEY`, else
 * `GOOGLE_API_KEY`. Returns `null` when neither is set — escalation is then off and
 * everything else works (offline first).
 *
 * @example
 * ```ts
 * const provider = geminiFromEnv(process.env, { model: 'gemini-2.5-flash' }); // null without a key
 * ```
 */
export function geminiFromEnv(env: NodeJS.ProcessEnv, opts: Omit<GeminiOptions, 'apiKey'> = {}): GeminiProvider | null {
  const apiKey = env.GEMINI_API_KEY || env.GOOGLE_API_KEY;
  if (!apiKey) return null;
  return new GeminiProvider({ ...opts, apiKey });
}

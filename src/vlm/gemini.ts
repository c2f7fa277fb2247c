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
import { GoogleGenAI } from '@google/genai';
import { parseVlmAnswer } from './schema.ts';
import { buildGenerateContentParams, DEFAULT_GEMINI_MODEL, type GenerationOptions } from './wire.ts';
import { VlmError, type VlmProvider, type VlmRequest, type VlmVerdict } from './types.ts';

export { buildGenerateContentParams, restBody, DEFAULT_GEMINI_MODEL } from './wire.ts';

/** Gemini provider options. */
export interface GeminiOptions extends GenerationOptions {
  apiKey: string;
  /** Model name (default {@link DEFAULT_GEMINI_MODEL}). */
  model?: string;
  /** Endpoint override (a proxy, or the test server), passed as `httpOptions.baseUrl`. */
  baseUrl?: string;
  /** Total attempts per call including the first (default 2: one retry on 429/5xx/network). */
  attempts?: number;
  /** First retry delay, seconds (default 0.5). */
  initialRetryDelaySec?: number;
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
    const retry = /"retryDelay"\s*:\s*"(\d+(?:\.\d+)?)s"/.exec(String(err.message));
    const retryAfterMs = retry ? Math.round(Number(retry[1]) * 1000) : undefined;
    return new VlmError(kind, `gemini: HTTP ${s}${hint}: ${String(err.message).slice(0, 200)}`, s, undefined, latencyMs, retryAfterMs);
  }
  const code = err?.cause?.code ? ` (${err.cause.code})` : '';
  return new VlmError('network', `gemini: network error${code}: ${err?.message ?? String(e)}; check --vlm-base-url / connectivity`, undefined, undefined, latencyMs);
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

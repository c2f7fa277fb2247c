/**
 * The VLM escalation's data shapes and the provider interface. The interface is the
 * I/O boundary: the escalator, policy and merging only see `VlmProvider`, so they run
 * (and are tested) without a network, and another cloud model can be plugged in by
 * implementing one method.
 */
import type { VlmAnswer } from './schema.ts';

/** Why a moment was escalated (several can hold at once). */
export type TriggerKind = 'low_confidence' | 'context_conflict' | 'rare_label' | 'task_failure';

/** One downscaled keyframe sent inline. */
export interface VlmKeyframe {
  frameId: string;
  /** Frame time, epoch ms. */
  t: number;
  /** Offset from the ambiguous moment, ms (negative = before). */
  offsetMs: number;
  mimeType: 'image/jpeg';
  /** JPEG bytes, base64. */
  data: string;
  width: number;
  height: number;
}

/** Everything a provider needs to judge one ambiguous moment. */
export interface VlmRequest {
  humanId: string;
  /** The local estimate this request is about (the ambiguous moment). */
  about: { t: number; index: number; frameId: string };
  triggers: TriggerKind[];
  /** Instruction text (fixed per prompt version). */
  instruction: string;
  /** Text summary of the dense per-frame estimates between the keyframes. */
  summary: string;
  /** Text summary of the task context. */
  context: string;
  keyframes: VlmKeyframe[];
  /** Key of the scene for the cache: equal scenes give equal keys. */
  sceneKey: string;
  /** Rough input-token estimate (258 per image + ~1 per 4 characters of text), for the budget pre-check. */
  estimatedInputTokens: number;
}

/** Token usage of one call. */
export interface VlmUsage {
  inputTokens: number;
  outputTokens: number;
}

/** A validated answer plus what it cost. */
export interface VlmVerdict {
  answer: VlmAnswer;
  usage: VlmUsage;
  latencyMs: number;
  model: string;
}

/** How a call failed (drives counters and the circuit breaker). */
export type VlmErrorKind =
  | 'invalid_json' // the model's text was not JSON
  | 'schema' // JSON, but it violates the answer schema
  | 'empty' // no text part (safety block, no candidates)
  | 'rate_limited' // HTTP 429 after the allowed retries
  | 'server' // HTTP 5xx after the allowed retries
  | 'http' // any other HTTP error (4xx: bad key, bad model…)
  | 'timeout' // our deadline aborted the call
  | 'aborted' // the caller aborted (shutdown)
  | 'network'; // connection refused / reset / DNS

/**
 * A failed provider call with its kind, HTTP status when there was one, and the
 * usage when the model answered (an invalid answer still costs tokens).
 *
 * @example
 * ```ts
 * try { await provider.analyse(req, signal); }
 * catch (e) { if (e instanceof VlmError && e.kind === 'schema') invalidAnswers++; }
 * ```
 */
export class VlmError extends Error {
  constructor(
    readonly kind: VlmErrorKind,
    message: string,
    readonly status?: number,
    readonly usage?: VlmUsage,
    readonly latencyMs?: number,
    /** Server-requested back-off (HTTP 429 RetryInfo `retryDelay`), ms. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'VlmError';
  }
}

/**
 * A cloud vision-language model that judges one ambiguous moment.
 * Implementations must honour `signal` (abort promptly) and throw {@link VlmError}.
 *
 * @example
 * ```ts
 * const provider: VlmProvider = { name: 'stub', model: 'x', async analyse() { return verdict; } };
 * ```
 */
export interface VlmProvider {
  readonly name: string;
  readonly model: string;
  analyse(request: VlmRequest, signal: AbortSignal): Promise<VlmVerdict>;
}

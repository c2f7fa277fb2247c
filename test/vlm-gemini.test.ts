/**
 * The real `@google/genai` client against a local server that speaks Gemini's
 * generateContent REST API: every failure mode ends in the documented behaviour.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { composeRequest } from '../src/vlm/compose.ts';
import { GeminiProvider } from '../src/vlm/gemini.ts';
import { vlmAnswerJsonSchema } from '../src/vlm/schema.ts';
import { syntheticFrameSource } from '../src/vlm/synthetic.ts';
import { VlmError, type VlmRequest } from '../src/vlm/types.ts';
import { DEFAULT_ANSWER, refusedBaseUrl, startFakeGeminiServer, type FakeGeminiServer } from './support/fake-gemini-server.ts';
import { ambiguousFrames, escalateOnce, testEscalator } from './support/vlm-fixtures.ts';

let srv: FakeGeminiServer;
let request: VlmRequest;
const frames = ambiguousFrames();

function provider(baseUrl = srv.baseUrl): GeminiProvider {
  return new GeminiProvider({ apiKey: 'test-key', baseUrl, model: 'gemini-2.5-flash', attempts: 2, initialRetryDelaySec: 0.01 });
}

async function failure(p: Promise<unknown>): Promise<VlmError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof VlmError) return e;
    throw e;
  }
  throw new Error('expected the call to fail');
}

beforeAll(async () => {
  srv = await startFakeGeminiServer();
  const window = frames.map((f) => f.fused);
  request = await composeRequest(
    { humanId: 'h1', window, moment: window[window.length - 1]!, context: frames[frames.length - 1]!.context, triggers: ['low_confidence', 'context_conflict', 'task_failure'] },
    syntheticFrameSource(),
  );
});
afterAll(async () => srv.close());
beforeEach(() => {
  srv.requests.length = 0;
  srv.setFallback({ kind: 'answer', answer: DEFAULT_ANSWER });
});

describe('GeminiProvider on the real SDK', () => {
  it('valid answer → verdict with usage and latency', async () => {
    srv.script({ kind: 'answer', answer: DEFAULT_ANSWER, usage: { promptTokenCount: 1500, candidatesTokenCount: 70 } });
    const v = await provider().analyse(request, new AbortController().signal);
    expect(v.answer).toEqual(DEFAULT_ANSWER);
    expect(v.usage).toEqual({ inputTokens: 1500, outputTokens: 70 });
    expect(v.latencyMs).toBeGreaterThan(0);
    expect(v.model).toBe('gemini-2.5-flash');
    expect(srv.requests).toHaveLength(1);
  });

  it('sends keyframes as inline JPEG images, the dense summary, the context and the JSON schema', async () => {
    await provider().analyse(request, new AbortController().signal);
    const r = srv.requests[0]!;
    expect(r.path).toBe('/v1beta/models/gemini-2.5-flash:generateContent');
    expect(r.headers['x-goog-api-key']).toBe('test-key');
    const parts = r.body.contents[0].parts as { text?: string; inlineData?: { mimeType: string; data: string } }[];
    const images = parts.filter((p) => p.inlineData);
    expect(images.length).toBe(3);
    for (const img of images) {
      expect(img.inlineData!.mimeType).toBe('image/jpeg');
      const bytes = Buffer.from(img.inlineData!.data, 'base64');
      expect([bytes[0], bytes[1]]).toEqual([0xff, 0xd8]); // JPEG SOI
    }
    const text = parts.map((p) => p.text ?? '').join('\n');
    expect(text).toContain('Dense on-robot estimates');
    expect(text).toContain('Label segments:');
    expect(text).toContain('Valence every 0.25 s');
    expect(text).toContain('last robot-to-human handover: drop 0.50 s before t=0');
    expect(text).toContain('"uncertain"');
    expect(r.body.generationConfig.responseMimeType).toBe('application/json');
    expect(r.body.generationConfig.responseJsonSchema).toEqual(vlmAnswerJsonSchema());
    expect(r.body.generationConfig.temperature).toBe(0);
  });

  it('schema-violating answer → rejected as "schema", tokens still reported', async () => {
    srv.script({ kind: 'answer', answer: { label: 'ecstatic', valence: 5, arousal: 0, frustration: 0, confidence: 0.9 } });
    const e = await failure(provider().analyse(request, new AbortController().signal));
    expect(e.kind).toBe('schema');
    expect(e.message).toContain('violates the answer schema');
    expect(e.usage).toEqual({ inputTokens: 1200, outputTokens: 60 });
  });

  it('non-JSON text → rejected as "invalid_json"', async () => {
    srv.script({ kind: 'answer', answer: 'They seem a bit annoyed, maybe.' });
    const e = await failure(provider().analyse(request, new AbortController().signal));
    expect(e.kind).toBe('invalid_json');
    expect(e.message).toContain('They seem a bit annoyed');
  });

  it('HTTP 429 once → retried by the SDK within the attempt limit, then the verdict', async () => {
    srv.script({ kind: 'status', status: 429 }, { kind: 'answer', answer: DEFAULT_ANSWER });
    const v = await provider().analyse(request, new AbortController().signal);
    expect(v.answer.label).toBe('focused');
    expect(srv.requests).toHaveLength(2);
  });

  it('HTTP 429 on every attempt → "rate_limited" after exactly `attempts` requests', async () => {
    srv.setFallback({ kind: 'status', status: 429 });
    const e = await failure(provider().analyse(request, new AbortController().signal));
    expect(e.kind).toBe('rate_limited');
    expect(e.status).toBe(429);
    expect(e.message).toContain('HTTP 429');
    expect(e.retryAfterMs).toBeUndefined();
    expect(srv.requests).toHaveLength(2);
    srv.requests.length = 0;
    srv.setFallback({ kind: 'status', status: 429, retryDelay: '37s' });
    expect((await failure(provider().analyse(request, new AbortController().signal))).retryAfterMs).toBe(37_000);
  });

  it('HTTP 500 once → retried, then the verdict; 500 on every attempt → "server"', async () => {
    srv.script({ kind: 'status', status: 500 }, { kind: 'answer', answer: DEFAULT_ANSWER });
    expect((await provider().analyse(request, new AbortController().signal)).answer.label).toBe('focused');
    expect(srv.requests).toHaveLength(2);
    srv.requests.length = 0;
    srv.setFallback({ kind: 'status', status: 500 });
    const e = await failure(provider().analyse(request, new AbortController().signal));
    expect(e.kind).toBe('server');
    expect(e.status).toBe(500);
    expect(srv.requests).toHaveLength(2);
  });

  it('a response slower than the timeout → "timeout", promptly', async () => {
    srv.script({ kind: 'answer', answer: DEFAULT_ANSWER, delayMs: 3000 });
    const t0 = performance.now();
    const e = await failure(provider().analyse(request, AbortSignal.timeout(200)));
    expect(e.kind).toBe('timeout');
    expect(performance.now() - t0).toBeLessThan(1500);
  });

  it('connection refused → "network"', async () => {
    const e = await failure(provider(await refusedBaseUrl()).analyse(request, new AbortController().signal));
    expect(e.kind).toBe('network');
    expect(e.message).toContain('ECONNREFUSED');
  });

  it('HTTP 400 (bad key / model) → "http" with a hint, not retried', async () => {
    srv.script({ kind: 'status', status: 400, message: 'API key not valid' });
    const e = await failure(provider().analyse(request, new AbortController().signal));
    expect(e.kind).toBe('http');
    expect(e.message).toContain('HTTP 400 (check the API key and model name)');
    expect(e.message).toContain('API key not valid');
    expect(srv.requests).toHaveLength(1);
  });

  it('refuses an empty key with a fix hint', () => {
    expect(() => new GeminiProvider({ apiKey: '' })).toThrow('set GEMINI_API_KEY (or GOOGLE_API_KEY)');
  });
});

describe('Escalator + GeminiProvider: documented outcome per scenario', () => {
  it('valid answer → verdict used: a source "vlm" estimate is published and overlays the local one', async () => {
    const { esc, clock, published } = testEscalator({ provider: provider() });
    expect(await escalateOnce(esc, clock, frames)).toBe(true);
    const s = esc.stats();
    expect(s).toMatchObject({ calls: 1, verdicts: 1, merged: 1, errors: {} });
    expect(s.inputTokens).toBe(1200);
    expect(s.costUsd).toBeCloseTo((1200 * 0.3 + 60 * 2.5) / 1e6, 12);
    expect(published).toHaveLength(1);
    expect(published[0]).toMatchObject({ humanId: 'h1', expression: 'focused', source: 'vlm', maxAgeMs: 8000 });
    const local = frames[frames.length - 1]!.fused.estimate;
    expect(esc.current(local).source).toBe('vlm');
  });

  it('schema violation → rejected and counted, nothing published, local estimate stands', async () => {
    srv.setFallback({ kind: 'answer', answer: { label: 'happy' } });
    const { esc, clock, published } = testEscalator({ provider: provider() });
    await escalateOnce(esc, clock, frames);
    expect(esc.stats()).toMatchObject({ calls: 1, verdicts: 0, merged: 0, errors: { schema: 1 } });
    expect(esc.stats().inputTokens).toBe(1200); // an invalid answer is still billed
    expect(published).toHaveLength(0);
    const local = frames[frames.length - 1]!.fused.estimate;
    expect(esc.current(local)).toBe(local);
  });

  it('non-JSON → rejected and counted', async () => {
    srv.setFallback({ kind: 'answer', answer: 'not json at all' });
    const { esc, clock, published } = testEscalator({ provider: provider() });
    await escalateOnce(esc, clock, frames);
    expect(esc.stats().errors).toEqual({ invalid_json: 1 });
    expect(published).toHaveLength(0);
  });

  it('429 then OK → retried within limits and used; persistent 429 → skipped and counted', async () => {
    srv.script({ kind: 'status', status: 429 });
    const a = testEscalator({ provider: provider() });
    await escalateOnce(a.esc, a.clock, frames);
    expect(a.esc.stats()).toMatchObject({ calls: 1, merged: 1 });
    expect(srv.requests).toHaveLength(2);
    srv.setFallback({ kind: 'status', status: 429 });
    const b = testEscalator({ provider: provider() });
    await escalateOnce(b.esc, b.clock, frames);
    expect(b.esc.stats()).toMatchObject({ calls: 1, merged: 0, errors: { rate_limited: 1 } });
    expect(b.published).toHaveLength(0);
  });

  it('persistent 500 → skipped and counted as a breaker failure', async () => {
    srv.setFallback({ kind: 'status', status: 500 });
    const { esc, clock } = testEscalator({ provider: provider(), breakerFailures: 1 });
    await escalateOnce(esc, clock, frames);
    expect(esc.stats()).toMatchObject({ errors: { server: 1 }, breaker: 'open', breakerOpens: 1 });
  });

  it('slower than the timeout → aborted, counted, local estimate stands', async () => {
    srv.setFallback({ kind: 'answer', answer: DEFAULT_ANSWER, delayMs: 3000 });
    const { esc, clock, published } = testEscalator({ provider: provider(), timeoutMs: 200 });
    const t0 = performance.now();
    await escalateOnce(esc, clock, frames);
    expect(performance.now() - t0).toBeLessThan(2000);
    expect(esc.stats()).toMatchObject({ calls: 1, merged: 0, errors: { timeout: 1 } });
    expect(published).toHaveLength(0);
  });

  it('connection refused → skipped and counted', async () => {
    const { esc, clock } = testEscalator({ provider: provider(await refusedBaseUrl()) });
    await escalateOnce(esc, clock, frames);
    expect(esc.stats()).toMatchObject({ calls: 1, merged: 0, errors: { network: 1 } });
  });
});

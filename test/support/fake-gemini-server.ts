/**
 * A local stand-in for the Gemini REST API, so the VLM tests run the REAL
 * `@google/genai` client end to end (URL building, headers, JSON body, retries,
 * abort) without a network or a key. It speaks exactly one route,
 * `POST /v1beta/models/{model}:generateContent`, and answers from a script of
 * scenarios (one per HTTP request, then a fallback), capturing every request it
 * receives so tests can check what the SDK actually put on the wire.
 *
 * Scenarios mirror what the real service does: a JSON answer with
 * `usageMetadata`, an answer violating the schema, non-JSON text, HTTP 429/500 with
 * Google's error envelope, a slow answer and a request that never gets an answer.
 * "Connection refused" needs no server: {@link refusedBaseUrl} gives a dead port.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Token counts the fake reports in `usageMetadata`. */
export interface FakeUsage {
  promptTokenCount: number;
  candidatesTokenCount: number;
}

/** What the server does for one request. */
export type FakeScenario =
  /** 200 with `text` as the model's single text part (JSON.stringify'd when an object). */
  | { kind: 'answer'; answer: unknown; usage?: FakeUsage; delayMs?: number }
  /** An HTTP error with Google's `{error:{code,message,status}}` envelope. */
  | { kind: 'status'; status: number; message?: string; delayMs?: number; /** e.g. '30s': adds a google.rpc.RetryInfo detail, as the real API does on 429. */ retryDelay?: string }
  /** Never answers (the socket stays open until the client aborts or the server closes). */
  | { kind: 'hang' };

/** One request as received. */
export interface CapturedRequest {
  method: string;
  path: string;
  model: string | null;
  headers: IncomingMessage['headers'];
  /** Parsed JSON body (or `null` when it was not JSON). */
  body: any;
  at: number;
}

/** A running fake server. */
export interface FakeGeminiServer {
  /** Base URL to pass as `httpOptions.baseUrl`, e.g. `http://127.0.0.1:43121`. */
  baseUrl: string;
  /** Every request received, in order. */
  requests: CapturedRequest[];
  /** Queues scenarios, consumed one per request. */
  script(...scenarios: FakeScenario[]): void;
  /** Scenario used when the script is empty (default: a valid focused answer). */
  setFallback(s: FakeScenario): void;
  /** Stops the server, dropping hanging connections. */
  close(): Promise<void>;
}

/** A valid answer the fake gives by default. */
export const DEFAULT_ANSWER = {
  label: 'focused',
  valence: 0.1,
  arousal: 0.2,
  frustration: 0.1,
  confidence: 0.8,
  alternatives: [{ label: 'frustrated', p: 0.15 }],
  rationale: 'furrowed brow while assembling; no impatience cues',
};

const ROUTE = /^\/v1beta\/models\/([^/:]+):generateContent$/;

/**
 * Starts a fake Gemini server on 127.0.0.1 (random port).
 *
 * @example
 * ```ts
 * const srv = await startFakeGeminiServer();
 * srv.script({ kind: 'status', status: 429 }, { kind: 'answer', answer: DEFAULT_ANSWER });
 * // new GoogleGenAI({ apiKey: 'test', httpOptions: { baseUrl: srv.baseUrl } })
 * await srv.close();
 * ```
 */
export async function startFakeGeminiServer(): Promise<FakeGeminiServer> {
  const queue: FakeScenario[] = [];
  const requests: CapturedRequest[] = [];
  let fallback: FakeScenario = { kind: 'answer', answer: DEFAULT_ANSWER };
  const timers = new Set<NodeJS.Timeout>();

  const respond = (res: ServerResponse, s: Exclude<FakeScenario, { kind: 'hang' }>): void => {
    if (s.kind === 'status') {
      const status = statusName(s.status);
      res.writeHead(s.status, { 'content-type': 'application/json; charset=UTF-8' });
      const details = s.retryDelay ? [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: s.retryDelay }] : undefined;
      res.end(JSON.stringify({ error: { code: s.status, message: s.message ?? `fake ${status}`, status, ...(details ? { details } : {}) } }));
      return;
    }
    const text = typeof s.answer === 'string' ? s.answer : JSON.stringify(s.answer);
    const usage = s.usage ?? { promptTokenCount: 1200, candidatesTokenCount: 60 };
    res.writeHead(200, { 'content-type': 'application/json; charset=UTF-8' });
    res.end(
      JSON.stringify({
        candidates: [{ content: { role: 'model', parts: [{ text }] }, finishReason: 'STOP', index: 0 }],
        usageMetadata: {
          promptTokenCount: usage.promptTokenCount,
          candidatesTokenCount: usage.candidatesTokenCount,
          totalTokenCount: usage.promptTokenCount + usage.candidatesTokenCount,
        },
        modelVersion: 'fake-gemini',
      }),
    );
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = (req.url ?? '').split('?')[0]!;
      const m = ROUTE.exec(path);
      let body: unknown = null;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        body = null;
      }
      requests.push({ method: req.method ?? '', path, model: m ? m[1]! : null, headers: req.headers, body, at: Date.now() });
      if (req.method !== 'POST' || !m) {
        respond(res, { kind: 'status', status: 404, message: `fake gemini: no route ${req.method} ${path}` });
        return;
      }
      const s = queue.length > 0 ? queue.shift()! : fallback;
      if (s.kind === 'hang') return;
      if (s.delayMs && s.delayMs > 0) {
        const t = setTimeout(() => {
          timers.delete(t);
          if (!res.destroyed) respond(res, s);
        }, s.delayMs);
        timers.add(t);
      } else {
        respond(res, s);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    script: (...s) => void queue.push(...s),
    setFallback: (s) => void (fallback = s),
    close: async () => {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * A base URL on which nothing listens (a port bound then released), for the
 * "connection refused" scenario.
 *
 * @example
 * ```ts
 * const url = await refusedBaseUrl(); // http://127.0.0.1:<dead port>
 * ```
 */
export async function refusedBaseUrl(): Promise<string> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

function statusName(code: number): string {
  switch (code) {
    case 400:
      return 'INVALID_ARGUMENT';
    case 404:
      return 'NOT_FOUND';
    case 429:
      return 'RESOURCE_EXHAUSTED';
    case 500:
      return 'INTERNAL';
    case 503:
      return 'UNAVAILABLE';
    default:
      return 'UNKNOWN';
  }
}

/**
 * The monitor's HTTP server: serves the page and its data, read-only.
 *
 * - `GET /` (and `/app.js`, `/app.css`): the page;
 * - `GET /api/info`: mode (`live` | `replay`), robot, broker URL (without credentials);
 * - live: `GET /api/stream`: Server-Sent Events from a {@link StreamHub};
 * - replay: `GET /api/recording`: the whole recording as time-ordered messages (the
 *   page seeks and plays it itself);
 * - `GET /healthz`: JSON counters (pages, dropped messages, broker link).
 *
 * Bound to 127.0.0.1 unless told otherwise: the page shows what a cell does and who
 * works there. There is no endpoint that changes anything.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { PageAssets } from './assets.ts';
import type { StreamHub } from './hub.ts';
import type { Recording } from './mcap.ts';

/** What the server serves data from. */
export type MonitorSource = { kind: 'live'; hub: StreamHub; health?: () => object } | { kind: 'replay'; recording: Recording };

/** Options of {@link startMonitorServer}. */
export interface MonitorServerOptions {
  assets: PageAssets;
  source: MonitorSource;
  /** Shown on the page (`robot`, `url`, `file` …). */
  info: Record<string, unknown>;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 8080; 0 = any free port. */
  port?: number;
}

/**
 * A running monitor server.
 *
 * @example
 * ```ts
 * const s = await startMonitorServer({ assets, source: { kind: 'live', hub }, info: { robot: 'acme/c1' }, port: 0 });
 * console.log(s.url); await s.close();
 * ```
 */
export interface MonitorServer {
  readonly url: string;
  readonly server: Server;
  close(): Promise<void>;
}

const SECURITY = {
  'X-Content-Type-Options': 'nosniff',
  'Content-Security-Policy': "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'",
  'Referrer-Policy': 'no-referrer',
};

/**
 * Starts the server.
 *
 * @example
 * ```ts
 * const server = await startMonitorServer({ assets: await loadPageAssets(), source: { kind: 'replay', recording }, info: { file }, port: 8080 });
 * ```
 */
export async function startMonitorServer(o: MonitorServerOptions): Promise<MonitorServer> {
  const info = { mode: o.source.kind, ...o.info };
  let recordingJson: string | undefined;
  const detach = new Set<() => void>();
  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const path = (req.url ?? '/').split('?')[0]!;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD', ...SECURITY }).end('read-only\n');
      return;
    }
    const asset = o.assets.get(path);
    if (asset) {
      res.writeHead(200, { 'Content-Type': asset.type, 'Content-Length': asset.body.length, 'Cache-Control': 'no-cache', ...SECURITY }).end(req.method === 'HEAD' ? undefined : asset.body);
      return;
    }
    const json = (code: number, body: unknown) => res.writeHead(code, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', ...SECURITY }).end(typeof body === 'string' ? body : JSON.stringify(body));
    const src = o.source;
    switch (path) {
      case '/api/info':
        return void json(200, info);
      case '/healthz':
        return void json(200, src.kind === 'live' ? { ok: true, mode: 'live', ...src.hub.stats(), ...(src.health?.() ?? {}) } : { ok: true, mode: 'replay', messages: src.recording.messages.length });
      case '/api/stream': {
        if (src.kind !== 'live') return void json(404, { error: 'no live stream in replay mode; GET /api/recording' });
        res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-store', Connection: 'keep-alive', ...SECURITY });
        res.socket?.setNoDelay(true);
        const off = src.hub.attach(res, info);
        detach.add(off);
        res.on('close', () => {
          off();
          detach.delete(off);
        });
        return;
      }
      case '/api/recording': {
        if (src.kind !== 'replay') return void json(404, { error: 'not a replay; GET /api/stream' });
        const r = src.recording;
        recordingJson ??= JSON.stringify({ meta: r.meta, start: r.start, end: r.end, invalid: r.invalid, messages: r.messages });
        return void json(200, recordingJson);
      }
      default:
        res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8', ...SECURITY }).end(`not found: ${path}\n`);
    }
  };
  const server = createServer(handle);
  const host = o.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) =>
      reject(new Error(e.code === 'EADDRINUSE' ? `monitor: port ${o.port ?? 8080} on ${host} is in use (pick another with --port, or 0 for any free port)` : `monitor: cannot listen on ${host}:${o.port ?? 8080}: ${e.message}`)),
    );
    server.listen(o.port ?? 8080, host, () => resolve());
  });
  const addr = server.address() as AddressInfo;
  const shownHost = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  return {
    url: `http://${shownHost}:${addr.port}/`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        for (const off of detach) off();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

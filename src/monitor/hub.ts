/**
 * Fan-out of live cell messages to browser pages over Server-Sent Events, with a
 * bounded queue per page: a slow or stuck browser loses its oldest messages (counted,
 * and told so in the next batch) — it never makes the monitor buffer without bound,
 * and never reaches back to the broker link or the planner.
 *
 * A page that connects (or reconnects) first gets a `hello` event and the recent
 * history (bounded ring, plus the latest message of each retained topic so the tree
 * and connection states are never lost to the ring), then batches every `flushMs`.
 *
 * Design notes: each message is serialised once, however many pages watch. A page's
 * batch is only written when its socket is not waiting to drain, so Node's own socket
 * buffer stays small and the bounded queue is where back-pressure lands.
 */
import type { CellMessage } from './messages.ts';

/** The part of an HTTP response the hub writes to (a `ServerResponse` fits). */
export interface StreamSink {
  write(chunk: string): boolean;
  readonly writableNeedDrain: boolean;
  end(): void;
}

/** Options of a {@link StreamHub}. */
export interface StreamHubOptions {
  /** Recent messages replayed to a page that connects (default 20 000). */
  historyMax?: number;
  /** Messages a page may fall behind before its oldest are dropped (default 5 000). */
  clientQueueMax?: number;
  /** Batch period (default 100 ms). */
  flushMs?: number;
  /** Topics whose latest message is always kept for new pages (default: tree, connection/*). */
  retainedTopics?: readonly string[];
}

interface Client {
  sink: StreamSink;
  queue: string[];
  head: number;
  dropped: number;
  droppedReported: number;
}

/**
 * Live fan-out with bounded per-page queues.
 *
 * @example
 * ```ts
 * const hub = new StreamHub();
 * subscribeCell({ url, robot, onMessage: (m) => hub.publish(m) });
 * http.createServer((req, res) => { res.writeHead(200, SSE_HEADERS); hub.attach(res, { robot: 'acme/c1' }); });
 * ```
 */
export class StreamHub {
  private readonly clients = new Set<Client>();
  private readonly history: string[] = [];
  private readonly retained = new Map<string, { seq: number; line: string }>();
  private seq = 0;
  private historyStartSeq = 0;
  private readonly timer: NodeJS.Timeout;
  private readonly o: Required<StreamHubOptions>;
  /** Messages dropped for slow pages since start (all pages). */
  dropped = 0;
  published = 0;

  constructor(options: StreamHubOptions = {}) {
    this.o = { historyMax: 20_000, clientQueueMax: 5_000, flushMs: 100, retainedTopics: ['tree', 'connection/planner', 'connection/controller'], ...options };
    this.timer = setInterval(() => this.flush(), this.o.flushMs);
    this.timer.unref();
  }

  /** Number of connected pages. */
  get clientCount(): number {
    return this.clients.size;
  }

  /** Sends one message to every page (queued) and keeps it in the history. */
  publish(m: CellMessage): void {
    const line = JSON.stringify(m);
    this.published++;
    const seq = this.seq++;
    this.history.push(line);
    if (this.history.length > this.o.historyMax + (this.o.historyMax >> 3)) {
      const cut = this.history.length - this.o.historyMax;
      this.history.splice(0, cut);
      this.historyStartSeq += cut;
    }
    if (this.o.retainedTopics.includes(m.topic)) this.retained.set(m.topic, { seq, line });
    const max = this.o.clientQueueMax;
    for (const c of this.clients) {
      c.queue.push(line);
      if (c.queue.length - c.head > max) {
        c.head++;
        c.dropped++;
        this.dropped++;
      }
      if (c.head > 1024 && c.head * 2 > c.queue.length) {
        c.queue.splice(0, c.head);
        c.head = 0;
      }
    }
  }

  /**
   * Starts streaming to a page: `hello` (with `info`), the history, then live batches.
   * Returns a function that detaches it (also call it when the request closes).
   */
  attach(sink: StreamSink, info: object): () => void {
    sink.write(`retry: 1000\n\nevent: hello\ndata: ${JSON.stringify(info)}\n\n`);
    const old = [...this.retained.values()].filter((r) => r.seq < this.historyStartSeq).sort((a, b) => a.seq - b.seq).map((r) => r.line);
    const backlog = [...old, ...this.history];
    for (let i = 0; i < backlog.length; i += 2000) sink.write(batch(backlog.slice(i, i + 2000), 0));
    const c: Client = { sink, queue: [], head: 0, dropped: 0, droppedReported: 0 };
    this.clients.add(c);
    return () => this.clients.delete(c);
  }

  private flush(): void {
    for (const c of this.clients) {
      if (c.head >= c.queue.length && c.dropped === c.droppedReported) continue;
      if (c.sink.writableNeedDrain) continue; // the page is slow: let its queue absorb it
      const lines = c.queue.slice(c.head);
      c.queue.length = 0;
      c.head = 0;
      c.droppedReported = c.dropped;
      c.sink.write(batch(lines, c.dropped));
    }
  }

  /** Per-page queue lengths and drops (for /healthz and tests). */
  stats(): { clients: { queued: number; dropped: number }[]; dropped: number; published: number; history: number } {
    return { clients: [...this.clients].map((c) => ({ queued: c.queue.length - c.head, dropped: c.dropped })), dropped: this.dropped, published: this.published, history: this.history.length };
  }

  /** Ends every page's stream and stops the timer. */
  close(): void {
    clearInterval(this.timer);
    for (const c of this.clients) c.sink.end();
    this.clients.clear();
  }
}

function batch(lines: readonly string[], dropped: number): string {
  return `event: batch\ndata: {"dropped":${dropped},"messages":[${lines.join(',')}]}\n\n`;
}

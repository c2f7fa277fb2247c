/**
 * Where a controller remembers which `actionId`s it has executed, so that no command
 * runs twice — not after a QoS 1 re-delivery, not after a planner re-send, and not
 * after the controller itself restarts. The controller records an id **before** acting
 * on it (at most once: a crash between record and motion loses that command instead of
 * repeating it; the planner's handover times out and retries with a new id).
 *
 * Two implementations behind one interface:
 * - {@link MemoryExecutedStore}: bounded, forgets on restart (tests, demos);
 * - {@link FileExecutedStore}: an append-only JSON-lines file (`{"id":…,"at":…}`),
 *   written and `fdatasync`ed before the action starts, read back at start. Entries
 *   older than `retentionMs` are dropped and the file is compacted at start and when it
 *   grows past twice its live entries.
 *
 * Retention must exceed the contract's command age bound (`instantActions` older than
 * 30 s plus the clock-skew allowance are refused anyway): together they cover every
 * replay. A real adapter must give the same guarantee with its own storage (a file on
 * the controller PC, the PLC's retentive memory, a database row per id).
 */
import { closeSync, existsSync, fdatasyncSync, openSync, readFileSync, renameSync, writeFileSync, writeSync } from 'node:fs';

/**
 * The executed-id memory of a controller.
 *
 * @example
 * ```ts
 * if (!store.has(action.actionId)) { store.add(action.actionId, Date.now()); execute(action); }
 * ```
 */
export interface ExecutedStore {
  /** True when `actionId` was executed (within the retention). */
  has(actionId: string): boolean;
  /** Records `actionId` as executed at `atMs` (durably, for persistent stores) before it runs. */
  add(actionId: string, atMs: number): void;
  /** Ids remembered. */
  readonly size: number;
  /** Releases files. */
  close(): void;
}

/**
 * Options of the stores.
 *
 * @example
 * ```ts
 * new MemoryExecutedStore({ retentionMs: 86_400_000, maxEntries: 100_000 });
 * ```
 */
export interface ExecutedStoreOptions {
  /** Forget ids older than this (default 24 h). */
  retentionMs?: number;
  /** Keep at most this many ids, oldest dropped first (default 100,000). */
  maxEntries?: number;
  /** Current time for retention (default Date.now). */
  now?: () => number;
}

/**
 * Bounded in-memory store (insertion-ordered map; forgets on restart).
 *
 * @example
 * ```ts
 * const store = new MemoryExecutedStore();
 * store.add('a1', Date.now());
 * store.has('a1'); // true
 * ```
 */
export class MemoryExecutedStore implements ExecutedStore {
  protected readonly ids = new Map<string, number>();
  protected readonly retentionMs: number;
  protected readonly maxEntries: number;
  protected readonly now: () => number;

  constructor(options: ExecutedStoreOptions = {}) {
    this.retentionMs = options.retentionMs ?? 86_400_000;
    this.maxEntries = options.maxEntries ?? 100_000;
    this.now = options.now ?? Date.now;
    if (!(this.retentionMs > 0)) throw new RangeError(`executed-id retention must be > 0 ms, got ${this.retentionMs}`);
    if (!(this.maxEntries >= 1)) throw new RangeError(`executed-id maxEntries must be ≥ 1, got ${this.maxEntries}`);
  }

  has(actionId: string): boolean {
    const at = this.ids.get(actionId);
    return at !== undefined && this.now() - at <= this.retentionMs;
  }

  add(actionId: string, atMs: number): void {
    this.ids.delete(actionId);
    this.ids.set(actionId, atMs);
    this.prune();
  }

  get size(): number {
    return this.ids.size;
  }

  close(): void {}

  /** Drops ids past retention or beyond `maxEntries` (oldest first). */
  protected prune(): void {
    const cutoff = this.now() - this.retentionMs;
    for (const [id, at] of this.ids) {
      if (this.ids.size > this.maxEntries || at < cutoff) this.ids.delete(id);
      else break;
    }
  }
}

/**
 * Persistent store: one JSON line per executed id, synced to disk before the action
 * runs; survives controller restarts.
 *
 * @example
 * ```ts
 * const store = new FileExecutedStore('/var/lib/cobot/executed.jsonl');
 * store.add('a1', Date.now());   // appended and fdatasync'ed
 * new FileExecutedStore('/var/lib/cobot/executed.jsonl').has('a1'); // true after a restart
 * ```
 */
export class FileExecutedStore extends MemoryExecutedStore {
  readonly path: string;
  /** Lines that could not be read at start (a torn last line after a power loss). */
  readonly skippedLines: number;
  private fd: number;
  private lines = 0;

  constructor(path: string, options: ExecutedStoreOptions = {}) {
    super(options);
    this.path = path;
    let skipped = 0;
    if (existsSync(path)) {
      let text: string;
      try {
        text = readFileSync(path, 'utf8');
      } catch (e) {
        throw new Error(`cannot read the executed-actionId file '${path}': ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      }
      for (const line of text.split('\n')) {
        if (line === '') continue;
        try {
          const r = JSON.parse(line) as { id?: unknown; at?: unknown };
          if (typeof r.id === 'string' && typeof r.at === 'number') this.ids.set(r.id, r.at);
          else skipped++;
        } catch {
          skipped++;
        }
      }
    }
    this.skippedLines = skipped;
    this.prune();
    this.fd = this.compact();
  }

  override add(actionId: string, atMs: number): void {
    super.add(actionId, atMs);
    writeSync(this.fd, JSON.stringify({ id: actionId, at: atMs }) + '\n');
    fdatasyncSync(this.fd);
    if (++this.lines > 2 * this.maxEntries) {
      closeSync(this.fd);
      this.fd = this.compact();
    }
  }

  override close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }

  /** Rewrites the file with the live entries only (atomically) and reopens it for appending. */
  private compact(): number {
    const tmp = `${this.path}.tmp`;
    let text = '';
    for (const [id, at] of this.ids) text += JSON.stringify({ id, at }) + '\n';
    try {
      writeFileSync(tmp, text);
      renameSync(tmp, this.path);
    } catch (e) {
      throw new Error(`cannot write the executed-actionId file '${this.path}': ${(e as NodeJS.ErrnoException).code ?? (e as Error).message} (check the directory exists and is writable)`);
    }
    this.lines = this.ids.size;
    return openSync(this.path, 'a');
  }
}

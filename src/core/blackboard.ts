/**
 * The blackboard: the one place where the outside world (MQTT bridge, estimator,
 * simulator) and the tree meet. Writers are asynchronous; the tick only reads a
 * snapshot of it, so a tick never waits on the network (design principle 2).
 *
 * Every entry carries `value`, `timestamp`, `source` and `maxAgeMs`. An entry older
 * than its `maxAgeMs` reads as unknown (`undefined`) — "stale is unknown" (principle 3).
 * Keys can be declared with a type; writing a value of the wrong type throws a
 * {@link BlackboardError} naming the key, the writer and the value, and leaves the
 * previous value in place (principle 4).
 *
 * Nodes get a {@link BlackboardAccess} that only allows the keys they declared; using
 * an undeclared key is an error naming the node and the key.
 *
 * Key families can be bounded ({@link Blackboard.boundFamily}): per-person state such as
 * `affect/<humanId>` keeps at most `maxKeys` keys besides the pinned ones (the person the
 * cell works with, never evicted); when a new key would exceed that, the entries not
 * written for `forgetAfterMs` (or stale) go first, then the least recently written. So
 * a flood of new ids cannot grow the process without bound.
 *
 * Design notes: entries are updated in place and the write log is a preallocated
 * ring buffer, so steady-state writes and reads allocate nothing; a bounded family
 * costs nothing on updates and, for a new key while the family is full, one scan of
 * the family.
 */
import type { Clock } from './clock.ts';

/** Value kinds a declared key can hold. `any` disables the type check. */
export type EntryType = 'number' | 'string' | 'boolean' | 'object' | 'any';

/** Declaration of a blackboard key. */
export interface KeySpec {
  /** Value kind; checked on every write. */
  type: EntryType;
  /** Default staleness bound for writes that do not give one (ms; `Infinity` = never stale). */
  maxAgeMs?: number;
  /** One line for docs and error hints. */
  description?: string;
  /** Extra check; returns a reason when the value is not acceptable. */
  validate?: (value: unknown) => string | undefined;
}

/** One blackboard entry, as stored. */
export interface Entry<T = unknown> {
  value: T;
  /** When the value was observed (epoch ms), not when it was written. */
  timestamp: number;
  /** Who produced it: `mqtt:affect`, `node:Apologise`, `sim`, … */
  source: string;
  /** Older than this (relative to the clock) reads as unknown. `Infinity` = never stale. */
  maxAgeMs: number;
}

/** Options of a write. */
export interface WriteOptions {
  source: string;
  /** Observation time (epoch ms); defaults to the clock's now. */
  timestamp?: number;
  /** Staleness bound; defaults to the key's declared `maxAgeMs`, else `Infinity`. */
  maxAgeMs?: number;
}

/** A record of the bounded activity log. */
export interface WriteRecord {
  key: string;
  source: string;
  timestamp: number;
  /** Clock time of the write. */
  writtenAt: number;
}

/** Raised on misuse: wrong type, undeclared key access, bad write options. */
export class BlackboardError extends Error {
  override name = 'BlackboardError';
  constructor(
    message: string,
    readonly key: string,
    readonly owner?: string,
  ) {
    super(message);
  }
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

function preview(value: unknown): string {
  let s: string;
  try {
    s = typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
  } catch {
    s = String(value);
  }
  return s.length > 60 ? s.slice(0, 57) + '...' : s;
}

/** Bound of a key family (keys sharing a prefix, e.g. `affect/`). */
export interface FamilyBound {
  /** Most keys of the family kept at once (≥ 1). */
  maxKeys: number;
  /** A key not written for this long is the first to go when room is needed (default: its own `maxAgeMs`). */
  forgetAfterMs?: number;
  /** Keys never evicted (e.g. the tracked person's). */
  pinned?: readonly string[];
}

interface Family {
  prefix: string;
  bound: Required<Omit<FamilyBound, 'pinned'>> & { pinned: ReadonlySet<string> };
  keys: Set<string>;
  evicted: number;
}

/** Options of a {@link Blackboard}. */
export interface BlackboardOptions {
  clock: Clock;
  /** Number of writes kept in the activity log (default 256). */
  logCapacity?: number;
  /** Keys to declare up front. */
  keys?: Record<string, KeySpec>;
}

/**
 * Typed, timestamped key/value store with staleness.
 *
 * @example
 * ```ts
 * const bb = new Blackboard({ clock: new SystemClock() });
 * bb.declare('affect/frustration', { type: 'number', maxAgeMs: 1500 });
 * bb.set('affect/frustration', 0.7, { source: 'mqtt:affect' });
 * bb.get<number>('affect/frustration'); // 0.7 while fresh, undefined after 1.5 s
 * ```
 */
export class Blackboard {
  readonly clock: Clock;
  private readonly specs = new Map<string, KeySpec>();
  private readonly entries = new Map<string, Entry>();
  private readonly ring: WriteRecord[];
  private ringNext = 0;
  private ringSize = 0;
  private writes = 0;
  private readonly families: Family[] = [];

  constructor(options: BlackboardOptions) {
    this.clock = options.clock;
    const cap = options.logCapacity ?? 256;
    if (!Number.isInteger(cap) || cap < 1) throw new RangeError(`Blackboard: logCapacity must be an integer ≥ 1, got ${cap}`);
    this.ring = Array.from({ length: cap }, () => ({ key: '', source: '', timestamp: 0, writtenAt: 0 }));
    for (const [k, spec] of Object.entries(options.keys ?? {})) this.declare(k, spec);
  }

  /** Declares (or re-declares with the same type) a key. */
  declare(key: string, spec: KeySpec): void {
    const prev = this.specs.get(key);
    if (prev && prev.type !== spec.type && prev.type !== 'any' && spec.type !== 'any') {
      throw new BlackboardError(`key '${key}' is already declared as ${prev.type}, cannot re-declare as ${spec.type}`, key);
    }
    this.specs.set(key, prev && spec.type === 'any' ? prev : spec);
  }

  /** The declaration of a key, if any. */
  spec(key: string): KeySpec | undefined {
    return this.specs.get(key);
  }

  /**
   * Bounds the keys starting with `prefix` (per-person state): at most `maxKeys` of them
   * (besides the `pinned` ones, which always stay) are kept; a new key evicts first the
   * family's entries not written for `forgetAfterMs` or stale, then the least recently
   * written.
   *
   * @example
   * ```ts
   * bb.boundFamily('affect/', { maxKeys: 64, forgetAfterMs: 60_000, pinned: ['affect/h1'] });
   * bb.familySize('affect/'); // ≤ 64 whatever the MQTT side receives
   * ```
   */
  boundFamily(prefix: string, bound: FamilyBound): void {
    if (!(Number.isInteger(bound.maxKeys) && bound.maxKeys >= 1)) throw new RangeError(`Blackboard.boundFamily('${prefix}'): maxKeys must be an integer ≥ 1, got ${bound.maxKeys}`);
    if (prefix === '' || this.families.some((f) => f.prefix.startsWith(prefix) || prefix.startsWith(f.prefix))) throw new BlackboardError(`Blackboard.boundFamily: prefix '${prefix}' is empty or overlaps a bounded family`, prefix);
    const pinned = new Set(bound.pinned ?? []);
    const keys = new Set<string>();
    for (const k of this.entries.keys()) if (k.startsWith(prefix) && !pinned.has(k)) keys.add(k);
    const f: Family = { prefix, bound: { maxKeys: bound.maxKeys, forgetAfterMs: bound.forgetAfterMs ?? Infinity, pinned }, keys, evicted: 0 };
    this.families.push(f);
    while (f.keys.size > f.bound.maxKeys && this.evictOne(f)) {}
  }

  /** Keys currently held in a bounded family, pinned ones included (`undefined` when `prefix` is not bounded). */
  familySize(prefix: string): number | undefined {
    const f = this.families.find((x) => x.prefix === prefix);
    if (f === undefined) return undefined;
    let n = f.keys.size;
    for (const k of f.bound.pinned) if (this.entries.has(k)) n++;
    return n;
  }

  /** Keys evicted from a bounded family so far. */
  familyEvictions(prefix: string): number {
    return this.families.find((f) => f.prefix === prefix)?.evicted ?? 0;
  }

  /**
   * Writes a value. Throws {@link BlackboardError} (and keeps the previous value) when
   * the value does not match the key's declared type or validator.
   */
  set<T>(key: string, value: T, options: WriteOptions): void {
    const spec = this.specs.get(key);
    if (spec) this.check(key, spec, value, options.source);
    const now = this.clock.now();
    const timestamp = options.timestamp ?? now;
    const maxAgeMs = options.maxAgeMs ?? spec?.maxAgeMs ?? Infinity;
    if (!Number.isFinite(timestamp)) throw new BlackboardError(`write of '${key}' by ${options.source}: timestamp must be finite, got ${timestamp}`, key, options.source);
    if (!(maxAgeMs >= 0)) throw new BlackboardError(`write of '${key}' by ${options.source}: maxAgeMs must be ≥ 0, got ${maxAgeMs}`, key, options.source);
    const e = this.entries.get(key);
    if (e) {
      e.value = value;
      e.timestamp = timestamp;
      e.source = options.source;
      e.maxAgeMs = maxAgeMs;
    } else {
      if (this.families.length > 0) this.admit(key);
      this.entries.set(key, { value, timestamp, source: options.source, maxAgeMs });
    }
    const r = this.ring[this.ringNext]!;
    r.key = key;
    r.source = options.source;
    r.timestamp = timestamp;
    r.writtenAt = now;
    this.ringNext = (this.ringNext + 1) % this.ring.length;
    if (this.ringSize < this.ring.length) this.ringSize++;
    this.writes++;
  }

  /** Makes room for a new key of a bounded family. */
  private admit(key: string): void {
    for (const f of this.families) {
      if (!key.startsWith(f.prefix) || f.bound.pinned.has(key)) continue;
      if (f.keys.size >= f.bound.maxKeys) this.evictOne(f);
      f.keys.add(key);
      return;
    }
  }

  /** Evicts the family's best candidate: forgotten or stale first, else least recently written; false when only pinned keys are left. */
  private evictOne(f: Family): boolean {
    const now = this.clock.now();
    let victim: string | undefined;
    let oldest = Infinity;
    for (const k of f.keys) {
      const e = this.entries.get(k)!;
      const age = now - e.timestamp;
      if (age > f.bound.forgetAfterMs || age > e.maxAgeMs) {
        victim = k;
        break;
      }
      if (e.timestamp < oldest) {
        oldest = e.timestamp;
        victim = k;
      }
    }
    if (victim === undefined) return false; // empty
    this.entries.delete(victim);
    f.keys.delete(victim);
    f.evicted++;
    return true;
  }

  private check(key: string, spec: KeySpec, value: unknown, source: string): void {
    if (spec.type !== 'any') {
      const kind = kindOf(value);
      const ok = spec.type === 'object' ? kind === 'object' || kind === 'array' : kind === spec.type;
      if (!ok || (spec.type === 'number' && !Number.isFinite(value as number))) {
        throw new BlackboardError(
          `write of '${key}' by ${source}: expected ${spec.type}${spec.type === 'number' ? ' (finite)' : ''}, got ${kind} ${preview(value)}`,
          key,
          source,
        );
      }
    }
    const reason = spec.validate?.(value);
    if (reason) throw new BlackboardError(`write of '${key}' by ${source}: ${reason} (value ${preview(value)})`, key, source);
  }

  /** The raw entry, fresh or stale (for diagnostics); `undefined` when never written. */
  entry<T = unknown>(key: string): Readonly<Entry<T>> | undefined {
    return this.entries.get(key) as Entry<T> | undefined;
  }

  /** True when the key has a value that is not older than its `maxAgeMs`. */
  isFresh(key: string): boolean {
    const e = this.entries.get(key);
    return e !== undefined && this.clock.now() - e.timestamp <= e.maxAgeMs;
  }

  /** The value when fresh; `undefined` when missing or stale ("stale is unknown"). */
  get<T = unknown>(key: string): T | undefined {
    const e = this.entries.get(key);
    if (e === undefined || this.clock.now() - e.timestamp > e.maxAgeMs) return undefined;
    return e.value as T;
  }

  /** Age of the entry in ms (`undefined` when never written). */
  ageMs(key: string): number | undefined {
    const e = this.entries.get(key);
    return e === undefined ? undefined : this.clock.now() - e.timestamp;
  }

  /** Removes a key's value (its declaration stays). */
  delete(key: string): boolean {
    for (const f of this.families) if (key.startsWith(f.prefix)) f.keys.delete(key);
    return this.entries.delete(key);
  }

  /** Keys that have a value (fresh or stale). */
  keys(): string[] {
    return [...this.entries.keys()];
  }

  /** Total number of writes since creation (a cheap change detector). */
  get writeCount(): number {
    return this.writes;
  }

  /** The bounded activity log of writes, oldest first (copies). */
  log(): WriteRecord[] {
    const out: WriteRecord[] = [];
    const cap = this.ring.length;
    const start = (this.ringNext - this.ringSize + cap) % cap;
    for (let i = 0; i < this.ringSize; i++) out.push({ ...this.ring[(start + i) % cap]! });
    return out;
  }

  /**
   * A view for one owner (a node) that may only read `reads ∪ writes` and write
   * `writes`; anything else throws a {@link BlackboardError} naming owner and key.
   *
   * @example
   * ```ts
   * const io = bb.access('DetectFrustration#2', { reads: ['affect'], writes: ['frustrated'] });
   * io.get('affect'); io.set('frustrated', true);
   * io.set('speedScale', 0.5); // throws: DetectFrustration#2 did not declare 'speedScale'
   * ```
   */
  access(owner: string, declared: { reads?: readonly string[]; writes?: readonly string[] }): BlackboardAccess {
    return new BlackboardAccess(this, owner, new Set([...(declared.reads ?? []), ...(declared.writes ?? [])]), new Set(declared.writes ?? []));
  }
}

/** A node's declared window onto the blackboard. Created by {@link Blackboard.access}. */
export class BlackboardAccess {
  constructor(
    readonly board: Blackboard,
    readonly owner: string,
    private readonly readable: ReadonlySet<string>,
    private readonly writable: ReadonlySet<string>,
  ) {}

  private denyRead(key: string): never {
    throw new BlackboardError(
      `${this.owner} reads blackboard key '${key}' but did not declare it (declared: ${[...this.readable].join(', ') || 'none'})`,
      key,
      this.owner,
    );
  }

  /** Fresh value or `undefined`. */
  get<T = unknown>(key: string): T | undefined {
    if (!this.readable.has(key)) this.denyRead(key);
    return this.board.get<T>(key);
  }

  /** Raw entry (fresh or stale). */
  entry<T = unknown>(key: string): Readonly<Entry<T>> | undefined {
    if (!this.readable.has(key)) this.denyRead(key);
    return this.board.entry<T>(key);
  }

  isFresh(key: string): boolean {
    if (!this.readable.has(key)) this.denyRead(key);
    return this.board.isFresh(key);
  }

  private denyWrite(key: string): never {
    throw new BlackboardError(
      `${this.owner} writes blackboard key '${key}' but did not declare it as an output (declared outputs: ${[...this.writable].join(', ') || 'none'})`,
      key,
      this.owner,
    );
  }

  /** Writes with `source` defaulting to `node:<owner>`. */
  set<T>(key: string, value: T, options?: Partial<WriteOptions>): void {
    if (!this.writable.has(key)) this.denyWrite(key);
    this.board.set(key, value, { source: options?.source ?? `node:${this.owner}`, timestamp: options?.timestamp, maxAgeMs: options?.maxAgeMs });
  }

  /** Removes a declared output's value (its declaration stays); true when there was one. */
  delete(key: string): boolean {
    if (!this.writable.has(key)) this.denyWrite(key);
    return this.board.delete(key);
  }

  now(): number {
    return this.board.clock.now();
  }
}

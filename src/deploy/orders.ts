/**
 * The planner's order book: which order runs, which wait, what became of recent ones.
 * Pure bookkeeping (no MQTT, no tree), so every rule is tested directly; the planner
 * feeds it accepted `order`/`orderActions` messages on its tick and publishes
 * {@link OrderBook.snapshot} as the retained `plannerState`.
 *
 * Rules: one order RUNNING at a time; others WAITING in a queue of at most `maxQueue`
 * (an order beyond it is refused, naming the limit); an `orderId` seen before (the last
 * `rememberIds` ids) is refused; an order for a tree the file does not have is refused;
 * in loop mode every order is refused. Only accepted orders' ids count as seen. Refusals go into the history as FAILED with
 * `rejected: true`. `cancelOrder` removes a waiting order or asks the planner to halt
 * the running one; for an unknown or ended order it is refused.
 */
import type { OrderAction, OrderActionState, OrderMessage, OrderRecord } from '../contract/orders.ts';

/**
 * Options of an {@link OrderBook}.
 *
 * @example
 * ```ts
 * new OrderBook({ maxQueue: 8, trees: { main: 'HandoverWithAffect', names: ['HandoverWithAffect', 'HandoverTask'] }, now: Date.now });
 * ```
 */
export interface OrderBookOptions {
  maxQueue: number;
  /** The tree file's trees: `main` runs when an order names none. */
  trees: { main: string; names: readonly string[] };
  /** Epoch ms. */
  now: () => number;
  /** `loop` refuses every order (the tree runs on its own). */
  mode?: 'orders' | 'loop';
  /** Ended orders kept in the history (default 32). */
  historySize?: number;
  /** Order ids remembered for duplicate detection (default 1024). */
  rememberIds?: number;
}

/**
 * What the planner must do about a `cancelOrder`.
 *
 * @example
 * ```ts
 * if (book.cancel(action) === 'halt_running') { tree.halt(); book.finish('FAILED', `cancelled (action ${action.actionId})`); }
 * ```
 */
export type CancelOutcome = 'removed' | 'halt_running' | 'refused';

/**
 * The order book of one planner.
 *
 * @example
 * ```ts
 * const book = new OrderBook({ maxQueue: 2, trees: { main: 'Main', names: ['Main'] }, now: Date.now });
 * book.submit({ ...header, orderId: 'o1' }); // { accepted: true }
 * const o = book.startNext();                // o1, RUNNING
 * book.finish('FINISHED');
 * book.snapshot().history.at(-1)?.status;    // 'FINISHED'
 * ```
 */
export class OrderBook {
  private _current: OrderRecord | undefined;
  private readonly queue: OrderRecord[] = [];
  private readonly history: OrderRecord[] = [];
  private readonly actions: OrderActionState[] = [];
  private readonly seen = new Set<string>();
  private readonly historySize: number;
  private readonly rememberIds: number;
  /** +1 on every change (the planner publishes `plannerState` when it moves). */
  version = 0;
  readonly mode: 'orders' | 'loop';

  constructor(private readonly options: OrderBookOptions) {
    if (!(Number.isInteger(options.maxQueue) && options.maxQueue >= 1)) throw new RangeError(`OrderBook: maxQueue must be an integer ≥ 1, got ${options.maxQueue}`);
    this.historySize = options.historySize ?? 32;
    this.rememberIds = options.rememberIds ?? 1024;
    this.mode = options.mode ?? 'orders';
  }

  /** The running order. */
  get current(): OrderRecord | undefined {
    return this._current;
  }

  /** Waiting orders. */
  get waiting(): number {
    return this.queue.length;
  }

  private iso(): string {
    return new Date(this.options.now()).toISOString();
  }

  private remember(id: string): void {
    if (this.seen.size >= this.rememberIds) this.seen.delete(this.seen.values().next().value!);
    this.seen.add(id);
  }

  private archive(r: OrderRecord): void {
    this.history.push(r);
    if (this.history.length > this.historySize) this.history.splice(0, this.history.length - this.historySize);
    this.version++;
  }

  private statusOf(id: string): string | undefined {
    if (this._current?.orderId === id) return 'RUNNING';
    if (this.queue.some((q) => q.orderId === id)) return 'WAITING';
    for (let i = this.history.length - 1; i >= 0; i--) if (this.history[i]!.orderId === id && this.history[i]!.rejected !== true) return this.history[i]!.status;
    return undefined;
  }

  /**
   * Queues an order, or refuses it (recorded as FAILED, `rejected: true`) with the reason.
   * `refuseBecause` refuses it whatever it is (the planner's safe state).
   */
  submit(msg: OrderMessage, refuseBecause?: string): { accepted: true } | { accepted: false; reason: string } {
    const now = this.iso();
    const tree = msg.tree ?? this.options.trees.main;
    const rec: OrderRecord = { orderId: msg.orderId, tree, status: 'WAITING', sentAt: msg.timestamp, receivedAt: now };
    if (msg.parameters !== undefined && Object.keys(msg.parameters).length > 0) rec.parameters = { ...msg.parameters };
    const refuse = (reason: string) => {
      this.archive({ ...rec, status: 'FAILED', rejected: true, reason, endedAt: now });
      return { accepted: false as const, reason };
    };
    if (refuseBecause !== undefined) return refuse(refuseBecause);
    if (this.mode === 'loop') return refuse('planner runs in loop mode (orders.loop / --loop): the tree restarts on its own and orders are refused');
    if (this.seen.has(msg.orderId)) {
      const st = this.statusOf(msg.orderId);
      return refuse(`duplicate orderId ${msg.orderId}${st ? ` (already ${st})` : ' (seen before)'}: use a fresh orderId per order`);
    }
    if (!this.options.trees.names.includes(tree)) return refuse(`unknown tree '${tree}' (trees: ${this.options.trees.names.join(', ')})`);
    if (this.queue.length >= this.options.maxQueue) return refuse(`queue full: ${this.queue.length} orders waiting (orders.maxQueue = ${this.options.maxQueue})`);
    // only accepted ids count as seen: a refused order may be sent again once fixed
    this.remember(msg.orderId);
    this.queue.push(rec);
    this.version++;
    return { accepted: true };
  }

  /** Applies a `cancelOrder`; the planner halts the tree on `halt_running`, then calls {@link finish}. */
  cancel(a: OrderAction): CancelOutcome {
    const id = a.actionParameters.orderId;
    const record = (status: 'FINISHED' | 'FAILED', resultDescription: string) => {
      this.actions.push({ actionId: a.actionId, actionType: 'cancelOrder', orderId: id, actionStatus: status, resultDescription });
      if (this.actions.length > 16) this.actions.shift();
      this.version++;
    };
    if (this._current?.orderId === id) {
      record('FINISHED', 'running order halted');
      return 'halt_running';
    }
    const i = this.queue.findIndex((q) => q.orderId === id);
    if (i >= 0) {
      const [r] = this.queue.splice(i, 1);
      this.archive({ ...r!, status: 'FAILED', reason: `cancelled before start (action ${a.actionId})`, endedAt: this.iso() });
      record('FINISHED', 'waiting order removed');
      return 'removed';
    }
    const st = this.statusOf(id);
    record('FAILED', st ? `order ${id} already ended (${st}); nothing to cancel` : `no waiting or running order ${id}`);
    return 'refused';
  }

  /** Starts the next waiting order (RUNNING), if there is one and none runs. */
  startNext(): OrderRecord | undefined {
    if (this._current !== undefined) return undefined;
    const r = this.queue.shift();
    if (r === undefined) return undefined;
    r.status = 'RUNNING';
    r.startedAt = this.iso();
    this._current = r;
    this.version++;
    return r;
  }

  /** Ends the running order. */
  finish(status: 'FINISHED' | 'FAILED', reason?: string): OrderRecord | undefined {
    const r = this._current;
    if (r === undefined) return undefined;
    this._current = undefined;
    const done: OrderRecord = { ...r, status, endedAt: this.iso() };
    if (status === 'FAILED') done.reason = (reason ?? 'failed').slice(0, 500);
    this.archive(done);
    return done;
  }

  /** Fails every waiting order with `reason` (the safe state); returns how many. */
  failWaiting(reason: string): number {
    const n = this.queue.length;
    const now = this.iso();
    for (const r of this.queue.splice(0)) this.archive({ ...r, status: 'FAILED', reason: reason.slice(0, 500), endedAt: now });
    return n;
  }

  /** Current, queue, history and action outcomes (copies), for `plannerState`. */
  snapshot(): { current?: OrderRecord; queue: OrderRecord[]; history: OrderRecord[]; actionStates: OrderActionState[] } {
    return {
      ...(this._current ? { current: { ...this._current } } : {}),
      queue: this.queue.map((q) => ({ ...q })),
      history: this.history.map((h) => ({ ...h })),
      actionStates: this.actions.map((a) => ({ ...a })),
    };
  }
}

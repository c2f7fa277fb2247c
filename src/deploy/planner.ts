/**
 * The long-lived planner process of one robot cell: connects to the plant's broker,
 * runs the tree at a fixed rate against the cobot controller over MQTT, and fails safe.
 *
 * Lifecycle (issue 7):
 * - start: connect (retrying with backoff until the broker answers), publish `ONLINE`
 *   (retained) with `CONNECTION_BROKEN` as last will (both done by the MQTT planner
 *   link), start the tick loop — but tick the tree only once the controller is
 *   available (ONLINE and reporting state), so no handover is sent before that;
 * - broker lost / controller lost or silent: enter the **safe state** — stop ticking the
 *   tree, halt it (running actions are cancelled), pacing to `speed.min`; leave it and
 *   resume ticking when both are back. Broker reconnects use exponential backoff with
 *   jitter ({@link ReconnectDriver}) and keep queued QoS 1 messages;
 * - stop (SIGINT/SIGTERM): stop ticking, halt the tree (cancels), publish `OFFLINE`,
 *   disconnect, close the metrics server — bounded by `timeouts.shutdownMs`;
 * - orders (issue 12): the tree runs only when an `order` asks for it — one at a time,
 *   others waiting in a bounded queue ({@link OrderBook}); its parameters go to the
 *   blackboard as `order/<name>` before the first tick; the root's SUCCESS finishes it,
 *   FAILURE fails it with what failed; `cancelOrder` halts it (cancelling the running
 *   handover at the controller); the safe state fails it and every waiting order, and
 *   refuses new ones while it lasts (nothing starts by itself after a safe stop).
 *   Without an order the planner idles: connection, safe-state logic and blackboard
 *   stay live, no task node is ticked and no handover starts; only the tree's affect
 *   branches are ticked (perception stays warm, the last order's failure still gets its
 *   apology — they can speak and pace, never move the arm). Every change goes out in the
 *   retained `plannerState`. `orders.loop` (`run --loop`) keeps the demo behaviour: the
 *   tree is ticked on its own and restarted whenever it ends;
 * - a crash leaves the controller safe through the last will;
 * - refused by the controller (another planner holds the robot): the planner never
 *   drives the cell; {@link Planner.fatal} resolves with the reason and `affect-bt run`
 *   logs it and exits 1 — the first planner is not disturbed.
 *
 * Security hygiene: TLS verification switched off (`broker.tls.rejectUnauthorized:
 * false`) is logged as a warning at start and listed in `/healthz` `warnings`; broker
 * URLs are redacted wherever they are logged; affect per person on the blackboard is
 * bounded (`affect.maxPersons`, stale persons evicted first, `humanId` pinned).
 *
 * Design notes: the tree is built through an injected {@link TreeFactory} and the MQTT
 * side through an injected `connect` (default: `connectPlanner`), so the lifecycle is
 * testable in-process and the tick loop stays free of network waits: a tick reads the
 * blackboard and the controller client's cached state only. Logs are transitions only.
 */
import type { Logger } from 'pino';
import { Blackboard } from '../core/blackboard.ts';
import { SystemClock, type Clock } from '../core/clock.ts';
import type { Controller } from '../core/controller.ts';
import { affectKey } from '../contract/affect.ts';
import { HeaderFactory } from '../contract/header.ts';
import type { OrderActionsMessage, OrderMessage, OrderRecord, PlannerStateMessage } from '../contract/orders.ts';
import { TOPIC_SPECS } from '../contract/schemas.ts';
import { OrderBook } from './orders.ts';
import { connectPlanner, type PlannerLink, type PlannerLinkOptions } from '../mqtt/planner-link.ts';
import { publishOptions } from '../mqtt/connection.ts';
import { readPemFile, redactUrl } from '../mqtt/credentials.ts';
import { topicFor } from '../mqtt/topics.ts';
import { Backoff } from './backoff.ts';
import type { CellConfig } from './config.ts';
import { PlannerMetrics, startMetricsServer, type MetricsServer } from './metrics.ts';
import { ObservedController } from './observed-controller.ts';
import { ReconnectDriver } from './reconnect.ts';
import { Ticker } from './ticker.ts';
import { TracePublisher, blackboardSnapshot } from './trace.ts';
import type { TreeDescription } from '../tree/describe.ts';

/**
 * Blackboard key WaitForHumanReady reads by default; the planner writes it (config `humanReady`).
 *
 * @example
 * ```ts
 * planner.blackboard.get(HUMAN_READY_KEY); // true with humanReady: assume
 * ```
 */
export const HUMAN_READY_KEY = 'human/ready';

/**
 * Blackboard key of the running order's id; its parameters go to `order/<name>`.
 *
 * @example
 * ```ts
 * planner.blackboard.get(ORDER_ID_KEY); // 'o-1042' while that order runs
 * ```
 */
export const ORDER_ID_KEY = 'order/id';

/**
 * Prefix of the blackboard keys an order's parameters are written to.
 *
 * @example
 * ```ts
 * planner.blackboard.get(`${ORDER_PARAMETER_PREFIX}objectId`); // 'part-7'
 * ```
 */
export const ORDER_PARAMETER_PREFIX = 'order/';

/** A node of a built tree as traces see it (the tree runtime's nodes fit). */
export interface FeedbackNode {
  readonly path: string;
  readonly children: readonly FeedbackNode[];
  /** What the node did last (sent with its trace record). */
  feedback(): string;
  /** Status of the node's last tick (names what failed when an order's tree fails). */
  readonly lastStatus?: string;
  /** How the node last finished (SUCCESS/FAILURE); sent as a `result` record when it finished since the previous trace. */
  readonly lastResult?: string;
  /** Finishes so far (compared with the count the previous trace reported). */
  readonly results?: number;
}

/** What the planner needs from a built tree (the tree runtime's `TreeRunner` fits). */
export interface RunnableTree {
  tick(): unknown;
  halt(): void;
  /** Trace records of the last tick (node path, status, duration). */
  readonly lastTrace?: unknown;
  /** Ticks only the affect branches (between orders); see `TreeRunner.tickAffect`. */
  tickAffect?(): number;
  /** Clock time (epoch ms) when a timer of the tree (Timeout, Delay, Wait …) next needs a tick. */
  nextDeadline?(): number | undefined;
  /** The last error a node threw (with `path`, `kind`, `originalMessage` when it is a NodeError). */
  readonly lastError?: unknown;
  /** Tick number at which `lastError` was set. */
  readonly lastErrorTick?: number;
  /** Root node: its nodes' feedback messages go out with the trace. */
  readonly root?: FeedbackNode;
  /** Published once per build, retained, on the `tree` topic (see `describeTree`). */
  readonly description?: TreeDescription;
}

/** Builds the tree (`treeName`: a tree of the file other than its main tree, for an order) against the planner's blackboard, controller and clock. */
export type TreeFactory = (env: { blackboard: Blackboard; controller: Controller; clock: Clock; treeName?: string }) => RunnableTree;

/** Planner phases, as logged and reported on `/healthz`. */
export type PlannerPhase = 'idle' | 'connecting' | 'waiting_controller' | 'running' | 'safe' | 'stopping' | 'stopped';

/** Options of a {@link Planner}. */
export interface PlannerOptions {
  config: CellConfig;
  logger: Logger;
  buildTree: TreeFactory;
  clock?: Clock;
  metrics?: PlannerMetrics;
  /** Called after every tick with its duration (ms) and overrun flag (benchmarks). */
  onTick?: (durationMs: number, overrun: boolean) => void;
  /** MQTT side (default {@link connectPlanner}); injectable for tests. */
  connect?: (options: PlannerLinkOptions) => Promise<PlannerLink>;
  /** The tree file's trees an order may name (default: only the tree `buildTree` builds). */
  trees?: { main: string; names: readonly string[] };
}

/**
 * One cell's planner.
 *
 * @example
 * ```ts
 * const planner = new Planner({ config, logger, buildTree: (env) => buildTree(doc, env) });
 * await planner.start();
 * process.once('SIGTERM', () => void planner.stop('SIGTERM'));
 * ```
 */
export class Planner {
  readonly metrics: PlannerMetrics;
  readonly blackboard: Blackboard;
  readonly clock: Clock;
  private readonly log: Logger;
  private readonly cfg: CellConfig;
  private link: PlannerLink | undefined;
  private driver: ReconnectDriver | undefined;
  private controller: ObservedController | undefined;
  private tree: RunnableTree | undefined;
  private ticker: Ticker | undefined;
  private trace: TracePublisher | undefined;
  private server: MetricsServer | undefined;
  private _phase: PlannerPhase = 'idle';
  private safeReason: string | undefined = 'not started';
  private everRan = false;
  private lastVlmTs = Number.NaN;
  private stopPromise: Promise<void> | undefined;
  private readonly affectKeyName: string;
  private headers: HeaderFactory;
  private startAbort = false;
  private lastReady: boolean | undefined;
  private readonly warnings: string[] = [];
  private refusal: string | undefined;
  private resolveFatal: (reason: string) => void = () => {};
  /** Resolves (never rejects) when the planner cannot go on: the controller refused its session. */
  readonly fatal: Promise<string> = new Promise((resolve) => (this.resolveFatal = resolve));
  private seenErrorTick = -1;
  private lastErrorKey = '';
  private errorRepeats = 0;
  /** Node path → node, for feedback in traces (built once per tree build). */
  private readonly traceNodes = new Map<string, FeedbackNode>();
  /** Node → its `results` count when the last trace went out (a finish since then is reported); bounded by the nodes of the cached trees. */
  private readonly reportedResults = new Map<FeedbackNode, number>();
  /** Built trees by name (the main tree at start, others when an order names them). */
  private readonly trees = new Map<string, RunnableTree>();
  private book: OrderBook | undefined;
  /** Order messages received since the last tick (applied on the tick, never in the MQTT callback). */
  private readonly inbox: Array<{ order: OrderMessage } | { actions: OrderActionsMessage }> = [];
  private orderParamKeys: string[] = [];
  private orderErrorTick = -1;
  private orderStartedMs = 0;
  /** What the last `plannerState` said (compared field by field every tick: no allocation). */
  private published: { version: number; phase: PlannerPhase | undefined; safeReason: string | undefined } = { version: -1, phase: undefined, safeReason: undefined };
  private publishPlannerState: (() => void) | undefined;
  private treeTopicPublish: (() => void) | undefined;

  constructor(private readonly options: PlannerOptions) {
    this.cfg = options.config;
    this.log = options.logger;
    this.clock = options.clock ?? new SystemClock();
    this.metrics = options.metrics ?? new PlannerMetrics({ labels: { robot: `${this.cfg.robot.manufacturer}/${this.cfg.robot.serialNumber}` } });
    this.blackboard = new Blackboard({ clock: this.clock });
    this.affectKeyName = affectKey(this.cfg.humanId);
    this.blackboard.boundFamily('affect/', { maxKeys: this.cfg.affect.maxPersons, forgetAfterMs: this.cfg.affect.forgetAfterMs, pinned: [this.affectKeyName] });
    this.headers = new HeaderFactory(this.cfg.robot);
    if (this.cfg.broker.tls.rejectUnauthorized === false) {
      this.warnings.push('TLS certificate verification is disabled (broker.tls.rejectUnauthorized: false): the broker is not authenticated and a man in the middle can drive the cell; never use this in production');
    }
    this.metrics.setAffectAgeSource(() => this.blackboard.ageMs(this.affectKeyName));
  }

  /** Current phase. */
  get phase(): PlannerPhase {
    return this._phase;
  }

  /** The metrics server address, when enabled. */
  get metricsUrl(): string | undefined {
    return this.server?.url;
  }

  /** The MQTT link (after {@link start}). */
  get mqtt(): PlannerLink | undefined {
    return this.link;
  }

  /** The order book (after {@link start}): current order, queue, history. */
  get orders(): OrderBook | undefined {
    return this.book;
  }

  /** Ticks run, overruns, extra ticks for tree deadlines (for tests and the soak bench). */
  get tickStats(): { ticks: number; overruns: number; slowTicks: number; lateStarts: number; skipped: number; wakeups: number } {
    const t = this.ticker;
    return { ticks: t?.ticks ?? 0, overruns: t?.overruns ?? 0, slowTicks: t?.slowTicks ?? 0, lateStarts: t?.lateStarts ?? 0, skipped: t?.skipped ?? 0, wakeups: t?.wakeups ?? 0 };
  }

  /** A JSON-able status for `/healthz` and logs. */
  status(): Record<string, unknown> {
    return {
      ok: this._phase === 'running',
      phase: this._phase,
      safeReason: this.safeReason ?? null,
      broker: redactUrl(this.cfg.broker.url),
      brokerConnected: this.link?.connected ?? false,
      controllerAvailable: this.link?.controller.available ?? false,
      sessionId: this.link?.session.sessionId ?? null,
      holdsCell: this.link?.controller.holdsCell ?? false,
      tlsVerify: /^(mqtts|wss|ssl):/.test(this.cfg.broker.url) ? this.cfg.broker.tls.rejectUnauthorized : null,
      warnings: this.warnings,
      affectPersons: this.blackboard.familySize('affect/') ?? 0,
      affectPersonsEvicted: this.blackboard.familyEvictions('affect/'),
      mode: this.cfg.orders.loop ? 'loop' : 'orders',
      order: this.book?.current ? { orderId: this.book.current.orderId, tree: this.book.current.tree } : null,
      ordersWaiting: this.book?.waiting ?? 0,
      ...this.tickStats,
    };
  }

  /**
   * Connects (retrying with backoff), starts the metrics server and the tick loop.
   * Resolves once connected; the tree starts ticking when the controller is available.
   */
  async start(): Promise<void> {
    if (this._phase !== 'idle') throw new Error(`Planner.start: already ${this._phase}`);
    const cfg = this.cfg;
    if (cfg.metrics.port !== undefined) {
      this.server = await startMetricsServer(this.metrics.registry, { host: cfg.metrics.host, port: cfg.metrics.port, health: () => this.status() });
      this.log.info({ url: this.server.url }, 'metrics server listening');
    }
    for (const w of this.warnings) this.log.warn({ warning: w }, 'insecure configuration');
    this.setPhase('connecting');
    const backoff = new Backoff({ minMs: cfg.broker.reconnectMinMs, maxMs: cfg.broker.reconnectMaxMs });
    const connect = this.options.connect ?? connectPlanner;
    const linkOptions = this.linkOptions();
    for (;;) {
      try {
        this.link = await connect(linkOptions);
        break;
      } catch (e) {
        if (this.startAbort) throw new Error('planner stopped before the broker connection was up');
        const delay = backoff.next();
        this.log.warn({ url: redactUrl(cfg.broker.url), attempt: backoff.attempts, retryInMs: delay, err: (e as Error).message }, 'broker connection failed; retrying');
        await new Promise((r) => setTimeout(r, delay));
        if (this.startAbort) throw new Error('planner stopped before the broker connection was up');
      }
    }
    const link = this.link;
    if (this.startAbort) {
      // stop() ran while we were connecting: do not leave a connected client behind
      await link.close();
      throw new Error('planner stopped before the broker connection was up');
    }
    this.metrics.brokerConnected.set(1);
    this.headers = new HeaderFactory(cfg.robot, link.session.sessionId);
    this.log.info({ url: redactUrl(cfg.broker.url), mqtt5: link.mqtt5, robot: `${cfg.robot.manufacturer}/${cfg.robot.serialNumber}`, sessionId: link.session.sessionId }, 'planner ONLINE');
    this.driver = new ReconnectDriver(link.client, {
      minMs: cfg.broker.reconnectMinMs,
      maxMs: cfg.broker.reconnectMaxMs,
      onAttempt: (attempt, delayMs) => this.log.info({ attempt, delayMs }, 'broker reconnect attempt'),
    });
    link.client.on('close', () => {
      if (this._phase === 'stopping' || this._phase === 'stopped') return;
      this.metrics.brokerConnected.set(0);
    });
    link.client.on('offline', () => {
      if (this._phase !== 'stopping' && this._phase !== 'stopped') this.log.warn({ url: redactUrl(cfg.broker.url) }, 'broker connection lost');
    });
    link.client.on('connect', () => {
      this.metrics.brokerConnected.set(1);
      this.metrics.reconnects.inc();
      this.log.info({ url: redactUrl(cfg.broker.url) }, 'broker reconnected');
    });
    this.metrics.setMessageSource(() => {
      const c = link.bridge.counters;
      return { received: { all: c.received, ...c.accepted }, rejected: c.rejected as unknown as Record<string, number> };
    });
    this.controller = new ObservedController(link.controller, (type, outcome) => this.metrics.action(type, outcome));
    this.tree = this.options.buildTree({ blackboard: this.blackboard, controller: this.controller, clock: this.clock });
    const mainName = this.options.trees?.main ?? (this.tree as { treeName?: string }).treeName ?? 'main';
    this.trees.set(mainName, this.tree);
    this.book = new OrderBook({ maxQueue: cfg.orders.maxQueue, trees: this.options.trees ?? { main: mainName, names: [mainName] }, now: () => this.clock.now(), mode: cfg.orders.loop ? 'loop' : 'orders' });
    link.bridge.onOrder((m) => {
      if (this.inbox.length < 4 * cfg.orders.maxPerSecond) this.inbox.push({ order: m });
      else this.log.warn({ orderId: m.orderId }, 'order inbox full; order dropped');
    });
    link.bridge.onOrderActions((m) => {
      if (this.inbox.length < 4 * cfg.orders.maxPerSecond) this.inbox.push({ actions: m });
      else this.log.warn({}, 'order inbox full; order actions dropped');
    });
    const stateTopic = topicFor(cfg.robot, 'plannerState');
    this.publishPlannerState = () => {
      if (!link.client.connected) return;
      const msg: PlannerStateMessage = {
        ...this.headers.next('plannerState', this.clock.now()),
        phase: this._phase,
        ...(this.safeReason !== undefined ? { safeReason: this.safeReason.slice(0, 500) } : {}),
        mode: cfg.orders.loop ? 'loop' : 'orders',
        maxQueue: cfg.orders.maxQueue,
        ...this.book!.snapshot(),
      };
      link.client.publish(stateTopic, JSON.stringify(msg), publishOptions(link.client, TOPIC_SPECS.plannerState.qos, true));
    };
    // retained, and again on every connect: a restarted broker has forgotten it
    link.client.on('connect', () => this.publishPlannerState?.());
    if (cfg.orders.loop) this.log.info({}, 'loop mode: the tree runs without orders and restarts whenever it ends');
    else this.log.info({ maxQueue: cfg.orders.maxQueue }, 'orders mode: idle until an order arrives');
    if (cfg.humanReady === 'assume') this.blackboard.set(HUMAN_READY_KEY, true, { source: 'planner:assume', maxAgeMs: Infinity });
    const traceTopic = topicFor(cfg.robot, 'trace');
    this.indexTraceNodes(this.tree.root);
    // retained: a monitor that connects later still gets it; again on every connect
    // because a restarted broker has forgotten it, and when an order switches trees
    const treeTopic = topicFor(cfg.robot, 'tree');
    this.treeTopicPublish = () => {
      const description = this.tree?.description;
      if (description) link.client.publish(treeTopic, JSON.stringify({ ...this.headers.next('tree', this.clock.now()), ...description }), publishOptions(link.client, 1, true));
    };
    this.treeTopicPublish();
    link.client.on('connect', () => this.treeTopicPublish?.());
    if (cfg.trace.enabled) {
      this.trace = new TracePublisher({
        maxHz: cfg.trace.maxHz,
        publish: (payload) => {
          if (!link.client.connected) return false;
          link.client.publish(traceTopic, payload, publishOptions(link.client, 0, false));
          this.metrics.tracesPublished.inc();
          return true;
        },
      });
    }
    this.setPhase('waiting_controller');
    this.safeReason = link.controller.safeReason ?? 'waiting for the first tick';
    this.log.info({ reason: this.safeReason }, 'waiting for the controller');
    this.ticker = new Ticker({
      rateHz: cfg.tick.rateHz,
      tick: this.tickOnce,
      onTick: this.options.onTick
        ? (ms, overrun) => {
            this.metrics.observeTick(ms, overrun);
            this.options.onTick!(ms, overrun);
          }
        : (ms, overrun) => this.metrics.observeTick(ms, overrun),
      onError: (e) => this.log.error({ err: (e as Error).message, stack: (e as Error).stack }, 'tick failed'),
      nextWakeInMs: () => {
        if (this._phase !== 'running') return undefined;
        if (!this.cfg.orders.loop && this.book?.current === undefined) return undefined;
        const d = this.tree?.nextDeadline?.();
        return d === undefined ? undefined : d - this.clock.now();
      },
    });
    this.ticker.start();
    this.maybePublishState();
  }

  private readonly tickOnce = (): void => {
    const link = this.link!;
    const refused = link.controller.refusedBecause;
    if (refused !== undefined && this.refusal === undefined) {
      this.refusal = refused;
      this.log.fatal({ reason: refused, sessionId: link.session.sessionId }, 'planner refused: another planner holds this robot');
      this.resolveFatal(`refused by the controller: ${refused}`);
    }
    this.applyInbox();
    const reason = link.connected ? link.controller.safeReason : 'broker connection lost';
    if (reason !== undefined) {
      if (this._phase === 'running') this.enterSafe(reason);
      else if (reason !== this.safeReason) this.safeReason = reason;
      this.maybePublishState();
      return;
    }
    if (this._phase !== 'running') this.leaveSafe();
    if (this.cfg.humanReady === 'affect') {
      const ready = this.blackboard.isFresh(this.affectKeyName);
      if (ready !== this.lastReady) {
        this.lastReady = ready;
        this.blackboard.set(HUMAN_READY_KEY, ready, { source: 'planner:affect', maxAgeMs: Infinity });
      }
    }
    if (this.cfg.orders.loop) {
      this.tree!.tick();
      this.reportTreeError();
    } else this.tickOrder();
    this.controller!.poll();
    this.countVlm();
    if (this.trace) this.trace.offer(this.clock.now(), this.buildTrace);
    this.maybePublishState();
  };

  /** Applies the order messages received since the last tick. */
  private applyInbox(): void {
    const book = this.book!;
    while (this.inbox.length > 0) {
      const item = this.inbox.shift()!;
      if ('order' in item) {
        const m = item.order;
        // in the safe state nothing new is taken on: a queued order would start by itself when the cell comes back
        const r = book.submit(m, this._phase === 'safe' ? `planner in safe state (${this.safeReason ?? 'reason unknown'}): orders are refused until it leaves it; send it again then` : undefined);
        if (r.accepted) {
          this.metrics.orders.inc({ outcome: 'accepted' });
          this.log.info({ orderId: m.orderId, tree: m.tree, parameters: m.parameters, waiting: book.waiting }, 'order accepted');
        } else {
          this.metrics.orders.inc({ outcome: 'rejected' });
          this.log.warn({ orderId: m.orderId, reason: r.reason }, 'order rejected');
        }
        continue;
      }
      for (const a of item.actions.actions) {
        const outcome = book.cancel(a);
        const orderId = a.actionParameters.orderId;
        if (outcome === 'halt_running') {
          this.haltTree('cancelling the order');
          this.endOrder('FAILED', `cancelled (action ${a.actionId})`, 'cancelled');
        } else if (outcome === 'removed') {
          this.metrics.orders.inc({ outcome: 'cancelled' });
          this.log.info({ orderId, actionId: a.actionId }, 'waiting order cancelled');
        } else this.log.warn({ orderId, actionId: a.actionId, reason: book.snapshot().actionStates.at(-1)?.resultDescription }, 'cancelOrder refused');
      }
    }
  }

  /** Orders mode: start the next order if none runs, tick the running one, end it on SUCCESS/FAILURE. */
  private tickOrder(): void {
    const book = this.book!;
    if (book.current === undefined) {
      const next = book.startNext();
      if (next === undefined) {
        // idle: no order, no task tick, no handover — only the affect branches run, so
        // perception stays warm and the last order's failure still gets its apology
        this.tree?.tickAffect?.();
        return;
      }
      const problem = this.prepareOrder(next);
      if (problem !== undefined) {
        this.endOrder('FAILED', problem);
        return;
      }
    }
    const tree = this.tree!;
    const status = tree.tick();
    this.reportTreeError();
    if (status === 'SUCCESS') this.endOrder('FINISHED');
    else if (status === 'FAILURE') this.endOrder('FAILED', this.failureReason(tree));
  }

  /** Selects (building on first use) the order's tree and writes its parameters; returns a problem, if any. */
  private prepareOrder(o: OrderRecord): string | undefined {
    for (const k of this.orderParamKeys) this.blackboard.delete(k);
    this.orderParamKeys = [];
    let tree = this.trees.get(o.tree);
    if (tree === undefined) {
      try {
        tree = this.options.buildTree({ blackboard: this.blackboard, controller: this.controller!, clock: this.clock, treeName: o.tree });
      } catch (e) {
        return `tree '${o.tree}' cannot run on its own: ${(e as Error).message.split('\n')[0]!.slice(0, 400)}`;
      }
      this.trees.set(o.tree, tree);
    }
    if (tree !== this.tree) {
      this.tree = tree;
      // the outgoing tree's finishes name paths of a tree the next traces do not describe:
      // count them as reported, so switching back to this cached tree later reports only new ones
      for (const n of this.traceNodes.values()) this.reportedResults.set(n, n.results ?? 0);
      this.traceNodes.clear();
      this.indexTraceNodes(tree.root);
      this.treeTopicPublish?.();
    }
    try {
      this.blackboard.set(ORDER_ID_KEY, o.orderId, { source: `order:${o.orderId}`, maxAgeMs: Infinity });
      this.orderParamKeys.push(ORDER_ID_KEY);
      for (const [name, value] of Object.entries(o.parameters ?? {})) {
        const key = ORDER_PARAMETER_PREFIX + name;
        this.blackboard.set(key, value, { source: `order:${o.orderId}`, maxAgeMs: Infinity });
        this.orderParamKeys.push(key);
      }
    } catch (e) {
      return `parameter rejected by the blackboard: ${(e as Error).message}`;
    }
    this.orderErrorTick = tree.lastErrorTick ?? -1;
    this.orderStartedMs = this.clock.now();
    this.log.info({ orderId: o.orderId, tree: o.tree, parameters: o.parameters }, 'order started');
    return undefined;
  }

  /** Ends the running order, clears its parameters from the blackboard, counts and logs it. */
  private endOrder(status: 'FINISHED' | 'FAILED', reason?: string, outcome?: 'cancelled'): void {
    const done = this.book!.finish(status, reason);
    for (const k of this.orderParamKeys) this.blackboard.delete(k);
    this.orderParamKeys = [];
    if (done === undefined) return;
    this.metrics.orders.inc({ outcome: outcome ?? (status === 'FINISHED' ? 'finished' : 'failed') });
    if (status === 'FINISHED') this.log.info({ orderId: done.orderId, tree: done.tree }, 'order finished');
    else this.log.warn({ orderId: done.orderId, tree: done.tree, reason: done.reason }, 'order failed');
  }

  /** What failed in a tree whose root returned FAILURE: a node error, else the deepest failed node and its feedback. */
  private failureReason(tree: RunnableTree): string {
    const err = tree.lastError as { path?: string; originalMessage?: string; message?: string } | undefined;
    if (err !== undefined && (tree.lastErrorTick ?? -1) !== this.orderErrorTick) return `tree FAILURE: node ${err.path ?? '?'} threw: ${err.originalMessage ?? err.message ?? String(err)}`;
    let n = tree.root;
    let failed: FeedbackNode | undefined;
    while (n !== undefined) {
      const child: FeedbackNode | undefined = [...n.children].reverse().find((c) => c.lastStatus === 'FAILURE');
      if (child === undefined) break;
      failed = child;
      n = child;
    }
    const last = this.blackboard.get<{ kind?: string; at?: number }>('task/lastFailure');
    const kind = last !== undefined && typeof last.at === 'number' && last.at >= this.orderStartedMs ? ` (last task failure: ${last.kind})` : '';
    if (failed === undefined) return `tree FAILURE${kind}`;
    const fb = failed.feedback();
    return `tree FAILURE at ${failed.path}${fb ? `: ${fb}` : ''}${kind}`;
  }

  private haltTree(why: string): void {
    try {
      this.tree?.halt();
    } catch (e) {
      this.log.error({ err: (e as Error).message }, `tree halt failed while ${why}`);
    }
  }

  /** Publishes `plannerState` when the orders, the phase or the safe reason changed. */
  private maybePublishState(): void {
    const p = this.published;
    const version = this.book?.version ?? -1;
    if ((p.version === version && p.phase === this._phase && p.safeReason === this.safeReason) || this.link?.client.connected !== true) return;
    p.version = version;
    p.phase = this._phase;
    p.safeReason = this.safeReason;
    this.publishPlannerState?.();
  }

  /**
   * Logs a node error of the last tick once, with the node's path and kind: the first
   * time a node fails with a given message; repeats of the same error are counted and
   * their number logged when a different error comes or ticks succeed again.
   */
  private reportTreeError(): void {
    const tree = this.tree!;
    const tick = tree.lastErrorTick;
    if (tick === undefined) return;
    if (tick === this.seenErrorTick) {
      // this tick went without an error
      if (this.lastErrorKey !== '') {
        if (this.errorRepeats > 0) this.log.warn({ repeats: this.errorRepeats }, 'tree node error repeated, then stopped');
        this.lastErrorKey = '';
        this.errorRepeats = 0;
      }
      return;
    }
    this.seenErrorTick = tick;
    const e = tree.lastError as { path?: string; kind?: string; originalMessage?: string; message?: string } | undefined;
    const key = `${e?.path ?? ''}\u0000${e?.originalMessage ?? e?.message ?? String(e)}`;
    if (key === this.lastErrorKey) {
      this.errorRepeats++;
      return;
    }
    if (this.errorRepeats > 0) this.log.warn({ repeats: this.errorRepeats }, 'previous tree node error repeated');
    this.lastErrorKey = key;
    this.errorRepeats = 0;
    this.log.error({ node: e?.path, kind: e?.kind, err: e?.originalMessage ?? e?.message ?? String(e) }, 'tree node threw: tick failed and the tree was halted (running actions cancelled)');
  }

  /** Runs only when a trace goes out (rate-limited), never on the other ticks. */
  private readonly buildTrace = () => {
    const raw = this.tree?.lastTrace;
    const results = this.resultRecords();
    // the contract allows 1024 records: the planner record, the results, then the visits
    const records: object[] = Array.isArray(raw) ? (raw as object[]).slice(0, 1023 - results.length) : raw && typeof raw === 'object' ? [raw as object] : [];
    if (this.traceNodes.size > 0) {
      for (const r of records as { path?: unknown; feedback?: string }[]) {
        const node = typeof r.path === 'string' ? this.traceNodes.get(r.path) : undefined;
        if (node !== undefined) r.feedback = node.feedback().slice(0, 300);
      }
    }
    const now = this.clock.now();
    return {
      ...this.headers.next('trace', now),
      ...(this.tree?.description ? { treeId: this.tree.description.treeId } : {}),
      records: [{ kind: 'planner', phase: this._phase, tick: this.ticker?.ticks ?? 0, speedScale: this.controller?.speedScale, ...(this.safeReason !== undefined ? { safeReason: this.safeReason } : {}) }, ...results, ...records],
      blackboard: blackboardSnapshot(this.blackboard, now),
    };
  };

  /**
   * `result` records: the nodes that finished (SUCCESS/FAILURE) in some tick since the
   * previous trace, each with its last finish. A trace samples one tick in
   * `rateHz / trace.maxHz`, and a finish lasts one tick (a Retry re-runs its child in the
   * same tick), so without these a monitor would almost never see a handover fail.
   * They precede the visit records, so a receiver applying records in order ends with
   * the latest status either way. Built only when a trace goes out.
   */
  private resultRecords(): { kind: 'result'; path: string; status: string }[] {
    const out: { kind: 'result'; path: string; status: string }[] = [];
    for (const n of this.traceNodes.values()) {
      const count = n.results;
      if (count === undefined || count === 0 || n.lastResult === undefined) continue;
      if (this.reportedResults.get(n) === count) continue;
      this.reportedResults.set(n, count);
      if (out.length < 256) out.push({ kind: 'result', path: n.path, status: n.lastResult });
    }
    return out;
  }

  private indexTraceNodes(n: FeedbackNode | undefined): void {
    if (n === undefined) return;
    this.traceNodes.set(n.path, n);
    for (const c of n.children) this.indexTraceNodes(c);
  }

  private countVlm(): void {
    const e = this.blackboard.entry<{ source?: string }>(this.affectKeyName);
    if (e === undefined || e.timestamp === this.lastVlmTs) return;
    this.lastVlmTs = e.timestamp;
    if (e.value && e.value.source === 'vlm') this.metrics.vlmCall('vlm_estimate');
  }

  private enterSafe(reason: string): void {
    this.setPhase('safe');
    this.safeReason = reason;
    this.metrics.safeState.set(1);
    this.metrics.controllerAvailable.set(0);
    this.haltTree('entering the safe state');
    if (this.link!.connected) this.controller!.setSpeedScale(this.cfg.speed.min);
    this.log.warn({ reason, speedScale: this.cfg.speed.min }, 'safe state entered');
    // the running order and the waiting ones fail: nothing starts by itself after a safe stop
    if (this.book?.current !== undefined) this.endOrder('FAILED', `safe state: ${reason}`);
    const dropped = this.book?.failWaiting(`safe state before it started: ${reason}`) ?? 0;
    if (dropped > 0) {
      this.metrics.orders.inc({ outcome: 'failed' }, dropped);
      this.log.warn({ orders: dropped, reason }, 'waiting orders failed: safe state');
    }
  }

  private leaveSafe(): void {
    const first = !this.everRan;
    this.everRan = true;
    this.setPhase('running');
    this.metrics.safeState.set(0);
    this.metrics.controllerAvailable.set(1);
    if (first) this.log.info({}, 'controller available; ticking');
    else this.log.info({ after: this.safeReason }, 'safe state left; resuming');
    this.safeReason = undefined;
  }

  private setPhase(p: PlannerPhase): void {
    this._phase = p;
  }

  /**
   * Graceful stop: stop ticking, halt the tree (cancels running actions), publish
   * `OFFLINE`, disconnect, close the metrics server. Idempotent; bounded by
   * `timeouts.shutdownMs`.
   */
  stop(reason: string): Promise<void> {
    this.stopPromise ??= this.doStop(reason);
    return this.stopPromise;
  }

  private async doStop(reason: string): Promise<void> {
    const wasPhase = this._phase;
    this.startAbort = true;
    this.setPhase('stopping');
    this.log.info({ reason, from: wasPhase }, 'planner stopping');
    this.ticker?.stop();
    this.haltTree('shutting down');
    if (this.book?.current !== undefined) this.endOrder('FAILED', `planner stopped (${reason})`);
    if (this.link?.connected) {
      // the last word on the orders, before OFFLINE
      this.published.phase = undefined;
      this.maybePublishState();
    }
    this.driver?.stop();
    const link = this.link;
    if (link) {
      let timer: NodeJS.Timeout | undefined;
      const timedOut = await Promise.race([
        link.close().then(() => false),
        new Promise<boolean>((r) => (timer = setTimeout(() => r(true), this.cfg.timeouts.shutdownMs))),
      ]);
      clearTimeout(timer);
      if (timedOut) {
        this.log.warn({ shutdownMs: this.cfg.timeouts.shutdownMs }, 'broker did not acknowledge OFFLINE in time; forcing disconnect');
        link.client.end(true);
      } else this.log.info({}, 'OFFLINE published; disconnected');
    }
    await this.server?.close();
    this.metrics.brokerConnected.set(0);
    this.setPhase('stopped');
    this.log.info({ reason, ...this.tickStats }, 'planner stopped');
  }

  private linkOptions(): PlannerLinkOptions {
    const cfg = this.cfg;
    const tls = cfg.broker.tls;
    const read = (what: string, path: string | undefined) => (path ? readPemFile(`broker.tls.${what}`, path) : undefined);
    return {
      mqtt: {
        url: cfg.broker.url,
        clientId: cfg.broker.clientId ?? `planner-${cfg.robot.serialNumber}-${process.pid}`,
        username: cfg.credentials.username,
        password: cfg.credentials.password,
        ca: read('ca', tls.ca),
        cert: read('cert', tls.cert),
        key: read('key', tls.key),
        rejectUnauthorized: tls.rejectUnauthorized,
        keepaliveS: cfg.broker.keepaliveS,
        connectTimeoutMs: cfg.broker.connectTimeoutMs,
        reconnectPeriodMs: cfg.broker.reconnectMinMs,
      },
      robot: cfg.robot,
      blackboard: this.blackboard,
      clock: this.clock,
      logger: this.log,
      bridge: { maxClockSkewMs: cfg.timeouts.maxClockSkewMs, maxAffectPerSecond: cfg.affect.maxMessagesPerSecond, maxOrdersPerSecond: cfg.orders.maxPerSecond },
      controller: { speedRange: [cfg.speed.min, cfg.speed.max], stateTimeoutMs: cfg.timeouts.controllerSilenceMs, shortActionTimeoutMs: cfg.timeouts.actionTimeoutMs },
    };
  }
}

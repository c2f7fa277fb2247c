/**
 * Prometheus metrics of the planner process (prom-client) and the small HTTP server
 * that exposes them (`GET /metrics`, plus `GET /healthz` for liveness probes).
 *
 * Design notes: a private `Registry` per planner (never the global one) so tests and
 * several planners in one process do not collide. Hot-path updates (tick histogram) are
 * a single `observe`; values owned by other modules (affect age, bridge rejection
 * counters) are pulled at scrape time through `collect` callbacks instead of being
 * pushed on every message. Metric names follow Prometheus conventions (`_total`,
 * `_seconds`, base units).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Registry, Histogram, Counter, Gauge, collectDefaultMetrics } from 'prom-client';

/** Message counts owned by the MQTT bridge, read at scrape time. */
export interface MessageCounts {
  received: Record<string, number>;
  rejected: Record<string, number>;
}

/** Outcome labels of `affectbt_actions_total`. */
export type ActionOutcome = 'sent' | 'finished' | 'failed' | 'cancelled';

/**
 * All metrics of one planner.
 *
 * @example
 * ```ts
 * const m = new PlannerMetrics({ defaultMetrics: false });
 * m.observeTick(0.4, false);
 * m.setMessageSource(() => ({ received: { affect: 10 }, rejected: { bad_json: 1 } }));
 * const text = await m.registry.metrics(); // Prometheus text format
 * ```
 */
export class PlannerMetrics {
  readonly registry = new Registry();
  readonly tickDuration: Histogram;
  readonly tickOverruns: Counter;
  readonly ticks: Counter;
  readonly affectAge: Gauge;
  readonly messagesReceived: Counter<'topic'>;
  readonly messagesRejected: Counter<'reason'>;
  readonly actions: Counter<'type' | 'outcome'>;
  readonly vlmCalls: Counter<'outcome'>;
  readonly vlmCost: Counter;
  readonly brokerConnected: Gauge;
  readonly controllerAvailable: Gauge;
  readonly safeState: Gauge;
  readonly reconnects: Counter;
  readonly tracesPublished: Counter;
  readonly orders: Counter<'outcome'>;
  private affectAgeSource: () => number | undefined = () => undefined;
  private messageSource: () => MessageCounts = () => ({ received: {}, rejected: {} });

  constructor(options: { defaultMetrics?: boolean; labels?: Record<string, string> } = {}) {
    if (options.labels) this.registry.setDefaultLabels(options.labels);
    if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry, prefix: 'affectbt_' });
    const registers = [this.registry];
    this.tickDuration = new Histogram({
      name: 'affectbt_tick_duration_seconds',
      help: 'Wall time of one tree tick',
      buckets: [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1],
      registers,
    });
    this.tickOverruns = new Counter({ name: 'affectbt_tick_overruns_total', help: 'Ticks that took longer than the tick period or started a period late', registers });
    this.ticks = new Counter({ name: 'affectbt_ticks_total', help: 'Tree ticks run', registers });
    const self = this;
    this.affectAge = new Gauge({
      name: 'affectbt_affect_age_seconds',
      help: 'Age of the newest affect estimate on the blackboard (NaN when none yet)',
      registers,
      collect() {
        const ms = self.affectAgeSource();
        this.set(ms === undefined ? Number.NaN : ms / 1000);
      },
    });
    this.messagesReceived = new Counter({
      name: 'affectbt_mqtt_messages_received_total',
      help: 'Inbound MQTT messages accepted, by topic (topic="all": every message handed to the bridge)',
      labelNames: ['topic'],
      registers,
      collect() {
        this.reset();
        for (const [topic, n] of Object.entries(self.messageSource().received)) this.inc({ topic }, n);
      },
    });
    this.messagesRejected = new Counter({
      name: 'affectbt_mqtt_messages_rejected_total',
      help: 'Inbound MQTT messages (or single estimates) dropped, by reason',
      labelNames: ['reason'],
      registers,
      collect() {
        this.reset();
        for (const [reason, n] of Object.entries(self.messageSource().rejected)) this.inc({ reason }, n);
      },
    });
    this.actions = new Counter({ name: 'affectbt_actions_total', help: 'Controller actions by type and outcome', labelNames: ['type', 'outcome'], registers });
    this.vlmCalls = new Counter({ name: 'affectbt_vlm_calls_total', help: 'Cloud VLM escalations by outcome (ok, error, timeout, skipped_budget, vlm_estimate)', labelNames: ['outcome'], registers });
    this.vlmCost = new Counter({ name: 'affectbt_vlm_cost_usd_total', help: 'Estimated VLM spend in US dollars', registers });
    this.brokerConnected = new Gauge({ name: 'affectbt_broker_connected', help: '1 while connected to the MQTT broker', registers });
    this.controllerAvailable = new Gauge({ name: 'affectbt_controller_available', help: '1 while the cobot controller is ONLINE and reporting', registers });
    this.safeState = new Gauge({ name: 'affectbt_safe_state', help: '1 while the planner holds the safe state', registers });
    this.reconnects = new Counter({ name: 'affectbt_broker_reconnects_total', help: 'Broker reconnections after a loss', registers });
    this.tracesPublished = new Counter({ name: 'affectbt_traces_published_total', help: 'Tick traces published on the trace topic', registers });
    this.orders = new Counter({ name: 'affectbt_orders_total', help: 'Orders by outcome (accepted, rejected, finished, failed, cancelled)', labelNames: ['outcome'], registers });
    // make labelled series visible at 0 from the start
    for (const o of ['accepted', 'rejected', 'finished', 'failed', 'cancelled']) this.orders.inc({ outcome: o }, 0);
    for (const o of ['sent', 'finished', 'failed', 'cancelled']) this.actions.inc({ type: 'handover', outcome: o }, 0);
    for (const o of ['ok', 'error']) this.vlmCalls.inc({ outcome: o }, 0);
  }

  /** Records one tick (duration in ms). */
  observeTick(durationMs: number, overrun: boolean): void {
    this.tickDuration.observe(durationMs / 1000);
    this.ticks.inc();
    if (overrun) this.tickOverruns.inc();
  }

  /** Where `affectbt_affect_age_seconds` reads the age (ms) at scrape time. */
  setAffectAgeSource(source: () => number | undefined): void {
    this.affectAgeSource = source;
  }

  /** Where the message counters are read at scrape time (the MQTT bridge owns the counts). */
  setMessageSource(source: () => MessageCounts): void {
    this.messageSource = source;
  }

  action(type: string, outcome: ActionOutcome): void {
    this.actions.inc({ type, outcome });
  }

  vlmCall(outcome: string, costUsd = 0): void {
    this.vlmCalls.inc({ outcome });
    if (costUsd > 0) this.vlmCost.inc(costUsd);
  }
}

/** A running metrics HTTP server. */
export interface MetricsServer {
  readonly port: number;
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Serves `GET /metrics` (Prometheus text format) and `GET /healthz` (JSON from `health`).
 *
 * @example
 * ```ts
 * const srv = await startMetricsServer(metrics.registry, { host: '127.0.0.1', port: 9464 });
 * // curl http://127.0.0.1:9464/metrics
 * await srv.close();
 * ```
 */
export async function startMetricsServer(registry: Registry, options: { host: string; port: number; health?: () => Record<string, unknown> }): Promise<MetricsServer> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end('method not allowed\n');
      return;
    }
    if (path === '/metrics') {
      registry.metrics().then(
        (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
        (err: unknown) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`metrics collection failed: ${(err as Error).message}\n`),
      );
    } else if (path === '/healthz') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(options.health?.() ?? { ok: true }) + '\n');
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: try /metrics or /healthz\n');
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) =>
      reject(new Error(`metrics server cannot listen on ${options.host}:${options.port}: ${e.code ?? e.message} (pick another metrics.port or free the port)`)),
    );
    server.listen(options.port, options.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: `http://${options.host}:${port}/metrics`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}

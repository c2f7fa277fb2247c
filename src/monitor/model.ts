/**
 * What the monitor page shows, as a state built from cell messages in time order: the
 * tree (from the retained `tree` description) with each node's last status, feedback,
 * visit count and last change; the planner's blackboard; the affect time series per
 * person; the controller's speed; the event strip; the health of planner, controller,
 * estimator and of the monitor's own broker link.
 *
 * The same reducer runs in the browser for live view and replay (seeking = a fresh
 * model fed the recording up to the chosen time) and in Node for tests, so what a test
 * computes from a recording is what the page shows.
 *
 * Design notes: every series and the event list are bounded (oldest dropped), so a
 * page left open for days stays small. A node keeps the status of the last trace that
 * visited it; `inLatest` says whether the latest trace visited it (the page dims the
 * others, as BehaviorTree.CPP's Groot does). A trace samples one tick, so it also carries
 * `result` records (nodes that finished since the previous trace): a node keeps its last
 * finish (`result`) even when the sampled tick already runs it again. Browser-safe: type
 * imports only.
 */
import type { AffectMessage, TraceMessage } from '../contract/schemas.ts';
import type { StateMessage } from '../contract/state.ts';
import type { ConnectionMessage } from '../contract/connection.ts';
import type { PlannerStateMessage } from '../contract/orders.ts';
import type { BlackboardSnapshotEntry, TreeMessage } from '../contract/tree.ts';
import { EventMemory, extractEvents, type CellEvent } from './events.ts';
import type { CellMessage, MonitorStatus } from './messages.ts';

/**
 * A node as the page draws it.
 *
 * @example
 * ```ts
 * model.nodes.get('root/task')?.status; // 'RUNNING'
 * ```
 */
export interface NodeView {
  status: 'SUCCESS' | 'FAILURE' | 'RUNNING' | 'SKIPPED' | 'IDLE';
  feedback: string;
  durationUs: number;
  /** Traces that visited the node. */
  visits: number;
  /** Planner tick of the last visit. */
  lastTick: number;
  /** Time of the last status change (ms). */
  lastChangeAt: number;
  /** Visited by the latest trace. */
  inLatest: boolean;
  /** How the node last finished (SUCCESS/FAILURE), from `result` records or finished visits; IDLE before any. */
  result: 'SUCCESS' | 'FAILURE' | 'IDLE';
  /** Time of that finish's trace (ms); -1 before any. */
  resultAt: number;
  /** Finishes seen (at most one per trace: the planner reports a node's last finish since its previous trace). */
  results: number;
}

/**
 * Affect of one person over time (parallel arrays, oldest first).
 *
 * @example
 * ```ts
 * const s = model.affect.get('h1')!; s.frustration[s.t.length - 1];
 * ```
 */
export interface AffectSeries {
  t: number[];
  valence: number[];
  arousal: number[];
  frustration: number[];
  confidence: number[];
  label: string[];
  source: ('local' | 'vlm')[];
}

/**
 * A side's connection as the page shows it.
 *
 * @example
 * ```ts
 * model.health.controller.state; // 'ONLINE'
 * ```
 */
export interface LinkHealth {
  state: 'ONLINE' | 'OFFLINE' | 'CONNECTION_BROKEN' | 'unknown';
  /** The session the side announced on its connection topic (header `sessionId`). */
  sessionId?: string;
  /** When the state was last reported. */
  since: number;
  /** Last message of any kind from that side. */
  lastSeen: number;
}

/** Bounds of a model. */
export interface ModelLimits {
  /** Affect points kept per person (default 36 000: 20 min at 30 Hz). */
  maxPoints: number;
  /** Events kept (default 5 000). */
  maxEvents: number;
}

const DEFAULT_LIMITS: ModelLimits = { maxPoints: 36_000, maxEvents: 5_000 };

function trim<T>(a: T[], max: number): void {
  // drop in slices of 10% so trimming costs O(1) amortised per push
  if (a.length > max) a.splice(0, a.length - max + Math.ceil(max / 10));
}

/**
 * The page's state, fed message by message.
 *
 * @example
 * ```ts
 * const model = new CellModel();
 * for (const m of messages) model.apply(m);
 * model.nodes.get('root')?.status; // 'RUNNING'
 * ```
 */
export class CellModel {
  readonly limits: ModelLimits;
  tree: TreeMessage | undefined;
  readonly nodes = new Map<string, NodeView>();
  /** The trace's treeId differs from the description's (planner restarted with another tree). */
  treeMismatch = false;
  planner: { phase: string; tick: number; speedScale?: number; safeReason?: string; at: number } | undefined;
  blackboard: { entries: BlackboardSnapshotEntry[]; at: number } | undefined;
  /** The planner's last retained `plannerState` (orders: current, queue, history) and when it came. */
  orders: { state: PlannerStateMessage; at: number } | undefined;
  readonly affect = new Map<string, AffectSeries>();
  /** Controller-reported speed scale over time. */
  readonly speed = { t: [] as number[], v: [] as number[] };
  readonly events: CellEvent[] = [];
  readonly health = {
    planner: { state: 'unknown', since: NaN, lastSeen: NaN } as LinkHealth,
    controller: { state: 'unknown', since: NaN, lastSeen: NaN } as LinkHealth & { safeState?: boolean; speedScale?: number; plannerSessionId?: string },
    estimator: { lastSeen: NaN, maxAgeMs: NaN, source: undefined as string | undefined },
  };
  /** The monitor's own broker link (undefined until reported). */
  broker: { connected: boolean; since: number; url: string; reason?: string; outages: number } | undefined;
  /** Messages applied, per topic. */
  readonly counts: Record<string, number> = {};
  /** Time of the newest message applied. */
  now = NaN;
  private readonly mem = new EventMemory();

  constructor(limits: Partial<ModelLimits> = {}) {
    this.limits = { ...DEFAULT_LIMITS, ...limits };
  }

  /** Applies one message (in time order). */
  apply(m: CellMessage): void {
    this.counts[m.topic] = (this.counts[m.topic] ?? 0) + 1;
    if (!(m.t < this.now)) this.now = m.t;
    switch (m.topic) {
      case 'tree':
        this.onTree(m.payload as TreeMessage, m.t);
        break;
      case 'trace':
        this.onTrace(m.payload as TraceMessage, m.t);
        break;
      case 'affect':
        this.onAffect(m.payload as AffectMessage, m.t);
        break;
      case 'state':
        this.onState(m.payload as StateMessage, m.t);
        break;
      case 'connection/planner':
      case 'connection/controller': {
        const h = m.topic === 'connection/planner' ? this.health.planner : this.health.controller;
        const c = m.payload as ConnectionMessage;
        h.state = c.connectionState;
        if (c.sessionId !== undefined) h.sessionId = c.sessionId;
        h.since = m.t;
        h.lastSeen = m.t;
        break;
      }
      case 'instantActions':
        this.health.planner.lastSeen = m.t;
        break;
      case 'plannerState':
        this.orders = { state: m.payload as PlannerStateMessage, at: m.t };
        this.health.planner.lastSeen = m.t;
        break;
      case 'monitor':
        this.onMonitor(m.payload as MonitorStatus, m.t);
        break;
    }
    const evs = extractEvents(m, this.mem);
    if (evs.length > 0) {
      for (const e of evs) this.events.push(e);
      trim(this.events, this.limits.maxEvents);
    }
  }

  /** Frustration thresholds of the tree's DetectFrustration nodes (for the chart). */
  thresholds(): { threshold: number; release?: number }[] {
    const out: { threshold: number; release?: number }[] = [];
    for (const n of this.tree?.nodes ?? []) {
      const th = n.ports?.['threshold'];
      if (n.kind === 'DetectFrustration' && typeof th === 'number') {
        const rel = n.ports?.['releaseThreshold'];
        out.push(typeof rel === 'number' ? { threshold: th, release: rel } : { threshold: th });
      }
    }
    return out;
  }

  /** Whether the newest affect estimate of the estimator is older than its maxAgeMs at `now`. */
  affectStale(now: number): boolean {
    const e = this.health.estimator;
    return !(now - e.lastSeen <= e.maxAgeMs);
  }

  private onTree(p: TreeMessage, t: number): void {
    if (this.tree?.treeId === p.treeId) return;
    this.tree = p;
    this.treeMismatch = false;
    this.nodes.clear();
    for (const n of p.nodes) this.nodes.set(n.path, { status: 'IDLE', feedback: '', durationUs: 0, visits: 0, lastTick: -1, lastChangeAt: t, inLatest: false, result: 'IDLE', resultAt: -1, results: 0 });
  }

  private onTrace(p: TraceMessage, t: number): void {
    this.health.planner.lastSeen = t;
    if (this.tree && p.treeId !== undefined) this.treeMismatch = p.treeId !== this.tree.treeId;
    let tick = -1;
    for (const r of p.records as Record<string, unknown>[]) {
      if (r['kind'] === 'planner') {
        tick = typeof r['tick'] === 'number' ? r['tick'] : -1;
        this.planner = {
          phase: String(r['phase'] ?? 'unknown'),
          tick,
          at: t,
          ...(typeof r['speedScale'] === 'number' ? { speedScale: r['speedScale'] } : {}),
          ...(typeof r['safeReason'] === 'string' ? { safeReason: r['safeReason'] } : {}),
        };
        break;
      }
    }
    for (const v of this.nodes.values()) v.inLatest = false;
    if (!this.treeMismatch) {
      // `result` records (finishes since the previous trace) come before the visits of the
      // traced tick: applied in order, a node ends with its latest status, and its latest
      // finish is kept even when the traced tick already runs it again
      let finished: Set<string> | undefined;
      for (const r of p.records as Record<string, unknown>[]) {
        const path = r['path'];
        if (typeof path !== 'string') continue;
        const v = this.nodes.get(path);
        if (v === undefined) continue;
        const status = r['status'];
        if (r['kind'] === 'result') {
          if (status !== 'SUCCESS' && status !== 'FAILURE') continue;
          (finished ??= new Set()).add(path);
          this.finish(v, status, t);
          continue;
        }
        if (status === 'SUCCESS' || status === 'FAILURE' || status === 'RUNNING' || status === 'SKIPPED') {
          if ((status === 'SUCCESS' || status === 'FAILURE') && !finished?.has(path)) this.finish(v, status, t);
          else if (status !== v.status) {
            v.status = status;
            v.lastChangeAt = t;
          }
        }
        v.feedback = typeof r['feedback'] === 'string' ? r['feedback'] : v.feedback;
        v.durationUs = typeof r['durationUs'] === 'number' ? r['durationUs'] : 0;
        v.visits++;
        v.lastTick = tick;
        v.inLatest = true;
      }
    }
    if (p.blackboard) this.blackboard = { entries: p.blackboard, at: t };
  }

  private finish(v: NodeView, status: 'SUCCESS' | 'FAILURE', t: number): void {
    v.result = status;
    v.resultAt = t;
    v.results++;
    if (status !== v.status) {
      v.status = status;
      v.lastChangeAt = t;
    }
  }

  private onAffect(p: AffectMessage, t: number): void {
    const est = this.health.estimator;
    est.lastSeen = t;
    for (const e of p.estimates) {
      let s = this.affect.get(e.humanId);
      if (s === undefined) {
        s = { t: [], valence: [], arousal: [], frustration: [], confidence: [], label: [], source: [] };
        this.affect.set(e.humanId, s);
      }
      s.t.push(t);
      s.valence.push(e.valence);
      s.arousal.push(e.arousal);
      s.frustration.push(e.frustration);
      s.confidence.push(e.confidence);
      s.label.push(e.expression);
      s.source.push(e.source);
      if (s.t.length > this.limits.maxPoints) for (const a of Object.values(s)) trim(a as unknown[], this.limits.maxPoints);
      est.maxAgeMs = e.maxAgeMs;
      est.source = e.source;
    }
  }

  private onState(p: StateMessage, t: number): void {
    const c = this.health.controller;
    c.lastSeen = t;
    c.safeState = p.safeState;
    if (p.plannerSessionId !== undefined) c.plannerSessionId = p.plannerSessionId;
    else delete c.plannerSessionId;
    const last = this.speed.v[this.speed.v.length - 1];
    if (last !== p.speedScale) {
      // a step line: repeat the old value just before the change
      if (last !== undefined) {
        this.speed.t.push(t);
        this.speed.v.push(last);
      }
      this.speed.t.push(t);
      this.speed.v.push(p.speedScale);
      trim(this.speed.t, this.limits.maxPoints);
      trim(this.speed.v, this.limits.maxPoints);
    }
    c.speedScale = p.speedScale;
  }

  private onMonitor(p: MonitorStatus, t: number): void {
    const connected = p.broker === 'connected';
    const b = this.broker;
    if (b === undefined) this.broker = { connected, since: t, url: p.url, outages: connected ? 0 : 1, ...(p.reason ? { reason: p.reason } : {}) };
    else if (b.connected !== connected) {
      b.connected = connected;
      b.since = t;
      b.url = p.url;
      if (!connected) b.outages++;
      if (p.reason) b.reason = p.reason;
      else delete b.reason;
    }
  }
}

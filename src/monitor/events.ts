/**
 * The monitor's event strip: turns cell messages into the few events a person scans
 * for — handovers (start, finish, failure kind), pacing changes, apologies with their
 * text and tone, safe-state entries and exits, VLM escalations, connection changes and
 * the monitor's own broker outages.
 *
 * One function per topic ({@link EVENT_EXTRACTORS}); each gets the payload, the time
 * and a small shared memory (what was already reported), and returns new events. A new
 * topic is one more function in the table. Orders show as sent (`order`), cancel
 * requests (`orderActions`) and the planner's verdicts from its retained `plannerState`
 * (started, finished, failed or rejected with the reason), once per status change.
 *
 * Browser-safe: type imports only.
 */
import type { AffectMessage, TraceMessage } from '../contract/schemas.ts';
import type { StateMessage } from '../contract/state.ts';
import type { InstantActionsMessage } from '../contract/instant-actions.ts';
import type { ConnectionMessage } from '../contract/connection.ts';
import type { TreeMessage } from '../contract/tree.ts';
import type { OrderActionsMessage, OrderMessage, OrderRecord, PlannerStateMessage } from '../contract/orders.ts';
import type { CellMessage, CellTopic, MonitorStatus } from './messages.ts';

/**
 * Kinds of events, grouped on the strip into lanes ({@link EVENT_LANES}).
 *
 * @example
 * ```ts
 * const k: EventKind = 'apology';
 * ```
 */
export type EventKind = 'order' | 'order-ok' | 'order-failed' | 'order-cancel' | 'handover' | 'handover-ok' | 'handover-failed' | 'cancel' | 'pacing' | 'apology' | 'say' | 'vlm' | 'safe' | 'resume' | 'connection' | 'broker' | 'tree';

/**
 * One event on the strip.
 *
 * @example
 * ```ts
 * const e: CellEvent = { t: Date.now(), kind: 'apology', level: 'info', text: 'apology (empathic)', detail: 'Sorry, I dropped it.' };
 * ```
 */
export interface CellEvent {
  t: number;
  kind: EventKind;
  level: 'info' | 'ok' | 'warn' | 'error';
  /** Short label. */
  text: string;
  /** The full text (apology wording, failure description, reason). */
  detail?: string;
}

/**
 * Which lane of the strip each kind is drawn in.
 *
 * @example
 * ```ts
 * EVENT_LANES.apology; // 'affect'
 * ```
 */
export const EVENT_LANES: Readonly<Record<EventKind, 'task' | 'affect' | 'system'>> = {
  order: 'task',
  'order-ok': 'task',
  'order-failed': 'task',
  'order-cancel': 'task',
  handover: 'task',
  'handover-ok': 'task',
  'handover-failed': 'task',
  cancel: 'task',
  pacing: 'affect',
  apology: 'affect',
  say: 'affect',
  vlm: 'affect',
  safe: 'system',
  resume: 'system',
  connection: 'system',
  broker: 'system',
  tree: 'system',
};

/** At most this many action ids are remembered (QoS 1 re-sends are recognised within it). */
const MAX_ACTIONS = 512;

/** At most this many order ids are remembered with their last reported status. */
const MAX_ORDERS = 256;

/**
 * What the extractors remember between messages.
 *
 * @example
 * ```ts
 * const mem = new EventMemory();
 * extractEvents({ t: 0, topic: 'state', payload }, mem);
 * ```
 */
export class EventMemory {
  /** actionId → its type and the last status reported. */
  readonly actions = new Map<string, { type: string; status?: string }>();
  pacing: string | undefined;
  controllerSafe: boolean | undefined;
  plannerPhase: string | undefined;
  affectSource = new Map<string, string>();
  connection = new Map<string, string>();
  treeId: string | undefined;
  broker: string | undefined;
  /** `orderId@receivedAt` → last status the planner reported (`sent:…` keys: orders seen on the wire). */
  readonly orders = new Map<string, string>();

  /** Remembers an action id; returns false when it was known (a re-send). */
  rememberAction(id: string, type: string): boolean {
    if (this.actions.has(id)) return false;
    if (this.actions.size >= MAX_ACTIONS) this.actions.delete(this.actions.keys().next().value!);
    this.actions.set(id, { type });
    return true;
  }

  /** Records an order's status under `key`; returns false when it was already known with that status. */
  orderStatus(key: string, status: string): boolean {
    if (this.orders.get(key) === status) return false;
    if (!this.orders.has(key) && this.orders.size >= MAX_ORDERS) this.orders.delete(this.orders.keys().next().value!);
    this.orders.set(key, status);
    return true;
  }
}

type Extractor<P> = (payload: P, t: number, mem: EventMemory) => CellEvent[];

const NONE: CellEvent[] = [];

function pct(x: number): string {
  return `${Math.round(x * 100)}%`;
}

function describeParameters(p: OrderMessage['parameters']): string {
  if (p === undefined) return '';
  const kv = Object.entries(p).map(([k, v]) => `${k}=${String(v)}`);
  return kv.length > 0 ? ` (${kv.join(', ')})` : '';
}

/**
 * Orders sent to the planner (by the cell's orderer, `affect-bt send order`, …).
 *
 * @example
 * ```ts
 * orderEvents(msg, Date.now(), mem); // [{ kind: 'order', text: 'order o1 sent', detail: 'tree main (objectId=part-7)' }]
 * ```
 */
export const orderEvents: Extractor<OrderMessage> = (p, t, mem) => {
  // a QoS 1 re-send carries the same header; the same orderId sent again is a new event
  if (!mem.orderStatus(`sent:${p.orderId}@${p.timestamp}`, 'SENT')) return NONE;
  return [{ t, kind: 'order', level: 'info', text: `order ${p.orderId} sent`, detail: `tree ${p.tree ?? '(main)'}${describeParameters(p.parameters)}` }];
};

/**
 * Cancel requests for orders.
 *
 * @example
 * ```ts
 * orderActionEvents(msg, Date.now(), mem); // [{ kind: 'order-cancel', text: 'cancel order o1 requested' }]
 * ```
 */
export const orderActionEvents: Extractor<OrderActionsMessage> = (p, t, mem) => {
  const out: CellEvent[] = [];
  for (const a of p.actions) {
    if (!mem.rememberAction(a.actionId, a.actionType)) continue; // QoS 1 re-send
    out.push({ t, kind: 'order-cancel', level: 'warn', text: `cancel order ${a.actionParameters.orderId} requested`, detail: `action ${a.actionId}` });
  }
  return out;
};

/**
 * The planner's verdicts on orders, from its retained `plannerState`: started,
 * finished, failed or rejected (with the reason), each once.
 *
 * @example
 * ```ts
 * plannerStateEvents(msg, Date.now(), mem); // [{ kind: 'order-failed', text: 'order o1 failed', detail: 'cancelled (…)' }]
 * ```
 */
export const plannerStateEvents: Extractor<PlannerStateMessage> = (p, t, mem) => {
  let out = NONE;
  const add = (e: CellEvent) => (out === NONE ? (out = [e]) : out.push(e));
  const visit = (r: OrderRecord) => {
    if (r.status === 'WAITING') return; // the 'sent' event covers it; a queue is shown in the panel
    // keyed by arrival: a second order with a used orderId is a record of its own (rejected)
    if (!mem.orderStatus(`${r.orderId}@${r.receivedAt}`, r.status)) return;
    if (r.status === 'RUNNING') add({ t, kind: 'order', level: 'info', text: `order ${r.orderId} started`, detail: `tree ${r.tree}${describeParameters(r.parameters)}` });
    else if (r.status === 'FINISHED') add({ t, kind: 'order-ok', level: 'ok', text: `order ${r.orderId} finished` });
    else add({ t, kind: 'order-failed', level: 'error', text: `order ${r.orderId} ${r.rejected ? 'rejected' : 'failed'}`, ...(r.reason ? { detail: r.reason } : {}) });
  };
  // history first (older), then the running order: a replayed state reports in order
  for (const r of p.history) visit(r);
  if (p.current) visit(p.current);
  return out;
};

/**
 * Commands the planner sent: handover starts, pacing, apologies and other speech, cancels.
 *
 * @example
 * ```ts
 * instantActionEvents(msg, Date.now(), mem); // [{ kind: 'handover', text: 'handover part-7 → right_hand', … }]
 * ```
 */
export const instantActionEvents: Extractor<InstantActionsMessage> = (p, t, mem) => {
  const out: CellEvent[] = [];
  for (const a of p.actions) {
    if (!mem.rememberAction(a.actionId, a.actionType)) continue; // QoS 1 re-send
    switch (a.actionType) {
      case 'handover': {
        const q = a.actionParameters;
        const pacing = `speed ${pct(q.speedScale)}, wait ${q.approachWaitMs} ms`;
        if (mem.pacing !== undefined && mem.pacing !== pacing) out.push({ t, kind: 'pacing', level: 'info', text: `pacing → ${pacing}`, detail: `was ${mem.pacing}` });
        mem.pacing = pacing;
        out.push({ t, kind: 'handover', level: 'info', text: `handover ${q.objectId} → ${q.target}`, detail: `${pacing}; action ${a.actionId}` });
        break;
      }
      case 'setSpeedScale':
        out.push({ t, kind: 'pacing', level: 'info', text: `speed → ${pct(a.actionParameters.speedScale)}`, detail: `action ${a.actionId}` });
        break;
      case 'say': {
        const q = a.actionParameters;
        if (q.kind === 'apology') out.push({ t, kind: 'apology', level: 'warn', text: `apology (${q.tone ?? 'neutral'}${q.failureKind ? `, after ${q.failureKind}` : ''})`, detail: q.text });
        else out.push({ t, kind: 'say', level: 'info', text: 'says', detail: q.text });
        break;
      }
      case 'cancel':
        out.push({ t, kind: 'cancel', level: 'warn', text: 'cancel', detail: `cancels ${a.actionParameters.targetActionId}` });
        break;
    }
  }
  return out;
};

/**
 * Controller reports: handovers finishing or failing (once per action), safe stop entered/left.
 *
 * @example
 * ```ts
 * stateEvents(state, Date.now(), mem); // [{ kind: 'handover-failed', text: 'handover failed: drop', … }]
 * ```
 */
export const stateEvents: Extractor<StateMessage> = (p, t, mem) => {
  let out = NONE;
  const add = (e: CellEvent) => (out === NONE ? (out = [e]) : out.push(e));
  for (const s of p.actionStates) {
    if (s.actionType !== 'handover' || (s.actionStatus !== 'FINISHED' && s.actionStatus !== 'FAILED')) continue;
    let known = mem.actions.get(s.actionId);
    if (known?.status === s.actionStatus) continue;
    if (known === undefined) {
      mem.rememberAction(s.actionId, s.actionType);
      known = mem.actions.get(s.actionId)!;
    }
    known.status = s.actionStatus;
    if (s.actionStatus === 'FINISHED') add({ t, kind: 'handover-ok', level: 'ok', text: 'handover done', detail: `action ${s.actionId}` });
    else add({ t, kind: 'handover-failed', level: 'error', text: `handover failed: ${s.failureKind ?? 'error'}`, detail: s.resultDescription ?? `action ${s.actionId}` });
  }
  if (p.safeState !== mem.controllerSafe) {
    if (p.safeState) add({ t, kind: 'safe', level: 'error', text: 'controller safe stop', detail: p.errors.map((e) => e.errorDescription).join('; ') || undefined });
    else if (mem.controllerSafe === true) add({ t, kind: 'resume', level: 'ok', text: 'controller resumed' });
    mem.controllerSafe = p.safeState;
  }
  return out;
};

/**
 * Planner traces: the planner entering and leaving its safe state (with the reason).
 *
 * @example
 * ```ts
 * traceEvents(trace, Date.now(), mem); // [{ kind: 'safe', text: 'planner safe state', detail: 'broker connection lost' }]
 * ```
 */
export const traceEvents: Extractor<TraceMessage> = (p, t, mem) => {
  const planner = p.records.find((r) => (r as { kind?: unknown }).kind === 'planner') as { phase?: string; safeReason?: string } | undefined;
  const phase = planner?.phase;
  if (phase === undefined || phase === mem.plannerPhase) return NONE;
  const was = mem.plannerPhase;
  mem.plannerPhase = phase;
  if (phase === 'safe') return [{ t, kind: 'safe', level: 'error', text: 'planner safe state', detail: planner?.safeReason }];
  if (phase === 'running' && was === 'safe') return [{ t, kind: 'resume', level: 'ok', text: 'planner resumed' }];
  return NONE;
};

/**
 * Affect estimates: an answer of the cloud VLM (escalation) when the source switches to it.
 *
 * @example
 * ```ts
 * affectEvents(msg, Date.now(), mem); // [{ kind: 'vlm', text: 'VLM: frustrated (80%)', … }]
 * ```
 */
export const affectEvents: Extractor<AffectMessage> = (p, t, mem) => {
  let out = NONE;
  for (const e of p.estimates) {
    const was = mem.affectSource.get(e.humanId);
    const key = e.source === 'vlm' ? `vlm:${e.expression}` : 'local';
    if (key === was) continue;
    mem.affectSource.set(e.humanId, key);
    if (e.source === 'vlm') {
      const ev: CellEvent = { t, kind: 'vlm', level: 'info', text: `VLM: ${e.expression} (${pct(e.confidence)})`, detail: `${e.humanId}: frustration ${pct(e.frustration)}, valence ${e.valence.toFixed(2)}, arousal ${e.arousal.toFixed(2)}` };
      out === NONE ? (out = [ev]) : out.push(ev);
    }
  }
  return out;
};

/**
 * A side's retained connection state changing (ONLINE / OFFLINE / CONNECTION_BROKEN).
 *
 * @example
 * ```ts
 * connectionEvents('controller')(msg, Date.now(), mem); // [{ kind: 'connection', text: 'controller CONNECTION_BROKEN' }]
 * ```
 */
export function connectionEvents(side: 'planner' | 'controller'): Extractor<ConnectionMessage> {
  return (p, t, mem) => {
    if (mem.connection.get(side) === p.connectionState) return NONE;
    mem.connection.set(side, p.connectionState);
    return [{ t, kind: 'connection', level: p.connectionState === 'ONLINE' ? 'ok' : 'error', text: `${side} ${p.connectionState}` }];
  };
}

/**
 * A new tree description (the planner started or loaded another tree).
 *
 * @example
 * ```ts
 * treeEvents(tree, Date.now(), mem); // [{ kind: 'tree', text: 'tree HandoverWithAffect (3f9c2a71b0d4)' }]
 * ```
 */
export const treeEvents: Extractor<TreeMessage> = (p, t, mem) => {
  if (p.treeId === mem.treeId) return NONE;
  mem.treeId = p.treeId;
  return [{ t, kind: 'tree', level: 'info', text: `tree ${p.treeName}`, detail: `${p.nodes.length} nodes, version ${p.treeId}` }];
};

/**
 * The monitor's own broker link going down or up.
 *
 * @example
 * ```ts
 * monitorEvents({ broker: 'disconnected', url }, Date.now(), mem); // [{ kind: 'broker', text: 'broker unreachable', … }]
 * ```
 */
export const monitorEvents: Extractor<MonitorStatus> = (p, t, mem) => {
  if (p.broker === mem.broker) return NONE;
  const was = mem.broker;
  mem.broker = p.broker;
  if (p.broker === 'disconnected') return [{ t, kind: 'broker', level: 'error', text: 'broker unreachable', detail: `${p.url}${p.reason ? `: ${p.reason}` : ''}` }];
  return was === undefined ? NONE : [{ t, kind: 'broker', level: 'ok', text: 'broker back', detail: p.url }];
};

/**
 * The extractor of every topic that yields events (one function per topic).
 *
 * @example
 * ```ts
 * EVENT_EXTRACTORS.state?.(payload, t, mem);
 * ```
 */
export const EVENT_EXTRACTORS: { readonly [K in CellTopic]?: Extractor<any> } = {
  order: orderEvents,
  orderActions: orderActionEvents,
  plannerState: plannerStateEvents,
  instantActions: instantActionEvents,
  state: stateEvents,
  trace: traceEvents,
  affect: affectEvents,
  'connection/planner': connectionEvents('planner'),
  'connection/controller': connectionEvents('controller'),
  tree: treeEvents,
  monitor: monitorEvents,
};

/**
 * Events of one message.
 *
 * @example
 * ```ts
 * for (const e of extractEvents(message, mem)) strip.push(e);
 * ```
 */
export function extractEvents(m: CellMessage, mem: EventMemory): CellEvent[] {
  const f = EVENT_EXTRACTORS[m.topic];
  return f ? f(m.payload, m.t, mem) : NONE;
}

/**
 * The monitor page's smaller panels: the health bar (broker link, planner with its
 * session, controller with the session it obeys, estimator, dropped messages), the
 * orders panel and the blackboard table.
 */
import type { CellModel } from '../model.ts';
import type { OrderRecord } from '../../contract/orders.ts';
import { age, clock, pct, preview } from './format.ts';

type Tone = 'ok' | 'warn' | 'bad' | 'idle';

function Pill({ tone, name, text, testid, state }: { tone: Tone; name: string; text: string; testid: string; state: string }) {
  return (
    <span class={`health ${tone}`} data-testid={testid} data-state={state}>
      <i />
      <b>{name}</b> {text}
    </span>
  );
}

/** Silent longer than this → the side is shown as silent. */
const SILENT_MS = 5000;

/**
 * Connection health of the monitor's broker link, planner, controller and estimator.
 *
 * @example
 * ```tsx
 * <HealthBar model={model} now={Date.now()} dropped={0} mode="live" />
 * ```
 */
export function HealthBar({ model, now, dropped, mode, serverLost }: { model: CellModel; now: number; dropped: number; mode: 'live' | 'replay'; serverLost?: boolean }) {
  const b = model.broker;
  const broker: [Tone, string, string] =
    b === undefined ? ['idle', mode === 'replay' ? 'not recorded' : 'connecting…', 'unknown'] : b.connected ? ['ok', `connected${b.outages > 0 ? ` · back since ${clock(b.since)} (${b.outages} outage${b.outages > 1 ? 's' : ''})` : ''}`, 'connected'] : ['bad', `unreachable since ${clock(b.since)}${b.reason ? ` — ${b.reason}` : ''}; retrying`, 'disconnected'];

  const p = model.health.planner;
  const ph = model.planner;
  const pSilent = now - p.lastSeen > SILENT_MS;
  const planner: [Tone, string, string] =
    p.state === 'unknown' && !ph
      ? ['idle', 'not seen', 'unknown']
      : p.state !== 'ONLINE' && p.state !== 'unknown'
        ? ['bad', p.state, p.state]
        : ph?.phase === 'safe'
          ? ['bad', `safe state — ${ph.safeReason ?? 'reason unknown'}`, 'safe']
          : pSilent
            ? ['warn', `${p.state === 'unknown' ? '' : 'ONLINE · '}silent for ${age(now - p.lastSeen)}`, 'silent']
            : ['ok', `${ph?.phase ?? p.state}${ph ? ` · tick ${ph.tick}` : ''}${p.sessionId ? ` · session ${shortSession(p.sessionId)}` : ''}`, ph?.phase ?? p.state];

  const c = model.health.controller;
  const cSilent = now - c.lastSeen > SILENT_MS;
  const controller: [Tone, string, string] =
    c.state === 'unknown' && !Number.isFinite(c.lastSeen)
      ? ['idle', 'not seen', 'unknown']
      : c.state !== 'ONLINE' && c.state !== 'unknown'
        ? ['bad', c.state, c.state]
        : c.safeState
          ? ['bad', 'safe stop', 'safe']
          : cSilent
            ? ['warn', `silent for ${age(now - c.lastSeen)}`, 'silent']
            : c.plannerSessionId !== undefined && p.sessionId !== undefined && c.plannerSessionId !== p.sessionId
              ? ['warn', `obeys another planner session (${shortSession(c.plannerSessionId)}) than the one ONLINE (${shortSession(p.sessionId)})`, 'other-session']
              : ['ok', `ONLINE · speed ${pct(c.speedScale)}${c.plannerSessionId ? ` · obeys ${shortSession(c.plannerSessionId)}` : ''}`, 'ONLINE'];

  const e = model.health.estimator;
  const estimator: [Tone, string, string] = !Number.isFinite(e.lastSeen)
    ? ['idle', 'no estimates', 'none']
    : model.affectStale(now)
      ? ['warn', `stale for ${age(now - e.lastSeen - e.maxAgeMs)} — treated as unknown`, 'stale']
      : ['ok', `fresh · ${e.source === 'vlm' ? 'cloud VLM' : 'on-robot model'}`, 'fresh'];

  return (
    <div class="healthbar">
      {serverLost && <Pill tone="bad" name="monitor" text="lost the monitor server; reconnecting…" testid="health-server" state="lost" />}
      {mode === 'live' && <Pill tone={broker[0]} name="broker" text={broker[1]} testid="health-broker" state={broker[2]} />}
      <Pill tone={planner[0]} name="planner" text={planner[1]} testid="health-planner" state={planner[2]} />
      <Pill tone={controller[0]} name="controller" text={controller[1]} testid="health-controller" state={controller[2]} />
      <Pill tone={estimator[0]} name="estimator" text={estimator[1]} testid="health-estimator" state={estimator[2]} />
      {dropped > 0 && <Pill tone="warn" name="page" text={`${dropped} messages dropped (slow connection)`} testid="health-dropped" state="dropping" />}
    </div>
  );
}

/** The last 8 characters of a session id (enough to tell two apart on the page). */
function shortSession(id: string): string {
  return id.length > 8 ? `…${id.slice(-8)}` : id;
}

const ORDER_TONE: Record<string, string> = { WAITING: 'idle', RUNNING: 'warn', FINISHED: 'ok', FAILED: 'bad' };

function OrderRow({ r }: { r: OrderRecord }) {
  const params = r.parameters ? Object.entries(r.parameters).map(([k, v]) => `${k}=${String(v)}`).join(', ') : '';
  return (
    <tr data-order={r.orderId} data-status={r.status}>
      <td class="mono key">{r.orderId}</td>
      <td>
        <span class={`status ${ORDER_TONE[r.status] ?? 'idle'}`}>{r.rejected ? 'REJECTED' : r.status}</span>
      </td>
      <td class="mono value" title={`tree ${r.tree}${params ? `; ${params}` : ''}`}>
        {params || r.tree}
      </td>
      <td class="source" title={r.reason ?? ''}>
        {r.reason ?? clock(Date.parse(r.endedAt ?? r.startedAt ?? r.receivedAt))}
      </td>
    </tr>
  );
}

/**
 * The planner's orders from its retained `plannerState`: the running one, the queue,
 * and the most recent finished, failed and rejected ones with their reasons.
 *
 * @example
 * ```tsx
 * <OrdersView model={model} />
 * ```
 */
export function OrdersView({ model }: { model: CellModel }) {
  const o = model.orders?.state;
  const recent = o ? o.history.slice(-6).reverse() : [];
  return (
    <div class="panel orders-panel">
      <div class="panel-title">
        <span>Orders</span>
        <span class="muted small" data-testid="orders-mode">
          {o === undefined ? 'no planner state yet' : o.mode === 'loop' ? 'loop mode (demo): the tree restarts by itself' : `${o.queue.length}/${o.maxQueue} waiting`}
        </span>
      </div>
      <table class="bb orders" data-testid="orders">
        <tbody>
          {o?.current && <OrderRow r={o.current} />}
          {(o?.queue ?? []).map((r) => (
            <OrderRow r={r} />
          ))}
          {recent.map((r) => (
            <OrderRow r={r} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

/**
 * The planner's blackboard at its last trace: key, value, source, age; stale entries marked.
 *
 * @example
 * ```tsx
 * <BlackboardView model={model} now={Date.now()} />
 * ```
 */
export function BlackboardView({ model, now }: { model: CellModel; now: number }) {
  const bb = model.blackboard;
  return (
    <div class="panel bb-panel">
      <div class="panel-title">
        <span>Blackboard</span>
        <span class="muted small">{bb ? `as of ${clock(bb.at)}` : 'no trace yet'}</span>
      </div>
      <table class="bb" data-testid="blackboard">
        <thead>
          <tr>
            <th>key</th>
            <th>value</th>
            <th>source</th>
            <th>age</th>
          </tr>
        </thead>
        <tbody>
          {(bb?.entries ?? []).map((e) => {
            const a = e.ageMs + (now - bb!.at);
            const stale = e.maxAgeMs !== null && a > e.maxAgeMs;
            return (
              <tr class={stale ? 'stale' : ''} data-key={e.key} data-stale={String(stale)}>
                <td class="mono key">{e.key}</td>
                <td class="mono value" title={typeof e.value === 'string' ? e.value : JSON.stringify(e.value)}>
                  {preview(e.value)}
                </td>
                <td class="source" title={e.source}>
                  {shortSource(e.source)}
                </td>
                <td class="age">
                  {age(a)}
                  {stale && <span class="badge">stale</span>}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

/** `node:root/affect/…/Apologise` → `…/Apologise`; other sources as they are. */
function shortSource(s: string): string {
  const i = s.lastIndexOf('/');
  return i > 0 && s.length > 18 ? `…${s.slice(i)}` : s;
}

// CellModel + event extraction: what the page would show after a scripted sequence of
// cell messages (contract examples as payload shapes).
import { describe, expect, it } from 'vitest';
import { HeaderFactory } from '../contract/header.ts';
import { EXAMPLES } from '../mqtt/contract-doc.ts';
import { CellModel } from './model.ts';
import { EVENT_EXTRACTORS, EVENT_LANES } from './events.ts';
import type { CellMessage } from './messages.ts';

const headers = new HeaderFactory({ manufacturer: 'acme', serialNumber: 'cell-1' });
const h = (topic: string) => headers.next(topic, Date.UTC(2026, 0, 1));
const tree = EXAMPLES.tree as any;
const trace = (t: number, phase: string, statuses: Record<string, string>, extra: object = {}): CellMessage => ({
  t,
  topic: 'trace',
  payload: { ...h('trace'), treeId: tree.treeId, records: [{ kind: 'planner', phase, tick: t / 20, ...extra }, ...Object.entries(statuses).map(([path, status]) => ({ path, status, durationUs: 3, feedback: `fb ${status}` }))] },
});
const affect = (t: number, frustration: number, source: 'local' | 'vlm' = 'local', expression = 'neutral'): CellMessage => ({
  t,
  topic: 'affect',
  payload: { ...h('affect'), estimates: [{ humanId: 'h1', expression, valence: -frustration, arousal: 0.2, confidence: 0.8, frustration, source, maxAgeMs: 500, observedAt: new Date(t).toISOString() }] },
});
const handover = (t: number, id: string, speedScale: number): CellMessage => ({
  t,
  topic: 'instantActions',
  payload: { ...h('instantActions'), actions: [{ actionId: id, actionType: 'handover', actionParameters: { objectId: 'part-7', target: 'right_hand', speedScale, approachWaitMs: speedScale < 1 ? 1500 : 0, timeoutMs: 8000 } }] },
});
const state = (t: number, actionStates: object[], extra: object = {}): CellMessage => ({ t, topic: 'state', payload: { ...h('state'), actionStates, speedScale: 1, safeState: false, errors: [], ...extra } });

describe('CellModel', () => {
  it('draws node statuses from traces of the described tree, with visits, feedback and last change', () => {
    const m = new CellModel();
    m.apply({ t: 0, topic: 'tree', payload: tree });
    expect([...m.nodes.keys()]).toEqual(tree.nodes.map((n: any) => n.path));
    expect(m.nodes.get('root')!.status).toBe('IDLE');
    m.apply(trace(100, 'running', { root: 'RUNNING', 'root/give_part': 'RUNNING' }));
    m.apply(trace(200, 'running', { root: 'RUNNING', 'root/give_part': 'RUNNING' }));
    m.apply(trace(300, 'running', { root: 'SUCCESS', 'root/give_part': 'SUCCESS' }));
    m.apply(trace(400, 'running', { root: 'RUNNING', 'root/affect': 'SUCCESS' }));
    expect(m.nodes.get('root')).toMatchObject({ status: 'RUNNING', visits: 4, lastChangeAt: 400, inLatest: true, lastTick: 20, feedback: 'fb RUNNING' });
    expect(m.nodes.get('root/give_part')).toMatchObject({ status: 'SUCCESS', visits: 3, lastChangeAt: 300, inLatest: false });
    expect(m.planner).toMatchObject({ phase: 'running', tick: 20, at: 400 });
    expect(m.blackboard).toBeUndefined();
  });

  it('keeps a node\'s last finish from result records, although the sampled tick runs it again', () => {
    const m = new CellModel();
    m.apply({ t: 0, topic: 'tree', payload: tree });
    const withResults = (t: number, results: Record<string, string>, statuses: Record<string, string>): CellMessage => {
      const msg = trace(t, 'running', statuses);
      const recs = msg.payload.records as object[];
      recs.splice(1, 0, ...Object.entries(results).map(([path, status]) => ({ kind: 'result', path, status })));
      return msg;
    };
    m.apply(trace(100, 'running', { root: 'RUNNING', 'root/give_part': 'RUNNING' }));
    expect(m.nodes.get('root/give_part')).toMatchObject({ status: 'RUNNING', result: 'IDLE', results: 0, resultAt: -1 });
    // failed between traces and retried in the same tick: RUNNING again, the FAILURE kept
    m.apply(withResults(600, { 'root/give_part': 'FAILURE' }, { root: 'RUNNING', 'root/give_part': 'RUNNING' }));
    expect(m.nodes.get('root/give_part')).toMatchObject({ status: 'RUNNING', result: 'FAILURE', resultAt: 600, results: 1, visits: 2 });
    // finished and not visited by the sampled tick: its status is the finish
    m.apply(withResults(1100, { 'root/give_part': 'SUCCESS' }, { root: 'RUNNING', 'root/affect': 'SUCCESS' }));
    expect(m.nodes.get('root/give_part')).toMatchObject({ status: 'SUCCESS', result: 'SUCCESS', resultAt: 1100, results: 2, visits: 2, inLatest: false, lastChangeAt: 1100 });
    // a finish reported as a result and seen in the sampled tick counts once; a finish only in the sampled tick counts too
    m.apply(withResults(1600, { 'root/give_part': 'FAILURE' }, { root: 'RUNNING', 'root/give_part': 'FAILURE' }));
    expect(m.nodes.get('root/give_part')).toMatchObject({ status: 'FAILURE', result: 'FAILURE', results: 3 });
    expect(m.nodes.get('root/affect')).toMatchObject({ result: 'SUCCESS', results: 1, resultAt: 1100 });
    // a result record naming a status that is not a finish is ignored
    m.apply(withResults(2100, { 'root/give_part': 'RUNNING' }, { root: 'RUNNING' }));
    expect(m.nodes.get('root/give_part')).toMatchObject({ status: 'FAILURE', results: 3 });
  });

  it('shows a node a precondition skipped as SKIPPED (not as its previous status)', () => {
    const m = new CellModel();
    m.apply({ t: 0, topic: 'tree', payload: tree });
    m.apply(trace(100, 'running', { root: 'RUNNING', 'root/give_part': 'RUNNING' }));
    m.apply(trace(200, 'running', { root: 'RUNNING', 'root/give_part': 'SKIPPED' }));
    expect(m.nodes.get('root/give_part')).toMatchObject({ status: 'SKIPPED', lastChangeAt: 200 });
  });

  it('ignores node records of a trace that belongs to another tree version', () => {
    const m = new CellModel();
    m.apply({ t: 0, topic: 'tree', payload: tree });
    const other = trace(100, 'running', { root: 'FAILURE' });
    other.payload.treeId = 'ffffffffffff';
    m.apply(other);
    expect(m.treeMismatch).toBe(true);
    expect(m.nodes.get('root')!.status).toBe('IDLE');
  });

  it('keeps the affect series per person and reads the frustration thresholds from the tree', () => {
    const m = new CellModel();
    m.apply({ t: 0, topic: 'tree', payload: { ...tree, nodes: [...tree.nodes, { path: 'root/d', parent: 'root', name: 'd', kind: 'DetectFrustration', category: 'condition', role: 'affect', affect: true, ports: { threshold: 0.6, releaseThreshold: 0.4 } }] } });
    for (let i = 0; i < 5; i++) m.apply(affect(100 * i, i / 5));
    const s = m.affect.get('h1')!;
    expect(s.t).toEqual([0, 100, 200, 300, 400]);
    expect(s.frustration[4]).toBeCloseTo(0.8);
    expect(m.thresholds()).toEqual([{ threshold: 0.6, release: 0.4 }]);
    expect(m.affectStale(800)).toBe(false);
    expect(m.affectStale(1000)).toBe(true);
  });

  it('bounds series and events, dropping the oldest', () => {
    const m = new CellModel({ maxPoints: 100, maxEvents: 20 });
    for (let i = 0; i < 1000; i++) m.apply(affect(i, 0.5));
    const s = m.affect.get('h1')!;
    expect(s.t.length).toBeLessThanOrEqual(100);
    expect(s.t[s.t.length - 1]).toBe(999);
    expect(s.valence.length).toBe(s.t.length);
    for (let i = 0; i < 100; i++) m.apply(handover(i, `a${i}`, 1));
    expect(m.events.length).toBeLessThanOrEqual(20);
    expect(m.events[m.events.length - 1]!.detail).toContain('a99');
  });

  it('tracks connection health, the controller speed as a step line, and broker outages', () => {
    const m = new CellModel();
    m.apply({ t: 0, topic: 'monitor', payload: { broker: 'connected', url: 'mqtt://x' } });
    m.apply({ t: 1, topic: 'connection/controller', payload: { ...h('connection/controller'), connectionState: 'ONLINE' } });
    m.apply(state(10, []));
    m.apply(state(20, [], { speedScale: 0.6 }));
    expect(m.speed).toEqual({ t: [10, 20, 20], v: [1, 1, 0.6] });
    m.apply({ t: 30, topic: 'monitor', payload: { broker: 'disconnected', url: 'mqtt://x', reason: 'connection lost' } });
    expect(m.broker).toMatchObject({ connected: false, since: 30, outages: 1, reason: 'connection lost' });
    m.apply({ t: 40, topic: 'monitor', payload: { broker: 'connected', url: 'mqtt://x' } });
    expect(m.broker).toMatchObject({ connected: true, since: 40, outages: 1 });
    expect(m.broker!.reason).toBeUndefined();
    expect(m.health.controller).toMatchObject({ state: 'ONLINE', since: 1, lastSeen: 20, speedScale: 0.6, safeState: false });
    expect(m.events.map((e) => e.text)).toEqual(['controller ONLINE', 'broker unreachable', 'broker back']);
  });
});

describe('event strip', () => {
  it('reports a handover, its failure, the pacing change and the apology with text and tone — each once', () => {
    const m = new CellModel();
    m.apply(handover(0, 'h-1', 1));
    m.apply(handover(5, 'h-1', 1)); // QoS 1 re-send: not a second handover
    m.apply(state(100, [{ actionId: 'h-1', actionType: 'handover', actionStatus: 'RUNNING' }]));
    m.apply(state(300, [{ actionId: 'h-1', actionType: 'handover', actionStatus: 'FAILED', failureKind: 'drop', resultDescription: 'dropped part-7' }]));
    m.apply(state(500, [{ actionId: 'h-1', actionType: 'handover', actionStatus: 'FAILED', failureKind: 'drop' }])); // heartbeat repeats it
    m.apply({ t: 600, topic: 'instantActions', payload: { ...h('instantActions'), actions: [{ actionId: 's-1', actionType: 'say', actionParameters: { text: 'Sorry, I dropped it.', kind: 'apology', failureKind: 'drop', tone: 'empathic' } }] } });
    m.apply(handover(700, 'h-2', 0.6));
    m.apply(state(1000, [{ actionId: 'h-2', actionType: 'handover', actionStatus: 'FINISHED' }]));
    expect(m.events.map((e) => [e.t, e.kind, e.text, e.detail])).toEqual([
      [0, 'handover', 'handover part-7 → right_hand', 'speed 100%, wait 0 ms; action h-1'],
      [300, 'handover-failed', 'handover failed: drop', 'dropped part-7'],
      [600, 'apology', 'apology (empathic, after drop)', 'Sorry, I dropped it.'],
      [700, 'pacing', 'pacing → speed 60%, wait 1500 ms', 'was speed 100%, wait 0 ms'],
      [700, 'handover', 'handover part-7 → right_hand', 'speed 60%, wait 1500 ms; action h-2'],
      [1000, 'handover-ok', 'handover done', 'action h-2'],
    ]);
  });

  it('reports safe states of planner and controller with the reason, and their end', () => {
    const m = new CellModel();
    m.apply(trace(0, 'running', {}));
    m.apply(trace(100, 'safe', {}, { safeReason: 'broker connection lost' }));
    m.apply(trace(200, 'safe', {}, { safeReason: 'broker connection lost' }));
    m.apply(trace(300, 'running', {}));
    m.apply(state(400, [], { safeState: true, errors: [{ errorType: 'planner_lost', errorDescription: 'planner CONNECTION_BROKEN', errorLevel: 'WARNING' }] }));
    m.apply(state(500, [], { safeState: false }));
    expect(m.events.map((e) => [e.t, e.kind, e.text, e.detail])).toEqual([
      [100, 'safe', 'planner safe state', 'broker connection lost'],
      [300, 'resume', 'planner resumed', undefined],
      [400, 'safe', 'controller safe stop', 'planner CONNECTION_BROKEN'],
      [500, 'resume', 'controller resumed', undefined],
    ]);
  });

  it('reports a VLM answer when the estimate source switches to the VLM or its label changes', () => {
    const m = new CellModel();
    m.apply(affect(0, 0.2));
    m.apply(affect(10, 0.7, 'vlm', 'frustrated'));
    m.apply(affect(20, 0.7, 'vlm', 'frustrated'));
    m.apply(affect(30, 0.4, 'vlm', 'focused'));
    m.apply(affect(40, 0.4));
    expect(m.events.map((e) => e.text)).toEqual(['VLM: frustrated (80%)', 'VLM: focused (80%)']);
  });

  it('has one extractor per event-producing topic and a lane for every kind', () => {
    expect(Object.keys(EVENT_EXTRACTORS).sort()).toEqual(['affect', 'connection/controller', 'connection/planner', 'instantActions', 'monitor', 'order', 'orderActions', 'plannerState', 'state', 'trace', 'tree']);
    expect(new Set(Object.values(EVENT_LANES))).toEqual(new Set(['task', 'affect', 'system']));
  });
});

describe('CellModel: orders and sessions', () => {
  const rec = (orderId: string, status: string, extra: object = {}) => ({ orderId, tree: 'HandoverWithAffect', status, sentAt: '2026-01-01T00:00:00.000Z', receivedAt: `2026-01-01T00:00:0${orderId.length % 10}.000Z`, ...extra });
  const plannerState = (t: number, current: object | undefined, queue: object[], history: object[]): CellMessage => ({
    t,
    topic: 'plannerState',
    payload: { ...h('plannerState'), phase: 'running', mode: 'orders', maxQueue: 8, ...(current ? { current } : {}), queue, history, actionStates: [] },
  });

  it('keeps the latest plannerState and reports each order once: sent, started, finished, failed or rejected with the reason', () => {
    const m = new CellModel();
    m.apply({ t: 100, topic: 'order', payload: { ...h('order'), orderId: 'o1', parameters: { objectId: 'part-9' } } });
    m.apply(plannerState(110, rec('o1', 'RUNNING', { parameters: { objectId: 'part-9' } }), [rec('o22', 'WAITING')], []));
    m.apply(plannerState(120, rec('o1', 'RUNNING'), [rec('o22', 'WAITING')], [])); // heartbeat: nothing new
    m.apply(plannerState(200, rec('o22', 'RUNNING'), [], [rec('o1', 'FINISHED'), rec('o333', 'FAILED', { rejected: true, reason: 'queue full (8 waiting)' })]));
    m.apply({ t: 250, topic: 'orderActions', payload: { ...h('orderActions'), actions: [{ actionId: 'c1', actionType: 'cancelOrder', actionParameters: { orderId: 'o22' } }] } });
    m.apply(plannerState(260, undefined, [], [rec('o1', 'FINISHED'), rec('o333', 'FAILED', { rejected: true, reason: 'queue full (8 waiting)' }), rec('o22', 'FAILED', { reason: 'cancelled (action c1)' })]));
    const orderEvents = m.events.filter((e) => e.kind.startsWith('order')).map((e) => `${e.t} ${e.kind} ${e.text}${e.detail ? ` | ${e.detail}` : ''}`);
    expect(orderEvents).toEqual([
      '100 order order o1 sent | tree (main) (objectId=part-9)',
      '110 order order o1 started | tree HandoverWithAffect (objectId=part-9)',
      '200 order-ok order o1 finished',
      '200 order-failed order o333 rejected | queue full (8 waiting)',
      '200 order order o22 started | tree HandoverWithAffect',
      '250 order-cancel cancel order o22 requested | action c1',
      '260 order-failed order o22 failed | cancelled (action c1)',
    ]);
    expect(m.orders?.at).toBe(260);
    expect(m.orders?.state.current).toBeUndefined();
    expect(m.orders?.state.history.map((r) => r.orderId)).toEqual(['o1', 'o333', 'o22']);
  });

  it('a second order with a used orderId is its own record: the rejection shows once and the first order is not reported again', () => {
    const m = new CellModel();
    const first = rec('o1', 'FINISHED', { receivedAt: '2026-01-01T00:00:01.000Z' });
    const again = rec('o1', 'FAILED', { rejected: true, reason: 'duplicate orderId o1', receivedAt: '2026-01-01T00:00:05.000Z' });
    m.apply(plannerState(100, undefined, [], [first]));
    m.apply(plannerState(200, undefined, [], [first, again]));
    m.apply(plannerState(300, undefined, [], [first, again]));
    expect(m.events.filter((e) => e.kind.startsWith('order')).map((e) => e.text)).toEqual(['order o1 finished', 'order o1 rejected']);
  });

  it('knows the planner session announced on connection/planner and the session the controller obeys', () => {
    const m = new CellModel();
    m.apply({ t: 10, topic: 'connection/planner', payload: { ...h('connection/planner'), sessionId: 'sess-a', sessionStartedAt: '2026-01-01T00:00:00.000Z', connectionState: 'ONLINE' } });
    m.apply(state(20, [], { plannerSessionId: 'sess-a' }));
    expect(m.health.planner.sessionId).toBe('sess-a');
    expect(m.health.controller.plannerSessionId).toBe('sess-a');
    m.apply(state(30, [], { safeState: true }));
    expect(m.health.controller.plannerSessionId).toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import { HeaderFactory, isCompatibleVersion, newSession, roleGrants, validateMessage, REJECT_REASONS, TOPIC_SPECS } from './index.ts';

const robot = { manufacturer: 'acme', serialNumber: 'c1' };
const estimate = () => ({ humanId: 'h1', expression: 'focused', valence: 0.1, arousal: 0.2, confidence: 0.5, frustration: 0.2, source: 'local', maxAgeMs: 1000, observedAt: '2026-01-01T00:00:00.000Z' });

describe('HeaderFactory', () => {
  it('counts headerId per topic and writes ISO ms UTC timestamps', () => {
    const h = new HeaderFactory(robot);
    expect(h.next('affect', 0)).toEqual({ headerId: 0, timestamp: '1970-01-01T00:00:00.000Z', version: '1.4.0', manufacturer: 'acme', serialNumber: 'c1' });
    expect(h.next('affect', 1).headerId).toBe(1);
    expect(h.next('state', 1).headerId).toBe(0);
  });
  it('stamps the sender session when it has one; new sessions never repeat', () => {
    const s = newSession(Date.UTC(2026, 0, 1));
    expect(s.sessionId).toMatch(/^[0-9a-z]+-[0-9a-f]{12}$/);
    expect(new HeaderFactory(robot, s.sessionId).next('state', 0).sessionId).toBe(s.sessionId);
    const ids = new Set(Array.from({ length: 1000 }, () => newSession(0).sessionId));
    expect(ids.size).toBe(1000);
  });
  it('accepts the same major version only', () => {
    expect(isCompatibleVersion('1.9.3')).toBe(true);
    expect(isCompatibleVersion('2.0.0')).toBe(false);
  });
});

describe('validateMessage', () => {
  const h = new HeaderFactory(robot, 'sess-1');
  const conn = { sessionStartedAt: '2026-01-01T00:00:00.000Z', connectionState: 'ONLINE' };
  it('accepts a valid affect message', () => {
    const m = { ...h.next('affect', 0), estimates: [estimate()] };
    expect(validateMessage('affect', m).ok).toBe(true);
  });
  it('classifies range violations as out_of_range with the path', () => {
    const m = { ...h.next('affect', 0), estimates: [{ ...estimate(), valence: 1.5 }] };
    expect(validateMessage('affect', m)).toEqual({ ok: false, reason: 'out_of_range', message: '/estimates/0/valence must be <= 1' });
  });
  it('classifies wrong types and unknown fields as schema', () => {
    expect(validateMessage('affect', { ...h.next('affect', 0), estimates: [{ ...estimate(), confidence: 'high' }] })).toMatchObject({ ok: false, reason: 'schema', message: '/estimates/0/confidence must be number' });
    expect(validateMessage('connection/controller', { ...h.next('c', 0), ...conn, extra: 1 })).toMatchObject({ reason: 'schema', message: "(root) must NOT have additional properties 'extra'" });
  });
  it('rejects timestamps without a zone or with an impossible date', () => {
    expect(validateMessage('connection/controller', { ...h.next('c', 0), ...conn }).ok).toBe(true);
    expect(validateMessage('connection/controller', { ...h.next('c', 0), ...conn, timestamp: '2026-01-01T00:00:00' }).ok).toBe(false);
    expect(validateMessage('connection/controller', { ...h.next('c', 0), ...conn, timestamp: '2026-13-45T00:00:00Z' }).ok).toBe(false);
  });
  it('rejects an affect message with 0 or 17 estimates', () => {
    expect(validateMessage('affect', { ...h.next('affect', 0), estimates: [] }).ok).toBe(false);
    expect(validateMessage('affect', { ...h.next('affect', 0), estimates: Array.from({ length: 17 }, estimate) }).ok).toBe(false);
  });
  it('checks handover parameters: speedScale in (0,1]', () => {
    const act = (speedScale: number) => ({ ...h.next('i', 0), actions: [{ actionId: 'a1', actionType: 'handover', actionParameters: { objectId: 'o', target: 'h1', speedScale, approachWaitMs: 0, timeoutMs: 1000 } }] });
    expect(validateMessage('instantActions', act(0.5)).ok).toBe(true);
    expect(validateMessage('instantActions', act(0))).toMatchObject({ ok: false, reason: 'out_of_range' });
    expect(validateMessage('instantActions', act(1.01))).toMatchObject({ ok: false, reason: 'out_of_range' });
  });
  it('names the wrong parameter of an instant action (tagged by actionType)', () => {
    const msg = (action: object) => ({ ...h.next('i', 0), actions: [action] });
    expect(validateMessage('instantActions', msg({ actionId: 'a', actionType: 'say', actionParameters: { speedScale: 1 } }))).toMatchObject({ message: "/actions/0/actionParameters must have required property 'text'" });
    expect(validateMessage('instantActions', msg({ actionId: 'a', actionType: 'dance', actionParameters: {} }))).toMatchObject({ message: '/actions/0 value of tag "actionType" must be in oneOf' });
  });
  it('requires the sender session on connection and instantActions, not elsewhere', () => {
    const { sessionId: _, ...bare } = h.next('i', 0);
    const handover = { actionId: 'a1', actionType: 'handover', actionParameters: { objectId: 'o', target: 'h1', speedScale: 0.5, approachWaitMs: 0, timeoutMs: 1000 } };
    expect(validateMessage('instantActions', { ...bare, actions: [handover] })).toMatchObject({ ok: false, reason: 'schema', message: "(root) must have required property 'sessionId'" });
    expect(validateMessage('connection/planner', { ...bare, ...conn })).toMatchObject({ ok: false, message: "(root) must have required property 'sessionId'" });
    expect(validateMessage('affect', { ...bare, estimates: [estimate()] }).ok).toBe(true);
  });
  it('derives least-privilege role grants from the topic table', () => {
    expect(roleGrants('estimator')).toEqual({ publish: ['affect'], subscribe: [] });
    expect(roleGrants('controller')).toEqual({ publish: ['state', 'connection/controller'], subscribe: ['instantActions', 'connection/planner'] });
    expect(roleGrants('planner').publish).toEqual(['instantActions', 'connection/planner', 'trace', 'tree', 'plannerState']);
    expect(roleGrants('planner').subscribe).toEqual(['affect', 'state', 'connection/controller', 'connection/planner', 'order', 'orderActions']);
    expect(roleGrants('monitor')).toEqual({ publish: [], subscribe: Object.keys(TOPIC_SPECS) });
    // the MES / operator tool: orders in, the planner's status out, nothing that reaches the controller
    expect(roleGrants('orderer')).toEqual({ publish: ['order', 'orderActions'], subscribe: ['connection/planner', 'plannerState'] });
  });
  it('never retains orders or order actions; retains plannerState (status only)', () => {
    expect(TOPIC_SPECS.order).toMatchObject({ qos: 1, retain: false, maxAgeMs: 30_000 });
    expect(TOPIC_SPECS.orderActions).toMatchObject({ qos: 1, retain: false, maxAgeMs: 30_000 });
    expect(TOPIC_SPECS.plannerState).toMatchObject({ qos: 1, retain: true, publishers: ['planner'] });
  });
  it('checks orders: ids, parameter names and values, counts', () => {
    const h = { headerId: 0, timestamp: '2026-11-21T10:15:30.123Z', version: '1.4.0', manufacturer: 'acme', serialNumber: 'c1' };
    expect(validateMessage('order', { ...h, orderId: 'o1', tree: 'HandoverTask', parameters: { objectId: 'part-7', n: 2, fast: true } }).ok).toBe(true);
    expect(validateMessage('order', { ...h, orderId: 'o1' }).ok).toBe(true);
    const bad = (m: object) => validateMessage('order', { ...h, ...m });
    expect(bad({})).toMatchObject({ ok: false, reason: 'schema', message: "(root) must have required property 'orderId'" });
    expect(bad({ orderId: 'o 1' })).toMatchObject({ ok: false, message: '/orderId must match pattern "^[A-Za-z0-9_.:-]+$"' });
    // a parameter can only be an identifier: it cannot reach human/ready or an affect key
    expect(bad({ orderId: 'o1', parameters: { 'human/ready': true } })).toMatchObject({ ok: false, reason: 'schema', message: "/parameters must NOT have additional properties 'human/ready'" });
    expect(bad({ orderId: 'o1', parameters: { objectId: { nested: 1 } } })).toMatchObject({ ok: false, reason: 'schema' });
    expect(bad({ orderId: 'o1', parameters: Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`p${i}`, i])) })).toMatchObject({ ok: false, message: '/parameters must NOT have more than 16 properties' });
    expect(bad({ orderId: 'o1', extra: 1 })).toMatchObject({ ok: false, message: "(root) must NOT have additional properties 'extra'" });
    expect(validateMessage('orderActions', { ...h, actions: [{ actionId: 'c1', actionType: 'cancelOrder', actionParameters: { orderId: 'o1' } }] }).ok).toBe(true);
    expect(validateMessage('orderActions', { ...h, actions: [{ actionId: 'c1', actionType: 'cancel', actionParameters: { orderId: 'o1' } }] }).ok).toBe(false);
    expect(validateMessage('orderActions', { ...h, actions: [] })).toMatchObject({ ok: false, message: '/actions must NOT have fewer than 1 items' });
  });
  it('has a spec with QoS 1 and retain for both connection topics', () => {
    expect(TOPIC_SPECS['connection/controller']).toMatchObject({ qos: 1, retain: true });
    expect(TOPIC_SPECS['connection/planner']).toMatchObject({ qos: 1, retain: true });
    expect(REJECT_REASONS).toContain('too_large');
  });
});

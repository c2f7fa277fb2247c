import { describe, expect, it } from 'vitest';
import { OrderBook } from './orders.ts';
import type { OrderMessage } from '../contract/orders.ts';

const header = { headerId: 0, timestamp: '2026-11-21T10:00:00.000Z', version: '1.4.0', manufacturer: 'acme', serialNumber: 'c1' };
const order = (orderId: string, extra: Partial<OrderMessage> = {}): OrderMessage => ({ ...header, orderId, ...extra });
const cancel = (orderId: string, actionId = `c-${orderId}`) => ({ actionId, actionType: 'cancelOrder' as const, actionParameters: { orderId } });

function book(maxQueue = 2, mode: 'orders' | 'loop' = 'orders') {
  let t = Date.UTC(2026, 10, 21, 10);
  return new OrderBook({ maxQueue, mode, trees: { main: 'Main', names: ['Main', 'Sub'] }, now: () => (t += 10), historySize: 3 });
}

describe('OrderBook', () => {
  it('runs one order at a time, in arrival order, and records how each ended', () => {
    const b = book();
    expect(b.submit(order('a', { parameters: { objectId: 'x' } }))).toEqual({ accepted: true });
    expect(b.submit(order('b', { tree: 'Sub' }))).toEqual({ accepted: true });
    expect(b.startNext()).toMatchObject({ orderId: 'a', tree: 'Main', status: 'RUNNING', parameters: { objectId: 'x' } });
    expect(b.startNext()).toBeUndefined(); // a runs
    b.finish('FINISHED');
    expect(b.startNext()).toMatchObject({ orderId: 'b', tree: 'Sub' });
    b.finish('FAILED', 'tree FAILURE at root/x');
    const s = b.snapshot();
    expect(s.history.map((h) => [h.orderId, h.status, h.reason])).toEqual([
      ['a', 'FINISHED', undefined],
      ['b', 'FAILED', 'tree FAILURE at root/x'],
    ]);
    expect(s.current).toBeUndefined();
    expect(Date.parse(s.history[0]!.endedAt!)).toBeGreaterThan(Date.parse(s.history[0]!.startedAt!));
  });

  it('refuses a full queue, a duplicate id, an unknown tree, and everything in loop mode — with reasons', () => {
    const b = book(1);
    b.submit(order('a'));
    b.startNext();
    b.submit(order('b'));
    expect(b.submit(order('c'))).toEqual({ accepted: false, reason: 'queue full: 1 orders waiting (orders.maxQueue = 1)' });
    expect(b.submit(order('a'))).toEqual({ accepted: false, reason: 'duplicate orderId a (already RUNNING): use a fresh orderId per order' });
    expect(b.submit(order('z', { tree: 'Nope' }))).toEqual({ accepted: false, reason: "unknown tree 'Nope' (trees: Main, Sub)" });
    expect(b.snapshot().history.every((h) => h.rejected === true && h.status === 'FAILED')).toBe(true);
    expect(b.snapshot().history).toHaveLength(3); // bounded (historySize 3)
    expect(book(2, 'loop').submit(order('l'))).toMatchObject({ accepted: false, reason: expect.stringMatching(/^planner runs in loop mode/) });
    expect(() => new OrderBook({ maxQueue: 0, trees: { main: 'M', names: ['M'] }, now: Date.now })).toThrow('OrderBook: maxQueue must be an integer ≥ 1, got 0');
  });

  it('cancels: waiting → removed, running → halt, ended or unknown → refused', () => {
    const b = book();
    b.submit(order('a'));
    b.submit(order('b'));
    b.startNext();
    const v = b.version;
    expect(b.cancel(cancel('b'))).toBe('removed');
    expect(b.version).toBeGreaterThan(v);
    expect(b.cancel(cancel('a'))).toBe('halt_running');
    b.finish('FAILED', 'cancelled (action c-a)');
    expect(b.cancel(cancel('a', 'again'))).toBe('refused');
    expect(b.cancel(cancel('ghost'))).toBe('refused');
    expect(b.snapshot().actionStates.map((a) => [a.actionId, a.actionStatus, a.resultDescription])).toEqual([
      ['c-b', 'FINISHED', 'waiting order removed'],
      ['c-a', 'FINISHED', 'running order halted'],
      ['again', 'FAILED', 'order a already ended (FAILED); nothing to cancel'],
      ['c-ghost', 'FAILED', 'no waiting or running order ghost'],
    ]);
    expect(b.snapshot().history.find((h) => h.orderId === 'b')).toMatchObject({ status: 'FAILED', reason: 'cancelled before start (action c-b)' });
  });
});

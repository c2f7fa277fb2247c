// StreamHub: bounded per-page queues (drop oldest, counted and reported), history and
// retained topics for pages that connect late, and no back-pressure from a stuck page.
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { StreamHub, type StreamSink } from './hub.ts';
import type { CellMessage } from './messages.ts';

/** A page whose socket accepts writes into a real stream; `stuck` never drains. */
function page(stuck: boolean): StreamSink & { text: () => string; stream: Writable } {
  const chunks: string[] = [];
  const stream = new Writable({
    highWaterMark: 1024,
    write(chunk, _enc, cb) {
      chunks.push(String(chunk));
      if (!stuck) cb();
    },
  });
  return { write: (c) => stream.write(c), get writableNeedDrain() { return stream.writableNeedDrain; }, end: () => stream.destroy(), text: () => chunks.join(''), stream };
}

function batches(text: string): { dropped: number; messages: CellMessage[] }[] {
  return [...text.matchAll(/event: batch\ndata: (.*)\n\n/g)].map((m) => JSON.parse(m[1]!));
}

const msg = (i: number, topic: CellMessage['topic'] = 'state'): CellMessage => ({ t: i, topic, payload: { headerId: i } });
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('StreamHub', () => {
  it('streams hello, the history and then live batches to a page', async () => {
    const hub = new StreamHub({ flushMs: 10 });
    for (let i = 0; i < 3; i++) hub.publish(msg(i));
    const p = page(false);
    hub.attach(p, { mode: 'live' });
    hub.publish(msg(3));
    await wait(40);
    hub.close();
    expect(p.text()).toMatch(/^retry: 1000\n\nevent: hello\ndata: \{"mode":"live"\}\n\n/);
    const all = batches(p.text()).flatMap((b) => b.messages.map((m) => m.t));
    expect(all).toEqual([0, 1, 2, 3]);
  });

  it('keeps a stuck page at its queue bound, drops its oldest messages and counts them, while other pages get everything', async () => {
    const hub = new StreamHub({ flushMs: 5, clientQueueMax: 100 });
    const stuck = page(true);
    const fine = page(false);
    hub.attach(stuck, {});
    hub.attach(fine, {});
    for (let round = 0; round < 40; round++) {
      for (let i = 0; i < 50; i++) hub.publish(msg(round * 50 + i));
      await wait(10); // the flush timer (5 ms) runs first: a healthy page keeps up
    }
    await wait(30);
    const [s, f] = hub.stats().clients;
    expect(s!.queued).toBeLessThanOrEqual(100);
    expect(s!.dropped).toBeGreaterThan(1500);
    expect(f!.dropped).toBe(0);
    expect(hub.dropped).toBe(s!.dropped);
    const got = batches(fine.text()).flatMap((b) => b.messages.map((m) => m.t));
    expect(got).toEqual(Array.from({ length: 2000 }, (_, i) => i));
    // the stuck page's socket holds at most what was written before it filled up
    expect(stuck.stream.writableLength).toBeLessThan(200_000);
    hub.close();
  });

  it('tells a slow page how many messages it lost once it catches up, and it gets the newest', async () => {
    const hub = new StreamHub({ flushMs: 5, clientQueueMax: 10 });
    let release: () => void = () => {};
    const chunks: string[] = [];
    const stream = new Writable({ highWaterMark: 16, write: (c, _e, cb) => (chunks.push(String(c)), (release = cb)) });
    const sink: StreamSink = { write: (c) => stream.write(c), get writableNeedDrain() { return stream.writableNeedDrain; }, end: () => stream.destroy() };
    hub.attach(sink, {});
    release();
    await wait(5);
    for (let i = 0; i < 50; i++) hub.publish(msg(i));
    await wait(20); // first flush goes out and blocks the socket
    for (let i = 50; i < 100; i++) hub.publish(msg(i));
    await wait(20);
    release();
    await wait(30);
    release();
    await wait(30);
    const bs = batches(chunks.join(''));
    const last = bs[bs.length - 1]!;
    expect(last.dropped).toBeGreaterThan(0);
    expect(last.messages.map((m) => m.t).pop()).toBe(99);
    hub.close();
  });

  it('keeps the latest tree and connection messages for late pages even when the history ring has moved on', async () => {
    const hub = new StreamHub({ flushMs: 5, historyMax: 50 });
    hub.publish(msg(0, 'tree'));
    hub.publish(msg(1, 'connection/controller'));
    for (let i = 2; i < 500; i++) hub.publish(msg(i));
    const p = page(false);
    hub.attach(p, {});
    await wait(20);
    hub.close();
    const ts = batches(p.text()).flatMap((b) => b.messages);
    expect(ts.slice(0, 2).map((m) => m.topic)).toEqual(['tree', 'connection/controller']);
    expect(ts.length).toBeLessThanOrEqual(2 + 50 + 50 / 8 + 1);
    expect(ts[ts.length - 1]!.t).toBe(499);
  });
});

// The frame loop on a synthetic live source: newest frame wins when inference is
// slower than the stream, and a stalled source publishes nothing.
import { describe, it, expect } from 'vitest';
import { createSyntheticSource } from './frame-source.ts';
import { decodeImage } from './image.ts';
import { createFramePipeline } from './pipeline.ts';
import { runEstimator, type EstimatorEvent } from './run.ts';

describe('runEstimator on a live source', () => {
  it('processes the newest frame, drops (and counts) the ones it had no time for, in time order', async () => {
    const img = await decodeImage('../shared/data/faces/scenes/happy.jpg');
    const source = createSyntheticSource({ frames: [img], fps: 200, count: 100, startT: 0 });
    const pipe = await createFramePipeline();
    const events: Extract<EstimatorEvent, { kind: 'frame' }>[] = [];
    const summary = await runEstimator(source, pipe, {}, async (e) => {
      if (e.kind === 'frame') events.push(e);
      await new Promise((r) => setTimeout(r, 20)); // slower than the 5 ms frame period
    });
    expect(source.stats.decoded).toBe(100);
    expect(source.stats.dropped).toBeGreaterThan(20);
    expect(summary.frames + source.stats.dropped).toBe(100);
    const ts = events.map((e) => e.fused.t);
    expect(ts).toEqual([...ts].sort((a, b) => a - b));
    expect(events.at(-1)!.fused.estimate.expression).toBe('happy');
    for (const e of events) expect(e.receivedAt).toBeTypeOf('number');
  });

  it('a stalled source delivers nothing more until it is closed', async () => {
    const img = await decodeImage('../shared/data/faces/scenes/happy.jpg');
    const source = createSyntheticSource({ frames: [img], fps: 50, count: 100, stallAfter: 5 });
    const pipe = await createFramePipeline();
    let frames = 0;
    const run = runEstimator(source, pipe, {}, (e) => {
      if (e.kind === 'frame') frames++;
    });
    await new Promise((r) => setTimeout(r, 1000));
    const during = frames;
    expect(during).toBeLessThanOrEqual(5);
    await source.close();
    const summary = await run;
    expect(summary.frames).toBe(during);
  });
});

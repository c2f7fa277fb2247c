// Tests clean up the retained messages they leave on a real broker: clearRetained
// deletes everything retained under a robot's prefix and nothing else.
import { describe, expect, it } from 'vitest';
import mqtt from 'mqtt';
import { startEmbeddedTestBroker } from './support/broker.ts';
import { clearRetained } from './support/retained.ts';

async function retainedUnder(url: string, filter: string): Promise<string[]> {
  const c = await mqtt.connectAsync(url, { reconnectPeriod: 0 });
  const seen: string[] = [];
  c.on('message', (topic, payload, packet) => {
    if (packet.retain && payload.length > 0) seen.push(topic);
  });
  await c.subscribeAsync(filter, { qos: 1 });
  await new Promise((r) => setTimeout(r, 200));
  await c.endAsync();
  return seen.sort();
}

describe('clearRetained', () => {
  it('deletes the retained messages under the prefixes, and only those', async () => {
    const broker = await startEmbeddedTestBroker();
    try {
      const c = await mqtt.connectAsync(broker.url, { reconnectPeriod: 0 });
      for (const t of ['affectbt/v1/test/r1/connection/planner', 'affectbt/v1/test/r1/connection/controller', 'affectbt/v1/test/other/connection/planner']) {
        await c.publishAsync(t, '{"connectionState":"CONNECTION_BROKEN"}', { retain: true, qos: 1 });
      }
      await c.endAsync();
      expect(await clearRetained(broker.url, ['affectbt/v1/test/r1/'])).toEqual(expect.arrayContaining(['affectbt/v1/test/r1/connection/planner', 'affectbt/v1/test/r1/connection/controller']));
      expect(await retainedUnder(broker.url, 'affectbt/v1/test/#')).toEqual(['affectbt/v1/test/other/connection/planner']);
    } finally {
      await broker.stop();
    }
  });
});

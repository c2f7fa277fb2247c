import { describe, it, expect } from 'vitest';
import mqtt from 'mqtt';
import { startEmbeddedBroker } from '../mqtt/broker.ts';
import { ReconnectDriver, MQTTJS_RECONNECT_DISABLED_MS } from './reconnect.ts';

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('ReconnectDriver', () => {
  it('reconnects with growing delays after a broker outage and delivers QoS 1 messages queued meanwhile', async () => {
    const broker = await startEmbeddedBroker();
    const client = mqtt.connect(broker.url, { protocolVersion: 4, reconnectPeriod: 100, clean: true, clientId: 'rd-pub' });
    await new Promise((r) => client.once('connect', r));
    const attempts: { attempt: number; delayMs: number }[] = [];
    const driver = new ReconnectDriver(client, { minMs: 50, maxMs: 400, random: () => 1, onAttempt: (attempt, delayMs) => attempts.push({ attempt, delayMs }) });
    expect(client.options.reconnectPeriod).toBe(MQTTJS_RECONNECT_DISABLED_MS);
    try {
      await broker.stop();
      await wait(900); // attempts at +50, +100, +200, +400 … all refused
      let acked: Error | null | undefined;
      client.publish('t/x', 'queued-while-down', { qos: 1 }, (err) => (acked = err ?? null));
      expect(acked).toBeUndefined();
      await broker.restart();
      await new Promise((r) => client.once('connect', r));
      // the QoS 1 message queued while down is sent after the reconnect and acknowledged by the broker
      for (let i = 0; i < 100 && acked === undefined; i++) await wait(20);
      expect(acked).toBeNull();
      expect(attempts.length).toBeGreaterThanOrEqual(3);
      expect(attempts.slice(0, 3).map((a) => a.delayMs)).toEqual([50, 100, 200]);
      expect(driver.attempts).toBe(0); // reset after the successful connect
    } finally {
      driver.stop();
      client.end(true);
      await broker.stop();
    }
  }, 15_000);
});

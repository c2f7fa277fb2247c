// MCAP recordings: written by McapRecorder, read back both by readRecording and,
// independently, by @mcap/core's indexed reader with every message checked against the
// JSON Schema embedded in its channel; truncated / corrupt / foreign files are refused
// with a message that says which.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { McapIndexedReader } from '@mcap/core';
import { describe, expect, it } from 'vitest';
import { EXAMPLES } from '../mqtt/contract-doc.ts';
import type { TopicName } from '../contract/schemas.ts';
import { CONTRACT_VERSION } from '../contract/header.ts';
import { McapReadError, McapRecorder, readRecording } from './mcap.ts';

const dir = mkdtempSync(join(tmpdir(), 'affect-bt-mcap-'));
const robot = { manufacturer: 'acme', serialNumber: 'cell-1' };
const T0 = Date.UTC(2026, 10, 21, 10, 15, 30);

async function writeSample(file: string): Promise<{ topic: string; payload: unknown; t: number }[]> {
  const rec = await McapRecorder.create({ file, robot, meta: { source: 'test' } });
  const sent: { topic: string; payload: unknown; t: number }[] = [];
  let t = T0;
  for (let round = 0; round < 3; round++) {
    for (const topic of Object.keys(EXAMPLES) as TopicName[]) {
      t += 7;
      rec.record(t, topic, JSON.stringify(EXAMPLES[topic]));
      sent.push({ topic, payload: EXAMPLES[topic], t });
    }
  }
  t += 7;
  const status = { broker: 'disconnected', url: 'mqtt://127.0.0.1:1883', reason: 'connection lost' };
  rec.record(t, 'monitor', Buffer.from(JSON.stringify(status)));
  sent.push({ topic: 'monitor', payload: status, t });
  await rec.close();
  expect(rec.written).toBe(sent.length);
  expect(rec.dropped).toBe(0);
  return sent;
}

describe('McapRecorder + readRecording', () => {
  it('round-trips every contract topic and the monitor status, in time order, with the file metadata', async () => {
    const file = join(dir, 'round.mcap');
    const sent = await writeSample(file);
    const r = await readRecording(file);
    expect(r.messages.map((m) => ({ topic: m.topic, payload: m.payload, t: m.t }))).toEqual(sent);
    expect(r.meta).toMatchObject({ robot: 'acme/cell-1', contractVersion: CONTRACT_VERSION, source: 'test' });
    expect(r.start).toBe(sent[0]!.t);
    expect(r.end).toBe(sent[sent.length - 1]!.t);
    expect(r.invalid).toEqual({});
  });

  it('writes a file that @mcap/core reads with its index, every message valid against its channel schema (as Foxglove reads it)', async () => {
    const file = join(dir, 'foxglove.mcap');
    const sent = await writeSample(file);
    const bytes = readFileSync(file);
    const reader = await McapIndexedReader.Initialize({
      readable: { size: async () => BigInt(bytes.length), read: async (offset, size) => bytes.subarray(Number(offset), Number(offset + size)) },
    });
    expect(reader.statistics?.messageCount).toBe(BigInt(sent.length));
    const ajv = new Ajv({ strict: false });
    ajv.addFormat('date-time', /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/);
    const validators = new Map<number, ReturnType<Ajv['compile']>>();
    for (const ch of reader.channelsById.values()) {
      const schema = reader.schemasById.get(ch.schemaId)!;
      expect(schema.encoding).toBe('jsonschema');
      expect(ch.messageEncoding).toBe('json');
      expect(ch.topic).toMatch(/^affectbt\/v1\/acme\/cell-1\//);
      validators.set(ch.id, ajv.compile(JSON.parse(new TextDecoder().decode(schema.data))));
    }
    expect(reader.channelsById.size).toBe(Object.keys(EXAMPLES).length + 1);
    let n = 0;
    for await (const m of reader.readMessages()) {
      const v = validators.get(m.channelId)!;
      const payload = JSON.parse(new TextDecoder().decode(m.data));
      expect(v(payload), JSON.stringify(v.errors)).toBe(true);
      expect(m.logTime).toBe(BigInt(sent[n]!.t) * 1_000_000n);
      n++;
    }
    expect(n).toBe(sent.length);
    // an invalid payload fails the embedded schema (the check can fail)
    const stateCh = [...reader.channelsById.values()].find((c) => c.topic.endsWith('/state'))!;
    expect(validators.get(stateCh.id)!({ ...(EXAMPLES.state as object), speedScale: 7 })).toBe(false);
  });

  it('leaves out (and counts) messages that fail the contract', async () => {
    const file = join(dir, 'invalid.mcap');
    const rec = await McapRecorder.create({ file, robot });
    rec.record(T0, 'state', JSON.stringify({ ...(EXAMPLES.state as object), speedScale: 7 }));
    rec.record(T0 + 1, 'state', '{not json');
    rec.record(T0 + 2, 'state', JSON.stringify(EXAMPLES.state));
    await rec.close();
    const r = await readRecording(file);
    expect(r.messages).toHaveLength(1);
    expect(r.invalid).toEqual({ state: 2 });
  });

  it('drops the oldest queued messages (counted) when more arrive than the queue holds', async () => {
    const file = join(dir, 'drop.mcap');
    const rec = await McapRecorder.create({ file, robot, maxQueue: 10 });
    for (let i = 0; i < 100; i++) rec.record(T0 + i, 'state', JSON.stringify({ ...(EXAMPLES.state as object), headerId: i }));
    await rec.close();
    expect(rec.written + rec.dropped).toBe(100);
    expect(rec.dropped).toBeGreaterThan(0);
    const r = await readRecording(file);
    expect(r.messages).toHaveLength(rec.written);
    expect((r.messages[r.messages.length - 1]!.payload as { headerId: number }).headerId).toBe(99); // the newest survive
  });

  it('refuses a truncated file, saying it was not closed', async () => {
    const file = join(dir, 'full.mcap');
    await writeSample(file);
    const bytes = readFileSync(file);
    const cut = join(dir, 'truncated.mcap');
    writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
    await expect(readRecording(cut)).rejects.toThrow(McapReadError);
    await expect(readRecording(cut)).rejects.toThrow(/truncated\.mcap: truncated MCAP file: it ends after \d+ complete records .* no footer \(was the recorder killed before it closed the file\?\)/);
  });

  it('refuses a corrupt file (damaged chunk) and a file that is not MCAP', async () => {
    const file = join(dir, 'ok.mcap');
    await writeSample(file);
    const bytes = Buffer.from(readFileSync(file));
    const at = bytes.indexOf(Buffer.from('"estimates"'));
    expect(at).toBeGreaterThan(0);
    bytes.write('"estimatez"', at);
    const bad = join(dir, 'corrupt.mcap');
    writeFileSync(bad, bytes);
    await expect(readRecording(bad)).rejects.toThrow(/corrupt\.mcap: corrupt MCAP file after \d+ records \(.*crc/i);
    const text = join(dir, 'notes.mcap');
    writeFileSync(text, 'these are my notes, not a recording\n');
    await expect(readRecording(text)).rejects.toThrow(/notes\.mcap: not an MCAP file \(36 bytes; it does not start with the MCAP magic bytes\)/);
    await expect(readRecording(join(dir, 'missing.mcap'))).rejects.toThrow(/cannot read recording '.*missing\.mcap': ENOENT/);
  });
});

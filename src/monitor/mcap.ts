/**
 * MCAP recordings of a cell (the robotics log format, via `@mcap/core`): one channel
 * per contract topic, named by its MQTT topic, with the contract's JSON Schema as the
 * channel's schema (`jsonschema` / `json` encodings), so a recording opens in Foxglove
 * as well as in `affect-bt monitor --replay`.
 *
 * - {@link McapRecorder} writes messages as they come. `record()` never waits: messages
 *   are queued and written in order by one writer loop (the MCAP writer needs each call
 *   to finish before the next); a disk that stalls makes the queue drop its oldest
 *   messages (counted), it never slows the caller.
 * - {@link readRecording} reads a file back into time-ordered cell messages, each
 *   validated against the contract; a truncated or corrupt file is a
 *   {@link McapReadError} that says which and where.
 *
 * Design notes: chunks are small (256 kB) and uncompressed (no native codec needed);
 * the log time is when the message was seen, the publish time the sender's header
 * timestamp. The `monitor` channel records the recorder's own broker link going down
 * and up, so an outage is visible in a replay.
 */
import { open, readFile, type FileHandle } from 'node:fs/promises';
import { McapStreamReader, McapWriter, hasMcapPrefix, type IWritable, type TypedMcapRecord } from '@mcap/core';
import { CONTRACT_VERSION, type RobotId } from '../contract/header.ts';
import { TOPIC_SPECS, jsonSchemaOf, validateMessage, type TopicName } from '../contract/schemas.ts';
import { topicFor } from '../mqtt/topics.ts';
import { MONITOR_STATUS_SCHEMA, type CellMessage, type CellTopic } from './messages.ts';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Channel metadata key holding the contract topic name (`state`, `connection/planner`, `monitor`). */
const TOPIC_KEY = 'affectbt.topic';

/**
 * Where cell messages go to be recorded (an {@link McapRecorder}, or a test double).
 *
 * @example
 * ```ts
 * const sink: RecordSink = await McapRecorder.create({ file: 'cell.mcap', robot });
 * sink.record(Date.now(), 'state', payloadBytes);
 * ```
 */
export interface RecordSink {
  /** Queues one message; never blocks. `data` is the JSON payload (text or UTF-8 bytes). */
  record(t: number, topic: CellTopic, data: Uint8Array | string): void;
}

/** Options of {@link McapRecorder.create}. */
export interface McapRecorderOptions {
  file: string;
  robot: RobotId;
  /** Written into the file's `affect-bt` metadata record (e.g. `{ source: 'affect-bt run' }`). */
  meta?: Record<string, string>;
  /** Messages waiting for the disk before the oldest are dropped (default 20 000). */
  maxQueue?: number;
}

class FileWritable implements IWritable {
  private pos = 0n;
  constructor(private readonly fh: FileHandle) {}
  async write(buffer: Uint8Array): Promise<void> {
    let off = 0;
    while (off < buffer.length) {
      const { bytesWritten } = await this.fh.write(buffer, off, buffer.length - off);
      off += bytesWritten;
    }
    this.pos += BigInt(buffer.length);
  }
  position(): bigint {
    return this.pos;
  }
}

/** The MCAP channel topic of a cell topic. */
function channelTopic(robot: RobotId, topic: CellTopic): string {
  return topic === 'monitor' ? `affectbt/v1/${robot.manufacturer}/${robot.serialNumber}/$monitor` : topicFor(robot, topic);
}

function schemaOf(topic: CellTopic): object {
  return topic === 'monitor' ? MONITOR_STATUS_SCHEMA : jsonSchemaOf(topic);
}

function publishTimeNs(data: Uint8Array | string, fallback: bigint): bigint {
  // the header timestamp is near the start of the payload; avoid parsing the whole JSON
  const head = typeof data === 'string' ? data.slice(0, 200) : decoder.decode(data.subarray(0, 200));
  const m = /"timestamp"\s*:\s*"([^"]+)"/.exec(head);
  const ms = m ? Date.parse(m[1]!) : NaN;
  return Number.isFinite(ms) ? BigInt(ms) * 1_000_000n : fallback;
}

/**
 * Writes cell messages into an MCAP file.
 *
 * @example
 * ```ts
 * const rec = await McapRecorder.create({ file: 'cell-01.mcap', robot: { manufacturer: 'acme', serialNumber: 'cell-01' }, meta: { source: 'affect-bt run' } });
 * client.on('message', (topic, payload) => rec.record(Date.now(), 'state', payload));
 * await rec.close(); // writes the index and footer
 * ```
 */
export class McapRecorder implements RecordSink {
  /** Messages written to the file. */
  written = 0;
  /** Messages dropped because the disk fell behind (oldest first). */
  dropped = 0;
  private readonly queue: { t: number; topic: CellTopic; data: Uint8Array | string }[] = [];
  private readonly channels = new Map<CellTopic, { id: number; seq: number }>();
  private pumping: Promise<void> | undefined;
  private closed = false;
  private failure: Error | undefined;
  private readonly maxQueue: number;

  private constructor(
    readonly file: string,
    private readonly robot: RobotId,
    private readonly writer: McapWriter,
    private readonly fh: FileHandle,
    maxQueue: number,
  ) {
    this.maxQueue = maxQueue;
  }

  /** Creates (truncates) the file and writes the MCAP header and metadata. */
  static async create(o: McapRecorderOptions): Promise<McapRecorder> {
    let fh: FileHandle;
    try {
      fh = await open(o.file, 'w');
    } catch (e) {
      throw new Error(`cannot create recording '${o.file}': ${(e as NodeJS.ErrnoException).code ?? (e as Error).message} (check that the directory exists and is writable)`);
    }
    const writer = new McapWriter({ writable: new FileWritable(fh), useChunks: true, chunkSize: 256 * 1024, useStatistics: true, useChunkIndex: true, useMessageIndex: true, useSummaryOffsets: true });
    await writer.start({ profile: '', library: `affect-bt (contract ${CONTRACT_VERSION})` });
    await writer.addMetadata({
      name: 'affect-bt',
      metadata: new Map(Object.entries({ robot: `${o.robot.manufacturer}/${o.robot.serialNumber}`, contractVersion: CONTRACT_VERSION, ...(o.meta ?? {}) })),
    });
    return new McapRecorder(o.file, o.robot, writer, fh, o.maxQueue ?? 20_000);
  }

  record(t: number, topic: CellTopic, data: Uint8Array | string): void {
    if (this.closed || this.failure) return;
    if (this.queue.length >= this.maxQueue) {
      this.queue.shift();
      this.dropped++;
    }
    this.queue.push({ t, topic, data });
    this.pumping ??= this.pump();
  }

  /** The first write error, if the disk failed (recording stopped then). */
  get error(): Error | undefined {
    return this.failure;
  }

  private async pump(): Promise<void> {
    try {
      for (let m = this.queue.shift(); m !== undefined; m = this.queue.shift()) {
        let ch = this.channels.get(m.topic);
        if (ch === undefined) {
          const schemaId = await this.writer.registerSchema({ name: `affectbt.v1.${m.topic.replace('/', '.')}`, encoding: 'jsonschema', data: encoder.encode(JSON.stringify(schemaOf(m.topic))) });
          const id = await this.writer.registerChannel({ schemaId, topic: channelTopic(this.robot, m.topic), messageEncoding: 'json', metadata: new Map([[TOPIC_KEY, m.topic]]) });
          ch = { id, seq: 0 };
          this.channels.set(m.topic, ch);
        }
        const logTime = BigInt(Math.round(m.t)) * 1_000_000n;
        await this.writer.addMessage({ channelId: ch.id, sequence: ch.seq++, logTime, publishTime: publishTimeNs(m.data, logTime), data: typeof m.data === 'string' ? encoder.encode(m.data) : m.data });
        this.written++;
      }
    } catch (e) {
      this.failure = new Error(`recording '${this.file}' failed: ${(e as Error).message}`);
      this.queue.length = 0;
    } finally {
      this.pumping = undefined;
    }
  }

  /** Writes what is queued, then the summary and footer, and closes the file. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    while (this.pumping) await this.pumping;
    try {
      if (!this.failure) await this.writer.end();
    } finally {
      await this.fh.close();
    }
    if (this.failure) throw this.failure;
  }
}

/**
 * A recording that cannot be read: not MCAP, truncated, or corrupt.
 *
 * @example
 * ```ts
 * try { await readRecording(file); } catch (e) { if (e instanceof McapReadError) console.error(e.message); }
 * ```
 */
export class McapReadError extends Error {
  override readonly name = 'McapReadError';
}

/**
 * A recording read back.
 *
 * @example
 * ```ts
 * const r = await readRecording('cell.mcap'); r.messages.length; r.meta.robot;
 * ```
 */
export interface Recording {
  file: string;
  /** Time-ordered messages (invalid ones left out). */
  messages: CellMessage[];
  /** The file's `affect-bt` metadata (robot, contractVersion, source …). */
  meta: Record<string, string>;
  /** First and last log time, ms. */
  start: number;
  end: number;
  /** Messages that failed their topic's schema (left out), per topic. */
  invalid: Record<string, number>;
  /** Messages on channels that are not affect-bt topics (left out). */
  foreign: number;
}

const CELL_TOPICS = new Set<string>([...Object.keys(TOPIC_SPECS), 'monitor']);

function validMonitor(v: unknown): boolean {
  const o = v as { broker?: unknown; url?: unknown };
  return !!o && typeof o === 'object' && (o.broker === 'connected' || o.broker === 'disconnected') && typeof o.url === 'string';
}

/**
 * Reads an MCAP recording into time-ordered, validated cell messages.
 *
 * @example
 * ```ts
 * const rec = await readRecording('cell-01.mcap');
 * const model = new CellModel();
 * for (const m of rec.messages) model.apply(m);
 * ```
 */
export async function readRecording(file: string): Promise<Recording> {
  let buf: Buffer;
  try {
    buf = await readFile(file);
  } catch (e) {
    throw new McapReadError(`cannot read recording '${file}': ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  if (buf.length < 8 || !hasMcapPrefix(new DataView(buf.buffer, buf.byteOffset, Math.min(buf.length, 8)))) {
    throw new McapReadError(`${file}: not an MCAP file (${buf.length} bytes; it does not start with the MCAP magic bytes)`);
  }
  const reader = new McapStreamReader({ validateCrcs: true });
  const channels = new Map<number, CellTopic | undefined>();
  const messages: CellMessage[] = [];
  const meta: Record<string, string> = {};
  const invalid: Record<string, number> = {};
  let foreign = 0;
  let parsed = 0;
  try {
    reader.append(buf);
    for (let r: TypedMcapRecord | undefined; (r = reader.nextRecord()); ) {
      parsed++;
      if (r.type === 'Channel') {
        const name = r.metadata.get(TOPIC_KEY);
        channels.set(r.id, name !== undefined && CELL_TOPICS.has(name) ? (name as CellTopic) : undefined);
      } else if (r.type === 'Metadata' && r.name === 'affect-bt') {
        for (const [k, v] of r.metadata) meta[k] = v;
      } else if (r.type === 'Message') {
        const topic = channels.get(r.channelId);
        if (topic === undefined) {
          foreign++;
          continue;
        }
        let payload: unknown;
        try {
          payload = JSON.parse(decoder.decode(r.data));
        } catch {
          invalid[topic] = (invalid[topic] ?? 0) + 1;
          continue;
        }
        const ok = topic === 'monitor' ? validMonitor(payload) : validateMessage(topic as TopicName, payload).ok;
        if (!ok) {
          invalid[topic] = (invalid[topic] ?? 0) + 1;
          continue;
        }
        messages.push({ t: Number(r.logTime / 1000n) / 1000, topic, payload });
      }
    }
  } catch (e) {
    throw new McapReadError(`${file}: corrupt MCAP file after ${parsed} records (${(e as Error).message})`);
  }
  if (!reader.done()) {
    throw new McapReadError(
      `${file}: truncated MCAP file: it ends after ${parsed} complete records with ${reader.bytesRemaining()} bytes of an incomplete one and no footer (was the recorder killed before it closed the file?)`,
    );
  }
  if (messages.length === 0 && foreign > 0) throw new McapReadError(`${file}: no affect-bt channels (${foreign} messages on other channels); is this a recording of another tool?`);
  messages.sort((a, b) => a.t - b.t);
  return { file, messages, meta, start: messages[0]?.t ?? NaN, end: messages[messages.length - 1]?.t ?? NaN, invalid, foreign };
}

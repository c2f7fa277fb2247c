/**
 * Recording a live cell into an MCAP file: a {@link subscribeCell} subscription whose
 * messages (and broker link changes) go into an {@link McapRecorder}. Used by
 * `affect-bt run --record` (beside the planner, on its own MQTT client, so recording
 * never touches the planner's link or tick) and `affect-bt monitor --record`.
 */
import type { RobotId } from '../contract/header.ts';
import type { CellMessage } from './messages.ts';
import { McapRecorder } from './mcap.ts';
import { subscribeCell, type CellSubscriber, type CellSubscriberOptions } from './subscriber.ts';

/** Options of {@link recordCell}. */
export interface RecordCellOptions {
  file: string;
  url: string;
  robot: RobotId;
  username?: string;
  password?: string;
  tls?: CellSubscriberOptions['tls'];
  /** Metadata written into the file (e.g. `{ source: 'affect-bt run' }`). */
  meta?: Record<string, string>;
  /** Also called for every message (the monitor's live view). */
  onMessage?: (m: CellMessage) => void;
}

/**
 * A running cell recording.
 *
 * @example
 * ```ts
 * const rec = await recordCell({ file: 'cell.mcap', url, robot });
 * await rec.close(); // flushes, writes the index and footer
 * ```
 */
export interface CellRecording {
  readonly recorder: McapRecorder;
  readonly subscriber: CellSubscriber;
  close(): Promise<void>;
}

/**
 * Starts recording a cell.
 *
 * @example
 * ```ts
 * const rec = await recordCell({ file: 'cell-01.mcap', url: 'mqtt://127.0.0.1:1883', robot: { manufacturer: 'acme', serialNumber: 'cell-01' }, meta: { source: 'affect-bt run' } });
 * ```
 */
export async function recordCell(o: RecordCellOptions): Promise<CellRecording> {
  const recorder = await McapRecorder.create({ file: o.file, robot: o.robot, meta: o.meta });
  const subscriber = subscribeCell({
    url: o.url,
    robot: o.robot,
    username: o.username,
    password: o.password,
    tls: o.tls,
    onMessage: (m, raw) => {
      recorder.record(m.t, m.topic, raw ?? JSON.stringify(m.payload));
      o.onMessage?.(m);
    },
  });
  return {
    recorder,
    subscriber,
    async close() {
      await subscriber.close();
      await recorder.close();
    },
  };
}

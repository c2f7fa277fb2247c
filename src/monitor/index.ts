/**
 * Public entry of the monitor (`affect-bt/monitor`): record a cell or a simulated
 * episode into MCAP, read recordings back, follow a cell over MQTT, reduce messages to
 * what the page shows, and serve the page.
 *
 * @example
 * ```ts
 * import { readRecording, CellModel } from 'affect-bt/monitor';
 * const rec = await readRecording('cell-01.mcap');
 * const model = new CellModel();
 * for (const m of rec.messages) model.apply(m);
 * ```
 */
export { McapRecorder, McapReadError, readRecording } from './mcap.ts';
export type { McapRecorderOptions, Recording, RecordSink } from './mcap.ts';
export { recordCell } from './record.ts';
export type { RecordCellOptions, CellRecording } from './record.ts';
export { recordEpisode } from './sim-record.ts';
export type { RecordEpisodeOptions } from './sim-record.ts';
export { subscribeCell, redactUrl } from './subscriber.ts';
export type { CellSubscriber, CellSubscriberOptions } from './subscriber.ts';
export { CellModel } from './model.ts';
export type { NodeView, AffectSeries, LinkHealth, ModelLimits } from './model.ts';
export { EVENT_EXTRACTORS, EVENT_LANES, EventMemory, extractEvents } from './events.ts';
export type { CellEvent, EventKind } from './events.ts';
export { MONITOR_STATUS_SCHEMA } from './messages.ts';
export type { CellMessage, CellTopic, MonitorStatus } from './messages.ts';
export { StreamHub } from './hub.ts';
export type { StreamHubOptions, StreamSink } from './hub.ts';
export { startMonitorServer } from './server.ts';
export type { MonitorServer, MonitorServerOptions, MonitorSource } from './server.ts';
export { loadPageAssets, bundlePage, writePage } from './assets.ts';
export type { PageAsset, PageAssets } from './assets.ts';

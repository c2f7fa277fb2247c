/**
 * `affect-bt monitor`: the browser monitor of one cell. Live: subscribes to the cell's
 * topics (read-only) and serves a page that shows the tree coloured by status, the
 * blackboard, the person's affect over time, the event strip and the health of every
 * side, pushed live; `--record` also writes everything into an MCAP file. Replay: serves
 * the same page for a recording, with a time slider, play/pause and speed.
 *
 * Prints `monitor: http://HOST:PORT/ …` on stdout once listening. Exit codes: 0 after
 * SIGINT/SIGTERM (the recording is closed properly), 1 when it cannot start (port in
 * use, unreadable recording), 2 on usage errors.
 */
import { parseCommandArgs } from '../args.ts';
import { parseRobotId } from '../../mqtt/topics.ts';

const HELP = `usage: affect-bt monitor --mqtt URL --robot M/S [--port 8080] [--host 127.0.0.1] [--record FILE.mcap]
       affect-bt monitor --replay FILE.mcap [--port 8080] [--host 127.0.0.1]

Serves a web page that shows a cell live (or a recording): the tree coloured by status,
the blackboard, the person's affect over time with the frustration threshold, an event
strip (handovers, pacing, apologies, safe states, VLM answers) and connection health.
  --mqtt URL       broker URL (default: MQTT_URL env)
  --robot M/S      the cell's manufacturer/serial, e.g. acme/cell-01 (live mode)
  --record FILE    also record the cell into an MCAP file (opens in Foxglove too)
  --replay FILE    serve a recording instead of a live cell
  --port N         HTTP port (default 8080; 0 = any free port)
  --host H         bind address (default 127.0.0.1: the page shows a person's affect;
                   expose it on purpose only)
  -h, --help

The monitor only subscribes (it fits a read-only broker role). Credentials come from the
env variables AFFECT_BT_MQTT_USERNAME / AFFECT_BT_MQTT_PASSWORD, never from flags.`;

/**
 * Runs the command until SIGINT/SIGTERM.
 *
 * @example
 * ```ts
 * await run(['--mqtt', 'mqtt://127.0.0.1:1883', '--robot', 'acme/cell-01', '--port', '0']);
 * ```
 */
export async function run(argv: string[]): Promise<number> {
  const a = parseCommandArgs('monitor', HELP, argv, {
    mqtt: { type: 'string' },
    robot: { type: 'string' },
    record: { type: 'string' },
    replay: { type: 'string' },
    port: { type: 'string' },
    host: { type: 'string' },
  });
  if (typeof a === 'number') return a;
  const v = a.values;
  const port = v.port === undefined ? 8080 : Number(v.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) return a.usage(`--port must be an integer in [0, 65535], got '${v.port}'`);
  if (v.replay !== undefined && (v.record !== undefined || v.robot !== undefined || v.mqtt !== undefined)) return a.usage('--replay serves a recording; it takes no --mqtt, --robot or --record');
  const { loadPageAssets } = await import('../../monitor/assets.ts');
  const { startMonitorServer } = await import('../../monitor/server.ts');

  const assets = async () => {
    try {
      return await loadPageAssets();
    } catch (e) {
      process.stderr.write(`affect-bt monitor: ${(e as Error).message}\n`);
      return undefined;
    }
  };

  let stopSource: () => Promise<void>;
  let server;
  if (v.replay !== undefined) {
    const { readRecording } = await import('../../monitor/mcap.ts');
    let recording;
    try {
      recording = await readRecording(v.replay);
    } catch (e) {
      process.stderr.write(`affect-bt monitor: ${(e as Error).message}\n`);
      return 1;
    }
    const page = await assets();
    if (!page) return 1;
    try {
      server = await startMonitorServer({ assets: page, source: { kind: 'replay', recording }, info: { file: v.replay, robot: recording.meta['robot'] }, host: v.host, port });
    } catch (e) {
      process.stderr.write(`affect-bt monitor: ${(e as Error).message}\n`);
      return 1;
    }
    const invalid = Object.values(recording.invalid).reduce((s, n) => s + n, 0);
    process.stdout.write(`monitor: ${server.url} (replay ${v.replay}: ${recording.messages.length} messages, ${((recording.end - recording.start) / 1000).toFixed(1)} s${invalid > 0 ? `, ${invalid} invalid left out` : ''})\n`);
    stopSource = async () => {};
  } else {
    const url = v.mqtt ?? process.env['MQTT_URL'];
    if (!url) return a.usage('--mqtt URL is required (or set MQTT_URL)');
    if (!v.robot) return a.usage('--robot M/S is required, e.g. --robot acme/cell-01');
    let robot;
    try {
      robot = parseRobotId(v.robot);
    } catch (e) {
      return a.usage((e as Error).message);
    }
    const { StreamHub } = await import('../../monitor/hub.ts');
    const { subscribeCell, redactUrl } = await import('../../monitor/subscriber.ts');
    const { recordCell } = await import('../../monitor/record.ts');
    const page = await assets();
    if (!page) return 1;
    const hub = new StreamHub();
    // monitor role: AFFECT_BT_MQTT_USERNAME / AFFECT_BT_MQTT_PASSWORD (or _FILE), like every process
    const { credentialsFromEnv } = await import('../../mqtt/credentials.ts');
    let credentials;
    try {
      credentials = credentialsFromEnv(process.env);
    } catch (e) {
      return a.usage((e as Error).message);
    }
    let sub: { subscriber: { counters: object; connected: boolean }; close(): Promise<void> };
    if (v.record !== undefined) {
      try {
        const rec = await recordCell({ file: v.record, url, robot, ...credentials, meta: { source: 'affect-bt monitor' }, onMessage: (m) => hub.publish(m) });
        sub = rec;
      } catch (e) {
        process.stderr.write(`affect-bt monitor: ${(e as Error).message}\n`);
        return 1;
      }
    } else {
      const subscriber = subscribeCell({ url, robot, ...credentials, onMessage: (m) => hub.publish(m) });
      sub = { subscriber, close: () => subscriber.close() };
    }
    try {
      server = await startMonitorServer({
        assets: page,
        source: { kind: 'live', hub, health: () => ({ brokerConnected: sub.subscriber.connected, mqtt: sub.subscriber.counters }) },
        info: { robot: v.robot, url: redactUrl(url), ...(v.record ? { recording: v.record } : {}) },
        host: v.host,
        port,
      });
    } catch (e) {
      await sub.close();
      process.stderr.write(`affect-bt monitor: ${(e as Error).message}\n`);
      return 1;
    }
    process.stdout.write(`monitor: ${server.url} (live ${v.robot} via ${redactUrl(url)}${v.record ? `, recording to ${v.record}` : ''})\n`);
    stopSource = async () => {
      hub.close();
      await sub.close();
    };
  }
  const sig = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await server.close();
  await stopSource();
  process.stdout.write(`monitor: stopped (${sig})\n`);
  return 0;
}

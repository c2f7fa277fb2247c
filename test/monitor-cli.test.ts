/**
 * `affect-bt monitor` from the command line: usage errors, a recording that cannot be
 * replayed (clear error, exit 1), and a replay served from a prebuilt page (what an
 * installed package serves: `npm run build:monitor` output, not a bundle made on start).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { killAll, spawnCli } from './support/processes.ts';
import { loadPageAssets, writePage } from '../src/monitor/assets.ts';
import { McapRecorder, readRecording } from '../src/monitor/mcap.ts';
import { startMonitorServer } from '../src/monitor/server.ts';
import { EXAMPLES } from '../src/mqtt/contract-doc.ts';

const dir = mkdtempSync(join(tmpdir(), 'affect-bt-moncli-'));
afterAll(() => killAll());

async function sample(file: string): Promise<void> {
  const rec = await McapRecorder.create({ file, robot: { manufacturer: 'acme', serialNumber: 'cell-1' } });
  let t = Date.UTC(2026, 0, 1);
  for (const topic of ['tree', 'trace', 'state', 'affect'] as const) rec.record((t += 100), topic, JSON.stringify(EXAMPLES[topic]));
  await rec.close();
}

describe('affect-bt monitor (CLI)', () => {
  it('rejects missing or conflicting options with a usage error', async () => {
    const a = spawnCli('monitor', ['monitor', '--robot', 'acme/c1'], { MQTT_URL: '' });
    expect((await a.exited).code).toBe(2);
    expect(a.lines.map((l) => l.text).join('\n')).toContain('affect-bt monitor: --mqtt URL is required (or set MQTT_URL)');
    const b = spawnCli('monitor', ['monitor', '--replay', 'x.mcap', '--robot', 'acme/c1']);
    expect((await b.exited).code).toBe(2);
    expect(b.lines.map((l) => l.text).join('\n')).toContain('affect-bt monitor: --replay serves a recording; it takes no --mqtt, --robot or --record');
  });

  it('refuses a truncated recording with a clear error (exit 1)', async () => {
    const file = join(dir, 'ok.mcap');
    await sample(file);
    const cut = join(dir, 'cut.mcap');
    const bytes = readFileSync(file);
    writeFileSync(cut, bytes.subarray(0, bytes.length - 40));
    const c = spawnCli('monitor', ['monitor', '--replay', cut, '--port', '0']);
    expect((await c.exited).code).toBe(1);
    expect(c.lines.map((l) => l.text).join('\n')).toMatch(/affect-bt monitor: .*cut\.mcap: truncated MCAP file: it ends after \d+ complete records/);
  });

  it('serves a replay from a prebuilt page, read-only', async () => {
    const file = join(dir, 'replay.mcap');
    await sample(file);
    const pageDir = join(dir, 'page');
    expect((await writePage(pageDir)).map((p) => p.slice(pageDir.length + 1)).sort()).toEqual(['app.css', 'app.js', 'index.html']);
    const assets = await loadPageAssets({ dir: pageDir });
    const server = await startMonitorServer({ assets, source: { kind: 'replay', recording: await readRecording(file) }, info: { file }, port: 0 });
    try {
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      const html = await (await fetch(server.url)).text();
      expect(html).toContain('<script src="app.js"></script>');
      const js = await fetch(new URL('app.js', server.url));
      expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
      expect((await js.arrayBuffer()).byteLength).toBe(readFileSync(join(pageDir, 'app.js')).length);
      const rec = (await (await fetch(new URL('api/recording', server.url))).json()) as { messages: { topic: string }[] };
      expect(rec.messages.map((m: { topic: string }) => m.topic)).toEqual(['tree', 'trace', 'state', 'affect']);
      expect((await fetch(new URL('api/stream', server.url))).status).toBe(404);
      expect((await fetch(server.url, { method: 'POST' })).status).toBe(405);
    } finally {
      await server.close();
    }
    await expect(loadPageAssets({ dir: join(dir, 'nowhere') })).rejects.toThrow(/the monitor page is not built: .*index\.html is missing \(run 'npm run build:monitor'/);
  });
});

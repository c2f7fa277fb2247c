/**
 * The browser monitor end to end, in a real headless Chromium (Debian's `chromium`,
 * driven by playwright-core): a cell of OS processes (controller-sim dropping objects,
 * the scripted affect publisher, `affect-bt run --record`) on a broker the test can stop,
 * and `affect-bt monitor`. The live page must show the tree, colour a node by its status
 * and show its last finish (green and red, though traces sample one tick in ten), add points to the affect chart, show the apology that follows a
 * failed handover, and report the broker outage and the recovery. Then the planner's
 * recording is replayed with `affect-bt monitor --replay`: after seeking, every node's
 * shown status and last finish must equal the ones computed from the recording's traces.
 *
 * A cell without `--loop` then takes orders by `affect-bt send`: the orders panel and the
 * event strip follow them (running, waiting, cancelled, finished) and the health pills show
 * the planner session and the session the controller obeys.
 *
 * Screenshots: test-output/monitor-live.png, monitor-outage.png, monitor-replay.png,
 * monitor-orders.png.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { killAll, spawnCli, type Child } from './support/processes.ts';
import { cellBroker, startCell, type Cell, type CellBroker } from './support/cell.ts';
import { launchBrowser, SCREENSHOT_DIR } from './support/browser.ts';
import { readRecording } from '../src/monitor/mcap.ts';
import type { TraceMessage, TreeMessage } from '../src/contract/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'affect-bt-monitor-'));
const plannerRecording = join(dir, 'planner.mcap');
const monitorRecording = join(dir, 'monitor.mcap');
let cell: Cell | undefined;
let broker: CellBroker | undefined;
let browser: Awaited<ReturnType<typeof launchBrowser>> | undefined;

afterAll(async () => {
  await browser?.close();
  await cell?.close();
  await broker?.close();
  await killAll();
});

async function startMonitor(args: string[]): Promise<{ child: Child; url: string }> {
  const child = spawnCli('monitor', ['monitor', '--port', '0', ...args]);
  const line = await child.waitFor(/^monitor: http:\/\//, 60_000);
  return { child, url: /http:\/\/\S+/.exec(line.text)![0] };
}

const statusOf = (page: Page, path: string) => page.locator(`g.node[data-path="${path}"]`).getAttribute('data-status');

describe('affect-bt monitor in a browser', () => {
  it('live: tree, status colours, affect points, apology after a failed handover, broker outage and recovery', async () => {
    broker = await cellBroker(true);
    cell = await startCell({ broker, controllerArgs: ['--p-drop', '0.5', '--seed', '7'], plannerArgs: ['--record', plannerRecording] });
    const c = cell;
    const monitor = await startMonitor(['--mqtt', broker.url, '--robot', c.robot, '--record', monitorRecording]);
    browser = await launchBrowser();
    const page = await browser.browser.newPage({ viewport: { width: 1600, height: 1000 } });
    const errors: string[] = [];
    const requests: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(monitor.url);

    // the tree, as the planner described it
    await page.locator('g.node[data-path="root"]').waitFor({ timeout: 20_000 });
    const tree = c.seen.find((s) => s.name === 'tree')!.json as TreeMessage;
    expect(await page.locator('g.node').count()).toBe(tree.nodes.length);
    await expect.poll(() => page.locator('.affect-region').count()).toBe(1);
    expect(await page.locator('.tree-panel').textContent()).toContain('affect-only');
    // subtrees collapse and expand
    const sub = page.locator('g.node[data-path="root/affect/modulate"]');
    await sub.click();
    await expect.poll(() => page.locator('g.node').count()).toBeLessThan(tree.nodes.length);
    expect(await sub.locator('.node-hidden').textContent()).toMatch(/^\+\d+$/);
    await sub.click();
    await expect.poll(() => page.locator('g.node').count()).toBe(tree.nodes.length);

    // a node's colour follows its status (status and colour read together, in the page),
    // and its last finish shows although a trace samples one tick in ten and the Retry
    // re-runs a dropped handover in the same tick: with half the objects dropped, the
    // leaf's result dot turns green and red within seconds
    const leaf = 'root/task/handover_task/Retry/give_part';
    const running = (await (
      await page.waitForFunction(
        (p) => {
          const g = (globalThis as any).document.querySelector(`g.node[data-path="${p}"]`);
          return g?.getAttribute('data-status') === 'RUNNING' ? (globalThis as any).getComputedStyle(g.querySelector('.node-box')).stroke as string : undefined;
        },
        leaf,
        { timeout: 20_000 },
      )
    ).jsonValue()) as string;
    const finishes = (await (
      await page.waitForFunction(
        (p) => {
          const w = globalThis as any;
          const g = w.document.querySelector(`g.node[data-path="${p}"]`);
          const result = g?.getAttribute('data-result');
          const dot = g?.querySelector('.node-result');
          const seen: Record<string, string> = (w.__finishes ??= {});
          if ((result === 'SUCCESS' || result === 'FAILURE') && dot) seen[result] = w.getComputedStyle(dot).fill as string;
          return seen['SUCCESS'] && seen['FAILURE'] ? seen : undefined;
        },
        leaf,
        { timeout: 30_000 },
      )
    ).jsonValue()) as Record<'SUCCESS' | 'FAILURE', string>;
    expect(new Set([running, finishes.SUCCESS, finishes.FAILURE]).size).toBe(3);

    // the affect chart gains points
    const points = async () => Number(await page.getByTestId('affect-chart').getAttribute('data-points'));
    const p0 = await points();
    await expect.poll(points, { timeout: 10_000 }).toBeGreaterThan(p0 + 20);

    // frustration + a failed handover → an apology in the event strip, with its text
    c.publisher!.send('frustrated');
    const apology = page.locator('.event-list li[data-kind="apology"]').first();
    await apology.waitFor({ timeout: 45_000 });
    const said = c.actions().filter((a) => a.actionType === 'say' && a.actionParameters.kind === 'apology');
    expect(said.length).toBeGreaterThan(0);
    const shownText = (await apology.locator('.ev-detail').textContent())!;
    expect(said.map((a) => a.actionParameters.text)).toContain(shownText);
    expect(await apology.locator('.ev-text').textContent()).toMatch(/^apology \((empathic|neutral), after (drop|timeout|human_not_ready)\)/);
    expect(await page.locator('.event-list li[data-kind="handover-failed"]').count()).toBeGreaterThan(0);
    expect(await page.locator('.strip .mark[data-kind="apology"]').count()).toBeGreaterThan(0);
    await expect.poll(() => page.getByTestId('affect-now').textContent()).toContain('frustrated');
    await expect.poll(() => page.locator('table.bb tr[data-key="affect/h1"]').count()).toBe(1);
    await page.mouse.move(5, 5); // no tooltip in the picture
    await page.waitForTimeout(1500);
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'monitor-live.png'), fullPage: true });

    // broker outage: the page says so, and says when it is back
    await broker.pause();
    const pill = page.getByTestId('health-broker');
    await expect.poll(() => pill.getAttribute('data-state'), { timeout: 20_000 }).toBe('disconnected');
    expect(await pill.textContent()).toMatch(/unreachable since \d\d:\d\d:\d\d/);
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'monitor-outage.png'), fullPage: true });
    await broker.resume();
    await expect.poll(() => pill.getAttribute('data-state'), { timeout: 30_000 }).toBe('connected');
    expect(await pill.textContent()).toMatch(/back since .* \(1 outage\)/);
    await expect.poll(() => page.locator('.event-list li[data-kind="broker"]').allTextContents(), { timeout: 5000 }).toEqual([expect.stringContaining('broker back'), expect.stringContaining('broker unreachable')]);
    // and the cell comes back on the page: traces flow again after the planner reconnects
    const tick = async () => Number(/tick (\d+)/.exec((await page.getByTestId('health-planner').textContent()) ?? '')?.[1] ?? NaN);
    const t0 = await tick();
    await expect.poll(tick, { timeout: 30_000 }).toBeGreaterThan(Number.isFinite(t0) ? t0 : 0);
    // the estimator goes silent: its entry turns stale on the page, and so does its health
    c.publisher!.send('silent');
    await page.locator('table.bb tr[data-key="affect/h1"][data-stale="true"]').waitFor({ timeout: 10_000 });
    await expect.poll(() => page.getByTestId('health-estimator').getAttribute('data-state'), { timeout: 10_000 }).toBe('stale');
    expect(errors).toEqual([]);
    // everything the page loaded came from the monitor itself (no network at run time)
    expect(requests.length).toBeGreaterThan(3);
    expect(requests.filter((u) => !u.startsWith(monitor.url))).toEqual([]);

    // stop: both recordings are closed properly
    expect((await c.planner.stop('SIGTERM')).code).toBe(0);
    expect((await monitor.child.stop('SIGTERM')).code).toBe(0);
    expect(existsSync(plannerRecording) && existsSync(monitorRecording)).toBe(true);
    const mon = await readRecording(monitorRecording);
    expect(mon.messages.filter((m) => m.topic === 'monitor').map((m) => m.payload.broker)).toEqual(['connected', 'disconnected', 'connected']);
  }, 240_000);

  it('replay: loads the recording, seeks, and shows the statuses the recording had at that time', async () => {
    const rec = await readRecording(plannerRecording);
    expect(rec.meta['source']).toBe('affect-bt run');
    const traces = rec.messages.filter((m) => m.topic === 'trace');
    expect(traces.length).toBeGreaterThan(20);
    // the planner reported handover finishes between its sampled ticks
    expect(traces.some((m) => ((m.payload as TraceMessage).records as { kind?: string; path?: string }[]).some((r) => r.kind === 'result' && r.path === 'root/task/handover_task/Retry/give_part'))).toBe(true);
    const treeMsg = rec.messages.find((m) => m.topic === 'tree')!.payload as TreeMessage;
    // expected status at T: the status in the last trace at or before T that visited the node
    // (records in order: `result` records, then the sampled tick's visits); the last finish
    // from either
    const expectedAt = (T: number) => {
      const out = new Map(treeMsg.nodes.map((n) => [n.path, 'IDLE']));
      const finish = new Map(treeMsg.nodes.map((n) => [n.path, 'IDLE']));
      for (const m of traces) {
        if (m.t > T) break;
        for (const r of (m.payload as TraceMessage).records as { path?: string; status?: string }[]) {
          if (!r.path || !out.has(r.path)) continue;
          out.set(r.path, r.status!);
          if (r.status === 'SUCCESS' || r.status === 'FAILURE') finish.set(r.path, r.status);
        }
      }
      return { out, finish };
    };
    const monitor = await startMonitor(['--replay', plannerRecording]);
    browser ??= await launchBrowser();
    const page = await browser.browser.newPage({ viewport: { width: 1600, height: 1000 } });
    await page.goto(monitor.url);
    await page.getByTestId('replay-slider').waitFor({ timeout: 20_000 });
    expect(await page.getByTestId('mode').textContent()).toContain('REPLAY');

    const seek = async (T: number) => {
      await page.getByTestId('replay-slider').evaluate((el, t) => {
        const input = el as any;
        input.value = String(t);
        input.dispatchEvent(new (globalThis as any).Event('input', { bubbles: true }));
      }, T);
      await expect.poll(async () => Number(await page.getByTestId('replay-time').getAttribute('data-t'))).toBe(T);
    };
    const check = async (T: number) => {
      const { out: expected, finish } = expectedAt(T);
      await expect
        .poll(async () => {
          const shown = new Map<string, string>();
          for (const path of expected.keys()) shown.set(path, (await statusOf(page, path))!);
          return Object.fromEntries(shown);
        })
        .toEqual(Object.fromEntries(expected));
      const shownFinish = new Map<string, string>();
      for (const path of finish.keys()) shownFinish.set(path, (await page.locator(`g.node[data-path="${path}"]`).getAttribute('data-result'))!);
      expect(Object.fromEntries(shownFinish)).toEqual(Object.fromEntries(finish));
      return expected;
    };
    // a moment in the middle (a handover running), then back to an earlier one (rebuild)
    const mid = traces[Math.floor(traces.length * 0.6)]!.t;
    const midStatuses = await check((await seek(mid), mid));
    expect([...midStatuses.values()].some((s) => s !== 'IDLE')).toBe(true);
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'monitor-replay.png'), fullPage: true });
    const early = traces[3]!.t;
    await seek(early);
    await check(early);
    // play moves time forward
    await page.getByTestId('replay-speed').selectOption('10');
    await page.getByTestId('replay-play').click();
    await expect.poll(async () => Number(await page.getByTestId('replay-time').getAttribute('data-t')), { timeout: 10_000 }).toBeGreaterThan(early + 2000);
    expect((await monitor.child.stop('SIGTERM')).code).toBe(0);
  }, 120_000);

  it('orders: the orders panel and the event strip follow an order from sent to FINISHED, and a cancelled one to FAILED with its reason; the pills show the sessions', async () => {
    await cell?.close();
    broker ??= await cellBroker(false);
    // o-ok's handover lasts 6 s (inside Handover's 8 s timeout) so o-cut is still waiting when its cancel arrives, even on a loaded CI machine
    cell = await startCell({ broker, loop: false, controllerArgs: ['--handover-ms', '6000'] });
    const c = cell;
    const monitor = await startMonitor(['--mqtt', broker.url, '--robot', c.robot]);
    browser ??= await launchBrowser();
    const page = await browser.browser.newPage({ viewport: { width: 1600, height: 1000 } });
    await page.goto(monitor.url);
    await expect.poll(() => page.getByTestId('orders-mode').textContent(), { timeout: 30_000 }).toBe('0/8 waiting');

    const send = async (args: string[]) => {
      const child = spawnCli('send', ['send', ...args, '--mqtt', broker!.url, '--robot', c.robot]);
      return { child, ...(await child.exited) };
    };
    // o-ok runs to its end; o-cut is queued behind it and cancelled before it starts
    const ok = spawnCli('send-ok', ['send', 'order', '--order-id', 'o-ok', '--param', 'objectId=part-3', '--wait', '--mqtt', broker.url, '--robot', c.robot]);
    const running = page.locator('table.orders tr[data-order="o-ok"][data-status="RUNNING"]');
    await running.waitFor({ timeout: 20_000 });
    expect(await running.textContent()).toContain('objectId=part-3');
    expect((await send(['order', '--order-id', 'o-cut'])).code).toBe(0);
    await page.locator('table.orders tr[data-order="o-cut"][data-status="WAITING"]').waitFor({ timeout: 10_000 });
    expect((await send(['cancel', '--order-id', 'o-cut'])).code).toBe(0);
    const cut = page.locator('table.orders tr[data-order="o-cut"][data-status="FAILED"]');
    await cut.waitFor({ timeout: 10_000 });
    expect(await cut.textContent()).toContain('cancelled before start');
    expect((await ok.exited).code, ok.tail()).toBe(0);
    await page.locator('table.orders tr[data-order="o-ok"][data-status="FINISHED"]').waitFor({ timeout: 10_000 });

    // the event strip, in order
    const events = async () => (await page.$$eval('.event-list li[data-kind^="order"] .ev-text', (els) => els.map((e) => (e as any).firstChild?.textContent as string))).reverse();
    await expect
      .poll(events, { timeout: 10_000 })
      .toEqual(['order o-ok sent', 'order o-ok started', 'order o-cut sent', 'cancel order o-cut requested', 'order o-cut failed', 'order o-ok finished']);
    expect(await page.locator('.event-list li[data-kind="order-failed"] .ev-detail').first().textContent()).toMatch(/^cancelled before start \(action /);
    // sessions: the planner's, and the controller obeying that one
    const session = c.seen.find((s) => s.name === 'connection/planner' && s.json.connectionState === 'ONLINE')!.json.sessionId as string;
    await expect.poll(() => page.getByTestId('health-planner').textContent()).toContain(`session …${session.slice(-8)}`);
    await expect.poll(() => page.getByTestId('health-controller').textContent()).toContain(`obeys …${session.slice(-8)}`);
    await page.mouse.move(5, 5);
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'monitor-orders.png'), fullPage: true });
    expect((await monitor.child.stop('SIGTERM')).code).toBe(0);
  }, 120_000);
});

/**
 * Headless Chromium for browser tests and the soak bench: Debian's `chromium` (installed
 * by `.ci/run` where missing; never downloaded by a test tool) driven by playwright-core.
 * Flags keep it off the network (no background services, no component updates);
 * playwright gives every launch a fresh temporary profile (and removes it). Screenshots
 * go under `test-output/` (gitignored).
 */
import { existsSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { REPO_ROOT } from './processes.ts';

/**
 * Where screenshots go (gitignored).
 *
 * @example
 * ```ts
 * await page.screenshot({ path: join(SCREENSHOT_DIR, 'live.png') });
 * ```
 */
export const SCREENSHOT_DIR = resolve(REPO_ROOT, 'test-output');

/**
 * The Chromium binary: `CHROMIUM_PATH`, else Debian's.
 *
 * @example
 * ```ts
 * chromiumPath(); // '/usr/bin/chromium'
 * ```
 */
export function chromiumPath(): string {
  const p = process.env['CHROMIUM_PATH'] ?? ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((c) => existsSync(c));
  if (!p || !existsSync(p)) throw new Error("no Chromium found: install Debian's package (apt-get install -y chromium; .ci/run does) or set CHROMIUM_PATH");
  return p;
}

/**
 * Launches headless Chromium (fresh temporary profile).
 *
 * @example
 * ```ts
 * const { browser, close } = await launchBrowser();
 * const page = await browser.newPage();
 * await close();
 * ```
 */
export async function launchBrowser(): Promise<{ browser: Browser; close(): Promise<void> }> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const browser = await chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    timeout: 60_000,
  });
  return {
    browser,
    async close() {
      await browser.close().catch(() => {});
    },
  };
}

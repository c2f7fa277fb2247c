/**
 * The `--vlm` CLI hook: usage errors, no key → off with a warning, `--dry-run`
 * prints the exact request JSON without sending, live mode calls the (fake) Gemini.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseArgs } from 'node:util';
import { createVlmCliHook, VLM_CLI_HELP, VLM_CLI_OPTIONS, type VlmCliHook } from '../src/vlm/cli.ts';
import { syntheticFrameSource, syntheticSession } from '../src/vlm/synthetic.ts';
import { VLM_DEFAULTS, vlmSettingsReference, type VlmSettings } from '../src/vlm/settings.ts';
import { readFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const T0 = Date.UTC(2026, 0, 1);
import type { AffectEstimate } from '../src/contract/affect.ts';
import { startFakeGeminiServer, type FakeGeminiServer } from './support/fake-gemini-server.ts';
import { ambiguousFrames } from './support/vlm-fixtures.ts';
import { cliArgv } from './support/processes.ts';

let srv: FakeGeminiServer;
beforeAll(async () => {
  srv = await startFakeGeminiServer();
});
afterAll(async () => srv.close());

function hook(args: string[], env: NodeJS.ProcessEnv = {}, base?: VlmSettings) {
  const { values } = parseArgs({ args, options: { ...VLM_CLI_OPTIONS }, allowPositionals: true });
  let out = '';
  let err = '';
  const published: AffectEstimate[] = [];
  const h = createVlmCliHook(values, {
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s) },
    env,
    frames: syntheticFrameSource(),
    onEstimate: (e) => published.push(e),
  }, base);
  return { h, out: () => out, err: () => err, published };
}

/** 2 s of calm frames, then 2 s of ambiguous ones right after a failed handover. */
async function feed(h: VlmCliHook): Promise<void> {
  const calm = syntheticSession({ seed: 3, durationMs: 2001, startMs: T0 }).map((f) => ({ ...f, context: { ...f.context, lastHandover: undefined } }));
  for (const f of [...calm, ...ambiguousFrames(3, T0 + 2001)]) await h.step(f.fused, f.context);
  await h.finish();
}

describe('--vlm CLI hook', () => {
  it('rejects bad flags with a message naming them', () => {
    expect(hook(['--vlm', 'openai']).h).toEqual({ error: "--vlm: unknown provider 'openai' (supported: gemini, or off)" });
    expect(hook(['--dry-run']).h).toEqual({ error: '--dry-run need(s) --vlm gemini' });
    expect(hook(['--vlm', 'gemini', '--vlm-calls-per-minute', 'lots']).h).toEqual({ error: "--vlm-calls-per-minute must be a number ≥ 0, got 'lots'" });
    expect(hook(['--vlm', 'gemini', '--vlm-base-url', 'localhost:1']).h).toEqual({ error: "--vlm-base-url must be an http(s) URL, got 'localhost:1'" });
    expect(hook(['--vlm', 'gemini', '--vlm-price', '0.3']).h).toEqual({ error: "--vlm-price must be IN/OUT in USD per 1M tokens, e.g. 0.30/2.50, got '0.3'" });
    expect(hook(['--vlm-price', '1/2']).h).toEqual({ error: '--vlm-price need(s) --vlm gemini' });
    expect(VLM_CLI_HELP).toContain('--dry-run');
  });
  it('without --vlm: off, estimates pass through', () => {
    const { h } = hook([]);
    expect('mode' in h && h.mode).toBe('off');
  });
  it('--vlm gemini without a key: warns, stays off, sends nothing', async () => {
    const before = srv.requests.length;
    const r = hook(['--vlm', 'gemini', '--vlm-base-url', srv.baseUrl]);
    const h = r.h as VlmCliHook;
    expect(h.mode).toBe('off');
    await feed(h);
    expect(r.err()).toContain('no GEMINI_API_KEY or GOOGLE_API_KEY set; VLM escalation is off');
    expect(srv.requests.length).toBe(before);
  });
  it('--dry-run prints one JSON line per escalation with the exact body, and a cost summary; sends nothing even with a key', async () => {
    const before = srv.requests.length;
    const r = hook(['--vlm', 'gemini', '--dry-run', '--vlm-model', 'gemini-2.5-flash-lite', '--vlm-base-url', srv.baseUrl], { GEMINI_API_KEY: 'k' });
    const h = r.h as VlmCliHook;
    expect(h.mode).toBe('dry-run');
    await feed(h);
    const lines = r.out().trim().split('\n');
    expect(lines.length).toBe(1); // 2 s of ambiguous frames, 5 s cooldown
    const j = JSON.parse(lines[0]!).vlmDryRun;
    expect(j.url).toBe(`${srv.baseUrl}/v1beta/models/gemini-2.5-flash-lite:generateContent`);
    expect(j.triggers).toEqual(['low_confidence', 'context_conflict', 'task_failure']);
    expect(j.body.generationConfig.responseMimeType).toBe('application/json');
    expect(j.body.contents[0].parts.filter((p: { inlineData?: unknown }) => p.inlineData).length).toBe(3);
    expect(r.err()).toMatch(/vlm dry run: escalate h1 frame synthetic:0:\w+ \(t=\+0\.00 s\)/);
    expect(r.err()).toContain('VLM dry run (gemini-2.5-flash-lite, nothing sent): 59 frames');
    // the price flag reaches the estimate: 10× the default price → 10× the cost
    const r10 = hook(['--vlm', 'gemini', '--dry-run', '--vlm-price', '3/25']);
    await feed(r10.h as VlmCliHook);
    const usd10 = JSON.parse(r10.out().trim()).vlmDryRun.estimatedUsd;
    expect(usd10).toBeCloseTo(10 * j.estimatedUsd, 12);
    expect(srv.requests.length).toBe(before);
  });
  it('takes its defaults from VLM_DEFAULTS, or from a cell config vlm: section that the flags override', async () => {
    for (const v of [VLM_DEFAULTS.model, String(VLM_DEFAULTS.callsPerMinute), String(VLM_DEFAULTS.budgetUsdPerHour), String(VLM_DEFAULTS.timeoutMs)]) expect(VLM_CLI_HELP).toContain(`(default ${v})`);
    // defaults: one escalation in the ambiguous stretch (as above)
    const d = hook(['--vlm', 'gemini', '--dry-run']);
    await feed(d.h as VlmCliHook);
    expect(d.out().trim().split('\n')).toHaveLength(1);
    // a config with no calls allowed holds it back; --vlm-calls-per-minute overrides the file
    const base = { ...VLM_DEFAULTS, enabled: true, callsPerMinute: 0 };
    const held = hook(['--dry-run'], {}, base);
    expect((held.h as VlmCliHook).mode).toBe('dry-run'); // enabled by the config, no --vlm needed
    await feed(held.h as VlmCliHook);
    expect(held.out()).toBe('');
    expect(held.err()).toMatch(/rate limit [1-9]/);
    const over = hook(['--dry-run', '--vlm-calls-per-minute', '6'], {}, base);
    await feed(over.h as VlmCliHook);
    expect(over.out().trim().split('\n')).toHaveLength(1);
    // --vlm off beats the config; a non-default key variable is the only one read
    expect(hook(['--vlm', 'off'], {}, base).h).toMatchObject({ mode: 'off' });
    const named = hook([], { GOOGLE_API_KEY: 'not-this-one' }, { ...base, apiKeyEnv: 'CELL_GEMINI_KEY' });
    expect((named.h as VlmCliHook).mode).toBe('off');
    expect(named.err()).toContain('vlm: no CELL_GEMINI_KEY set; VLM escalation is off');
    const dir = mkdtempSync(join(tmpdir(), 'affect-bt-vlmkey-'));
    writeFileSync(join(dir, 'key'), 'file-key\n');
    expect((hook([], { CELL_GEMINI_KEY_FILE: join(dir, 'key') }, { ...base, apiKeyEnv: 'CELL_GEMINI_KEY' }).h as VlmCliHook).mode).toBe('live');
    expect(hook([], { CELL_GEMINI_KEY_FILE: join(dir, 'nope') }, { ...base, apiKeyEnv: 'CELL_GEMINI_KEY' }).h).toEqual({ error: `cannot read the API key file named by CELL_GEMINI_KEY_FILE ('${join(dir, 'nope')}'): ENOENT` });
  });
  it('docs/vlm.md carries the settings table generated from the schema, and no second set of defaults', () => {
    const doc = readFileSync('docs/vlm.md', 'utf8');
    expect(doc).toContain(vlmSettingsReference());
    for (const stale of ['per process lifetime', '--vlm-timeout-ms 8000', '| 8000 ms |', '$0.10 |']) expect(doc).not.toContain(stale);
    expect(readFileSync('docs/deploy.md', 'utf8')).not.toMatch(/vlm\.(budgetUsd|maxCallsPerMinute)\b|per process lifetime/);
  });
  it('live: calls Gemini at --vlm-base-url with the env key and publishes the merged estimate', async () => {
    const before = srv.requests.length;
    const r = hook(['--vlm', 'gemini', '--vlm-base-url', srv.baseUrl], { GOOGLE_API_KEY: 'live-key' });
    const h = r.h as VlmCliHook;
    expect(h.mode).toBe('live');
    await feed(h);
    expect(srv.requests.length).toBe(before + 1);
    expect(srv.requests.at(-1)!.headers['x-goog-api-key']).toBe('live-key');
    expect(r.published.map((e) => e.source)).toEqual(['vlm']);
    expect(r.err()).toMatch(/vlm: verdict focused \(conf 0\.8\) in \d+ ms/);
    expect(r.err()).toContain('1 escalations, 1 calls, 1 verdicts (1 merged');
  });
});

describe('affect-bt estimate --vlm (child process, real models)', () => {
  const run = async (args: string[], env: NodeJS.ProcessEnv) => {
    const { execFile } = await import('node:child_process');
    return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, cliArgv(['estimate', ...args]), { env: { ...process.env, GEMINI_API_KEY: '', GOOGLE_API_KEY: '', ...env }, maxBuffer: 32 << 20 }, (err, stdout, stderr) =>
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
    });
  };
  it('--dry-run on a frame directory prints the estimates, the escalation as request JSON and the cost; exit 0', async () => {
    const before = srv.requests.length;
    const r = await run(['../shared/data/faces/scenes', '--sequence', '--json', '--vlm', 'gemini', '--dry-run', '--vlm-base-url', srv.baseUrl], { GEMINI_API_KEY: 'k' });
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    const dry = lines.filter((l) => l.vlmDryRun).map((l) => l.vlmDryRun);
    expect(lines.filter((l) => l.file).length).toBe(12);
    expect(dry.length).toBeGreaterThanOrEqual(1);
    expect(dry[0].url).toBe(`${srv.baseUrl}/v1beta/models/gemini-2.5-flash:generateContent`);
    expect(dry[0].body.contents[0].parts.some((p: { inlineData?: { mimeType: string } }) => p.inlineData?.mimeType === 'image/jpeg')).toBe(true);
    expect(r.stderr).toContain('VLM dry run (gemini-2.5-flash, nothing sent): 12 frames');
    expect(srv.requests.length).toBe(before);
  }, 60_000);
  it('live with a key calls the configured endpoint and merges the verdict', async () => {
    const before = srv.requests.length;
    const r = await run(['../shared/data/faces/scenes', '--sequence', '--json', '--vlm', 'gemini', '--vlm-base-url', srv.baseUrl], { GEMINI_API_KEY: 'child-key' });
    expect(r.code).toBe(0);
    expect(srv.requests.length).toBeGreaterThan(before);
    expect(srv.requests.at(-1)!.headers['x-goog-api-key']).toBe('child-key');
    expect(r.stderr).toMatch(/vlm \(gemini-2\.5-flash\): 1 escalations, 1 calls, 1 verdicts \(1 merged/);
  }, 60_000);
});

/**
 * CLI glue for `--vlm gemini [--dry-run] [--vlm-model M] [--vlm-base-url U] …` so a
 * command that runs the per-frame estimator (`affect-bt estimate`) can add VLM
 * escalation with a few lines: spread {@link VLM_CLI_OPTIONS} into its parseArgs
 * options, call {@link createVlmCliHook}, then per frame `await hook.step(fused, ctx)`
 * and publish `hook.current(estimate)`, and `await hook.finish()` at the end.
 *
 * - `--dry-run`: nothing is sent and no key is needed; each escalation is printed to
 *   stdout as one JSON line `{"vlmDryRun":{…,"url","body"}}` (the exact REST body),
 *   a description and the cost summary go to stderr.
 * - live: the key comes from GEMINI_API_KEY / GOOGLE_API_KEY; without one, a warning
 *   and escalation stays off (the estimator still works).
 */
import type { AffectEstimate } from '../contract/affect.ts';
import { VirtualClock } from '../core/clock.ts';
import type { FusedEstimate, TaskContext } from '../estimator/types.ts';
import { createDryRun, describeEscalation, formatDryRunReport } from './dry-run.ts';
import { Escalator } from './escalator.ts';
import type { GeminiOptions } from './gemini.ts';
import type { VlmProvider, VlmRequest, VlmVerdict } from './types.ts';
import { DEFAULT_GEMINI_MODEL } from './wire.ts';
import { fileFrameSource, type FrameSource } from './keyframes.ts';
import { GEMINI_25_FLASH_PRICE, type TokenPrice } from './policy.ts';

/**
 * parseArgs option definitions for the VLM flags.
 *
 * @example
 * ```ts
 * parseArgs({ args, options: { json: { type: 'boolean' }, ...VLM_CLI_OPTIONS }, allowPositionals: true });
 * ```
 */
export const VLM_CLI_OPTIONS = {
  vlm: { type: 'string' },
  'dry-run': { type: 'boolean' },
  'vlm-model': { type: 'string' },
  'vlm-base-url': { type: 'string' },
  'vlm-calls-per-minute': { type: 'string' },
  'vlm-budget-usd-per-hour': { type: 'string' },
  'vlm-timeout-ms': { type: 'string' },
  'vlm-price': { type: 'string' },
} as const;

/**
 * Help lines for the VLM flags.
 *
 * @example
 * ```ts
 * process.stdout.write(HELP + '\n' + VLM_CLI_HELP + '\n');
 * ```
 */
export const VLM_CLI_HELP = [
  'VLM escalation (optional; see docs/vlm.md):',
  '  --vlm gemini                 escalate ambiguous moments to Gemini (key: GEMINI_API_KEY or GOOGLE_API_KEY)',
  '  --dry-run                    with --vlm: print what would be escalated and the exact request JSON; send nothing',
  `  --vlm-model M                model (default ${DEFAULT_GEMINI_MODEL})`,
  '  --vlm-base-url U             API endpoint override (proxy / test server)',
  '  --vlm-calls-per-minute N     rate limit (default 6)',
  '  --vlm-budget-usd-per-hour X  cost budget per rolling hour (default 0.10)',
  '  --vlm-timeout-ms N           per-call deadline (default 8000)',
  '  --vlm-price IN/OUT           USD per 1M input/output tokens (default 0.30/2.50, Gemini 2.5 Flash list price)',
].join('\n');

/** Parsed values of the VLM flags (a subset of a command's parseArgs values). */
export interface VlmCliValues {
  vlm?: string;
  'dry-run'?: boolean;
  'vlm-model'?: string;
  'vlm-base-url'?: string;
  'vlm-calls-per-minute'?: string;
  'vlm-budget-usd-per-hour'?: string;
  'vlm-timeout-ms'?: string;
  'vlm-price'?: string;
}

/** What a command drives. */
export interface VlmCliHook {
  mode: 'off' | 'live' | 'dry-run';
  /** Per frame; never waits on the network (a dry run waits for local request composition). */
  step(fused: FusedEstimate, context: TaskContext): Promise<void>;
  /** The estimate to publish for this frame (VLM overlay or `local`). */
  current(local: AffectEstimate): AffectEstimate;
  /** Waits for calls in flight (live) and prints the summary to stderr. */
  finish(): Promise<void>;
}

interface Io {
  stdout: { write(s: string): unknown };
  stderr: { write(s: string): unknown };
  env: NodeJS.ProcessEnv;
  frames?: FrameSource;
  /** Called with each VLM estimate in live mode (publish it). */
  onEstimate?: (e: AffectEstimate) => void;
}

function num(v: string | undefined, flag: string, def: number): number {
  if (v === undefined) return def;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${flag} must be a number ≥ 0, got '${v}'`);
  return n;
}

function parsePrice(v: string | undefined): TokenPrice {
  if (v === undefined) return GEMINI_25_FLASH_PRICE;
  const m = /^([0-9]*\.?[0-9]+)\/([0-9]*\.?[0-9]+)$/.exec(v.trim());
  if (!m) throw new Error(`--vlm-price must be IN/OUT in USD per 1M tokens, e.g. 0.30/2.50, got '${v}'`);
  return { inputPerMTok: Number(m[1]), outputPerMTok: Number(m[2]) };
}

/**
 * Builds the hook from parsed flags. Returns `{ error }` for a usage error (exit 2).
 *
 * @example
 * ```ts
 * const { values } = parseArgs({ args: argv, options: { ...VLM_CLI_OPTIONS }, allowPositionals: true });
 * const hook = createVlmCliHook(values, { stdout: process.stdout, stderr: process.stderr, env: process.env });
 * if ('error' in hook) { console.error(hook.error); return 2; }
 * ```
 */
export function createVlmCliHook(values: VlmCliValues, io: Io): VlmCliHook | { error: string } {
  const off: VlmCliHook = { mode: 'off', step: async () => {}, current: (l) => l, finish: async () => {} };
  const vlmFlags = ['dry-run', 'vlm-model', 'vlm-base-url', 'vlm-calls-per-minute', 'vlm-budget-usd-per-hour', 'vlm-timeout-ms', 'vlm-price'] as const;
  if (values.vlm === undefined) {
    const stray = vlmFlags.filter((f) => values[f] !== undefined);
    return stray.length > 0 ? { error: `--${stray.join(', --')} need(s) --vlm gemini` } : off;
  }
  if (values.vlm !== 'gemini') return { error: `--vlm: unknown provider '${values.vlm}' (supported: gemini)` };
  let limits;
  try {
    limits = {
      callsPerMinute: num(values['vlm-calls-per-minute'], '--vlm-calls-per-minute', 6),
      budgetUsdPerHour: num(values['vlm-budget-usd-per-hour'], '--vlm-budget-usd-per-hour', 0.1),
      timeoutMs: num(values['vlm-timeout-ms'], '--vlm-timeout-ms', 8000),
      price: parsePrice(values['vlm-price']),
    };
  } catch (e) {
    return { error: (e as Error).message };
  }
  const model = values['vlm-model'] ?? DEFAULT_GEMINI_MODEL;
  const baseUrl = values['vlm-base-url'];
  if (baseUrl !== undefined && !/^https?:\/\/[^\s]+$/.test(baseUrl)) return { error: `--vlm-base-url must be an http(s) URL, got '${baseUrl}'` };
  const frames = io.frames ?? fileFrameSource();

  if (values['dry-run']) {
    let t0: number | undefined;
    const dr = createDryRun({ ...limits, frames, model, ...(baseUrl ? { baseUrl } : {}) }, (e) => {
      t0 ??= e.request.about.t;
      io.stderr.write(`vlm dry run: ${describeEscalation(e, t0)}\n`);
      io.stdout.write(
        JSON.stringify({ vlmDryRun: { humanId: e.request.humanId, frameId: e.request.about.frameId, triggers: e.request.triggers, estimatedUsd: e.estimatedUsd, url: e.url, body: e.body } }) + '\n',
      );
    });
    return {
      mode: 'dry-run',
      step: (f, c) => dr.step(f, c),
      current: (l) => l,
      finish: async () => void io.stderr.write(formatDryRunReport(dr.finish(), model) + '\n'),
    };
  }

  const apiKey = io.env.GEMINI_API_KEY || io.env.GOOGLE_API_KEY;
  const provider = apiKey ? new LazyGemini({ apiKey, model, ...(baseUrl ? { baseUrl } : {}) }) : null;
  if (!provider) {
    io.stderr.write('vlm: no GEMINI_API_KEY or GOOGLE_API_KEY set; VLM escalation is off (local estimates only). Use --dry-run to preview.\n');
    return off;
  }
  let clock: VirtualClock | null = null;
  let esc: Escalator | null = null;
  return {
    mode: 'live',
    async step(f, c) {
      if (!esc) {
        clock = new VirtualClock(f.t);
        esc = new Escalator({
          ...limits,
          clock,
          provider,
          frames,
          onEstimate: io.onEstimate,
          onEvent: (ev) => {
            if (ev.type === 'error') io.stderr.write(`vlm: ${ev.kind}: ${ev.message}\n`);
            else if (ev.type === 'verdict') io.stderr.write(`vlm: verdict ${ev.answer.label} (conf ${ev.answer.confidence}) in ${Math.round(ev.latencyMs)} ms, $${ev.usd.toFixed(5)}\n`);
          },
        });
      }
      if (f.t > clock!.now()) clock!.set(f.t);
      esc.offer(f, c);
    },
    current: (l) => (esc ? esc.current(l) : l),
    async finish() {
      if (!esc) return;
      await esc.idle();
      const s = esc.stats();
      io.stderr.write(
        `vlm (${model}): ${s.escalations} escalations, ${s.calls} calls, ${s.verdicts} verdicts (${s.merged} merged, ${s.uncertain} uncertain, ${s.late} late), ${s.cacheHits} cache hits, errors ${JSON.stringify(s.errors)}, tokens ${s.inputTokens}/${s.outputTokens}, $${s.costUsd.toFixed(5)}\n`,
      );
    },
  };
}

/** Loads `@google/genai` (~0.6 s) only when the first call is made. */
class LazyGemini implements VlmProvider {
  readonly name = 'gemini';
  readonly model: string;
  private p: Promise<VlmProvider> | null = null;
  constructor(private readonly opts: GeminiOptions) {
    this.model = opts.model ?? DEFAULT_GEMINI_MODEL;
  }
  async analyse(request: VlmRequest, signal: AbortSignal): Promise<VlmVerdict> {
    this.p ??= import('./gemini.ts').then((m) => new m.GeminiProvider(this.opts));
    return (await this.p).analyse(request, signal);
  }
}

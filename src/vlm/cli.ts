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
 * - live: the key comes from the variable named by `apiKeyEnv` (GEMINI_API_KEY, else
 *   GOOGLE_API_KEY); without one, a warning and escalation stays off (the estimator
 *   still works).
 *
 * Defaults are not here: they come from {@link VLM_DEFAULTS} (src/vlm/settings.ts), or
 * from a cell config's `vlm:` section passed as `base`; each flag overrides its setting.
 */
import type { AffectEstimate } from '../contract/affect.ts';
import { VirtualClock } from '../core/clock.ts';
import type { FusedEstimate, TaskContext } from '../estimator/types.ts';
import { createDryRun, describeEscalation, formatDryRunReport } from './dry-run.ts';
import { Escalator } from './escalator.ts';
import type { GeminiOptions } from './gemini.ts';
import type { VlmProvider, VlmRequest, VlmVerdict } from './types.ts';
import { fileFrameSource, type FrameSource } from './keyframes.ts';
import type { TokenPrice } from './policy.ts';
import { VLM_DEFAULTS, VLM_SETTING_FLAGS, vlmApiKey, type VlmSettings } from './settings.ts';

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
  'VLM escalation (optional; see docs/vlm.md; each flag overrides the vlm: section of --config):',
  `  ${VLM_SETTING_FLAGS.enabled!.padEnd(27)}  escalate ambiguous moments to Gemini (key: ${VLM_DEFAULTS.apiKeyEnv} or GOOGLE_API_KEY); --vlm off: not even if the config enables it`,
  '  --dry-run                    with --vlm: print what would be escalated and the exact request JSON; send nothing',
  `  ${VLM_SETTING_FLAGS.model!.padEnd(27)}  model (default ${VLM_DEFAULTS.model})`,
  `  ${VLM_SETTING_FLAGS.baseUrl!.padEnd(27)}  API endpoint override (proxy / test server)`,
  `  ${VLM_SETTING_FLAGS.callsPerMinute!.padEnd(27)}  calls per rolling minute (default ${VLM_DEFAULTS.callsPerMinute})`,
  `  ${VLM_SETTING_FLAGS.budgetUsdPerHour!.padEnd(27)}  cost budget in USD per rolling hour (default ${VLM_DEFAULTS.budgetUsdPerHour})`,
  `  ${VLM_SETTING_FLAGS.timeoutMs!.padEnd(27)}  per-call deadline incl. retries (default ${VLM_DEFAULTS.timeoutMs})`,
  `  ${VLM_SETTING_FLAGS.price!.padEnd(27)}  USD per 1M input/output tokens (default ${VLM_DEFAULTS.price.inputPerMTok}/${VLM_DEFAULTS.price.outputPerMTok}, Gemini 2.5 Flash list price)`,
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
  // the flag checks stay loose (≥ 0) as before; the config's schema bounds apply to the file
  if (v === undefined) return def;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${flag} must be a number ≥ 0, got '${v}'`);
  return n;
}

function parsePrice(v: string | undefined, def: TokenPrice): TokenPrice {
  if (v === undefined) return { ...def };
  const m = /^([0-9]*\.?[0-9]+)\/([0-9]*\.?[0-9]+)$/.exec(v.trim());
  if (!m) throw new Error(`--vlm-price must be IN/OUT in USD per 1M tokens, e.g. 0.30/2.50, got '${v}'`);
  return { inputPerMTok: Number(m[1]), outputPerMTok: Number(m[2]) };
}

/**
 * Builds the hook from parsed flags over `base` (a cell config's `vlm:` section, default
 * {@link VLM_DEFAULTS}): `--vlm gemini` turns escalation on, `--vlm off` keeps it off,
 * no `--vlm` follows `base.enabled`. Returns `{ error }` for a usage error (exit 2).
 *
 * @example
 * ```ts
 * const { values } = parseArgs({ args: argv, options: { ...VLM_CLI_OPTIONS }, allowPositionals: true });
 * const hook = createVlmCliHook(values, { stdout: process.stdout, stderr: process.stderr, env: process.env });
 * if ('error' in hook) { console.error(hook.error); return 2; }
 * ```
 */
export function createVlmCliHook(values: VlmCliValues, io: Io, base: Readonly<VlmSettings> = VLM_DEFAULTS): VlmCliHook | { error: string } {
  const off: VlmCliHook = { mode: 'off', step: async () => {}, current: (l) => l, finish: async () => {} };
  const vlmFlags = ['dry-run', 'vlm-model', 'vlm-base-url', 'vlm-calls-per-minute', 'vlm-budget-usd-per-hour', 'vlm-timeout-ms', 'vlm-price'] as const;
  if (values.vlm !== undefined && values.vlm !== 'gemini' && values.vlm !== 'off') return { error: `--vlm: unknown provider '${values.vlm}' (supported: gemini, or off)` };
  const enabled = values.vlm === undefined ? base.enabled : values.vlm === 'gemini';
  if (!enabled) {
    const stray = vlmFlags.filter((f) => values[f] !== undefined);
    return stray.length > 0 ? { error: `--${stray.join(', --')} need(s) --vlm gemini${values.vlm === 'off' ? ' (not --vlm off)' : ''}` } : off;
  }
  let limits;
  try {
    limits = {
      callsPerMinute: num(values['vlm-calls-per-minute'], '--vlm-calls-per-minute', base.callsPerMinute),
      budgetUsdPerHour: num(values['vlm-budget-usd-per-hour'], '--vlm-budget-usd-per-hour', base.budgetUsdPerHour),
      timeoutMs: num(values['vlm-timeout-ms'], '--vlm-timeout-ms', base.timeoutMs),
      price: parsePrice(values['vlm-price'], base.price),
    };
  } catch (e) {
    return { error: (e as Error).message };
  }
  const model = values['vlm-model'] ?? base.model;
  const baseUrl = values['vlm-base-url'] ?? base.baseUrl;
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

  let apiKey: string | undefined;
  try {
    apiKey = vlmApiKey(io.env, base.apiKeyEnv);
  } catch (e) {
    return { error: (e as Error).message };
  }
  const provider = apiKey ? new LazyGemini({ apiKey, model, ...(baseUrl ? { baseUrl } : {}) }) : null;
  if (!provider) {
    const names = base.apiKeyEnv === VLM_DEFAULTS.apiKeyEnv ? `${base.apiKeyEnv} or GOOGLE_API_KEY` : base.apiKeyEnv;
    io.stderr.write(`vlm: no ${names} set; VLM escalation is off (local estimates only). Use --dry-run to preview.\n`);
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
    this.model = opts.model ?? VLM_DEFAULTS.model;
  }
  async analyse(request: VlmRequest, signal: AbortSignal): Promise<VlmVerdict> {
    this.p ??= import('./gemini.ts').then((m) => new m.GeminiProvider(this.opts));
    return (await this.p).analyse(request, signal);
  }
}

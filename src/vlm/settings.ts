/**
 * The VLM escalation settings and their defaults, in one place (types as data): the
 * `vlm:` section of a cell config (src/deploy/config.ts), the `--vlm-*` flags of
 * `affect-bt estimate` (src/vlm/cli.ts, help text included) and the settings table in
 * docs/vlm.md are all built from {@link VlmSettingsSchema}. Before this, the config and
 * the CLI carried two sets of defaults that disagreed (4000 vs 8000 ms, a budget "per
 * process lifetime" that no code enforced); the numbers here are what the escalator
 * does: calls per rolling minute (`SlidingWindowCounter`), USD per rolling hour
 * (`CostBudget`), a wall-clock deadline per call including SDK retries.
 *
 * Only the estimator process uses these (the VLM runs next to the per-frame loop); the
 * planner ignores the section.
 */
import { readFileSync } from 'node:fs';
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { DEFAULT_GEMINI_MODEL } from './wire.ts';
import { GEMINI_25_FLASH_PRICE } from './policy.ts';

/**
 * Schema of the `vlm:` section / the `--vlm-*` flags, with the one set of defaults.
 *
 * @example
 * ```ts
 * VlmSettingsSchema.properties.timeoutMs.default; // 8000
 * ```
 */
export const VlmSettingsSchema = Type.Object(
  {
    enabled: Type.Boolean({ default: false, description: 'escalate ambiguous moments to the cloud VLM (Gemini); without a key it stays off with a warning' }),
    model: Type.String({ minLength: 1, default: DEFAULT_GEMINI_MODEL, description: 'Gemini model name' }),
    apiKeyEnv: Type.String({ pattern: '^[A-Z_][A-Z0-9_]*$', default: 'GEMINI_API_KEY', description: 'env variable holding the API key (or a file named by <apiKeyEnv>_FILE); with the default name, GOOGLE_API_KEY is the fallback' }),
    baseUrl: Type.Optional(Type.String({ pattern: '^https?://[^\\s]+$', description: 'API endpoint override (proxy / test server)' })),
    callsPerMinute: Type.Number({ minimum: 0, maximum: 600, default: 6, description: 'calls per rolling minute; over it a trigger is skipped (rate_limited)' }),
    budgetUsdPerHour: Type.Number({ minimum: 0, maximum: 10_000, default: 0.1, description: 'USD per rolling hour (token usage × price); over it no calls until spend rolls out of the hour (over_budget)' }),
    timeoutMs: Type.Number({ minimum: 100, maximum: 120_000, default: 8000, description: 'wall-clock deadline of one call including SDK retries; a slower answer is aborted and the local estimate stands' }),
    price: Type.Object(
      {
        inputPerMTok: Type.Number({ minimum: 0, default: GEMINI_25_FLASH_PRICE.inputPerMTok, description: 'USD per 1M input tokens (Gemini 2.5 Flash list price)' }),
        outputPerMTok: Type.Number({ minimum: 0, default: GEMINI_25_FLASH_PRICE.outputPerMTok, description: 'USD per 1M output tokens, thinking included' }),
      },
      { additionalProperties: false, default: {} },
    ),
  },
  { additionalProperties: false, default: {} },
);

/**
 * Validated VLM settings, defaults applied.
 *
 * @example
 * ```ts
 * const s: VlmSettings = { ...VLM_DEFAULTS, enabled: true };
 * ```
 */
export type VlmSettings = Static<typeof VlmSettingsSchema>;

/**
 * The defaults of {@link VlmSettingsSchema} as a frozen object (what `--vlm gemini`
 * uses without other flags, and what an absent `vlm:` section means).
 *
 * @example
 * ```ts
 * VLM_DEFAULTS.budgetUsdPerHour; // 0.1
 * ```
 */
export const VLM_DEFAULTS: Readonly<VlmSettings> = deepFreeze(Value.Default(VlmSettingsSchema, {}) as VlmSettings);

/**
 * The command-line flag of each setting (`null`: config only). Used by the help text
 * and the generated settings table.
 *
 * @example
 * ```ts
 * VLM_SETTING_FLAGS.timeoutMs; // '--vlm-timeout-ms N'
 * ```
 */
export const VLM_SETTING_FLAGS: Readonly<Record<keyof VlmSettings, string | null>> = {
  enabled: '--vlm gemini',
  model: '--vlm-model M',
  apiKeyEnv: null,
  baseUrl: '--vlm-base-url U',
  callsPerMinute: '--vlm-calls-per-minute N',
  budgetUsdPerHour: '--vlm-budget-usd-per-hour X',
  timeoutMs: '--vlm-timeout-ms N',
  price: '--vlm-price IN/OUT',
};

/**
 * Markdown table of the VLM settings (key, flag, default, meaning) for docs/vlm.md; a
 * test fails when the doc drifts.
 *
 * @example
 * ```ts
 * vlmSettingsReference().split('\n')[0]; // '| `vlm.` key | flag | default | meaning |'
 * ```
 */
export function vlmSettingsReference(): string {
  const rows = ['| `vlm.` key | flag | default | meaning |', '|---|---|---|---|'];
  for (const [k, s] of Object.entries(VlmSettingsSchema.properties) as [keyof VlmSettings, { default?: unknown; description?: string; properties?: Record<string, { default?: unknown; description?: string }> }][]) {
    const flag = VLM_SETTING_FLAGS[k] ? `\`${VLM_SETTING_FLAGS[k]}\`` : '—';
    if (s.properties) {
      for (const [sk, ss] of Object.entries(s.properties)) rows.push(`| \`${k}.${sk}\` | ${flag} | \`${JSON.stringify(ss.default)}\` | ${ss.description ?? ''} |`);
      continue;
    }
    rows.push(`| \`${k}\` | ${flag} | ${s.default === undefined ? '—' : `\`${JSON.stringify(s.default)}\``} | ${(s.description ?? '').replace(/\|/g, '\\|')} |`);
  }
  return rows.join('\n');
}

function deepFreeze<T>(o: T): T {
  if (typeof o === 'object' && o !== null) {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}

/**
 * The API key named by `apiKeyEnv`: the variable itself, else the file named by
 * `<apiKeyEnv>_FILE` (one trailing newline stripped), else — only for the default
 * name — `GOOGLE_API_KEY`. `undefined` when none is set (escalation then stays off).
 * Throws an error naming the variable and path (never the key) when the file is unreadable.
 *
 * @example
 * ```ts
 * vlmApiKey({ GEMINI_API_KEY: 'k' }, 'GEMINI_API_KEY'); // 'k'
 * ```
 */
export function vlmApiKey(env: NodeJS.ProcessEnv, apiKeyEnv: string = VLM_DEFAULTS.apiKeyEnv): string | undefined {
  if (env[apiKeyEnv]) return env[apiKeyEnv];
  const file = env[`${apiKeyEnv}_FILE`];
  if (file) {
    try {
      return readFileSync(file, 'utf8').replace(/\r?\n$/, '') || undefined;
    } catch (e) {
      throw new Error(`cannot read the API key file named by ${apiKeyEnv}_FILE ('${file}'): ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  }
  return apiKeyEnv === VLM_DEFAULTS.apiKeyEnv ? env.GOOGLE_API_KEY || undefined : undefined;
}

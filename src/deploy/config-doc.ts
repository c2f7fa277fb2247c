/**
 * The cell-config reference table in `docs/deploy.md`, generated from
 * {@link CellConfigSchema} (types as data: one schema → validation, types, docs). A test
 * fails when the doc's table drifts from the schema; regenerate it with
 * `npx tsx -e "import('./src/deploy/config-doc.ts').then(m => console.log(m.configReference()))"`.
 */
import { CellConfigSchema, SECTION_OWNERS } from './config.ts';

interface SchemaLike {
  type?: string;
  anyOf?: { const?: unknown }[];
  properties?: Record<string, SchemaLike>;
  required?: string[];
  default?: unknown;
  description?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  pattern?: string;
}

function typeOf(s: SchemaLike): string {
  if (s.anyOf) return s.anyOf.map((a) => JSON.stringify(a.const)).join(' \\| ');
  let t = s.type ?? 'any';
  const lo = s.exclusiveMinimum !== undefined ? `>${s.exclusiveMinimum}` : s.minimum !== undefined ? `≥${s.minimum}` : undefined;
  const hi = s.maximum !== undefined ? `≤${s.maximum}` : undefined;
  if (lo || hi) t += ` (${[lo, hi].filter(Boolean).join(', ')})`;
  return t;
}

/**
 * Markdown table of every config key: key, the process that reads it (`run` = planner,
 * `estimate` = estimator, `both`), type, default, meaning. The `vlm.*` keys are one row
 * pointing at their own table in docs/vlm.md (documented once, with their flags).
 *
 * @example
 * ```ts
 * configReference().split('\n')[0]; // '| key | read by | type | default | meaning |'
 * ```
 */
export function configReference(): string {
  const rows: string[] = ['| key | read by | type | default | meaning |', '|---|---|---|---|---|'];
  const by = { both: 'both', planner: '`run`', estimator: '`estimate`' } as const;
  const walk = (s: SchemaLike, prefix: string, required: readonly string[], owner: keyof typeof by | undefined) => {
    for (const [k, sub] of Object.entries(s.properties ?? {})) {
      const key = prefix + k;
      const own = owner ?? SECTION_OWNERS[k]!;
      if (key === 'vlm') {
        rows.push(`| \`vlm.*\` | ${by[own]} | object | see [vlm.md](vlm.md#settings) | the VLM escalation settings (one table, with their \`--vlm-*\` flags) |`);
        continue;
      }
      if (sub.type === 'object' && sub.properties) {
        walk(sub, key + '.', sub.required ?? [], key === 'broker.planner' ? 'planner' : key === 'broker.estimator' ? 'estimator' : own);
        continue;
      }
      const def = sub.default !== undefined ? `\`${JSON.stringify(sub.default)}\`` : required.includes(k) ? '**required**' : '—';
      rows.push(`| \`${key}\` | ${by[own]} | ${typeOf(sub)} | ${def} | ${(sub.description ?? '').replace(/\|/g, '\\|')} |`);
    }
  };
  walk(CellConfigSchema as unknown as SchemaLike, '', (CellConfigSchema as unknown as SchemaLike).required ?? [], undefined);
  return rows.join('\n');
}

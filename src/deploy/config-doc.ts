/**
 * The cell-config reference table in `docs/deploy.md`, generated from
 * {@link CellConfigSchema} (types as data: one schema → validation, types, docs). A test
 * fails when the doc's table drifts from the schema; regenerate it with
 * `npx tsx src/deploy/config-doc.ts --write`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
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

/**
 * docs/deploy.md with its config table replaced by {@link configReference} (the table
 * starts at the `| key | read by |` header line and ends at the first non-table line).
 *
 * @example
 * ```ts
 * writeFileSync('docs/deploy.md', withConfigReference(readFileSync('docs/deploy.md', 'utf8')));
 * ```
 */
export function withConfigReference(doc: string): string {
  const lines = doc.split('\n');
  const start = lines.findIndex((l) => l.startsWith('| key |'));
  if (start < 0) throw new Error('docs/deploy.md: no config table (a line starting with "| key |")');
  let end = start;
  while (end < lines.length && lines[end]!.startsWith('|')) end++;
  lines.splice(start, end - start, ...configReference().split('\n'));
  return lines.join('\n');
}

if (process.argv[1] && import.meta.filename === process.argv[1] && process.argv.includes('--write')) {
  writeFileSync('docs/deploy.md', withConfigReference(readFileSync('docs/deploy.md', 'utf8')));
  process.stdout.write('wrote docs/deploy.md\n');
}

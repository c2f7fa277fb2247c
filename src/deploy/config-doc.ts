/**
 * The cell-config reference table in `docs/deploy.md`, generated from
 * {@link CellConfigSchema} (types as data: one schema → validation, types, docs). A test
 * fails when the doc's table drifts from the schema; regenerate it with
 * `npx tsx -e "import('./src/deploy/config-doc.ts').then(m => console.log(m.configReference()))"`.
 */
import { CellConfigSchema } from './config.ts';

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
 * Markdown table of every config key: key, type, default, meaning.
 *
 * @example
 * ```ts
 * configReference().split('\n')[0]; // '| key | type | default | meaning |'
 * ```
 */
export function configReference(): string {
  const rows: string[] = ['| key | type | default | meaning |', '|---|---|---|---|'];
  const walk = (s: SchemaLike, prefix: string, required: readonly string[]) => {
    for (const [k, sub] of Object.entries(s.properties ?? {})) {
      const key = prefix + k;
      if (sub.type === 'object' && sub.properties) {
        walk(sub, key + '.', sub.required ?? []);
        continue;
      }
      const def = sub.default !== undefined ? `\`${JSON.stringify(sub.default)}\`` : required.includes(k) ? '**required**' : '—';
      rows.push(`| \`${key}\` | ${typeOf(sub)} | ${def} | ${(sub.description ?? '').replace(/\|/g, '\\|')} |`);
    }
  };
  walk(CellConfigSchema as unknown as SchemaLike, '', (CellConfigSchema as unknown as SchemaLike).required ?? []);
  return rows.join('\n');
}

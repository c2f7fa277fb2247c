/**
 * Generates the node reference of docs/trees.md from a node registry (types as data:
 * the same port declarations drive validation and the docs). A test fails when the
 * committed docs drift from the built-in registry; regenerate with
 * `npx tsx scripts/node-reference.ts --write docs/trees.md`.
 */
import { nodeRegistry, type NodeRegistry } from './registry.ts';
import type { NodeDef } from './node.ts';

/**
 * Markers around the generated section.
 *
 * @example
 * ```ts
 * markdown.includes(BEGIN) && markdown.includes(END);
 * ```
 */
export const BEGIN = '<!-- BEGIN GENERATED NODE REFERENCE (src/tree/docs.ts) -->';
export const END = '<!-- END GENERATED NODE REFERENCE -->';

function portRows(def: NodeDef): string[] {
  if (def.ports.length === 0) return ['_no ports_'];
  const rows = ['| port | type | default | description |', '|---|---|---|---|'];
  for (const p of def.ports) {
    const type = p.type === 'key' && p.valueType ? `key → ${p.valueType}` : p.type === 'enum' ? (p.values ?? []).join(' \\| ') : p.min !== undefined || p.max !== undefined ? `${p.type} [${p.min ?? ''}, ${p.max ?? ''}]` : p.type;
    const dflt = p.required ? '**required**' : p.default === undefined ? '' : `\`${String(p.default)}\``;
    const name = p.alias === undefined ? `\`${p.name}\`` : `\`${p.name}\` (\`${p.alias}\`)`;
    rows.push(`| ${name} | ${type} | ${dflt} | ${p.description.replace(/\|/g, '\\|')} |`);
  }
  return rows;
}

/**
 * The markdown node reference (between {@link BEGIN} and {@link END}).
 *
 * @example
 * ```ts
 * renderNodeReference().includes('### Handover'); // true
 * ```
 */
export function renderNodeReference(registry: NodeRegistry = nodeRegistry): string {
  const out = [BEGIN, ''];
  const order: NodeDef['category'][] = ['composite', 'decorator', 'condition', 'action'];
  for (const cat of order) {
    for (const def of registry.definitions().filter((d) => d.category === cat)) {
      const also = def.aliases?.length ? `, also written ${def.aliases.map((a) => `\`${a}\``).join(', ')}` : '';
      out.push(`### ${def.kind}`, '', `*${def.category}, role: ${def.role}, children: ${def.children.min === def.children.max ? def.children.min : `${def.children.min}..${def.children.max}`}${also}* — ${def.description}`, '');
      out.push(...portRows(def), '', '```yaml', def.example, '```', '');
    }
  }
  out.push(END);
  return out.join('\n');
}

/**
 * Replaces the generated section of a markdown text.
 *
 * @example
 * ```ts
 * spliceReference(readFileSync('docs/trees.md', 'utf8'));
 * ```
 */
export function spliceReference(markdown: string, registry: NodeRegistry = nodeRegistry): string {
  const a = markdown.indexOf(BEGIN);
  const b = markdown.indexOf(END);
  if (a < 0 || b < a) throw new Error(`docs: markers ${BEGIN} … ${END} not found; add them where the node reference should go`);
  return markdown.slice(0, a) + renderNodeReference(registry) + markdown.slice(b + END.length);
}

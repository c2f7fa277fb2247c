/**
 * Reads YAML with the `yaml` package (the full YAML 1.2 parser) into the loader's node
 * tree. Used for everything the fast reader leaves out, and for syntax errors, whose
 * messages and positions come from this parser.
 */
import { parseDocument, isAlias, isMap, isScalar, isSeq, type Document, type Node as YamlNode, type Scalar } from 'yaml';
import type { YNode, YPair, YScalar, YamlResult } from './ir.ts';

const STYLE: Record<string, YScalar['style']> = { PLAIN: 'plain', QUOTE_SINGLE: 'single', QUOTE_DOUBLE: 'double', BLOCK_LITERAL: 'block', BLOCK_FOLDED: 'block' };
const MAX_ALIAS_DEPTH = 64;

function scalarValue(v: unknown): YScalar['value'] {
  return v === null || v === undefined || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? (v ?? null) : String(v);
}

function scalar(n: Scalar): YScalar {
  const r = n.range ?? [0, 0, 0];
  return { t: 'scalar', value: scalarValue(n.value), off: r[0], end: r[1], style: STYLE[n.type ?? 'PLAIN'] ?? 'plain' };
}

function convert(n: unknown, doc: Document, depth: number): YNode | null {
  if (n === null || n === undefined) return null;
  if (depth > MAX_ALIAS_DEPTH) throw new Error('YAML aliases nest too deep');
  if (isAlias(n)) return convert(n.resolve(doc), doc, depth + 1);
  const node = n as YamlNode;
  const off = node.range?.[0] ?? 0;
  if (isScalar(node)) {
    // an empty value (`key:` with nothing after it) has an empty range
    if (node.value === null && node.range !== undefined && node.range !== null && node.range[0] === node.range[1]) return null;
    return scalar(node);
  }
  if (isMap(node)) {
    const items: YPair[] = node.items.map((p) => {
      const k = p.key as unknown;
      const key: YScalar = isScalar(k) ? scalar(k) : { t: 'scalar', value: String((k as { toJSON?: () => unknown })?.toJSON?.() ?? k), off: (k as YamlNode | null)?.range?.[0] ?? off, end: (k as YamlNode | null)?.range?.[1] ?? off, style: 'plain' };
      return { key, value: convert(p.value, doc, depth) };
    });
    return { t: 'map', items, off };
  }
  if (isSeq(node)) return { t: 'seq', items: node.items.map((i) => convert(i, doc, depth)), off };
  return null;
}

/**
 * Reads YAML text with the `yaml` package (strict, unique keys).
 *
 * @example
 * ```ts
 * readFull('a: &x 1\nb: *x\n'); // { ok: true, root: { t: 'map', … }, reader: 'yaml' }
 * ```
 */
export function readFull(text: string): YamlResult {
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true, strict: true });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      problems: doc.errors.slice(0, 20).map((e) => ({ off: e.pos[0], message: e.message.split('\n')[0]!, duplicateKey: /unique/i.test(e.message) })),
    };
  }
  try {
    return { ok: true, root: convert(doc.contents, doc, 0), reader: 'yaml' };
  } catch (err) {
    return { ok: false, problems: [{ off: 0, message: err instanceof Error ? err.message : String(err), duplicateKey: false }] };
  }
}

/**
 * YAML with positions, for config files: parse a document keeping source ranges, and
 * map a JSON-pointer-like path (`['broker', 'url']`) back to `line:col`, so every
 * config error can be reported as `file:line:col: message` the way tree errors are.
 *
 * Design notes: the tree loader (issue 2) has its own position machinery for tree
 * documents; a config file is a plain mapping, so this module needs only "where is the
 * node at this path" (or the closest existing parent when the key is missing).
 */
import { LineCounter, parseDocument, isMap, isSeq, isScalar, isPair, type Document, type Node } from 'yaml';

/** A 1-based position in a source file. */
export interface SourcePos {
  line: number;
  col: number;
}

/** A parsed YAML document plus what is needed to locate its nodes. */
export interface YamlSource {
  file: string;
  doc: Document.Parsed;
  lines: LineCounter;
  /** YAML syntax errors, already positioned. */
  syntaxErrors: { pos: SourcePos; message: string }[];
}

/**
 * Parses YAML text, never throwing: syntax errors are returned with positions.
 *
 * @example
 * ```ts
 * const src = parseYamlSource('cell.yaml', 'tick:\n  rateHz: 50\n');
 * src.doc.toJS(); // { tick: { rateHz: 50 } }
 * ```
 */
export function parseYamlSource(file: string, text: string): YamlSource {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const syntaxErrors = doc.errors.map((e) => {
    const p = lines.linePos(e.pos[0]);
    return { pos: { line: p.line, col: p.col }, message: e.message.split('\n')[0]! };
  });
  return { file, doc, lines, syntaxErrors };
}

/**
 * The position of the node at `path` (keys and array indices), or of its closest
 * existing ancestor when part of the path is missing; `1:1` for the root.
 *
 * @example
 * ```ts
 * const src = parseYamlSource('c.yaml', 'broker:\n  url: 5\n');
 * positionOf(src, ['broker', 'url']); // { line: 2, col: 8 }
 * ```
 */
export function positionOf(src: YamlSource, path: readonly (string | number)[], preferKey = false): SourcePos {
  let node: unknown = src.doc.contents;
  let best: number | undefined = rangeStart(node);
  for (let i = 0; i < path.length; i++) {
    const seg = path[i]!;
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg));
      if (!pair) break;
      const last = i === path.length - 1;
      if (last && preferKey) {
        best = rangeStart(pair.key) ?? best;
        break;
      }
      node = pair.value;
      best = rangeStart(pair.value) ?? rangeStart(pair.key) ?? best;
    } else if (isSeq(node)) {
      const item = node.items[Number(seg)];
      if (item === undefined) break;
      node = item;
      best = rangeStart(item) ?? best;
    } else break;
  }
  if (best === undefined) return { line: 1, col: 1 };
  const p = src.lines.linePos(best);
  return { line: p.line, col: p.col };
}

function rangeStart(node: unknown): number | undefined {
  const r = (node as Node | undefined)?.range;
  return Array.isArray(r) ? r[0] : undefined;
}

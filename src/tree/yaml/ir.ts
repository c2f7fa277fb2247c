/**
 * The small YAML node tree the tree loader works on: mappings, sequences and scalars
 * with the source offset of each node. Both YAML readers produce it — the fast reader
 * for the plain subset tree files use, and the `yaml` package for everything else — so
 * the loader and its `file:line:col` diagnostics do not depend on which one ran.
 */

/** A scalar: plain, quoted or block; `value` is resolved with YAML 1.2's core schema. */
export interface YScalar {
  t: 'scalar';
  value: string | number | boolean | null;
  /** Offset of the first character of the scalar's source (its opening quote, if any). */
  off: number;
  /** Offset just past its source. */
  end: number;
  style: 'plain' | 'single' | 'double' | 'block';
}

/** A mapping entry; `value` is `null` when nothing follows the colon. */
export interface YPair {
  key: YScalar;
  value: YNode | null;
}

/** A mapping (block or flow). */
export interface YMap {
  t: 'map';
  items: YPair[];
  off: number;
}

/** A sequence (block or flow); an empty entry (`- `) is `null`. */
export interface YSeq {
  t: 'seq';
  items: (YNode | null)[];
  off: number;
}

/** Any YAML node. */
export type YNode = YMap | YSeq | YScalar;

/** A YAML syntax problem at an offset. */
export interface YamlProblem {
  off: number;
  message: string;
  duplicateKey: boolean;
}

/** Result of reading a YAML text: the root node (`null` for an empty document) or the problems. */
export type YamlResult = { ok: true; root: YNode | null; reader: 'fast' | 'yaml' } | { ok: false; problems: YamlProblem[] };

/**
 * Offset → 1-based line and column, by binary search over the line starts.
 *
 * @example
 * ```ts
 * const idx = new LineIndex('a: 1\nb: 2\n');
 * idx.pos(5); // { line: 2, col: 1 }
 * ```
 */
export class LineIndex {
  private readonly starts: number[] = [0];
  constructor(text: string) {
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
  }
  pos(off: number): { line: number; col: number } {
    const s = this.starts;
    let lo = 0;
    let hi = s.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (s[mid]! <= off) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, col: off - s[lo]! + 1 };
  }
}

/**
 * Resolves a plain scalar's text with YAML 1.2's core schema (as the `yaml` package does).
 *
 * @example
 * ```ts
 * resolvePlain('true'); // true
 * resolvePlain('0x1F'); // 31
 * resolvePlain('~');    // null
 * resolvePlain('part-7'); // 'part-7'
 * ```
 */
export function resolvePlain(s: string): string | number | boolean | null {
  if (s === '' || s === '~' || s === 'null' || s === 'Null' || s === 'NULL') return null;
  const c = s.charCodeAt(0);
  // only digits, signs, '.', and the letters of true/false/.inf/.nan/0x/0o can start a non-string
  if (!((c >= 48 && c <= 57) || c === 43 || c === 45 || c === 46 || c === 116 || c === 84 || c === 102 || c === 70)) return s;
  if (s === 'true' || s === 'True' || s === 'TRUE') return true;
  if (s === 'false' || s === 'False' || s === 'FALSE') return false;
  if (/^0o[0-7]+$/.test(s)) return parseInt(s.substring(2), 8);
  if (/^[-+]?[0-9]+$/.test(s)) return parseInt(s, 10);
  if (/^0x[0-9a-fA-F]+$/.test(s)) return parseInt(s.substring(2), 16);
  if (/^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/.test(s)) return s.slice(-3).toLowerCase() === 'nan' ? NaN : s[0] === '-' ? -Infinity : Infinity;
  if (/^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/.test(s)) return parseFloat(s);
  if (/^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/.test(s)) return parseFloat(s);
  return s;
}

/**
 * A fast reader for the plain YAML subset tree files are written in: block mappings and
 * sequences (including `- key: value` entries), one-line flow collections (`{ a: 1 }`,
 * `[a, b]`, `'{key}'` and `{key}`), plain / single- / double-quoted one-line scalars and
 * comments. The `yaml` package reads a 1,000-node tree in ~20 ms (its lexer alone takes
 * ~6 ms); this reader takes about a millisecond.
 *
 * It only ever *accepts* what it fully understands: anything else — anchors, tags, block
 * scalars, multi-line scalars or flow collections, tabs, directives, duplicate keys,
 * syntax errors — makes it give up ({@link FAST_UNSUPPORTED}), and the loader reads the
 * text with the `yaml` package instead, which also produces the error messages. A
 * property test checks that whenever this reader succeeds, the `yaml` package reads the
 * same values at the same offsets.
 */
import { resolvePlain, type YMap, type YNode, type YPair, type YScalar, type YSeq } from './ir.ts';

/**
 * Thrown (one shared instance, no stack capture) when the text leaves the fast subset.
 *
 * @example
 * ```ts
 * try { readFast(text); } catch (e) { if (e === FAST_UNSUPPORTED) useTheYamlPackage(); }
 * ```
 */
export const FAST_UNSUPPORTED: { readonly reason: 'outside the fast YAML subset' } = Object.freeze({ reason: 'outside the fast YAML subset' });

function bail(): never {
  throw FAST_UNSUPPORTED;
}

const SP = 32;
const HASH = 35;
const COLON = 58;
const DASH = 45;
const COMMA = 44;
const SQ = 39;
const DQ = 34;
const LBRACE = 123;
const RBRACE = 125;
const LBRACK = 91;
const RBRACK = 93;

/** Characters that may not start a plain scalar (or that we leave to the full parser). */
function isIndicator(c: number): boolean {
  // - ? : , [ ] { } # & * ! | > ' " % @ `
  return c === DASH || c === 63 || c === COLON || c === COMMA || c === LBRACK || c === RBRACK || c === LBRACE || c === RBRACE || c === HASH || c === 38 || c === 42 || c === 33 || c === 124 || c === 62 || c === SQ || c === DQ || c === 37 || c === 64 || c === 96;
}

/** Whether a plain scalar may start at `p` (`-1`, `?x`, `:x` may; `- `, `: ` may not). */
function plainStart(s: string, p: number, e: number, flow: boolean): boolean {
  const c = s.charCodeAt(p);
  if (!isIndicator(c)) return true;
  if (c !== DASH && c !== 63 && c !== COLON) return false;
  if (p + 1 >= e) return false;
  const n = s.charCodeAt(p + 1);
  return n !== SP && !(flow && (n === COMMA || n === LBRACK || n === RBRACK || n === LBRACE || n === RBRACE));
}

class FastReader {
  private readonly starts: number[] = [];
  private readonly ends: number[] = [];
  private li = 0;

  constructor(private readonly s: string) {
    const n = s.length;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      // tabs, stray CR, BOM, control characters: leave to the full parser
      if (c === 9 || c === 0xfeff || (c < 32 && c !== 10 && c !== 13) || c === 0x7f || (c >= 0x80 && c <= 0x9f) || (c >= 0xd800 && c <= 0xdfff)) bail();
    }
    let start = 0;
    for (;;) {
      const nl = s.indexOf('\n', start);
      const endRaw = nl < 0 ? n : nl;
      const end = endRaw > start && s.charCodeAt(endRaw - 1) === 13 ? endRaw - 1 : endRaw;
      for (let i = start; i < end; i++) if (s.charCodeAt(i) === 13) bail();
      this.starts.push(start);
      this.ends.push(end);
      if (nl < 0) break;
      start = nl + 1;
    }
  }

  /** Index of the first non-space character of line `l`, or its end. */
  private first(l: number): number {
    const s = this.s;
    let i = this.starts[l]!;
    const e = this.ends[l]!;
    while (i < e && s.charCodeAt(i) === SP) i++;
    return i;
  }

  private blank(l: number): boolean {
    const f = this.first(l);
    return f === this.ends[l]! || this.s.charCodeAt(f) === HASH;
  }

  private skipBlank(): void {
    while (this.li < this.starts.length && this.blank(this.li)) this.li++;
  }

  private indent(l: number): number {
    return this.first(l) - this.starts[l]!;
  }

  /** True when only spaces or a comment follow `p` on the current line. */
  private restEmpty(p: number): boolean {
    const s = this.s;
    const e = this.ends[this.li]!;
    if (p < e && s.charCodeAt(p) !== SP) return false; // a comment needs a space before '#'
    while (p < e && s.charCodeAt(p) === SP) p++;
    return p === e || s.charCodeAt(p) === HASH;
  }

  private isSeqEntry(p: number): boolean {
    const e = this.ends[this.li]!;
    return this.s.charCodeAt(p) === DASH && (p + 1 === e || this.s.charCodeAt(p + 1) === SP);
  }

  read(): YNode | null {
    this.skipBlank();
    if (this.li >= this.starts.length) return null;
    const f = this.first(this.li);
    const s = this.s;
    if (s.startsWith('---', f) || s.startsWith('...', f) || s.charCodeAt(f) === 37) bail();
    const node = this.blockNode(-1);
    this.skipBlank();
    if (this.li < this.starts.length) bail();
    return node;
  }

  /** A block node starting on the current (non-blank) line, indented more than `parent`. */
  private blockNode(parent: number): YNode {
    const l = this.li;
    const n = this.indent(l);
    if (n <= parent) bail();
    const p = this.starts[l]! + n;
    if (this.isSeqEntry(p)) return this.blockSeq(n);
    if (this.keyEnd(p) >= 0) return this.blockMap(n, p);
    const v = this.inlineValue(p);
    this.li++;
    this.noContinuation(parent);
    return v;
  }

  /** After a one-line value: a following non-blank line indented more than `parent` would continue it. */
  private noContinuation(parent: number): void {
    this.skipBlank();
    if (this.li < this.starts.length && this.indent(this.li) > parent) bail();
  }

  /**
   * If a mapping key starts at `p` on the current line, the offset just past its colon;
   * else -1. Only plain keys without leading indicators and one-line quoted keys qualify.
   */
  private keyEnd(p: number): number {
    const s = this.s;
    const e = this.ends[this.li]!;
    const c = s.charCodeAt(p);
    if (c === SQ || c === DQ) {
      const q = this.quotedEnd(p, e);
      if (q < 0) return -1;
      if (s.charCodeAt(q) === COLON && (q + 1 === e || s.charCodeAt(q + 1) === SP)) return q + 1;
      return -1;
    }
    if (!plainStart(s, p, e, false)) return -1;
    for (let i = p; i < e; i++) {
      const d = s.charCodeAt(i);
      if (d === COLON && (i + 1 === e || s.charCodeAt(i + 1) === SP)) {
        if (s.charCodeAt(i - 1) === SP) bail(); // `key : value`
        return i + 1;
      }
      if (d === HASH && s.charCodeAt(i - 1) === SP) return -1;
    }
    return -1;
  }

  /** Offset just past the closing quote of a quoted scalar starting at `p` (same line), or -1. */
  private quotedEnd(p: number, e: number): number {
    const s = this.s;
    const q = s.charCodeAt(p);
    for (let i = p + 1; i < e; i++) {
      const c = s.charCodeAt(i);
      if (q === SQ && c === SQ) {
        if (s.charCodeAt(i + 1) === SQ && i + 1 < e) {
          i++;
          continue;
        }
        return i + 1;
      }
      if (q === DQ && c === 92) {
        i++;
        continue;
      }
      if (q === DQ && c === DQ) return i + 1;
    }
    return -1;
  }

  private quoted(p: number, e: number): YScalar {
    const s = this.s;
    const end = this.quotedEnd(p, e);
    if (end < 0) bail();
    const raw = s.slice(p + 1, end - 1);
    if (s.charCodeAt(p) === SQ) return { t: 'scalar', value: raw.replace(/''/g, "'"), off: p, end, style: 'single' };
    let value = raw;
    if (raw.includes('\\')) {
      value = raw.replace(/\\(.)/g, (_m, ch: string) => {
        switch (ch) {
          case '\\':
            return '\\';
          case '"':
            return '"';
          case '/':
            return '/';
          case 'n':
            return '\n';
          case 't':
            return '\t';
          default:
            return bail();
        }
      });
    }
    return { t: 'scalar', value, off: p, end, style: 'double' };
  }

  private key(p: number): { key: YScalar; after: number } {
    const s = this.s;
    const e = this.ends[this.li]!;
    const c = s.charCodeAt(p);
    if (c === SQ || c === DQ) {
      const k = this.quoted(p, e);
      return { key: k, after: k.end + 1 };
    }
    const colon = this.keyEnd(p) - 1;
    if (colon < 0) bail();
    const text = s.slice(p, colon);
    return { key: { t: 'scalar', value: resolvePlain(text), off: p, end: colon, style: 'plain' }, after: colon + 1 };
  }

  private blockMap(n: number, p0: number): YMap {
    const items: YPair[] = [];
    const seen = new Set<string>();
    const map: YMap = { t: 'map', items, off: p0 };
    let p = p0;
    for (;;) {
      const { key, after } = this.key(p);
      const kt = String(key.value);
      if (seen.has(kt)) bail();
      seen.add(kt);
      let q = after;
      const e = this.ends[this.li]!;
      while (q < e && this.s.charCodeAt(q) === SP) q++;
      let value: YNode | null;
      if (q === e || this.s.charCodeAt(q) === HASH) {
        this.li++;
        this.skipBlank();
        if (this.li < this.starts.length) {
          const ind = this.indent(this.li);
          if (ind > n) value = this.blockNode(n);
          else if (ind === n && this.isSeqEntry(this.starts[this.li]! + n)) value = this.blockSeq(n);
          else value = null;
        } else value = null;
      } else {
        value = this.inlineValue(q);
        this.li++;
        this.noContinuation(n);
      }
      items.push({ key, value });
      this.skipBlank();
      if (this.li >= this.starts.length) break;
      const ind = this.indent(this.li);
      if (ind < n) break;
      if (ind > n) bail();
      p = this.starts[this.li]! + n;
      if (this.isSeqEntry(p)) bail();
      if (this.keyEnd(p) < 0) bail();
    }
    return map;
  }

  private blockSeq(n: number): YSeq {
    const items: (YNode | null)[] = [];
    const seq: YSeq = { t: 'seq', items, off: this.starts[this.li]! + n };
    for (;;) {
      const dash = this.starts[this.li]! + n;
      const e = this.ends[this.li]!;
      let q = dash + 1;
      while (q < e && this.s.charCodeAt(q) === SP) q++;
      let item: YNode | null;
      if (q === e || this.s.charCodeAt(q) === HASH) {
        this.li++;
        this.skipBlank();
        item = this.li < this.starts.length && this.indent(this.li) > n ? this.blockNode(n) : null;
      } else if (this.isSeqEntry(q)) {
        bail();
      } else if (this.keyEnd(q) >= 0) {
        item = this.blockMap(q - this.starts[this.li]!, q);
      } else {
        item = this.inlineValue(q);
        this.li++;
        this.noContinuation(n);
      }
      items.push(item);
      this.skipBlank();
      if (this.li >= this.starts.length) break;
      const ind = this.indent(this.li);
      if (ind < n) break;
      if (ind > n) bail();
      if (!this.isSeqEntry(this.starts[this.li]! + n)) break;
    }
    return seq;
  }

  /** A scalar or flow collection starting at `p` that must end the current line. */
  private inlineValue(p: number): YNode {
    const s = this.s;
    const e = this.ends[this.li]!;
    const c = s.charCodeAt(p);
    let node: YNode;
    let after: number;
    if (c === SQ || c === DQ) {
      const q = this.quoted(p, e);
      node = q;
      after = q.end;
    } else if (c === LBRACE || c === LBRACK) {
      const r = this.flow(p, e);
      node = r.node;
      after = r.after;
    } else {
      if (!plainStart(s, p, e, false)) bail();
      let i = p;
      let last = p;
      for (; i < e; i++) {
        const d = s.charCodeAt(i);
        if (d === HASH && s.charCodeAt(i - 1) === SP) break;
        if (d === COLON && (i + 1 === e || s.charCodeAt(i + 1) === SP)) bail();
        if (d !== SP) last = i + 1;
      }
      node = { t: 'scalar', value: resolvePlain(s.slice(p, last)), off: p, end: last, style: 'plain' };
      after = last;
    }
    if (!this.restEmpty(after)) bail();
    return node;
  }

  private skipSpaces(p: number, e: number): number {
    while (p < e && this.s.charCodeAt(p) === SP) p++;
    return p;
  }

  /** A one-line flow collection starting at `p`. */
  private flow(p: number, e: number): { node: YNode; after: number } {
    const s = this.s;
    const open = s.charCodeAt(p);
    const close = open === LBRACE ? RBRACE : RBRACK;
    let i = this.skipSpaces(p + 1, e);
    if (open === LBRACK) {
      const items: (YNode | null)[] = [];
      if (s.charCodeAt(i) === RBRACK) return { node: { t: 'seq', items, off: p }, after: i + 1 };
      for (;;) {
        const r = this.flowNode(i, e, false);
        items.push(r.node);
        i = this.skipSpaces(r.after, e);
        if (i >= e) bail();
        const c = s.charCodeAt(i);
        if (c === close) return { node: { t: 'seq', items, off: p }, after: i + 1 };
        if (c !== COMMA) bail();
        i = this.skipSpaces(i + 1, e);
        if (s.charCodeAt(i) === close) bail(); // trailing comma
      }
    }
    const items: YPair[] = [];
    const seen = new Set<string>();
    if (s.charCodeAt(i) === RBRACE) return { node: { t: 'map', items, off: p }, after: i + 1 };
    for (;;) {
      const k = this.flowNode(i, e, true);
      if (k.node.t !== 'scalar') bail();
      const kt = String(k.node.value);
      if (seen.has(kt)) bail();
      seen.add(kt);
      i = this.skipSpaces(k.after, e);
      let value: YNode | null = null;
      if (s.charCodeAt(i) === COLON) {
        i = this.skipSpaces(i + 1, e);
        const c = s.charCodeAt(i);
        if (c !== COMMA && c !== RBRACE) {
          const v = this.flowNode(i, e, false);
          value = v.node;
          i = this.skipSpaces(v.after, e);
        }
      }
      items.push({ key: k.node, value });
      if (i >= e) bail();
      const c = s.charCodeAt(i);
      if (c === close) return { node: { t: 'map', items, off: p }, after: i + 1 };
      if (c !== COMMA) bail();
      i = this.skipSpaces(i + 1, e);
      if (s.charCodeAt(i) === close) bail();
    }
  }

  private flowNode(p: number, e: number, isKey: boolean): { node: YNode; after: number } {
    const s = this.s;
    if (p >= e) bail();
    const c = s.charCodeAt(p);
    if (c === SQ || c === DQ) {
      const q = this.quoted(p, e);
      // a quoted key must be followed by ':' directly or after spaces; values by , } ]
      return { node: q, after: q.end };
    }
    if (c === LBRACE || c === LBRACK) {
      if (isKey) bail();
      return this.flow(p, e);
    }
    if (!plainStart(s, p, e, true)) bail();
    let i = p;
    let last = p;
    for (; i < e; i++) {
      const d = s.charCodeAt(i);
      if (d === COMMA || d === RBRACE || d === RBRACK) break;
      if (d === LBRACE || d === LBRACK || d === HASH) bail();
      if (d === COLON) {
        const n = s.charCodeAt(i + 1);
        if (i + 1 >= e || n === SP || n === COMMA || n === RBRACE || n === RBRACK) {
          if (!isKey) bail(); // `[a: b]` (a pair inside a sequence) — leave to the full parser
          break;
        }
      }
      if (d !== SP) last = i + 1;
    }
    if (last === p) bail();
    return { node: { t: 'scalar', value: resolvePlain(s.slice(p, last)), off: p, end: last, style: 'plain' }, after: last };
  }
}

/**
 * Reads YAML text of the fast subset. Throws {@link FAST_UNSUPPORTED} for anything else.
 *
 * @example
 * ```ts
 * readFast('trees:\n  M:\n    Wait: { durationMs: 10 }\n'); // { t: 'map', items: [ … ], off: 0 }
 * ```
 */
export function readFast(text: string): YNode | null {
  return new FastReader(text).read();
}

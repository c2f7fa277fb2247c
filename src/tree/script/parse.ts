/**
 * Lexer and parser of affect-bt scripts. A hand-written precedence-climbing parser over
 * a small grammar (no `eval`, no function calls, no loops):
 *
 * ```
 * program    := statement (';' statement)* ';'?
 * statement  := key (':=' | '=' | '+=' | '-=' | '*=' | '/=') expr  |  expr
 * expr       := coalesce ('?' expr ':' expr)?
 * coalesce   := or ('??' or)*
 * or         := and ('||' and)*
 * and        := compare ('&&' compare)*
 * compare    := sum (('==' | '!=' | '<' | '<=' | '>' | '>=') sum)?      (not chained)
 * sum        := product (('+' | '-' | '..') product)*
 * product    := unary (('*' | '/' | '%') unary)*
 * unary      := ('-' | '!') unary  |  postfix
 * postfix    := primary ('.' name)*
 * primary    := number | 'string' | "string" | true | false | key | '(' expr ')'
 * key        := name | @name | {key/with/slashes} | {@key}
 * ```
 *
 * It never throws: problems come back as a {@link ScriptProblem} with source offsets.
 * Nesting is bounded (64) so hostile input cannot exhaust the stack.
 */
import type { AssignOp, BinaryOp, Expr, KeyRef, Program, ScriptProblem, Stmt } from './ast.ts';

type TokType = 'num' | 'str' | 'name' | 'key' | 'op' | 'eof';
interface Token {
  type: TokType;
  text: string;
  start: number;
  end: number;
  num?: number;
  str?: string;
  ref?: KeyRef;
}

const MAX_DEPTH = 64;
const MAX_LENGTH = 4096;
const OPS = [':=', '+=', '-=', '*=', '/=', '==', '!=', '<=', '>=', '&&', '||', '??', '..', '=', '<', '>', '+', '-', '*', '/', '%', '!', '?', ':', '(', ')', '.', ';'];
const NAME_START = /[A-Za-z_]/;
const NAME_PART = /[A-Za-z0-9_]/;
const KEY_BODY = /^@?[A-Za-z_][A-Za-z0-9_./:-]*$/;

class ScriptSyntaxError {
  constructor(readonly problem: ScriptProblem) {}
}

function fail(start: number, end: number, message: string, hint?: string): never {
  throw new ScriptSyntaxError(hint === undefined ? { start, end, message } : { start, end, message, hint });
}

function lex(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  const n = src.length;
  while (i < n) {
    const c = src[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
      continue;
    }
    const start = i;
    if (c >= '0' && c <= '9') {
      let text: string;
      if (c === '0' && (src[i + 1] === 'x' || src[i + 1] === 'X')) {
        i += 2;
        while (i < n && /[0-9a-fA-F]/.test(src[i]!)) i++;
        text = src.slice(start, i);
        if (text.length === 2) fail(start, i, `malformed number '${text}'`, 'hex numbers look like 0x1F');
      } else {
        while (i < n && src[i]! >= '0' && src[i]! <= '9') i++;
        if (src[i] === '.' && src[i + 1] !== undefined && src[i + 1]! >= '0' && src[i + 1]! <= '9') {
          i++;
          while (i < n && src[i]! >= '0' && src[i]! <= '9') i++;
        }
        if ((src[i] === 'e' || src[i] === 'E') && /[0-9+-]/.test(src[i + 1] ?? '')) {
          i++;
          if (src[i] === '+' || src[i] === '-') i++;
          const digits = i;
          while (i < n && src[i]! >= '0' && src[i]! <= '9') i++;
          if (i === digits) fail(start, i, `malformed number '${src.slice(start, i)}'`, 'an exponent needs digits, e.g. 1e3');
        }
        text = src.slice(start, i);
      }
      if (i < n && NAME_PART.test(src[i]!)) fail(start, i + 1, `malformed number '${src.slice(start, i + 1)}'`, 'put an operator or a space after a number');
      out.push({ type: 'num', text, start, end: i, num: Number(text) });
      continue;
    }
    if (c === "'" || c === '"') {
      i++;
      let s = '';
      for (;;) {
        if (i >= n) fail(start, n, 'unterminated string', `close it with ${c}`);
        const d = src[i]!;
        if (d === c) {
          i++;
          break;
        }
        if (d === '\\') {
          const e = src[i + 1];
          const map: Record<string, string> = { n: '\n', t: '\t', '\\': '\\', "'": "'", '"': '"' };
          if (e === undefined || map[e] === undefined) fail(i, i + 2, `unknown escape '\\${e ?? ''}' in a string`, "use \\n, \\t, \\\\, \\' or \\\"");
          s += map[e];
          i += 2;
          continue;
        }
        s += d;
        i++;
      }
      out.push({ type: 'str', text: src.slice(start, i), start, end: i, str: s });
      continue;
    }
    if (c === '{') {
      const close = src.indexOf('}', i);
      const body = close < 0 ? '' : src.slice(i + 1, close);
      if (close < 0 || !KEY_BODY.test(body)) {
        fail(start, close < 0 ? n : close + 1, `malformed blackboard key '${close < 0 ? src.slice(i) : src.slice(i, close + 1)}'`, "write a key like {human/ready} (letters, digits, _ . / : -), or @name / {@name} for the root blackboard");
      }
      const root = body.startsWith('@');
      i = close + 1;
      out.push({ type: 'key', text: src.slice(start, i), start, end: i, ref: { name: root ? body.slice(1) : body, root, start, end: i } });
      continue;
    }
    if (NAME_START.test(c) || (c === '@' && NAME_START.test(src[i + 1] ?? ''))) {
      i++;
      while (i < n && NAME_PART.test(src[i]!)) i++;
      const text = src.slice(start, i);
      out.push({ type: 'name', text, start, end: i });
      continue;
    }
    const op = OPS.find((o) => src.startsWith(o, i));
    if (op === undefined) fail(start, start + 1, `unexpected character '${c}'`, 'scripts use names, numbers, quoted strings, {keys} and operators like == && ?? :=');
    i += op.length;
    out.push({ type: 'op', text: op, start, end: i });
  }
  out.push({ type: 'eof', text: 'end of script', start: n, end: n });
  return out;
}

const ASSIGN_OPS = new Set<string>([':=', '=', '+=', '-=', '*=', '/=']);
const COMPARE_OPS = new Set<string>(['==', '!=', '<', '<=', '>', '>=']);

class Parser {
  private pos = 0;
  private depth = 0;
  readonly reads: KeyRef[] = [];
  readonly writes: KeyRef[] = [];
  constructor(private readonly toks: Token[]) {}

  private peek(): Token {
    return this.toks[this.pos]!;
  }
  private next(): Token {
    const t = this.toks[this.pos]!;
    if (t.type !== 'eof') this.pos++;
    return t;
  }
  private isOp(text: string): boolean {
    const t = this.peek();
    return t.type === 'op' && t.text === text;
  }
  private expectOp(text: string, what: string): Token {
    const t = this.peek();
    if (t.type !== 'op' || t.text !== text) fail(t.start, Math.max(t.end, t.start + 1), `expected '${text}' ${what}, got ${describe(t)}`);
    return this.next();
  }

  program(source: string): Program {
    const statements: Stmt[] = [];
    if (this.peek().type === 'eof') fail(0, 0, 'empty script', "write an expression such as `ready == true` or an assignment such as `count := 0`");
    while (this.peek().type !== 'eof') {
      statements.push(this.statement());
      if (this.isOp(';')) {
        while (this.isOp(';')) this.next();
        continue;
      }
      const t = this.peek();
      if (t.type !== 'eof') {
        const hint = ASSIGN_OPS.has(t.text) ? 'only a blackboard key can be assigned, e.g. `count := count + 1`' : 'separate statements with `;`';
        fail(t.start, Math.max(t.end, t.start + 1), `unexpected ${describe(t)}`, hint);
      }
    }
    return { source, statements, reads: this.reads, writes: this.writes };
  }

  private statement(): Stmt {
    const first = this.peek();
    const second = this.toks[this.pos + 1];
    if ((first.type === 'name' || first.type === 'key') && second !== undefined && second.type === 'op' && ASSIGN_OPS.has(second.text)) {
      const target = this.keyRef(first);
      if (target === undefined) fail(first.start, first.end, `cannot assign to '${first.text}'`, 'assign to a blackboard key');
      this.next();
      const opTok = this.next();
      const op = opTok.text as AssignOp;
      if (op !== ':=') this.reads.push(target);
      const value = this.expr();
      this.writes.push(target);
      return { t: 'assign', op, target, value, opStart: opTok.start, start: first.start, end: value.end };
    }
    const expr = this.expr();
    return { t: 'expr', expr, start: expr.start, end: expr.end };
  }

  private keyRef(t: Token): KeyRef | undefined {
    if (t.type === 'key') return t.ref!;
    if (t.type !== 'name' || t.text === 'true' || t.text === 'false') return undefined;
    const root = t.text.startsWith('@');
    return { name: root ? t.text.slice(1) : t.text, root, start: t.start, end: t.end };
  }

  private enter(t: Token): void {
    if (++this.depth > MAX_DEPTH) fail(t.start, t.end, `script nests deeper than ${MAX_DEPTH} levels`, 'split it into simpler statements');
  }

  private expr(): Expr {
    const start = this.peek();
    this.enter(start);
    const test = this.coalesce();
    let out = test;
    if (this.isOp('?')) {
      this.next();
      const then = this.expr();
      this.expectOp(':', 'in `condition ? a : b`');
      const other = this.expr();
      out = { t: 'cond', test, then, else: other, start: test.start, end: other.end };
    }
    this.depth--;
    return out;
  }

  private binaryLevel(ops: readonly string[], sub: () => Expr): Expr {
    let left = sub();
    for (;;) {
      const t = this.peek();
      if (t.type !== 'op' || !ops.includes(t.text)) return left;
      this.next();
      const right = sub();
      left = { t: 'binary', op: t.text as BinaryOp, left, right, opStart: t.start, start: left.start, end: right.end };
    }
  }

  private coalesce(): Expr {
    return this.binaryLevel(['??'], () => this.or());
  }
  private or(): Expr {
    return this.binaryLevel(['||'], () => this.and());
  }
  private and(): Expr {
    return this.binaryLevel(['&&'], () => this.compare());
  }
  private compare(): Expr {
    const left = this.sum();
    const t = this.peek();
    if (t.type !== 'op' || !COMPARE_OPS.has(t.text)) return left;
    this.next();
    const right = this.sum();
    const after = this.peek();
    if (after.type === 'op' && COMPARE_OPS.has(after.text)) fail(after.start, after.end, 'comparisons cannot be chained', 'combine them with &&, e.g. `0 < x && x < 5`');
    return { t: 'binary', op: t.text as BinaryOp, left, right, opStart: t.start, start: left.start, end: right.end };
  }
  private sum(): Expr {
    return this.binaryLevel(['+', '-', '..'], () => this.product());
  }
  private product(): Expr {
    return this.binaryLevel(['*', '/', '%'], () => this.unary());
  }
  private unary(): Expr {
    const t = this.peek();
    if (t.type === 'op' && (t.text === '-' || t.text === '!')) {
      this.next();
      this.enter(t);
      const arg = this.unary();
      this.depth--;
      return { t: 'unary', op: t.text, arg, start: t.start, end: arg.end };
    }
    return this.postfix();
  }
  private postfix(): Expr {
    let e = this.primary();
    while (this.isOp('.')) {
      this.next();
      const f = this.peek();
      if (f.type !== 'name' || f.text.startsWith('@')) fail(f.start, Math.max(f.end, f.start + 1), `expected a field name after '.', got ${describe(f)}`, 'e.g. `affect.confidence`');
      this.next();
      e = { t: 'member', object: e, field: f.text, start: e.start, end: f.end };
    }
    return e;
  }
  private primary(): Expr {
    const t = this.next();
    switch (t.type) {
      case 'num':
        if (!Number.isFinite(t.num!)) fail(t.start, t.end, `number '${t.text}' is out of range`);
        return { t: 'lit', value: t.num!, start: t.start, end: t.end };
      case 'str':
        return { t: 'lit', value: t.str!, start: t.start, end: t.end };
      case 'name':
      case 'key': {
        if (t.text === 'true' || t.text === 'false') return { t: 'lit', value: t.text === 'true', start: t.start, end: t.end };
        const ref = this.keyRef(t)!;
        this.reads.push(ref);
        return { t: 'key', ref, start: t.start, end: t.end };
      }
      case 'op':
        if (t.text === '(') {
          const e = this.expr();
          const close = this.expectOp(')', 'to close (');
          return { ...e, start: t.start, end: close.end };
        }
        return fail(t.start, t.end, `unexpected ${describe(t)}`, ASSIGN_OPS.has(t.text) ? 'an assignment needs a blackboard key on its left' : 'expected a value: a number, a quoted string, true/false, a key or (…)');
      case 'eof':
        return fail(t.start, t.end, 'script ends too early', 'an operator is missing its right-hand side');
    }
  }
}

function describe(t: Token): string {
  return t.type === 'eof' ? 'the end of the script' : `'${t.text}'`;
}

/** Result of {@link parseScript}. */
export type ParseResult = { ok: true; program: Program } | { ok: false; problem: ScriptProblem };

/**
 * Parses a script. Never throws.
 *
 * @example
 * ```ts
 * const r = parseScript("attempts := attempts + 1; attempts < 3");
 * r.ok && r.program.writes.map((k) => k.name); // ['attempts']
 * parseScript('a ==').ok; // false: "script ends too early"
 * ```
 */
export function parseScript(source: string): ParseResult {
  try {
    if (typeof source !== 'string') return { ok: false, problem: { start: 0, end: 0, message: 'a script must be a string' } };
    if (source.length > MAX_LENGTH) return { ok: false, problem: { start: MAX_LENGTH, end: source.length, message: `script is longer than ${MAX_LENGTH} characters`, hint: 'move the logic into a node' } };
    const p = new Parser(lex(source));
    return { ok: true, program: p.program(source) };
  } catch (err) {
    if (err instanceof ScriptSyntaxError) return { ok: false, problem: err.problem };
    return { ok: false, problem: { start: 0, end: 0, message: `internal script parser error: ${err instanceof Error ? err.message : String(err)}` } };
  }
}

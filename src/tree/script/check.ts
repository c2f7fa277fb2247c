/**
 * Load-time type check of a parsed script against the blackboard key types known for
 * the tree (typed node ports, the fixed keys, subtree port declarations and what other
 * scripts assign). Mixing types (`ready + 1`, `count == 'three'`, assigning a string to
 * a number key) is a load error with the exact position; values whose type is not known
 * before run time (`any`) are checked when the script runs.
 */
import type { Expr, KeyRef, Program, ScriptProblem, ValueType } from './ast.ts';

/** What the checker knows about keys. */
export interface TypeEnv {
  /** The type of a key as the script names it; `any` when unknown. */
  typeOf(ref: KeyRef): ValueType;
  /** Records that the script assigns a value of `type` to `ref`; returns a message when that conflicts with the key's type. */
  assign(ref: KeyRef, type: ValueType): string | undefined;
}

const ARITH = new Set(['-', '*', '/', '%']);
const ORDER = new Set(['<', '<=', '>', '>=']);

function problem(e: { start: number; end: number }, message: string, hint?: string): ScriptProblem {
  return hint === undefined ? { start: e.start, end: e.end, message } : { start: e.start, end: e.end, message, hint };
}

function nameOf(e: Expr): string {
  if (e.t === 'key') return `'${e.ref.name}'`;
  if (e.t === 'member') return `'${nameOf(e.object).replace(/'/g, '')}.${e.field}'`;
  if (e.t === 'lit') return typeof e.value === 'string' ? JSON.stringify(e.value) : String(e.value);
  return 'the expression';
}

class Checker {
  readonly problems: ScriptProblem[] = [];
  constructor(private readonly env: TypeEnv) {}

  private need(e: Expr, t: ValueType, want: ValueType, op: string): void {
    if (t !== 'any' && t !== want) this.problems.push(problem(e, `'${op}' needs a ${want}, but ${nameOf(e)} is a ${t}`, hintFor(want)));
  }

  expr(e: Expr): ValueType {
    switch (e.t) {
      case 'lit':
        return typeof e.value as ValueType;
      case 'key':
        return this.env.typeOf(e.ref);
      case 'member': {
        const o = this.expr(e.object);
        if (o !== 'any' && o !== 'object') this.problems.push(problem(e, `${nameOf(e.object)} is a ${o}; only objects have fields like '.${e.field}'`));
        return 'any';
      }
      case 'unary': {
        const t = this.expr(e.arg);
        if (e.op === '-') {
          this.need(e.arg, t, 'number', '-');
          return 'number';
        }
        this.need(e.arg, t, 'boolean', '!');
        return 'boolean';
      }
      case 'cond': {
        this.need(e.test, this.expr(e.test), 'boolean', '? :');
        const a = this.expr(e.then);
        const b = this.expr(e.else);
        return a === b ? a : 'any';
      }
      case 'binary': {
        const l = this.expr(e.left);
        const r = this.expr(e.right);
        const op = e.op;
        if (op === '+' || ARITH.has(op)) {
          this.need(e.left, l, 'number', op);
          this.need(e.right, r, 'number', op);
          return 'number';
        }
        if (op === '..') return 'string';
        if (op === '&&' || op === '||') {
          this.need(e.left, l, 'boolean', op);
          this.need(e.right, r, 'boolean', op);
          return 'boolean';
        }
        if (op === '??') return l === r ? l : l === 'any' ? r === 'any' ? 'any' : r : l;
        // comparisons
        if (l !== 'any' && r !== 'any' && l !== r) {
          this.problems.push({ start: e.start, end: e.end, message: `cannot compare ${nameOf(e.left)} (${l}) with ${nameOf(e.right)} (${r})`, hint: 'compare values of one type' });
        } else if (ORDER.has(op)) {
          const t = l === 'any' ? r : l;
          if (t === 'boolean' || t === 'object') this.problems.push(problem(e, `'${op}' compares numbers or strings, not ${t}s`));
        } else if (l === 'object' || r === 'object') {
          this.problems.push(problem(e, `'${op}' cannot compare objects`, 'compare one of their fields, e.g. `pacing.speedScale == 1`'));
        }
        return 'boolean';
      }
    }
  }

  program(p: Program): ValueType {
    let last: ValueType = 'any';
    for (const s of p.statements) {
      if (s.t === 'expr') {
        last = this.expr(s.expr);
        continue;
      }
      const v = this.expr(s.value);
      if (s.op === ':=' || s.op === '=') {
        const msg = this.env.assign(s.target, v);
        if (msg !== undefined) this.problems.push({ start: s.start, end: s.end, message: msg, hint: 'a key keeps one type; use another key' });
      } else {
        const opName = s.op;
        const cur = this.env.typeOf(s.target);
        this.need(s.value, v, 'number', opName);
        if (cur !== 'any' && cur !== 'number') {
          this.problems.push({ start: s.target.start, end: s.target.end, message: `'${opName}' updates a number, but '${s.target.name}' is a ${cur}` });
        } else {
          const msg = this.env.assign(s.target, 'number');
          if (msg !== undefined) this.problems.push({ start: s.start, end: s.end, message: msg });
        }
      }
      last = 'any';
    }
    return last;
  }
}

function hintFor(t: ValueType): string {
  return t === 'boolean' ? 'use a comparison such as `x == 1` or a true/false key' : t === 'number' ? 'use a number or a number key' : `use a ${t}`;
}

/**
 * Type-checks a script; `want: 'boolean'` for conditions (`_skipIf`, Precondition's `if`, …).
 *
 * @example
 * ```ts
 * const p = parseScript('ready + 1');
 * if (p.ok) checkScript(p.program, { typeOf: () => 'boolean', assign: () => undefined });
 * // [{ start: 0, end: 5, message: "'+' needs a number, but 'ready' is a boolean", … }]
 * ```
 */
export function checkScript(program: Program, env: TypeEnv, want?: 'boolean'): ScriptProblem[] {
  const c = new Checker(env);
  const t = c.program(program);
  const last = program.statements[program.statements.length - 1]!;
  if (want === 'boolean' && last.t === 'assign') {
    c.problems.push({ start: last.start, end: last.end, message: 'a condition must end with a test, not an assignment', hint: 'e.g. `count := count + 1; count >= 3`' });
  } else if (want === 'boolean' && t !== 'any' && t !== 'boolean') {
    c.problems.push({ start: last.start, end: last.end, message: `a condition must be true or false, but this is a ${t}`, hint: 'compare it, e.g. `count > 0`' });
  }
  return c.problems;
}

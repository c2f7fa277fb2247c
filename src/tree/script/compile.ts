/**
 * Compiles a checked script into closures over a node's blackboard window (no `eval`,
 * no `Function`). Evaluation allocates nothing unless the script builds strings (`..`)
 * or does floating-point arithmetic.
 *
 * Values are numbers, strings, booleans, objects (read-only, for `.field`) or
 * *unknown* — a key that is missing or stale reads as unknown ("stale is unknown").
 * Unknown propagates: arithmetic and comparisons with it are unknown, `&&` / `||` use
 * three-valued logic (`false && unknown` is false, `true || unknown` is true), `a ?? b`
 * replaces it, and a condition that ends unknown counts as false. Type errors that the
 * load-time check could not see (keys of unknown type) throw a {@link ScriptError} when
 * the script runs; so does writing an unknown value, `=` on a key that does not exist
 * (never written, and no port or remapping of the tree uses it),
 * and arithmetic that is not finite (division by zero).
 */
import type { BlackboardAccess } from '../../core/blackboard.ts';
import type { Expr, KeyRef, Program, Stmt } from './ast.ts';

/** A runtime value of a script; `undefined` is *unknown*. */
export type Value = number | string | boolean | object | undefined;
type Ev = () => Value;

/**
 * A script failed while running.
 *
 * @example
 * ```ts
 * new ScriptError('count += 1', "'count' has no value to add to");
 * ```
 */
export class ScriptError extends Error {
  override name = 'ScriptError';
  constructor(
    readonly source: string,
    detail: string,
  ) {
    super(`script \`${source}\`: ${detail}`);
  }
}

/** What compiling needs: how script keys map to blackboard keys, and the node's window. */
export interface CompileEnv {
  /** The blackboard key a script key resolves to (subtree scopes, remapping, `@`). */
  key(ref: KeyRef): string;
  io: BlackboardAccess;
  /** Whether a key exists before it has a value (a port or remapping of the tree uses it); `=` needs an existing key. */
  exists?(key: string): boolean;
}

/** A compiled script. */
export interface CompiledScript {
  readonly source: string;
  /** Runs every statement; the last statement's value (an assignment's value is unknown). */
  value(): Value;
  /** Runs it for its effects. */
  run(): void;
  /** Runs it as a condition: true only when its value is `true` (unknown is false). */
  test(): boolean;
}

class Compiled implements CompiledScript {
  constructor(
    readonly source: string,
    private readonly fn: Ev,
  ) {}
  value(): Value {
    return this.fn();
  }
  run(): void {
    this.fn();
  }
  test(): boolean {
    return this.fn() === true;
  }
}

function kind(v: Value): string {
  return v === undefined ? 'unknown' : v === null ? 'null' : Array.isArray(v) ? 'list' : typeof v;
}

function finite(src: string, n: number, op: string): number {
  if (!Number.isFinite(n)) throw new ScriptError(src, op === '/' || op === '%' ? 'division by zero' : `'${op}' gave ${n}, not a finite number`);
  return n;
}

function compileExpr(e: Expr, env: CompileEnv, src: string): Ev {
  switch (e.t) {
    case 'lit': {
      const v = e.value;
      return () => v;
    }
    case 'key': {
      const k = env.key(e.ref);
      const io = env.io;
      return () => io.get<Value>(k);
    }
    case 'member': {
      const obj = compileExpr(e.object, env, src);
      const f = e.field;
      return () => {
        const o = obj();
        if (o === undefined || o === null || typeof o !== 'object') {
          if (o === undefined) return undefined;
          throw new ScriptError(src, `'.${f}' needs an object, got ${kind(o)}`);
        }
        if (!Object.prototype.hasOwnProperty.call(o, f)) return undefined;
        const v = (o as Record<string, unknown>)[f];
        return typeof v === 'function' || v === null ? undefined : (v as Value);
      };
    }
    case 'unary': {
      const a = compileExpr(e.arg, env, src);
      if (e.op === '-') {
        return () => {
          const v = a();
          if (v === undefined) return undefined;
          if (typeof v !== 'number') throw new ScriptError(src, `'-' needs a number, got ${kind(v)}`);
          return -v;
        };
      }
      return () => {
        const v = a();
        if (v === undefined) return undefined;
        if (typeof v !== 'boolean') throw new ScriptError(src, `'!' needs true or false, got ${kind(v)}`);
        return !v;
      };
    }
    case 'cond': {
      const c = compileExpr(e.test, env, src);
      const a = compileExpr(e.then, env, src);
      const b = compileExpr(e.else, env, src);
      return () => {
        const v = c();
        if (v === undefined) return undefined;
        if (typeof v !== 'boolean') throw new ScriptError(src, `'? :' needs true or false, got ${kind(v)}`);
        return v ? a() : b();
      };
    }
    case 'binary':
      return compileBinary(e.op, compileExpr(e.left, env, src), compileExpr(e.right, env, src), src);
  }
}

function compileBinary(op: string, l: Ev, r: Ev, src: string): Ev {
  const nums = (a: Value, b: Value): void => {
    if (typeof a !== 'number' || typeof b !== 'number') throw new ScriptError(src, `'${op}' needs numbers, got ${kind(a)} and ${kind(b)}`);
  };
  switch (op) {
    case '&&':
      return () => {
        const a = l();
        if (a === false) return false;
        if (a !== true && a !== undefined) throw new ScriptError(src, `'&&' needs true or false, got ${kind(a)}`);
        const b = r();
        if (b !== true && b !== false && b !== undefined) throw new ScriptError(src, `'&&' needs true or false, got ${kind(b)}`);
        return b === false ? false : a === undefined || b === undefined ? undefined : true;
      };
    case '||':
      return () => {
        const a = l();
        if (a === true) return true;
        if (a !== false && a !== undefined) throw new ScriptError(src, `'||' needs true or false, got ${kind(a)}`);
        const b = r();
        if (b !== true && b !== false && b !== undefined) throw new ScriptError(src, `'||' needs true or false, got ${kind(b)}`);
        return b === true ? true : a === undefined || b === undefined ? undefined : false;
      };
    case '??':
      return () => {
        const a = l();
        return a === undefined ? r() : a;
      };
    case '..':
      return () => {
        const a = l();
        const b = r();
        if (a === undefined || b === undefined) return undefined;
        if (typeof a === 'object' || typeof b === 'object') throw new ScriptError(src, `'..' joins numbers, strings and booleans, got ${kind(a)} and ${kind(b)}`);
        return String(a) + String(b);
      };
    case '+':
      return () => {
        const a = l();
        const b = r();
        if (a === undefined || b === undefined) return undefined;
        nums(a, b);
        return finite(src, (a as number) + (b as number), op);
      };
    case '-':
      return () => {
        const a = l();
        const b = r();
        if (a === undefined || b === undefined) return undefined;
        nums(a, b);
        return finite(src, (a as number) - (b as number), op);
      };
    case '*':
      return () => {
        const a = l();
        const b = r();
        if (a === undefined || b === undefined) return undefined;
        nums(a, b);
        return finite(src, (a as number) * (b as number), op);
      };
    case '/':
      return () => {
        const a = l();
        const b = r();
        if (a === undefined || b === undefined) return undefined;
        nums(a, b);
        return finite(src, (a as number) / (b as number), op);
      };
    case '%':
      return () => {
        const a = l();
        const b = r();
        if (a === undefined || b === undefined) return undefined;
        nums(a, b);
        return finite(src, (a as number) % (b as number), op);
      };
    default:
      return compileCompare(op, l, r, src);
  }
}

function compileCompare(op: string, l: Ev, r: Ev, src: string): Ev {
  const same = (a: Value, b: Value): void => {
    const ta = typeof a;
    if (ta !== typeof b || ta === 'object') throw new ScriptError(src, `cannot compare ${kind(a)} with ${kind(b)} using '${op}'`);
    if (op !== '==' && op !== '!=' && ta === 'boolean') throw new ScriptError(src, `'${op}' compares numbers or strings, not booleans`);
  };
  switch (op) {
    case '==':
      return () => {
        const a = l();
        const b = r();
        if (a === undefined || b === undefined) return undefined;
        same(a, b);
        return a === b;
      };
    case '!=':
      return () => {
        const a = l();
        const b = r();
        if (a === undefined || b === undefined) return undefined;
        same(a, b);
        return a !== b;
      };
    case '<':
      return () => {
        const a = l();
        const b = r();
        if (a === undefined || b === undefined) return undefined;
        same(a, b);
        return (a as number) < (b as number);
      };
    case '<=':
      return () => {
        const a = l();
        const b = r();
        if (a === undefined || b === undefined) return undefined;
        same(a, b);
        return (a as number) <= (b as number);
      };
    case '>':
      return () => {
        const a = l();
        const b = r();
        if (a === undefined || b === undefined) return undefined;
        same(a, b);
        return (a as number) > (b as number);
      };
    default:
      return () => {
        const a = l();
        const b = r();
        if (a === undefined || b === undefined) return undefined;
        same(a, b);
        return (a as number) >= (b as number);
      };
  }
}

function compileStmt(s: Stmt, env: CompileEnv, src: string): Ev {
  if (s.t === 'expr') return compileExpr(s.expr, env, src);
  const k = env.key(s.target);
  const name = s.target.name;
  const io = env.io;
  const v = compileExpr(s.value, env, src);
  const write = (x: Value): Value => {
    if (x === undefined) throw new ScriptError(src, `cannot write an unknown value (a missing or stale key) to '${name}'; give a default with ??`);
    io.set(k, x);
    return undefined;
  };
  switch (s.op) {
    case ':=':
      return () => write(v());
    case '=':
      return () => {
        if (io.entry(k) === undefined && env.exists?.(k) !== true) throw new ScriptError(src, `blackboard key '${name}' does not exist yet; create it with ':=' instead of '='`);
        return write(v());
      };
    default: {
      const op = s.op[0]!;
      return () => {
        const cur = io.get<Value>(k);
        if (typeof cur !== 'number') throw new ScriptError(src, `'${s.op}' needs a number in '${name}', got ${kind(cur)}`);
        const x = v();
        if (typeof x !== 'number') throw new ScriptError(src, `'${s.op}' needs a number, got ${kind(x)}`);
        const n = op === '+' ? cur + x : op === '-' ? cur - x : op === '*' ? cur * x : cur / x;
        return write(finite(src, n, op));
      };
    }
  }
}

/**
 * Compiles a parsed (and checked) script for one node.
 *
 * @example
 * ```ts
 * const p = parseScript('count := (count ?? 0) + 1');
 * const s = p.ok ? compileScript(p.program, { key: (r) => r.name, io }) : undefined;
 * s?.run(); // count is 1
 * ```
 */
export function compileScript(program: Program, env: CompileEnv): CompiledScript {
  const src = program.source.trim();
  const fns = program.statements.map((s) => compileStmt(s, env, src));
  if (fns.length === 1) return new Compiled(src, fns[0]!);
  const n = fns.length;
  return new Compiled(src, () => {
    for (let i = 0; i < n - 1; i++) fns[i]!();
    return fns[n - 1]!();
  });
}

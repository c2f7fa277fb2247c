/**
 * Syntax tree of affect-bt scripts (the small expression language of `_skipIf`,
 * `_onSuccess`, `Script`, `Precondition` …). Every node keeps its source span so that
 * load-time errors point at the exact `file:line:col`.
 */

/** A blackboard key as written in a script: `name`, `{name}` or `@name` / `{@name}` (root scope). */
export interface KeyRef {
  /** The key as written, without braces and `@`. */
  name: string;
  /** Written with `@`: the root blackboard's key, whatever subtree the script is in. */
  root: boolean;
  start: number;
  end: number;
}

/** Value kinds a script works with; `any` = not known before run time. */
export type ValueType = 'number' | 'string' | 'boolean' | 'object' | 'any';

/** Binary operators. */
export type BinaryOp = '+' | '-' | '*' | '/' | '%' | '..' | '==' | '!=' | '<' | '<=' | '>' | '>=' | '&&' | '||' | '??';
/** Assignment operators: `:=` writes (creating the entry), `=` needs an existing entry, the rest update a number. */
export type AssignOp = ':=' | '=' | '+=' | '-=' | '*=' | '/=';

/** An expression. */
export type Expr =
  | { t: 'lit'; value: number | string | boolean; start: number; end: number }
  | { t: 'key'; ref: KeyRef; start: number; end: number }
  | { t: 'member'; object: Expr; field: string; start: number; end: number }
  | { t: 'unary'; op: '-' | '!'; arg: Expr; start: number; end: number }
  | { t: 'binary'; op: BinaryOp; left: Expr; right: Expr; opStart: number; start: number; end: number }
  | { t: 'cond'; test: Expr; then: Expr; else: Expr; start: number; end: number };

/** A statement: an expression, or an assignment to a blackboard key. */
export type Stmt = { t: 'expr'; expr: Expr; start: number; end: number } | { t: 'assign'; op: AssignOp; target: KeyRef; value: Expr; opStart: number; start: number; end: number };

/** A parsed script: statements separated by `;`; its value is the last statement's. */
export interface Program {
  source: string;
  statements: Stmt[];
  /** Every key read (in source order; assignments with `=`, `+=` … read their target too). */
  reads: KeyRef[];
  /** Every key assigned. */
  writes: KeyRef[];
}

/** A problem in a script, located by offsets into its source. */
export interface ScriptProblem {
  start: number;
  end: number;
  message: string;
  hint?: string;
}

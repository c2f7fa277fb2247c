/**
 * affect-bt scripts: the small, safe expression language of pre/post conditions
 * (`_skipIf`, `_while`, `_onSuccess`, …) and of the `Script`, `ScriptCondition` and
 * `Precondition` nodes, after BehaviorTree.CPP's scripting language. Parsed and
 * type-checked when the tree is loaded (errors are `file:line:col`), compiled to
 * closures when it is built, never `eval`ed. See docs/trees.md "Scripts".
 *
 * @example
 * ```ts
 * import { parseScript, checkScript, compileScript } from './script/index.ts';
 * const p = parseScript('attempts := (attempts ?? 0) + 1');
 * ```
 */
export type { KeyRef, ValueType, Program, Expr, Stmt, ScriptProblem, AssignOp, BinaryOp } from './ast.ts';
export { parseScript } from './parse.ts';
export type { ParseResult } from './parse.ts';
export { checkScript } from './check.ts';
export type { TypeEnv } from './check.ts';
export { compileScript, ScriptError } from './compile.ts';
export type { CompiledScript, CompileEnv, Value } from './compile.ts';

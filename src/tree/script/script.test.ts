// affect-bt scripts: parsing (errors with offsets, never a throw), load-time type checks
// against key types, three-valued "unknown" for missing or stale keys, run-time errors,
// and — through the loader — file:line:col diagnostics and random input only ever
// giving a load error.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Blackboard } from '../../core/blackboard.ts';
import { VirtualClock } from '../../core/clock.ts';
import { loadTreeText, TreeLoadError, treeHarness } from '../index.ts';
import { checkScript, compileScript, parseScript, type Value, type ValueType } from './index.ts';

function run(src: string, values: Record<string, unknown> = {}, opts: { staleKeys?: string[] } = {}): Value {
  const clock = new VirtualClock(1_000_000);
  const bb = new Blackboard({ clock });
  for (const [k, v] of Object.entries(values)) bb.set(k, v, { source: 'test', maxAgeMs: opts.staleKeys?.includes(k) ? 10 : Infinity, timestamp: opts.staleKeys?.includes(k) ? 0 : undefined });
  const p = parseScript(src);
  if (!p.ok) throw new Error(p.problem.message);
  const keys = [...p.program.reads, ...p.program.writes].map((r) => r.name);
  return compileScript(p.program, { key: (r) => r.name, io: bb.access('test', { reads: keys, writes: keys }) }).value();
}

function problem(src: string): string {
  const p = parseScript(src);
  if (p.ok) throw new Error(`expected a syntax error in ${src}`);
  return `${p.problem.start}: ${p.problem.message}`;
}

function types(src: string, known: Record<string, ValueType> = {}, want?: 'boolean'): string[] {
  const p = parseScript(src);
  if (!p.ok) throw new Error(p.problem.message);
  const t: Record<string, ValueType> = { ...known };
  return checkScript(p.program, { typeOf: (r) => t[r.name] ?? 'any', assign: (r, v) => (t[r.name] && t[r.name] !== v && v !== 'any' ? `'${r.name}' is a ${t[r.name]}` : ((t[r.name] ??= v), undefined)) }, want).map((x) => `${x.start}: ${x.message}`);
}

describe('parseScript', () => {
  it('parses statements, keys in every spelling, and the value of the last statement', () => {
    const p = parseScript("a := 1; {human/ready} == true && @mode != 'off'; b = a.x ?? 2");
    expect(p.ok).toBe(true);
    if (!p.ok) return;
    expect(p.program.statements).toHaveLength(3);
    expect(p.program.reads.map((r) => `${r.root ? '@' : ''}${r.name}`)).toEqual(['human/ready', '@mode', 'b', 'a']);
    expect(p.program.writes.map((r) => r.name)).toEqual(['a', 'b']);
  });

  it('reports syntax errors with their offset, never throwing', () => {
    expect(problem('a ==')).toBe('4: script ends too early');
    expect(problem('a == == b')).toBe("5: unexpected '=='");
    expect(problem('1 < x < 3')).toBe('6: comparisons cannot be chained');
    expect(problem("x := 'open")).toBe('5: unterminated string');
    expect(problem('{human ready}')).toMatch(/^0: malformed blackboard key/);
    expect(problem('3 := x')).toBe("2: unexpected ':='");
    expect(problem('a $ b')).toBe("2: unexpected character '$'");
    expect(problem('12abc')).toBe("0: malformed number '12a'");
    expect(problem('')).toBe('0: empty script');
    expect(problem('('.repeat(100) + '1' + ')'.repeat(100))).toMatch(/nests deeper than 64/);
    expect(problem('x := 1 x := 2')).toBe("7: unexpected 'x'");
  });

  it('never throws on random input', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 60 }), fc.string({ unit: fc.constantFrom('a', '1', ' ', '=', ':', '&', '|', '!', '(', ')', '{', '}', '@', "'", '.', '?', '+', '-', ';'), maxLength: 40 })), (s) => {
        const r = parseScript(s);
        if (!r.ok) expect(r.problem.start).toBeGreaterThanOrEqual(0);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('checkScript (load-time types)', () => {
  it('rejects mixed types where the key types are known, and accepts what it cannot know', () => {
    expect(types('ready + 1', { ready: 'boolean' })).toEqual(["0: '+' needs a number, but 'ready' is a boolean"]);
    expect(types("count == 'three'", { count: 'number' })).toEqual(["0: cannot compare 'count' (number) with \"three\" (string)"]);
    expect(types('!count', { count: 'number' })).toEqual(["1: '!' needs a boolean, but 'count' is a number"]);
    expect(types('a < b', { a: 'boolean', b: 'boolean' })).toEqual(["0: '<' compares numbers or strings, not booleans"]);
    expect(types('p == q', { p: 'object', q: 'object' })).toEqual(["0: '==' cannot compare objects"]);
    expect(types('unknownKey + 1')).toEqual([]);
    expect(types("a := 1; a := 'x'")).toEqual(["8: 'a' is a number"]);
    expect(types('x += 1', { x: 'string' })).toEqual(["0: '+=' updates a number, but 'x' is a string"]);
  });

  it('conditions must end in a test', () => {
    expect(types('count + 1', { count: 'number' }, 'boolean')).toEqual(['0: a condition must be true or false, but this is a number']);
    expect(types('count := 1', {}, 'boolean')).toEqual(['0: a condition must end with a test, not an assignment']);
    expect(types('count := count + 1; count >= 3', { count: 'number' }, 'boolean')).toEqual([]);
  });
});

describe('compiled scripts', () => {
  it('evaluates arithmetic, comparisons, logic, strings, members and assignments', () => {
    expect(run('1 + 2 * 3 - 4 / 2 % 3')).toBe(5);
    expect(run('(1.0 + 0.1) == 1.1')).toBe(true);
    expect(run("'a' .. 1 .. true")).toBe('a1true');
    expect(run('x > 2 ? "big" : "small"', { x: 3 })).toBe('big');
    expect(run('p.speedScale < 1', { p: { speedScale: 0.6 } })).toBe(true);
    expect(run('p.constructor', { p: {} })).toBeUndefined(); // own fields only
    expect(run('n := 2; n *= 3; n -= 1; n')).toBe(5);
    expect(run('0x1F + 1e1')).toBe(41);
  });

  it('missing or stale keys are unknown: comparisons are unknown, && and || use three-valued logic, ?? gives a default', () => {
    expect(run('x == 1')).toBeUndefined();
    expect(run('x == 1', { x: 1 }, { staleKeys: ['x'] })).toBeUndefined();
    expect(run('false && x == 1')).toBe(false);
    expect(run('true || x == 1')).toBe(true);
    expect(run('true && x == 1')).toBeUndefined();
    expect(run('!(x == 1)')).toBeUndefined();
    expect(run('(x ?? 7) + 1')).toBe(8);
  });

  it('run-time errors name the script and the problem', () => {
    expect(() => run('x + 1', { x: 'a' })).toThrow("script `x + 1`: '+' needs numbers, got string and number");
    expect(() => run('1 / 0')).toThrow('script `1 / 0`: division by zero');
    expect(() => run('y := x')).toThrow("cannot write an unknown value (a missing or stale key) to 'y'; give a default with ??");
    expect(() => run('y = 1')).toThrow("blackboard key 'y' does not exist yet; create it with ':=' instead of '='");
    expect(() => run('x == 1', { x: true })).toThrow('cannot compare boolean with number');
    expect(() => run('x && true', { x: 1 })).toThrow("'&&' needs true or false, got number");
  });
});

describe('scripts in tree files', () => {
  const diags = (yaml: string) => {
    try {
      loadTreeText(yaml, 's.yaml');
    } catch (e) {
      if (e instanceof TreeLoadError) return e.message.split('\n');
      throw e;
    }
    return [];
  };

  it('syntax and type errors point at file:line:col inside the script', () => {
    expect(diags("trees:\n  M:\n    Sequence:\n      children:\n        - Script: { code: 'count := 0' }\n        - ControllerAvailable: { _skipIf: 'count >= ' }\n")).toEqual([
      's.yaml:6:53: _skipIf of ControllerAvailable: script ends too early (hint: an operator is missing its right-hand side)',
    ]);
    expect(diags("trees:\n  M:\n    Sequence:\n      children:\n        - Script: { code: 'count := 0' }\n        - ScriptCondition: { code: \"count == 'a'\" }\n")).toEqual([
      "s.yaml:6:37: code of ScriptCondition: cannot compare 'count' (number) with \"a\" (string) (hint: compare values of one type)",
    ]);
    expect(diags('trees:\n  M:\n    WaitForHumanReady: { _while: "{@human/ready} + 1" }\n')[0]).toBe(
      "s.yaml:3:35: _while of WaitForHumanReady: '+' needs a number, but 'human/ready' is a boolean (hint: use a number or a number key)",
    );
  });

  it('a script is never eval-ed: code that would run in JavaScript is only a syntax error', () => {
    expect(diags("trees:\n  M:\n    Script: { code: 'process.exit(1)' }\n")[0]).toBe("s.yaml:3:34: port 'code' of Script: unexpected '(' (hint: separate statements with `;`)");
    expect(diags('trees:\n  M:\n    Script: { code: "`${1}`" }\n')[0]).toMatch(/^s\.yaml:3:22: port 'code' of Script: unexpected character '`'/);
  });

  it('random scripts on every condition only ever give TreeLoadError', () => {
    fc.assert(
      fc.property(fc.constantFrom('_skipIf', '_while', '_successIf', '_failureIf', '_onSuccess', '_post'), fc.string({ maxLength: 30 }), (attr, code) => {
        const yaml = `trees:\n  M:\n    Sequence:\n      children:\n        - Script: { code: 'n := 1' }\n        - ControllerAvailable: { ${attr}: ${JSON.stringify(code)} }\n`;
        try {
          loadTreeText(yaml, 'fuzz.yaml');
        } catch (e) {
          if (!(e instanceof TreeLoadError)) throw e;
        }
      }),
      { numRuns: 500 },
    );
  });

  it('a condition that runs into a type error at run time fails the tick with the node named', () => {
    const h = treeHarness("trees:\n  M:\n    ControllerAvailable: { name: check, _skipIf: 'mode == 1' }\n");
    h.blackboard.set('mode', 'off', { source: 'test' });
    expect(h.runner.tick()).toBe('FAILURE');
    expect(h.runner.lastError?.message).toBe('ControllerAvailable at check threw: script `mode == 1`: cannot compare string with number using \'==\'');
  });
});

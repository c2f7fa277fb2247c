// parseCommandArgs: the usage-error and --help shapes every affect-bt command shares.
import { describe, expect, it } from 'vitest';
import { parseCommandArgs } from './args.ts';

const HELP = 'usage: affect-bt demo [--n N] FILE';

function streams() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, stdout: { write: (s: string) => out.push(s) }, stderr: { write: (s: string) => err.push(s) } };
}

describe('parseCommandArgs', () => {
  it('returns typed values, defaults and positionals', () => {
    const s = streams();
    const a = parseCommandArgs('demo', HELP, ['f.yaml', '--n', '3'], { n: { type: 'string' }, mode: { type: 'string', default: 'x' }, tag: { type: 'string', multiple: true } }, { positionals: true, ...s });
    if (typeof a === 'number') throw new Error(`expected values, got exit code ${a}`);
    expect(a.values.n).toBe('3');
    expect(a.values.mode).toBe('x');
    expect(a.values.tag).toBeUndefined();
    expect(a.values.help).toBeUndefined();
    expect(a.positionals).toEqual(['f.yaml']);
    expect(s.out.join('') + s.err.join('')).toBe('');
  });

  it('prints the parse error, a blank line and the help on stderr and returns 2', () => {
    const s = streams();
    expect(parseCommandArgs('demo', HELP, ['--bogus'], { n: { type: 'string' } }, s)).toBe(2);
    expect(s.err.join('')).toBe(`affect-bt demo: Unknown option '--bogus'\n\n${HELP}\n`);
    expect(s.out).toEqual([]);
    const t = streams();
    expect(parseCommandArgs('demo', HELP, ['--n'], { n: { type: 'string' } }, t)).toBe(2);
    expect(t.err.join('')).toBe(`affect-bt demo: Option '--n <value>' argument missing\n\n${HELP}\n`);
  });

  it('rejects positionals unless allowed', () => {
    const s = streams();
    expect(parseCommandArgs('demo', HELP, ['extra'], {}, s)).toBe(2);
    expect(s.err.join('')).toBe(`affect-bt demo: Unexpected argument 'extra'. This command does not take positional arguments\n\n${HELP}\n`);
  });

  it('--help and -h print the help (or fullHelp) on stdout and return 0; a parse error wins', () => {
    for (const flag of ['--help', '-h']) {
      const s = streams();
      expect(parseCommandArgs('demo', HELP, [flag], {}, s)).toBe(0);
      expect(s.out.join('')).toBe(HELP + '\n');
      expect(s.err).toEqual([]);
    }
    const f = streams();
    expect(parseCommandArgs('demo', HELP, ['--help'], {}, { fullHelp: HELP + '\nmore flags', ...f })).toBe(0);
    expect(f.out.join('')).toBe(`${HELP}\nmore flags\n`);
    const e = streams();
    expect(parseCommandArgs('demo', HELP, ['--help', '--bogus'], {}, e)).toBe(2);
    expect(e.out).toEqual([]);
  });

  it('usage(message) prints the same shape with the hint appended and returns 2', () => {
    const s = streams();
    const hint = (m: string) => (m.includes('password') ? ' (use the environment)' : '');
    const a = parseCommandArgs('demo', HELP, [], {}, { hint, ...s });
    if (typeof a === 'number') throw new Error(`expected values, got exit code ${a}`);
    expect(a.usage('give exactly one FILE')).toBe(2);
    expect(s.err.join('')).toBe(`affect-bt demo: give exactly one FILE\n\n${HELP}\n`);
    const t = streams();
    expect(parseCommandArgs('demo', HELP, ['--password', 'x'], {}, { hint, ...t })).toBe(2);
    expect(t.err.join('')).toBe(`affect-bt demo: Unknown option '--password' (use the environment)\n\n${HELP}\n`);
  });
});

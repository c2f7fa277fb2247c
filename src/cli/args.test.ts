// parseCommandArgs: the usage-error and --help shapes every affect-bt command shares,
// and the values every command checks the same way (numbers, broker URLs, output paths).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkBrokerUrl, checkOutputPath, parseCommandArgs } from './args.ts';

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

describe('checked values: numbers, broker URLs, output paths', () => {
  it('numbers are checked for type and range, and returned as numbers', () => {
    const rules = { episodes: { integer: true, min: 1, max: 1_000_000 }, rate: { above: 0 } } as const;
    const opts = { episodes: { type: 'string', default: '200' }, rate: { type: 'string' } } as const;
    const ok = parseCommandArgs('demo', HELP, ['--rate', '2.5'], opts, { numbers: rules, ...streams() });
    if (typeof ok === 'number') throw new Error(`expected values, got exit code ${ok}`);
    expect(ok.numbers).toEqual({ episodes: 200, rate: 2.5 });
    for (const [args, message] of [
      [['--episodes', '-3'], '--episodes must be ≥ 1, got -3'],
      [['--episodes', 'abc'], "--episodes must be an integer, got 'abc'"],
      [['--episodes', '2.5'], '--episodes must be an integer, got 2.5'],
      [['--episodes', '2000000'], '--episodes must be ≤ 1000000, got 2000000'],
      [['--episodes', ''], "--episodes must be an integer, got ''"],
      [['--rate', '0'], '--rate must be > 0, got 0'],
      [['--rate', 'fast'], "--rate must be a number, got 'fast'"],
    ] as const) {
      const s = streams();
      expect(parseCommandArgs('demo', HELP, [...args], opts, { numbers: rules, ...s })).toBe(2);
      expect(s.err.join('')).toBe(`affect-bt demo: ${message}\n\n${HELP}\n`);
    }
  });

  it('broker URLs must have a broker scheme and a host, with a "did you mean" for host:port', () => {
    expect(checkBrokerUrl('--mqtt', 'mqtt://127.0.0.1:1883')).toBeUndefined();
    expect(checkBrokerUrl('--mqtt', 'mqtts://broker.plant:8883')).toBeUndefined();
    expect(checkBrokerUrl('--mqtt', 'ws://localhost:8080/mqtt')).toBeUndefined();
    expect(checkBrokerUrl('--mqtt', '127.0.0.1:1883')).toBe("--mqtt must be a broker URL such as mqtt://host:1883 (or mqtts://, ws://, wss://), got '127.0.0.1:1883' (did you mean mqtt://127.0.0.1:1883?)");
    expect(checkBrokerUrl('--mqtt', 'localhost:1883')).toMatch(/did you mean mqtt:\/\/localhost:1883\?\)$/);
    expect(checkBrokerUrl('--mqtt', 'http://broker:1883')).toMatch(/^--mqtt must be a broker URL .*got 'http:\/\/broker:1883'$/);
    const s = streams();
    expect(parseCommandArgs('demo', HELP, ['--mqtt', 'embedded'], { mqtt: { type: 'string' } }, { brokerUrls: { mqtt: 'url' }, ...s })).toBe(2);
    const e = parseCommandArgs('demo', HELP, ['--mqtt', 'embedded'], { mqtt: { type: 'string' } }, { brokerUrls: { mqtt: 'url-or-embedded' }, ...streams() });
    expect(typeof e).toBe('object');
  });

  it('output paths are checked before the command runs', () => {
    const dir = mkdtempSync(join(tmpdir(), 'affect-bt-args-'));
    writeFileSync(join(dir, 'file.txt'), 'x');
    expect(checkOutputPath('--json', join(dir, 'out.json'), 'file')).toBeUndefined();
    expect(checkOutputPath('--json', join(dir, 'new', 'deeper', 'out.json'), 'file')).toBeUndefined();
    expect(checkOutputPath('--plots', join(dir, 'plots'), 'dir')).toBeUndefined();
    expect(checkOutputPath('--json', dir, 'file')).toBe(`--json: cannot write ${dir}: it is a directory`);
    expect(checkOutputPath('--plots', join(dir, 'file.txt'), 'dir')).toBe(`--plots: cannot write ${join(dir, 'file.txt')}: it is a file, not a directory`);
    expect(checkOutputPath('--json', join(dir, 'file.txt', 'out.json'), 'file')).toBe(`--json: cannot write ${join(dir, 'file.txt', 'out.json')}: ${join(dir, 'file.txt')} is a file, not a directory`);
    const s = streams();
    expect(parseCommandArgs('demo', HELP, ['--json', dir], { json: { type: 'string' } }, { outputs: { json: 'file' }, ...s })).toBe(2);
    expect(s.err.join('')).toContain('it is a directory');
  });
});

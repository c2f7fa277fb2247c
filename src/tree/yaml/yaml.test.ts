// The fast YAML reader agrees with the `yaml` package wherever it accepts a text
// (values and offsets), gives up on everything outside its subset, and is never the
// one that decides a syntax error.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { FAST_UNSUPPORTED, LineIndex, readFast, readFull, readYaml, resolvePlain, type YNode } from './index.ts';

function fastOrUnsupported(text: string): YNode | null | 'unsupported' {
  try {
    return readFast(text);
  } catch (e) {
    if (e === FAST_UNSUPPORTED) return 'unsupported';
    throw e;
  }
}

const scalarText = fc.oneof(
  fc.constantFrom('a', 'part-7', 'right_hand', '0.6', '-1', '42', '0x1F', '0o17', '1e3', '.5', 'true', 'False', 'null', '~', '.inf', '-.inf', '.nan', 'x y', 'http://x', 'a#b', '-x', "'{affect}'", "'it''s'", '"q\\"d"', '"a\\nb"', '{affect}', "'x >= 3'", 'é', '1_000', '+5', '00', '-0'),
  fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_ -]{0,8}$/),
);

type Tree = string | Tree[] | { [k: string]: Tree };
const tree: fc.Arbitrary<Tree> = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalarText, tie('list'), tie('map')),
  list: fc.array(tie('node'), { maxLength: 3 }),
  map: fc.dictionary(fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,6}$/), tie('node'), { maxKeys: 3 }),
})).node as fc.Arbitrary<Tree>;

/** Renders a tree as YAML, choosing block or flow style per collection. */
function render(t: Tree, indent: number, flowBias: number[], inFlow = false): string {
  const pick = () => (flowBias.length ? flowBias.shift()! : 0) > 0.6;
  if (typeof t === 'string') return t;
  if (Array.isArray(t)) {
    if (inFlow || t.length === 0 || pick()) return `[${t.map((x) => render(x, 0, flowBias, true)).join(', ')}]`;
    return '\n' + t.map((x) => `${' '.repeat(indent)}- ${render(x, indent + 2, flowBias).replace(/^\n/, '\n')}`).join('\n');
  }
  const keys = Object.keys(t);
  if (inFlow || keys.length === 0 || pick()) return `{ ${keys.map((k) => `${k}: ${render(t[k]!, 0, flowBias, true)}`).join(', ')} }`;
  return '\n' + keys.map((k) => `${' '.repeat(indent)}${k}: ${render(t[k]!, indent + 2, flowBias)}`).join('\n');
}

describe('fast YAML reader', () => {
  it('reads what the yaml package reads, with the same values and offsets, whenever it accepts a text', () => {
    let accepted = 0;
    fc.assert(
      fc.property(tree, fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 20 }), fc.boolean(), (t, bias, comment) => {
        let text = `root: ${render(t, 2, [...bias])}\n`;
        if (comment) text = text.replace(/\n/g, ' # c\n');
        const fast = fastOrUnsupported(text);
        const full = readFull(text);
        if (fast === 'unsupported') return;
        accepted++;
        expect(full.ok, text).toBe(true);
        if (full.ok) expect(fast, text).toEqual(full.root);
      }),
      { numRuns: 600 },
    );
    expect(accepted).toBeGreaterThan(300);
  });

  it('never accepts a text the yaml package rejects, and agrees on every text it accepts (random text)', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('a', 'b', ':', ' ', '\n', '-', '#', "'", '"', '{', '}', '[', ']', ',', '1', '\t', '|', '&', '*', '?', '\\') , maxLength: 40 }), (text) => {
        const fast = fastOrUnsupported(text);
        if (fast === 'unsupported') return;
        const full = readFull(text);
        expect(full.ok, JSON.stringify(text)).toBe(true);
        if (full.ok) expect(fast, JSON.stringify(text)).toEqual(full.root);
      }),
      { numRuns: 3000 },
    );
  });

  it('reads the example trees without falling back', async () => {
    const { readFileSync, readdirSync } = await import('node:fs');
    for (const f of readdirSync('trees').filter((n) => n.endsWith('.yaml'))) {
      const r = readYaml(readFileSync(`trees/${f}`, 'utf8'));
      expect(r.ok && r.reader, f).toBe('fast');
    }
  });

  it('falls back to the yaml package for anchors, block scalars and errors (with its messages)', () => {
    const anchors = readYaml('a: &x 1\nb: *x\n');
    expect(anchors.ok && anchors.reader).toBe('yaml');
    expect(anchors.ok && anchors.root).toMatchObject({ t: 'map', items: [{ value: { value: 1 } }, { value: { value: 1 } }] });
    const block = readYaml('code: |\n  a := 1\n');
    expect(block.ok && block.root).toMatchObject({ items: [{ value: { value: 'a := 1\n', style: 'block' } }] });
    const dup = readYaml('a: 1\na: 2\n');
    expect(dup.ok).toBe(false);
    expect(!dup.ok && dup.problems[0]!.duplicateKey).toBe(true);
    const bad = readYaml('a: [1, 2\n');
    expect(!bad.ok && bad.problems[0]!.message).toMatch(/flow|sequence|\]/i);
  });

  it('resolves plain scalars with the core schema and maps offsets to lines and columns', () => {
    expect([resolvePlain('yes'), resolvePlain('TRUE'), resolvePlain('-12'), resolvePlain('1.50'), resolvePlain('')]).toEqual(['yes', true, -12, 1.5, null]);
    const idx = new LineIndex('ab\ncd\n\nef');
    expect([idx.pos(0), idx.pos(4), idx.pos(7)]).toEqual([{ line: 1, col: 1 }, { line: 2, col: 2 }, { line: 4, col: 1 }]);
  });
});

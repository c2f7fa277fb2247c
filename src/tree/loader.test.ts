// Loader tests: the bad-tree catalogue (each error checked by its text and position),
// imports, and a property test that arbitrary input only ever yields TreeLoadError.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadTreeText, loadTreeFile, validateTreeFiles, TreeLoadError, formatDiagnostic, type Diagnostic } from './index.ts';

function diagsOf(text: string, opts?: { maxDepth?: number }): Diagnostic[] {
  try {
    loadTreeText(text, 'bad.yaml', opts);
  } catch (err) {
    expect(err).toBeInstanceOf(TreeLoadError);
    return (err as TreeLoadError).diagnostics;
  }
  throw new Error('expected a TreeLoadError');
}

function linesOf(text: string, opts?: { maxDepth?: number }): string[] {
  return diagsOf(text, opts).map(formatDiagnostic);
}

const OK = `
trees:
  Main:
    Sequence:
      children:
        - ControllerAvailable: {}
        - Handover: { objectId: cup, target: right_hand }
`;

describe('loadTreeText: valid documents', () => {
  it('loads a tree, applies port defaults and picks the first tree as main', () => {
    const doc = loadTreeText(OK, 'ok.yaml');
    expect(doc.main).toBe('Main');
    const ho = doc.trees.get('Main')!.children[1]!;
    expect(ho.kind).toBe('Handover');
    expect(ho.ports).toMatchObject({ objectId: 'cup', target: 'right_hand', timeoutMs: 10000, pacing: '{pacing}' });
    expect(ho.pos).toEqual({ file: 'ok.yaml', line: 7, col: 11 });
  });

  it('accepts bare strings as port-less nodes and unquoted {key} refs', () => {
    const doc = loadTreeText(
      `trees:\n  M:\n    AffectBranch:\n      child:\n        Sequence:\n          children:\n            - PerceiveAffect: { output: {mood} }\n            - SlowHandover\n`,
      'x.yaml',
    );
    const seq = doc.trees.get('M')!.children[0]!;
    expect(seq.children[0]!.ports.output).toBe('{mood}');
    expect(seq.children[1]!.kind).toBe('SlowHandover');
  });

  it('reads subtrees from imported files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'affect-bt-'));
    writeFileSync(join(dir, 'lib.yaml'), 'trees:\n  Pace:\n    SlowHandover: { speedScale: 0.5 }\n');
    writeFileSync(join(dir, 'main.yaml'), 'imports: [lib.yaml]\nmain: M\ntrees:\n  M:\n    AffectBranch:\n      child:\n        Subtree: { tree: Pace }\n');
    return loadTreeFile(join(dir, 'main.yaml')).then((doc) => {
      expect([...doc.trees.keys()].sort()).toEqual(['M', 'Pace']);
      expect(doc.files).toHaveLength(2);
    });
  });
});

describe('loadTreeText: bad trees are reported as file:line:col with hints', () => {
  it('1. YAML syntax error', () => {
    const l = linesOf('trees:\n  Main:\n    Sequence: [a, b\n');
    expect(l[0]).toMatch(/^bad\.yaml:\d+:\d+: YAML syntax error: /);
  });

  it('2. non-YAML / not a mapping input', () => {
    expect(linesOf('just some words')[0]).toBe(
      "bad.yaml:1:1: not a tree file: expected a YAML mapping with a 'trees:' key, got a scalar (hint: see docs/trees.md for the format)",
    );
  });

  it('3. empty file', () => {
    expect(linesOf('  \n')[0]).toContain('bad.yaml:1:1: file is empty');
  });

  it("4. missing 'trees:'", () => {
    expect(linesOf('main: X\n')[0]).toContain("bad.yaml:1:1: missing 'trees:'");
  });

  it('5. unknown top-level key with did-you-mean', () => {
    expect(linesOf(`tress: {}\n${OK}`)[0]).toBe("bad.yaml:1:1: unknown top-level key 'tress' (hint: did you mean 'trees'?)");
  });

  it('6. unknown node type with did-you-mean', () => {
    const l = linesOf('trees:\n  Main:\n    Sequence:\n      children:\n        - Handovr: { objectId: a, target: b }\n');
    expect(l).toEqual(["bad.yaml:5:11: unknown node type 'Handovr' (hint: did you mean 'Handover'?)"]);
  });

  it('7. unknown port with did-you-mean', () => {
    const l = linesOf('trees:\n  Main:\n    Handover: { objectId: a, target: b, timeoutMS: 5 }\n');
    expect(l).toEqual(["bad.yaml:3:41: unknown port 'timeoutMS' on Handover (hint: did you mean 'timeoutMs'?)"]);
  });

  it('8. mistyped port', () => {
    const l = linesOf('trees:\n  Main:\n    Handover: { objectId: a, target: b, timeoutMs: soon }\n');
    expect(l[0]).toMatch(/^bad\.yaml:3:52: port 'timeoutMs' expects an integer, got string "soon" on Handover/);
  });

  it('9. port value out of range', () => {
    const l = linesOf("trees:\n  Main:\n    AffectBranch:\n      child:\n        SlowHandover: { speedScale: 1.5 }\n");
    expect(l[0]).toContain("bad.yaml:5:37: port 'speedScale' is 1.5, outside [0.05, 1] on SlowHandover");
  });

  it('10. missing required port', () => {
    const l = linesOf('trees:\n  Main:\n    Handover: { objectId: a }\n');
    expect(l[0]).toMatch(/^bad\.yaml:3:5: missing required port 'target' on Handover \(hint: where to hand it/);
  });

  it('11. wrong number of children (decorator with two, leaf with children, empty composite)', () => {
    const l = linesOf(
      'trees:\n  A:\n    Retry:\n      children:\n        - ControllerAvailable\n        - ControllerAvailable\n  B:\n    ControllerAvailable:\n      children: [ControllerAvailable]\n  C:\n    Sequence:\n      children: []\n',
    );
    expect(l).toContain('bad.yaml:4:7: Retry needs exactly 1 child, got 2 (hint: write `child:` followed by one node)');
    expect(l).toContain('bad.yaml:9:7: ControllerAvailable takes no children (hint: ControllerAvailable is a condition; move the nodes under a Sequence or Fallback)');
    expect(l.some((x) => x.startsWith('bad.yaml:12:7: Sequence needs 1..10000 children, got 0'))).toBe(true);
  });

  it('12. subtree cycle', () => {
    const l = linesOf('trees:\n  A:\n    Subtree: { tree: B }\n  B:\n    Sequence:\n      children:\n        - Subtree: { tree: A }\n');
    expect(l).toContain('bad.yaml:7:11: subtree cycle: A → B → A (hint: a tree cannot include itself, directly or through other subtrees)');
  });

  it('13. depth limit', () => {
    let yaml = 'trees:\n  Deep:\n';
    let indent = '    ';
    for (let i = 0; i < 6; i++) {
      yaml += `${indent}Inverter:\n${indent}  child:\n`;
      indent += '    ';
    }
    yaml += `${indent}ControllerAvailable: {}\n`;
    const l = linesOf(yaml, { maxDepth: 4 });
    expect(l).toHaveLength(1);
    expect(l[0]).toMatch(/^bad\.yaml:11:21: tree is deeper than the depth limit 4 \(hint: flatten the tree or raise maxDepth\)$/);
  });

  it('13b. depth limit through subtrees, and very deep YAML without a stack overflow', () => {
    const l = linesOf('trees:\n  A:\n    Inverter: { child: { Subtree: { tree: B } } }\n  B:\n    Inverter: { child: { Subtree: { tree: C } } }\n  C:\n    Inverter: { child: ControllerAvailable }\n', { maxDepth: 5 });
    expect(l).toEqual(['bad.yaml:7:24: tree is deeper than the depth limit 5 (through A → B → C) (hint: flatten the tree or raise maxDepth)']);
    let deep = 'trees:\n  D:\n    ';
    for (let i = 0; i < 3000; i++) deep += 'Inverter: { child: ';
    deep += 'ControllerAvailable' + ' }'.repeat(3000) + '\n';
    const d = diagsOf(deep);
    expect(d.length).toBeGreaterThan(0);
    for (const x of d) expect(x.message).toMatch(/tree is deeper than the depth limit 32|YAML syntax error/);
    // block-style nesting is stopped by the loader's own depth check, once
    let block = 'trees:\n  D:\n';
    let ind = '    ';
    for (let i = 0; i < 200; i++) {
      block += `${ind}Inverter:\n${ind}  child:\n`;
      ind += '    ';
    }
    const b = diagsOf(`${block}${ind}ControllerAvailable\n`);
    expect(b.map((x) => x.message)).toEqual(['tree is deeper than the depth limit 32']);
  });

  it('14. duplicate node names', () => {
    const l = linesOf('trees:\n  M:\n    Sequence:\n      children:\n        - ControllerAvailable: { name: check }\n        - Handover: { name: check, objectId: a, target: b }\n');
    expect(l).toEqual(['bad.yaml:6:29: duplicate node name \'check\' (first used at 5:40) (hint: node names must be unique within a tree: rename one)']);
  });

  it('15. duplicate tree names (YAML duplicate keys)', () => {
    const l = linesOf('trees:\n  M:\n    ControllerAvailable: {}\n  M:\n    ControllerAvailable: {}\n');
    expect(l[0]).toMatch(/^bad\.yaml:4:3: duplicate key: /);
  });

  it('16. affect node outside an AffectBranch (task-first rule)', () => {
    const l = linesOf('trees:\n  M:\n    Sequence:\n      children:\n        - DetectFrustration: {}\n        - Handover: { objectId: a, target: b }\n');
    expect(l).toEqual([
      'bad.yaml:5:11: affect node DetectFrustration must be inside an AffectBranch (task-first rule) (hint: wrap the affect nodes in `AffectBranch: { child: … }` so they can never fail the task)',
    ]);
  });

  it('17. task node inside an AffectBranch (affect cannot touch the handover)', () => {
    const l = linesOf('trees:\n  M:\n    AffectBranch:\n      child:\n        Handover: { objectId: a, target: b }\n');
    expect(l[0]).toBe(
      'bad.yaml:5:9: task node Handover cannot be inside an AffectBranch (task-first rule: affect only modulates apology and pacing) (hint: move it out of the AffectBranch into the task branch)',
    );
  });

  it('18. task-first rule is checked through subtrees', () => {
    const l = linesOf('trees:\n  M:\n    Sequence:\n      children:\n        - Subtree: { tree: Pace }\n  Pace:\n    SlowHandover: {}\n');
    expect(l[0]).toContain('bad.yaml:7:5: affect node SlowHandover must be inside an AffectBranch');
  });

  it('19. unknown subtree and unknown main tree with did-you-mean', () => {
    expect(linesOf('trees:\n  Main:\n    Subtree: { tree: Mian }\n')[0]).toBe("bad.yaml:3:5: unknown subtree 'Mian' (hint: did you mean 'Main'?)");
    expect(linesOf('main: Mainn\ntrees:\n  Main:\n    ControllerAvailable\n')[0]).toBe(
      "bad.yaml:1:1: main tree 'Mainn' is not defined (hint: did you mean 'Main'?)",
    );
  });

  it('20. a node mapping with two types', () => {
    const l = linesOf('trees:\n  M:\n    Sequence:\n      children:\n        - ControllerAvailable: {}\n          Handover: { objectId: a, target: b }\n');
    expect(l[0]).toMatch(/^bad\.yaml:5:11: a node must have exactly one key \(its type\), found 2: ControllerAvailable, Handover/);
  });

  it('21. malformed blackboard key and bad remap', () => {
    const l = linesOf("trees:\n  M:\n    AffectBranch:\n      child:\n        Sequence:\n          children:\n            - PerceiveAffect: { output: 'affect' }\n            - Subtree: { tree: P, remap: { frustrated: 'nope' } }\n  P:\n    SlowHandover: {}\n");
    expect(l[0]).toContain("bad.yaml:7:41: port 'output' expects a blackboard key in braces, got string \"affect\" on PerceiveAffect");
    expect(l[1]).toContain("bad.yaml:8:56: remap of 'frustrated' must name a blackboard key in braces");
  });

  it('22. cross-port check: hysteresis and pacing bounds', () => {
    const l = linesOf('trees:\n  M:\n    AffectBranch:\n      child:\n        Sequence:\n          children:\n            - DetectFrustration: { threshold: 0.5, releaseThreshold: 0.7 }\n            - SlowHandover: { speedScale: 0.2, minSpeedScale: 0.3 }\n');
    expect(l).toEqual([
      'bad.yaml:7:15: releaseThreshold 0.7 is above threshold 0.5 on DetectFrustration (hint: hysteresis needs releaseThreshold ≤ threshold)',
      'bad.yaml:8:15: speedScale 0.2 is below minSpeedScale 0.3 on SlowHandover (hint: pacing must stay within [minSpeedScale, 1])',
    ]);
  });

  it('reports ALL errors of a file at once, sorted by position', () => {
    const l = linesOf('trees:\n  M:\n    Sequence:\n      children:\n        - Handovr: {}\n        - Handover: { objectId: a }\n        - Retry: { numAttempts: 0, child: ControllerAvailable }\n');
    expect(l).toHaveLength(3);
    expect(l.map((x) => x.split(': ')[0])).toEqual(['bad.yaml:5:11', 'bad.yaml:6:11', 'bad.yaml:7:11']);
    expect(new TreeLoadError(diagsOf('x: 1')).message.split('\n')).toHaveLength(2);
  });

  it('reports an unreadable file and imports that cannot be read', async () => {
    await expect(loadTreeFile('does/not/exist.yaml')).rejects.toThrow('does/not/exist.yaml:1:1: cannot read file: ENOENT');
    const l = linesOf('imports: [missing.yaml]\ntrees:\n  M:\n    ControllerAvailable\n');
    expect(l[0]).toContain("bad.yaml:1:11: cannot read import 'missing.yaml': ENOENT");
  });

  it('imports: cycles are read once; a tree name defined twice across files is an error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'affect-bt-'));
    writeFileSync(join(dir, 'a.yaml'), 'imports: [b.yaml]\ntrees:\n  A:\n    Subtree: { tree: B }\n');
    writeFileSync(join(dir, 'b.yaml'), 'imports: [a.yaml]\ntrees:\n  B:\n    ControllerAvailable\n');
    expect([...(await loadTreeFile(join(dir, 'a.yaml'))).trees.keys()].sort()).toEqual(['A', 'B']);
    writeFileSync(join(dir, 'c.yaml'), 'imports: [b.yaml]\ntrees:\n  B:\n    ControllerAvailable\n');
    await expect(loadTreeFile(join(dir, 'c.yaml'))).rejects.toThrow(`${join(dir, 'c.yaml')}:3:3: duplicate tree name 'B' (also defined at ${join(dir, 'b.yaml')}:3:3)`);
  });

  it('validateTreeFiles collects diagnostics of several files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'affect-bt-'));
    writeFileSync(join(dir, 'a.yaml'), 'trees:\n  M:\n    Handovr: {}\n');
    writeFileSync(join(dir, 'b.yaml'), 'nope');
    const d = await validateTreeFiles([join(dir, 'a.yaml'), join(dir, 'b.yaml')]);
    expect(d.map((x) => x.file)).toEqual([join(dir, 'a.yaml'), join(dir, 'b.yaml')]);
  });
});

describe('loadTreeText: robustness (property)', () => {
  const kinds = ['Sequence', 'Fallback', 'ReactiveSequence', 'AffectBranch', 'Retry', 'Handover', 'SlowHandover', 'Subtree', 'Nope'];
  const yamlish = fc.letrec((tie) => ({
    value: fc.oneof(
      { depthSize: 'small' },
      fc.constantFrom(null, true, 0, -1, 1.5, 'x', '{k}', '', 'trees', 'children'),
      fc.string(),
      fc.array(tie('value'), { maxLength: 3 }),
      fc.dictionary(fc.oneof(fc.constantFrom(...kinds, 'trees', 'children', 'child', 'name', 'main', 'tree', 'remap', 'speedScale'), fc.string()), tie('value'), { maxKeys: 3 }),
    ),
  }));

  it('random text and random YAML structures only ever throw TreeLoadError', async () => {
    const { stringify } = await import('yaml');
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 200 }), yamlish.value.map((v) => stringify({ trees: v })), yamlish.value.map((v) => stringify(v))), (text) => {
        try {
          loadTreeText(text, 'fuzz.yaml');
        } catch (err) {
          if (!(err instanceof TreeLoadError)) throw err;
          for (const d of err.diagnostics) {
            if (!(d.line >= 1 && d.col >= 1 && d.message.length > 0)) throw new Error(`bad diagnostic ${JSON.stringify(d)}`);
          }
        }
      }),
      { numRuns: 400 },
    );
  });
});

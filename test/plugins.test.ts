// Custom nodes everywhere: node modules loaded by `--nodes` and by a tree's `nodes:`
// header in validate, render, tick, sim, run and schema (through the real CLI), in a
// worker thread given their paths, and bad modules — syntax error, throw on import,
// nothing exported, a redefined built-in, an invalid port — each reported as one line
// naming the file (and node), exit 1, no stack trace.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { beforeAll, describe, expect, it } from 'vitest';
import { cellTreeWithBeep } from './support/plugin-fixtures.ts';
import { REPO_ROOT, runCli } from './support/processes.ts';

let dir: string;

/** A leaf that needs no import: a plain Behaviour-shaped object (defineNode's output shape). */
const BEEP = `class Beep { feedback = ''; setup() {} initialise() {} update() { this.feedback = 'beep'; return 'SUCCESS'; } terminate() {} deadline() { return undefined; } }
export const BeepNode = { kind: 'Beep', category: 'condition', role: 'task', description: 'beeps, then succeeds', children: { min: 0, max: 0 }, example: 'Beep: {}',
  ports: [{ name: 'times', type: 'integer', default: 1, min: 1, max: 5, description: 'how often' }], create: () => new Beep() };`;

const MODULES: Record<string, string> = {
  'good.mjs': `${BEEP}\nexport default { nodes: [BeepNode], keys: { 'beep/count': { type: 'number', description: 'beeps so far' } } };\n`,
  'named.mjs': `${BEEP.replace('export const BeepNode', 'const BeepNode')}\nexport const nodes = [BeepNode];\n`,
  'syntax.mjs': `// a typo on line 2\nexport default { nodes: [ BeepNode, };\n`,
  'throws.mjs': `throw new Error('no part feeder configured');\n`,
  'empty.mjs': `export const feeder = 1;\nexport function helper() {}\n`,
  'dup.mjs': `${BEEP.replace("kind: 'Beep'", "kind: 'Handover'")}\nexport default { nodes: [BeepNode] };\n`,
  'badport.mjs': `${BEEP.replace("type: 'integer'", "type: 'float'")}\nexport default { nodes: [BeepNode] };\n`,
};

const cli = (args: string[]) => runCli(args, dir);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'affect-bt-plugins-'));
  for (const [name, text] of Object.entries(MODULES)) writeFileSync(join(dir, name), text);
  writeFileSync(join(dir, 'cell.yaml'), cellTreeWithBeep(''));
  writeFileSync(join(dir, 'header.yaml'), cellTreeWithBeep('nodes: [./good.mjs]\n'));
  writeFileSync(join(dir, 'bad-header.yaml'), cellTreeWithBeep('nodes:\n  - ./syntax.mjs\n'));
  writeFileSync(join(dir, 'config.yaml'), 'tree: cell.yaml\nnodes: [good.mjs]\nrobot: { manufacturer: acme, serialNumber: c1 }\n');
});

describe('custom nodes in every command', () => {
  it('validate: unknown without the module; valid with --nodes (default or named exports) or a nodes: header', async () => {
    const [none, flag, named, header] = await Promise.all([cli(['validate', 'cell.yaml']), cli(['validate', '--nodes', './good.mjs', 'cell.yaml']), cli(['validate', '--nodes', 'named.mjs', 'cell.yaml']), cli(['validate', 'header.yaml'])]);
    expect(none.code).toBe(1);
    expect(none.err).toContain("cell.yaml:7:11: unknown node type 'Beep'");
    expect([flag.code, named.code, header.code]).toEqual([0, 0, 0]);
    expect(header.out).toBe('ok: 1 file valid\n');
  });

  it('render, tick, sim, run --check and schema load them too', async () => {
    const [render, tick, sim, run, schema] = await Promise.all([
      cli(['render', 'header.yaml']),
      cli(['tick', '--tree', 'cell.yaml', '--nodes', 'good.mjs', '--ticks', '3']),
      cli(['sim', '--tree', 'header.yaml', '--nodes', 'good.mjs', '--scenario', 'calm_expert', '--episodes', '2', '--quiet', '--json', 'out/sim.json']),
      cli(['run', '--config', 'config.yaml', '--check']),
      cli(['schema', '--nodes', 'good.mjs']),
    ]);
    expect(render.code).toBe(0);
    expect(render.out.split('\n')).toContain('  Beep');
    expect(tick.code).toBe(0);
    expect(tick.out).toContain('Beep [SUCCESS] beep');
    expect(sim.code).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'out/sim.json'), 'utf8')).scenarios[0].trees[0].tree).toBe('header');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.out).config.nodes).toEqual([join(dir, 'good.mjs')]);
    expect(schema.code).toBe(0);
    expect(JSON.parse(schema.out).definitions.Beep.properties.times).toMatchObject({ type: 'integer', minimum: 1, maximum: 5, default: 1 });
  });

  it('sim --workers 2 loads them in its worker threads by path (--nodes and a nodes: header), with the results of one thread', async () => {
    const sim = (tree: string, workers: string, out: string) =>
      cli(['sim', '--tree', tree, '--nodes', 'good.mjs', '--scenario', 'calm_expert', '--episodes', '12', '--quiet', '--workers', workers, '--json', out]);
    const runs = await Promise.all([sim('cell.yaml', '1', 'out/w1.json'), sim('cell.yaml', '2', 'out/w2.json'), sim('header.yaml', '2', 'out/h2.json')]);
    for (const r of runs) expect(r.code, r.err).toBe(0);
    const one = readFileSync(join(dir, 'out/w1.json'), 'utf8');
    expect(readFileSync(join(dir, 'out/w2.json'), 'utf8')).toBe(one);
    expect(JSON.parse(readFileSync(join(dir, 'out/h2.json'), 'utf8')).scenarios[0].trees[0].metrics).toEqual(JSON.parse(one).scenarios[0].trees[0].metrics);
  }, 60_000);

  it('a worker thread loads the modules from their paths', async () => {
    const worker = new Worker(resolve(REPO_ROOT, 'test/support/ts-worker.mjs'), {
      workerData: { entry: resolve(REPO_ROOT, 'test/support/plugin-worker.ts'), nodes: [join(dir, 'good.mjs')], tree: join(dir, 'cell.yaml') },
    });
    const msg = await new Promise<{ status: string; origin: string; text: string }>((res, rej) => {
      worker.once('message', res);
      worker.once('error', rej);
    });
    await worker.terminate();
    expect(msg.status).toBe('RUNNING');
    expect(msg.origin).toBe(join(dir, 'good.mjs'));
    expect(msg.text).toContain('Beep [SUCCESS] beep');
  });
});

describe('bad node modules: one line naming the file (and node), exit 1, no stack trace', () => {
  it.each([
    ['syntax.mjs', /^affect-bt validate: syntax\.mjs:2:37: syntax error: Unexpected token '\}'$/],
    ['throws.mjs', /^affect-bt validate: throws\.mjs: threw while loading: no part feeder configured$/],
    ['empty.mjs', /^affect-bt validate: empty\.mjs: exports no nodes; write `export default \{ nodes: \[MyNode\] \}` with MyNode = defineNode\(\{…\}\) \(exports found: feeder, helper\)$/],
    ['dup.mjs', /^affect-bt validate: dup\.mjs: node 'Handover' is already defined by affect-bt \(built-in nodes\); give yours another name$/],
    ['badport.mjs', /^affect-bt validate: badport\.mjs: node 'Beep': port 'times' has type "float"; expected one of number, integer, string, boolean, key, enum, scalar, script$/],
    ['missing.mjs', /^affect-bt validate: missing\.mjs: cannot find the node module \(looked for .*missing\.mjs\)$/],
  ])('%s', async (file, line) => {
    const r = await cli(['validate', '--nodes', file, 'cell.yaml']);
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err.trimEnd().split('\n')).toHaveLength(1);
    expect(r.err.trimEnd()).toMatch(line);
  });

  it('from a nodes: header the problem is a diagnostic at the entry', async () => {
    const r = await cli(['validate', 'bad-header.yaml']);
    expect(r.code).toBe(1);
    expect(r.err.trimEnd().split('\n')).toEqual([`bad-header.yaml:2:5: ./syntax.mjs:2:37: syntax error: Unexpected token '}'`, '1 error in 1 file']);
  });
});
